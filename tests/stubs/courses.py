"""What a client sees of a job it created, polling it every 5 minutes on the manual clock, for
each named scenario of each vendor."""

from __future__ import annotations

from typing import Any

import httpx

from jobmock.testing.handle import InProcessHandle
from tests.stubs.conftest import TARGETS

#: What a client polling every 5 minutes sees over 35 minutes: a status, or the job's state.
NUNU_DONE = ["COMPLETED:SUCCESS"] * 7
COURSES: dict[tuple[str, str], list[str]] = {
    ("nunu", "slow-then-fails"): [
        "QUEUED", "STARTING", *["RUNNING"] * 4, "COMPLETED:ERROR", "COMPLETED:ERROR"
    ],
    ("nunu", "stuck-queued"): ["QUEUED"] * 8,
    ("nunu", "rate-limited-twice"): ["429", "429", *NUNU_DONE[:6]],
    ("nunu", "fails-then-succeeds-on-retry"): ["500", *NUNU_DONE],
    ("intuned", "slow-then-fails"): ["PENDING"] * 6 + ["FAILURE"] * 2,
    ("intuned", "stuck-queued"): ["PENDING"] * 8,
    ("intuned", "rate-limited-twice"): ["429", "429", *["SUCCESS"] * 6],
    ("intuned", "fails-then-succeeds-on-retry"): ["500", *["SUCCESS"] * 7],
    ("prunner", "rate-limited-twice"): ["429", "429", *["completed"] * 6],
    ("prunner", "fails-then-succeeds-on-retry"): ["500", *["completed"] * 7],
    ("osapi", "skipped"): ["submitted", *["skipped"] * 7],
    ("osapi", "rate-limited-twice"): ["429", "429", *["completed"] * 6],
    ("osapi", "fails-then-succeeds-on-retry"): ["500", *["completed"] * 7],
}  # fmt: skip


def state(vendor: str, response: httpx.Response) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    body: dict[str, Any] = response.json()
    if vendor == "nunu":
        done = body["status"] == "COMPLETED"
        return str(body["status"]) + (f":{body['runs'][0]['result']}" if done else "")
    if vendor == "intuned":
        return str(body["jobRun"]["status"])
    if vendor == "prunner":
        return "completed" if body["completed"] else "running"
    return str(body["status"])


def course(client: httpx.Client, handle: InProcessHandle, vendor: str, job: str) -> list[str]:
    target, seen = TARGETS[vendor], []
    for _ in range(8):
        seen.append(state(vendor, client.get(target.job_path(job), headers=target.headers)))
        handle.advance("5m")
    return seen
