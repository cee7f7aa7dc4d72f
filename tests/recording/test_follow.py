"""``--follow``: a job that runs on the vendor's (manual) clock, polled until it ends; its
timeline replays on the second jobmock's clock, each state at its moment."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import yaml

from jobmock.cli import main
from jobmock.testing import MockServer
from tests.conftest import START
from tests.recording.conftest import NUNU_KEY, playing, replaying

JOB = "d1b7a1c2-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
#: When the vendor's job moves, from its creation (at START).
STEPS = [("STARTING", 20), ("RUNNING", 25), ("COMPLETED", 300)]


def _wait_for_poll(vendor: MockServer, after: int) -> None:
    """Until the follower has read the job once more: it then saw what the clock shows now."""
    deadline = time.monotonic() + 20
    while len(vendor.handle.polls("nunu", JOB)) <= after:
        assert time.monotonic() < deadline, "the follower stopped polling"
        time.sleep(0.005)  # waiting for the follower's next read; the clock stays put


def test_a_followed_job_replays_at_its_pace(tmp_path: Path) -> None:
    out = tmp_path / "recorded"
    with playing(tmp_path, "nunu") as vendor:
        vendor.handle.add_job(
            "nunu",
            {
                "job_id": JOB,
                "test_name": "Followed job",
                "runs": [{"multiplayer_run_id": "fllw0000001"}],
                "timeline": [
                    {"status": "QUEUED", "at": "0s"},
                    *({"status": s, "at": f"{at}s"} for s, at in STEPS[:2]),
                    {"status": "COMPLETED", "at": "300s", "result": "FAILED"},
                ],
            },
        )
        codes: list[int] = []
        args = ["record", "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY]
        args += ["--follow", JOB, "--interval", "0.01s", "--timeout", "60s", "--out", str(out)]
        follower = threading.Thread(target=lambda: codes.append(main(args)))
        follower.start()
        _wait_for_poll(vendor, 0)
        now = 0
        for _, at in STEPS:
            seen = len(vendor.handle.polls("nunu", JOB))
            vendor.handle.advance(at - now)
            now = at
            _wait_for_poll(vendor, seen)
        follower.join(30)
        assert codes == [0]
        headers = {"X-Api-Key": NUNU_KEY}
        with httpx.Client(base_url=vendor.base_url("nunu"), headers=headers) as theirs:
            final = theirs.get(f"/jobs/{JOB}").content
            run = theirs.get("/runs/fllw0000001").content

    recorded = yaml.safe_load((out / "nunu" / "recorded.yaml").read_text())["jobs"]
    assert [job["timeline"] for job in recorded] == [
        [
            {"status": "QUEUED", "at": "0s"},
            {"status": "STARTING", "at": "20s"},
            {"status": "RUNNING", "at": "25s"},
            {"status": "COMPLETED", "at": "5m", "result": "FAILED"},
        ]
    ]
    with replaying(out, "nunu") as replay, replay.handle.client("nunu") as ours:
        ours.headers["X-Api-Key"] = "nunu_test_key"
        assert ours.get(f"/jobs/{JOB}").json()["status"] == "QUEUED"
        for status, at in STEPS:
            replay.handle.set_time(START + timedelta(seconds=at - 0.5))
            assert ours.get(f"/jobs/{JOB}").json()["status"] != status
            replay.handle.advance(0.5)
            assert ours.get(f"/jobs/{JOB}").json()["status"] == status
        assert ours.get(f"/jobs/{JOB}").content == final
        assert ours.get("/runs/fllw0000001").content == run
