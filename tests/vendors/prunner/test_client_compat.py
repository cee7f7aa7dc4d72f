"""What a real prunner client needs from every document the mock emits (spec/prunner.md §8).

The rules of the Flowpack.Prunner PHP client (``PrunnerApiService``, ``Dto\\Job::fromJsonArray``,
``Dto\\TaskResult::fromJsonArray``) and of prunner-ui, applied to every job the bundled fixtures
and the API can produce, at many moments of their lives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.prunner.conftest import BASE, Prunner, token

# PHP's DATE_W3C / DATE_RFC3339 ("Y-m-d\TH:i:sP"; P accepts Z): no fraction, an offset or Z.
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
STATUSES = {"waiting", "running", "skipped", "done", "error", "canceled"}


def php_date(value: Any) -> None:
    assert isinstance(value, str) and W3C.match(value), value


def php_task(task: dict[str, Any]) -> None:
    """TaskResult::fromJsonArray: typed constructor, dates only when isset()."""
    assert isinstance(task["name"], str)
    assert task["status"] in STATUSES
    for key in ("start", "end"):
        if task.get(key) is not None:
            php_date(task[key])
    assert isinstance(task["skipped"], bool)
    assert isinstance(task["exitCode"], int) and not isinstance(task["exitCode"], bool)
    assert -32768 <= task["exitCode"] <= 32767  # int16 in prunner
    assert isinstance(task["errored"], bool)
    assert isinstance(task.get("error") or "", str)


def php_job(job: dict[str, Any]) -> None:
    """Job::fromJsonArray (Flowpack.Prunner 1.1.2)."""
    assert isinstance(job["id"], str) and job["id"]
    assert isinstance(job["pipeline"], str)
    assert isinstance(job["tasks"], list)  # TaskResults::fromJsonArray(array $in)
    for task in job["tasks"]:
        php_task(task)
    for key in ("completed", "canceled", "errored"):
        assert isinstance(job[key], bool)
    php_date(job["created"])
    for key in ("start", "end"):
        if job.get(key) is not None:
            php_date(job[key])
    assert isinstance(job.get("lastError") or "", str)
    assert isinstance(job.get("variables") or [], dict | list)
    assert isinstance(job["user"], str)


def consistent(job: dict[str, Any]) -> None:
    """What clients infer from a job (Jobs::waiting(), prunner-ui's running/cancelable)."""
    statuses = [t["status"] for t in job["tasks"]]
    if job["start"] is None:
        assert set(statuses) <= {"waiting"} and job["end"] is None
    if job["completed"]:
        assert job["end"] is not None and "running" not in statuses
    if job["end"] is not None:
        assert job["completed"]
    assert job["errored"] == any(t["errored"] for t in job["tasks"])
    for task in job["tasks"]:
        if task["status"] == "error":
            assert task["errored"] and task["error"] == f"exit status {task['exitCode']}"
        if task["status"] == "running":
            assert task["start"] is not None and task["end"] is None
        assert ("error" in task) == task["errored"]


def decode(raw: bytes) -> Any:
    """json_decode($body, true, 512, JSON_THROW_ON_ERROR)."""
    return json.loads(raw)


def all_jobs(prunner: Prunner) -> Iterator[dict[str, Any]]:
    body = decode(prunner.get("/pipelines/jobs").content)
    for pipeline in body["pipelines"]:  # Pipeline::fromJsonArray
        assert isinstance(pipeline["pipeline"], str)
        assert isinstance(pipeline["schedulable"], bool) and isinstance(pipeline["running"], bool)
    for job in body["jobs"]:
        detail = decode(prunner.get("/job/detail", id=job["id"]).content)
        assert "error" not in detail  # loadJobDetail() returns null on an error key
        assert detail == job
        yield job


PIPELINES = [
    "release",
    "diamond",
    "failing",
    "nightly",
    "sync",
    "exclusive",
    "watch",
    "warmup",
    "my_pipeline",
    "ci",
]


def test_every_document_parses_at_every_moment(prunner: Prunner, handle: InProcessHandle) -> None:
    seen = 0
    states: set[tuple[bool, bool, bool, bool]] = set()
    for round_ in range(3):
        for name in PIPELINES:
            response = prunner.post(
                "/pipelines/schedule", {"pipeline": name, "variables": {"r": round_}}
            )
            if response.status_code == 202:
                assert set(decode(response.content)) == {"jobId"}
        ids = [job["id"] for job in all_jobs(prunner)]
        if round_ == 1:
            assert prunner.cancel(ids[0]).status_code == 200
        for step in ("1s", "4s", "5s", "10s", "30s", "1m", "5m"):
            handle.advance(step)
            for job in all_jobs(prunner):
                php_job(job)
                consistent(job)
                states.add(
                    (job["completed"], job["canceled"], job["errored"], job["start"] is None)
                )
                seen += 1
        for job in all_jobs(prunner):
            for task in job["tasks"]:
                logs = decode(prunner.get("/job/logs", id=job["id"], task=task["name"]).content)
                assert set(logs) == {"stdout", "stderr"}
    assert seen > 300
    # Every combination the fixtures promise: running, queued, done, failed, canceled ...
    assert {
        (False, False, False, False),  # running
        (False, False, False, True),  # queued
        (True, False, False, False),  # succeeded
        (True, False, True, False),  # failed
        (True, True, False, False),  # canceled while running
        (True, True, True, False),  # failed fast, sibling canceled
        (False, True, False, True),  # canceled or replaced in the queue, or failed to start
    } <= states


def test_auth_failure_is_not_json(client: Any) -> None:
    # The PHP client json_decodes every body: a 401 makes it throw, as against a real prunner.
    response = client.get(f"{BASE}/job/detail", params={"id": "x"})
    with pytest.raises(json.JSONDecodeError):
        decode(response.content)


def test_flowpack_requests_as_sent(prunner: Prunner, handle: InProcessHandle) -> None:
    now = int(handle.now().timestamp())
    headers = {"Authorization": f"Bearer {token(sub='cli', exp=now + 60)}"}
    # schedulePipeline(): json_encode([...], JSON_FORCE_OBJECT) -> variables always an object.
    body = json.dumps({"pipeline": "release", "variables": {}}, separators=(",", ":"))
    scheduled = prunner.client.post(f"{BASE}/pipelines/schedule", content=body, headers=headers)
    assert scheduled.status_code == 202
    job_id = decode(scheduled.content)["jobId"]
    detail = prunner.client.get(f"{BASE}/job/detail?id={job_id}", headers=headers)
    php_job(decode(detail.content))
    assert decode(detail.content)["user"] == "cli"
    # cancelJob() posts an empty body and requires 200.
    canceled = prunner.client.post(f"{BASE}/job/cancel?id={job_id}", content=b"", headers=headers)
    assert canceled.status_code == 200
