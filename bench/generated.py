"""Generated sets, 10 jobs against 1,000,000, per vendor: start-up (create_app), resident memory,
the latency of a job-detail GET and of a filtered list page (in-process, median). The goal: memory
and detail latency flat (within 10 %) between the two. And, at the largest count, each paged
list's page 0 against its deepest full page (page 49,999 of a million unfiltered jobs): the goal
is the same cost (within 10 %).

    python bench/generated.py [--vendors nunu] [--counts 10,1000000] [--deep-only]

Each measurement runs in a fresh process on a copy of the bundled fixtures whose generated block
is given the count (in each of its ``fields``, with ``extra`` settings). URLs are formatted with
``id`` (a control-API job id), ``job`` (its part after the last ``:``), ``page``/``offset`` (list)
and ``run`` (detail: taken from the answer to ``sample``, formatted with ``n`` < count, at
``sample_path``) when the vendor reads jobs through another id. Per vendor, ``headers`` may hold
``{token}``: a token the vendor's
``mint_token`` signs for its fixtures. A vendor whose list has no paging (``stream``) is measured
by the time to the first bytes of its streamed list (``list_page_ms``: the pipelines and the
newest jobs), and by one whole list, read and dropped as it arrives (``list_full_ms``,
``list_mb``); peak memory then includes that. Deep pages are measured on the generated jobs
alone (the ``drop`` files left out), in CPU time, page 0 and the deep page taking turns.
Every timed request carries a header of its own (``X-Bench-Request``), so none is answered
from a kept answer (``core.replays``): the figures are the full path's.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from typing import Any

from common import ROOT, report

#: Per vendor: the bundled file holding its generate block, and the requests measured. A list URL
#: may use ``{page}`` (0-based) or ``{offset}`` (``page * 20``).
INTUNED = "/intuned/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/my-project"

VENDORS: dict[str, dict[str, object]] = {
    "nunu": {
        "file": "generated.yaml",
        "detail": "/nunu/api/v1/jobs/{id}",
        "list": "/nunu/api/v1/jobs?status=completed&page_size=20&page={page}",
        "headers": '{"X-Api-Key": "nunu_test_key"}',
        "drop": ["jobs.yaml", "seed.yaml"],
        "deep": {
            "jobs": "/nunu/api/v1/jobs?page_size=20&page={page}",
            "jobs, status=completed": "/nunu/api/v1/jobs?status=completed&page_size=20&page={page}",
            "runs, bugs=true": "/nunu/api/v1/runs?bugs=true&page_size=20&page={page}",
        },
        "total": ["pagination", "total_count"],
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
        "drop": ["jobs.yaml"],
        "deep": {
            "a job's runs": INTUNED + "/jobs/{job}/runs?pageSize=20&pageNumber={page}",
            "runs, sortBy=status,asc": INTUNED
            + "/jobs/{job}/runs?pageSize=20&pageNumber={page}&sortBy=status,asc",
        },
        "total": ["totalCount"],
    },
    "prunner": {
        "file": "generated.yaml",
        "detail": "/prunner/job/detail?id={id}",
        "list": "/prunner/pipelines/jobs",
        "headers": '{"Authorization": "Bearer {token}"}',
        "stream": "yes",
    },
    "osapi": {
        "file": "generated.yaml",
        "detail": "/osapi/job/{id}",
        "list": "/osapi/job?status=failed&limit=20&offset={offset}",
        "headers": '{"Authorization": "Bearer {token}"}',
        "drop": ["jobs.yaml", "seed.yaml"],
        "deep": {
            "jobs": "/osapi/job?limit=20&offset={offset}",
            "jobs, status=failed": "/osapi/job?status=failed&limit=20&offset={offset}",
        },
        "total": ["total_items"],
    },
}

SETUP = r"""
import asyncio, json, random, resource, statistics, sys, time, tempfile, shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
import yaml
t0 = time.perf_counter()
from jobmock import Settings, create_app
from jobmock.testing import InProcessHandle, JobmockTransport
import httpx

vendor, count, conf = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
root = Path(tempfile.mkdtemp())
shutil.copytree(Path(sys.argv[4]) / vendor, root / vendor)
for name in conf.get("dropped", []):  # generated jobs only: no fixture job on page 0
    (root / vendor / name).unlink()
path = root / vendor / conf["file"]
doc = yaml.safe_load(path.read_text())
for block in doc["generate"]:
    for field in conf.get("fields", ["count"]):
        block[field] = count
    block.update(conf.get("extra", {}))
path.write_text(yaml.safe_dump(doc))
headers = json.loads(conf["headers"])
if any("{token}" in value for value in headers.values()):
    # Signed before the app starts: a token must not be issued after the mock clock's start.
    from jobmock.core.vendor import TokenRequest
    from jobmock.vendors import get_vendor
    minted = get_vendor(vendor).mint_token(
        root / vendor, TokenRequest(now=datetime.now(UTC), subject="bench")
    )
    headers = {key: value.replace("{token}", minted) for key, value in headers.items()}
t1 = time.perf_counter()
app = create_app(Settings(clock="manual", vendors=vendor, fixtures=root))
t2 = time.perf_counter()
handle = InProcessHandle(app)
total = handle._call("GET", f"/jobs/{vendor}", params={"limit": 1})["total"]
"""

PROBE = (
    SETUP
    + r"""
