"""``--follow``: a job that runs on the vendor's (manual) clock, polled until it ends. The test
moves the vendor's clock and waits for the follower's next read after each move (so what it saw
is what the clock showed then); the recording then replays on a second jobmock: at each of
those moments, the same documents, byte for byte."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import yaml

from jobmock.cli import main
from jobmock.core.auth import mint_jwt
from jobmock.testing import MockServer
from tests.conftest import START
from tests.recording.conftest import (
    INTUNED_KEY,
    NUNU_KEY,
    PRUNNER_SECRET,
    WORKSPACE,
    osapi_token,
    playing,
    replaying,
)
from tests.recording.test_replay import bearer
from tests.vendors.osapi.conftest import token as default_osapi_token
from tests.vendors.prunner.conftest import token as default_prunner_token

Snapshot = Callable[[httpx.Client], list[bytes]]
#: The test's own reads of the vendor, told apart from the follower's.
SNAPSHOT_AGENT = "test-snapshot"


def _read_since(vendor: MockServer, slug: str, job: str, when: datetime) -> None:
    """Until the follower has read the job at ``when`` on the vendor's clock."""
    deadline = time.monotonic() + 20
    while True:
        reads = [
            read
            for read in vendor.handle.requests(vendor=slug, job=job)
            if read.headers.get("user-agent") != SNAPSHOT_AGENT
        ]
        if reads and datetime.fromisoformat(reads[-1].at) >= when:
            return
        assert time.monotonic() < deadline, "the follower stopped reading"
        time.sleep(0.005)  # waiting for the follower's next read; the clock stays put


def follow(
    vendor: MockServer,
    slug: str,
    job: str,
    args: list[str],
    out: Path,
    moments: list[int],
    theirs: httpx.Client,
    snapshot: Snapshot,
) -> dict[int, list[bytes]]:
    """Record ``job`` with ``--follow`` while the vendor's clock moves to each of ``moments``
    (seconds from START); what ``snapshot`` read from the vendor at each."""
    codes: list[int] = []
    command = ["record", slug, "--base-url", vendor.base_url(slug), *args, "--follow", job]
    command += ["--interval", "0.01s", "--timeout", "60s", "--out", str(out)]
    theirs.headers["User-Agent"] = SNAPSHOT_AGENT
    follower = threading.Thread(target=lambda: codes.append(main(command)))
    follower.start()
    seen = {0: snapshot(theirs)}
    _read_since(vendor, slug, job, START)
    for moment in moments:
        vendor.handle.set_time(START + timedelta(seconds=moment))
        seen[moment] = snapshot(theirs)
        _read_since(vendor, slug, job, START + timedelta(seconds=moment))
    follower.join(30)
    assert codes == [0]
    return seen


def replays(
    out: Path,
    slug: str,
    headers: dict[str, str],
    prefix: str,
    seen: dict[int, list[bytes]],
    snapshot: Snapshot,
) -> None:
    with (
        replaying(out, slug) as replay,
        httpx.Client(base_url=replay.base_url(slug) + prefix, headers=headers) as ours,
    ):
        for moment, documents in seen.items():
            replay.handle.set_time(START + timedelta(seconds=moment))
            assert snapshot(ours) == documents, moment


NUNU_JOB = "d1b7a1c2-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


def test_a_followed_nunu_job_replays_at_its_pace(tmp_path: Path) -> None:
    out = tmp_path / "recorded"

    def snapshot(client: httpx.Client) -> list[bytes]:
        job = client.get(f"/jobs/{NUNU_JOB}")
        return [job.content, client.get("/runs/fllw0000001").content]

    with playing(tmp_path, "nunu") as vendor, vendor.handle.client("nunu") as theirs:
        theirs.headers["X-Api-Key"] = NUNU_KEY
        vendor.handle.add_job(
            "nunu",
            {
                "job_id": NUNU_JOB,
                "test_name": "Followed job",
                "runs": [{"multiplayer_run_id": "fllw0000001"}],
                "timeline": [
                    {"status": "QUEUED", "at": "0s"},
                    {"status": "STARTING", "at": "20s"},
                    {"status": "RUNNING", "at": "25s"},
                    {"status": "COMPLETED", "at": "300s", "result": "FAILED"},
                ],
            },
        )
        seen = follow(
            vendor,
            "nunu",
            NUNU_JOB,
            ["--credential", NUNU_KEY],
            out,
            [10, 20, 25, 200, 300],
            theirs,
            snapshot,
        )
    recorded = yaml.safe_load((out / "nunu" / "recorded.yaml").read_text())["jobs"]
    assert [job["timeline"] for job in recorded] == [
        [
            {"status": "QUEUED", "at": "0s"},
            {"status": "STARTING", "at": "20s"},
            {"status": "RUNNING", "at": "25s"},
            {"status": "COMPLETED", "at": "5m", "result": "FAILED"},
        ]
    ]
    replays(out, "nunu", {"X-Api-Key": "nunu_test_key"}, "", seen, snapshot)


