"""Generated sets, 10 jobs against 1,000,000, per vendor: start-up (create_app), resident memory,
the latency of a job-detail GET and of a filtered list page (in-process, median). The goal: memory
and detail latency flat (within 10 %) between the two.

    python bench/generated.py [--vendors nunu] [--counts 10,1000000]

Each measurement runs in a fresh process on a copy of the bundled fixtures whose generated block
is given the count (in each of its ``fields``, with ``extra`` settings). URLs are formatted with
``id`` (a control-API job id), ``job`` (its part after the last ``:``), ``page`` (list) and
``run`` (detail: taken from the answer to ``sample``, formatted with ``n`` < count, at
``sample_path``) when the vendor reads jobs through another id.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import ROOT, report

INTUNED = "/intuned/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/my-project"

#: Per vendor: the bundled file holding its generate block, and the requests measured.
VENDORS: dict[str, dict[str, object]] = {
    "nunu": {
        "file": "generated.yaml",
        "detail": "/nunu/api/v1/jobs/{id}",
        "list": "/nunu/api/v1/jobs?status=completed&page_size=20&page={page}",
        "headers": '{"X-Api-Key": "nunu_test_key"}',
    },
    # `count` jobs with `count` past runs each (a million by a million: 10^12 runs, none
    # stored). Daily schedules are left out: a million days reaches back past year 1.
    "intuned": {
        "file": "generated.yaml",
        "fields": ["count", "runs"],
        "extra": {"schedules": {"15m": 1, "1h": 3}, "manual_every": "1h"},
        "sample": INTUNED + "/jobs/{job}/runs?pageSize=1&pageNumber={n}",
        "sample_path": ["jobRuns", 0, "id"],
        "detail": INTUNED + "/jobs/{job}/runs/{run}",
        "list": INTUNED + "/jobs/{job}/runs?pageSize=20&pageNumber={page}&sortBy=status,asc",
        "headers": '{"x-api-key": "intuned_test_key"}',
    },
}

PROBE = r"""
import json, random, resource, statistics, sys, time, tempfile, shutil
from pathlib import Path
import yaml
t0 = time.perf_counter()
from jobmock import Settings, create_app
from jobmock.testing import InProcessHandle, JobmockTransport
import httpx

vendor, count, conf = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
root = Path(tempfile.mkdtemp())
shutil.copytree(Path(sys.argv[4]) / vendor, root / vendor)
path = root / vendor / conf["file"]
doc = yaml.safe_load(path.read_text())
for block in doc["generate"]:
    for field in conf.get("fields", ["count"]):
        block[field] = count
    block.update(conf.get("extra", {}))
path.write_text(yaml.safe_dump(doc))
t1 = time.perf_counter()
app = create_app(Settings(clock="manual", vendors=vendor, fixtures=root))
t2 = time.perf_counter()
handle = InProcessHandle(app)
total = handle._call("GET", f"/jobs/{vendor}", params={"limit": 1})["total"]
rng = random.Random(1)
ids = []
for _ in range(200):
    offset = total - 1 - rng.randrange(min(count, total))
    ids.extend(handle.job_ids(vendor, offset=offset, limit=1))
headers = json.loads(conf["headers"])
with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock",
                  headers=headers) as client:
    def timed(urls):
        samples = []
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code, response.text[:200])
        return statistics.median(samples) * 1000
    def fields(i):
        found = {"id": i, "job": i.rsplit(":", 1)[-1]}
        if "sample" in conf:
            body = client.get(conf["sample"].format(n=rng.randrange(count), **found)).json()
            for step in conf["sample_path"]:
                body = body[step]
            found["run"] = body
        return found
    targets = [fields(i) for i in ids]
    for url in [conf["detail"].format(**f) for f in targets[:50]]:
        client.get(url)
    detail = timed([conf["detail"].format(**f) for f in targets * 5])
    pages = max(1, min(count, 10000) // 20)
    wanted = [(rng.randrange(pages), rng.choice(targets)) for _ in range(200)]
    listing = timed([conf["list"].format(page=p, offset=p * 20, **f) for p, f in wanted])
rss = int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"create_app_ms": (t2 - t1) * 1000, "rss_mb": rss, "peak_rss_mb": peak,
                  "detail_ms": detail, "list_page_ms": listing, "jobs": total}))
"""


def measure(vendor: str, count: int) -> dict[str, float]:
    conf = VENDORS[vendor]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, vendor, str(count), json.dumps(conf), str(ROOT / "fixtures")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", default=",".join(VENDORS))
    parser.add_argument("--counts", default="10,1000000")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    results: dict[str, float] = {}
    for vendor in args.vendors.split(","):
        rows = {count: measure(vendor, count) for count in counts}
        for count, row in rows.items():
            for key, value in row.items():
                results[f"{vendor}_{count}_{key}"] = value
        small, large = rows[counts[0]], rows[counts[-1]]
        results[f"{vendor}_rss_ratio"] = large["rss_mb"] / small["rss_mb"]
        results[f"{vendor}_detail_ratio"] = large["detail_ms"] / small["detail_ms"]
        results[f"{vendor}_list_ratio"] = large["list_page_ms"] / small["list_page_ms"]
    report("generated", results)


if __name__ == "__main__":
    main()