rng = random.Random(1)
ids = []
for _ in range(200):
    offset = total - 1 - rng.randrange(min(count, total))
    ids.extend(handle.job_ids(vendor, offset=offset, limit=1))


async def stream(url, first_only):
    # The raw ASGI app, as a server would drive it: (seconds to the first body bytes, seconds to
    # the end, bytes), each chunk dropped as it arrives; first_only hangs up after the first.
    parts = urlsplit(url)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": parts.path,
             "raw_path": parts.path.encode(), "root_path": "",
             "query_string": parts.query.encode(), "server": ("jobmock", 80),
             "client": ("127.0.0.1", 1),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    first, done, asked, size = asyncio.Event(), asyncio.Event(), asyncio.Event(), [0]
    async def receive():
        if asked.is_set():
            await done.wait()
            return {"type": "http.disconnect"}
        asked.set()
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        if message["type"] == "http.response.body" and message.get("body"):
            size[0] += len(message["body"])
            first.set()
    start = time.perf_counter()
    task = asyncio.ensure_future(app(scope, receive, send))
    await asyncio.wait([task, asyncio.ensure_future(first.wait())],
                       return_when=asyncio.FIRST_COMPLETED)
    to_first = time.perf_counter() - start
    if first_only:
        task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    done.set()
    return to_first, time.perf_counter() - start, size[0]

extra = {}
with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock",
                  headers=headers) as client:
    def timed(urls):
        samples = []
        for n, url in enumerate(urls):
            start = time.perf_counter()
            response = client.get(url, headers={"X-Bench-Request": str(n)})
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
    if conf.get("stream"):
        async def firsts():
            return [(await stream(conf["list"], True))[0] for _ in range(201)][1:]
        listing = statistics.median(asyncio.run(firsts())) * 1000
        _, whole, size = asyncio.run(stream(conf["list"], False))
        extra = {"list_full_ms": whole * 1000, "list_mb": size / 1e6}
    else:
        pages = max(1, min(count, 10000) // 20)
        wanted = [(rng.randrange(pages), rng.choice(targets)) for _ in range(200)]
        listing = timed([conf["list"].format(page=p, offset=p * 20, **f) for p, f in wanted])
rss = int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"create_app_ms": (t2 - t1) * 1000, "rss_mb": rss, "peak_rss_mb": peak,
                  "detail_ms": detail, "list_page_ms": listing, "jobs": total, **extra}))
"""
)

#: Page 0 against the deepest full page of each list, in CPU time (both threads: the client's
#: and the app's), interleaved, medians; on generated jobs only.
DEEP = (
    SETUP
    + r"""
job = handle.job_ids(vendor, offset=total - 1, limit=1)[0].rsplit(":", 1)[-1]
found = {}
with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock",
                  headers=headers) as client:
    for label, url in conf["deep"].items():
        body = client.get(url.format(page=0, offset=0, job=job)).json()
        for step in conf["total"]:
            body = body[step]
        deepest = body // 20 - 1
        urls = [url.format(page=p, offset=p * 20, job=job) for p in (0, deepest)]
        samples = [[], []]
        for n in range(201):
            for k, u in enumerate(urls):
                start = time.process_time()
                response = client.get(u, headers={"X-Bench-Request": f"{n}-{k}"})
                if n:  # the first is a warm-up
                    samples[k].append(time.process_time() - start)
                assert response.status_code == 200, (u, response.text[:200])
        found[label] = {"total": body, "deep_page": deepest,
                        "page0_ms": statistics.median(samples[0]) * 1000,
                        "deep_ms": statistics.median(samples[1]) * 1000}
print(json.dumps(found))
"""
)


def measure(vendor: str, count: int, probe: str = PROBE, **conf: object) -> dict[str, Any]:
    settings = json.dumps({**VENDORS[vendor], **conf})
    out = subprocess.run(
        [sys.executable, "-c", probe, vendor, str(count), settings, str(ROOT / "fixtures")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def deep_pages(vendor: str, count: int) -> dict[str, float]:
    """Page 0 and the deepest full page of each of the vendor's lists, over ``count`` generated
    jobs and nothing else."""
    conf = VENDORS[vendor]
    if "deep" not in conf:
        print(f"{vendor}: no paged list (its job list is streamed whole)")
        return {}
    results: dict[str, float] = {}
    rows = measure(vendor, count, DEEP, dropped=conf["drop"])
    print(f"\n{vendor}, {count:,} generated jobs | page 0 | deepest full page | ratio")
    for label, row in rows.items():
        ratio = row["deep_ms"] / row["page0_ms"]
        print(
            f"{label} ({row['total']:,}) | {row['page0_ms']:.2f} ms | "
            f"{row['deep_ms']:.2f} ms (page {row['deep_page']:,}) | {ratio:.2f}"
        )
        key = re.sub(r"\W+", "_", f"{vendor}_{label}")
        results |= {f"{key}_page0_ms": row["page0_ms"], f"{key}_deep_ms": row["deep_ms"]}
        results[f"{key}_deep_ratio"] = ratio
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", default=",".join(VENDORS))
    parser.add_argument("--counts", default="10,1000000")
    parser.add_argument("--deep-only", action="store_true", help="only page 0 against deep pages")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    results: dict[str, float] = {}
    for vendor in args.vendors.split(","):
        results |= deep_pages(vendor, counts[-1])
        if args.deep_only:
            continue
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
