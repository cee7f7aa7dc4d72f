"""prunner's consistency rules for one job document, and for a pipeline's jobs together.

What a job must look like whatever produced it (a fixture, a schedule request, a generated set):
its tasks respect their DAG (a task starts only once every task it depends on is done, and not
before that one ended), each status carries prunner's fields, and the job's flags, times and
``lastError`` follow from its tasks. Across jobs: a pipeline never runs more than its
``concurrency`` at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.vendors.prunner.test_client_compat import consistent, php_job

Doc = dict[str, Any]
ERRORS = {"context canceled"}


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def check_task(task: Doc, by_name: dict[str, Doc]) -> None:
    status, start, end = task["status"], when(task["start"]), when(task["end"])
    if status == "waiting":
        assert start is None and end is None and task["exitCode"] == 0
        return
    for name in task.get("dependsOn", []):
        dependency = by_name[name]
        assert dependency["status"] == "done", (task["name"], name, dependency["status"])
        finished = when(dependency["end"])
        if finished is not None and start is not None:
            assert finished <= start, (task["name"], name)
    if status == "running":
        assert start is not None and end is None and task["exitCode"] == -1
    elif status == "done":
        assert start is not None and end is not None and start <= end
        assert not task["errored"]
    elif status == "error":
        assert end is None and task["exitCode"] > 0 and task["errored"]
        assert task["error"] == f"exit status {task['exitCode']}"
    elif status == "canceled":
        assert end is None and task["exitCode"] == -1 and not task["errored"]
    else:
        raise AssertionError(f"unexpected status {status}")


def check_job(job: Doc, on_error: bool = False) -> None:
    """One job document, as prunner would produce it (``on_error``: its pipeline has one)."""
    php_job(job)
    consistent(job)
    tasks = job["tasks"]
    names = [task["name"] for task in tasks]
    by_name = {task["name"]: task for task in tasks}
    main = [task for task in tasks if task["name"] != "on_error" or not on_error]
    # Listed in a topological order: every dependency comes before its dependants.
    for position, task in enumerate(main):
        assert set(task.get("dependsOn", [])) <= set(names[:position]), task["name"]
    for task in tasks:
        check_task(task, by_name)
    created, start, end = when(job["created"]), when(job["start"]), when(job["end"])
    assert created is not None
    if start is not None:
        assert created <= start
        for task in tasks:
            task_start = when(task["start"])
            assert task_start is None or start <= task_start
    if end is not None:
        assert start is not None and start <= end
    failed = [t for t in main if t["status"] in ("error", "canceled")]
    if job["completed"]:
        assert "running" not in {t["status"] for t in tasks}
        if failed:
            assert job["lastError"] in ERRORS | {f"exit status {t['exitCode']}" for t in failed}
            assert job["canceled"] == (job["lastError"] == "context canceled")
            assert ("on_error" in names) == on_error
        else:
            assert "lastError" not in job and not job["canceled"]
            assert all(t["status"] == "done" for t in main)
        # A task that never started was cut off: its dependency failed or the job was stopped.
        for task in main:
            if task["status"] == "waiting":
                upstream = [by_name[d]["status"] for d in task.get("dependsOn", [])]
                assert failed or any(s != "done" for s in upstream), task["name"]
    elif start is not None:
        assert "lastError" not in job


def running_at_once(jobs: list[Doc]) -> int:
    """The most jobs of one pipeline that ran at the same time."""
    events = []
    for job in jobs:
        start = when(job["start"])
        if start is None:
            continue
        end = when(job["end"])
        events.append((start, 1))
        if end is not None:
            events.append((end, -1))
    events.sort(key=lambda event: (event[0], event[1]))  # an end before a start at one instant
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


def outcome(job: Doc) -> str:
    """succeeded, failed or canceled, for a job that completed."""
    assert job["completed"]
    if job["errored"]:
        return "failed"
    return "canceled" if job["canceled"] else "succeeded"