def test_a_followed_intuned_run_replays_at_its_pace(tmp_path: Path) -> None:
    out = tmp_path / "recorded"
    prefix = f"/{WORKSPACE}/projects/my-project"
    job = "followed-job"

    def snapshot(client: httpx.Client) -> list[bytes]:
        runs = client.get(f"/jobs/{job}/runs")
        ids = [run["id"] for run in runs.json()["jobRuns"]]
        return [runs.content, *(client.get(f"/jobs/{job}/runs/{i}").content for i in ids)]

    with (
        playing(tmp_path, "intuned") as vendor,
        httpx.Client(
            base_url=vendor.base_url("intuned") + prefix, headers={"x-api-key": INTUNED_KEY}
        ) as theirs,
    ):
        vendor.handle.add_job("intuned", {"id": job, "project": "my-project"})
        assert theirs.post(f"/jobs/{job}/trigger").status_code == 200
        args = ["--credential", INTUNED_KEY, "--workspace", WORKSPACE, "--project", "my-project"]
        seen = follow(vendor, "intuned", job, args, out, [30, 59, 60], theirs, snapshot)
    (run,) = yaml.safe_load((out / "intuned" / "recorded.yaml").read_text())["jobs"][0]["runs"]
    assert run["jobRun"]["timeline"][0] == {"status": "PENDING", "at": "0s"}
    assert run["jobRun"]["timeline"][1]["status"] == "SUCCESS"
    assert run["jobRun"]["timeline"][1]["at"] == "1m"
    replays(out, "intuned", {"x-api-key": "intuned_test_key"}, prefix, seen, snapshot)


def test_a_followed_prunner_job_replays_at_its_pace(tmp_path: Path) -> None:
    out = tmp_path / "recorded"

    def snapshot(client: httpx.Client) -> list[bytes]:
        detail = client.get("/job/detail", params={"id": job})
        tasks = [task["name"] for task in detail.json()["tasks"]]
        logs = [client.get("/job/logs", params={"id": job, "task": t}).content for t in tasks]
        return [detail.content, *logs]

    with playing(tmp_path, "prunner") as vendor, vendor.handle.client("prunner") as theirs:
        theirs.headers["Authorization"] = "Bearer " + mint_jwt(PRUNNER_SECRET, {"sub": "me"})
        job = theirs.post("/pipelines/schedule", json={"pipeline": "failing"}).json()["jobId"]
        seen = follow(
            vendor,
            "prunner",
            job,
            ["--jwt-secret", PRUNNER_SECRET],
            out,
            [3, 5, 8, 13, 15],
            theirs,
            snapshot,
        )
    replays(
        out, "prunner", {"Authorization": f"Bearer {default_prunner_token()}"}, "", seen, snapshot
    )


def test_a_followed_osapi_job_replays_at_its_pace(tmp_path: Path) -> None:
    out = tmp_path / "recorded"
    job = "0b3c5d7e-9f1a-4b2c-8d3e-4f5a6b7c8d9e"

    def snapshot(client: httpx.Client) -> list[bytes]:
        return [client.get(f"/job/{job}").content]

    with (
        playing(tmp_path, "osapi") as vendor,
        httpx.Client(base_url=vendor.base_url("osapi"), headers=bearer(osapi_token())) as theirs,
    ):
        vendor.handle.add_job(
            "osapi",
            {
                "id": job,
                "operation": {"type": "command.shell.execute", "data": {"command": "make"}},
                "timeline": [
                    {"event": "acknowledged", "hostname": "web-01", "at": "0.25s"},
                    {"event": "started", "hostname": "web-01", "at": "1.5s"},
                    {"event": "acknowledged", "hostname": "web-02", "at": "1.75s"},
                    {"event": "started", "hostname": "web-02", "at": "2s"},
                    {"event": "completed", "hostname": "web-01", "at": "31.123456789s"},
                    {"event": "failed", "hostname": "web-02", "at": "45.5s", "error": "exit 2"},
                ],
            },
        )
        args = ["--credential", osapi_token()]
        seen = follow(vendor, "osapi", job, args, out, [1, 2, 31, 32, 46], theirs, snapshot)
    replays(out, "osapi", bearer(default_osapi_token()), "", seen, snapshot)
