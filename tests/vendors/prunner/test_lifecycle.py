"""Jobs run their task graph on the manual clock, under their pipeline's concurrency and queue
(spec/prunner.md §6): schedule, poll to the end, queue, replace, refuse, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.prunner.conftest import RUNNING_DIAMOND, Prunner, error, fixture_job

T0 = "2026-11-01T12:00:00Z"


def at(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"2026-11-01T12:{minutes:02d}:{secs:02d}Z"


def states(job: dict[str, Any]) -> list[tuple[str, str, str | None, str | None, int]]:
    return [(t["name"], t["status"], t["start"], t["end"], t["exitCode"]) for t in job["tasks"]]


def flags(job: dict[str, Any]) -> tuple[bool, bool, bool]:
    return job["completed"], job["canceled"], job["errored"]


def test_diamond_scheduled_polled_to_the_end(prunner: Prunner, handle: InProcessHandle) -> None:
    response = prunner.post("/pipelines/schedule", {"pipeline": "diamond", "variables": {"n": 1}})
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    job_id = response.json()["jobId"]
    assert response.content == b'{"jobId":"' + job_id.encode() + b'"}\n'

    job = prunner.detail(job_id)
    assert (job["created"], job["start"], job["end"]) == (T0, T0, None)
    assert flags(job) == (False, False, False)
    assert job["variables"] == {"n": 1} and job["user"] == "j.doe"
    assert states(job) == [
        ("prepare", "running", T0, None, -1),
        ("lint", "waiting", None, None, 0),
        ("test", "waiting", None, None, 0),
        ("package", "waiting", None, None, 0),
    ]
    handle.advance("5s")
    assert states(prunner.detail(job_id)) == [
        ("prepare", "done", T0, at(5), -1),
        ("lint", "running", at(5), None, -1),
        ("test", "running", at(5), None, -1),
        ("package", "waiting", None, None, 0),
    ]
    handle.advance("10s")
    assert states(prunner.detail(job_id))[1:3] == [
        ("lint", "done", at(5), at(15), -1),
        ("test", "running", at(5), None, -1),
    ]
    handle.advance("10s")
    job = prunner.detail(job_id)
    assert states(job)[2:] == [
        ("test", "done", at(5), at(25), -1),
        ("package", "running", at(25), None, -1),
    ]
    assert job["completed"] is False
    handle.advance("4s")
    assert prunner.detail(job_id)["completed"] is False
    handle.advance("1s")
    job = prunner.detail(job_id)
    assert flags(job) == (True, False, False)
    assert job["end"] == at(30)
    assert states(job)[3] == ("package", "done", at(25), at(30), -1)
    assert "lastError" not in job


def test_two_jobs_at_once_under_concurrency_two(prunner: Prunner, handle: InProcessHandle) -> None:
    # The bundled diamond job already runs since server start: one slot is left.
    second = prunner.schedule("diamond")
    third = prunner.schedule("diamond")
    assert prunner.detail(second)["start"] == T0
    assert prunner.detail(third)["start"] is None
    handle.advance("30s")  # the fixture's job ends; the third starts at that very moment
    assert prunner.detail(RUNNING_DIAMOND)["end"] == at(30)
    assert prunner.detail(third)["start"] == at(30)


def test_queue_with_concurrency_one_and_a_limit(prunner: Prunner, handle: InProcessHandle) -> None:
    first = prunner.schedule("nightly")
    second = prunner.schedule("nightly")
    third = prunner.schedule("nightly")
    waiting = prunner.detail(second)
    assert (waiting["start"], waiting["end"]) == (None, None)
    assert flags(waiting) == (False, False, False)
    assert [t["status"] for t in waiting["tasks"]] == ["waiting", "waiting"]
    refused = prunner.post("/pipelines/schedule", {"pipeline": "nightly"})
    error(
        refused,
        400,
        "Error scheduling pipeline: concurrency exceeded and queue limit reached for pipeline",
    )
    assert pipeline(prunner, "nightly") == {
        "pipeline": "nightly",
        "schedulable": False,
        "running": True,
    }

    handle.advance("90s")
    assert prunner.detail(first)["end"] == at(90)
    assert prunner.detail(second)["start"] == at(90)
    assert prunner.detail(third)["start"] is None
    assert pipeline(prunner, "nightly")["schedulable"] is True
    handle.advance("90s")
    assert prunner.detail(third)["start"] == at(180)
    handle.advance("90s")
    assert prunner.detail(third)["completed"] is True
    assert pipeline(prunner, "nightly") == {
        "pipeline": "nightly",
        "schedulable": True,
        "running": False,
    }


def test_canceled_queued_job_keeps_its_place_until_dequeued(
    prunner: Prunner, handle: InProcessHandle
) -> None:
    first = prunner.schedule("nightly")
    second = prunner.schedule("nightly")
    third = prunner.schedule("nightly")
    response = prunner.cancel(second)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b"true\n"
    canceled = prunner.detail(second)
    assert flags(canceled) == (False, True, False)
    assert canceled["start"] is None and "lastError" not in canceled
    # prunner v1.3.0 leaves it on the wait list, where it still counts toward queue_limit.
    refused = prunner.post("/pipelines/schedule", {"pipeline": "nightly"})
    assert refused.status_code == 400
    handle.advance("90s")
    assert prunner.detail(first)["completed"] is True
    assert prunner.detail(second)["start"] is None
    assert prunner.detail(third)["start"] == at(90)
    assert prunner.cancel(second).content == b"true\n"  # canceling it again is fine


def test_replace_strategy(prunner: Prunner, handle: InProcessHandle) -> None:
    running = prunner.schedule("sync")
    first_waiting = prunner.schedule("sync")
    handle.advance("3s")
    second_waiting = prunner.schedule("sync")
    replaced = prunner.detail(first_waiting)
    assert flags(replaced) == (False, True, False)
    assert replaced["start"] is None
    assert prunner.detail(second_waiting)["start"] is None
    handle.advance("27s")
    assert prunner.detail(running)["end"] == at(30)
    assert prunner.detail(second_waiting)["start"] == at(30)
    assert prunner.detail(first_waiting)["start"] is None


def test_no_queue(prunner: Prunner, handle: InProcessHandle) -> None:
    prunner.schedule("exclusive")
    assert pipeline(prunner, "exclusive") == {
        "pipeline": "exclusive",
        "schedulable": False,
        "running": True,
    }
    error(
        prunner.post("/pipelines/schedule", {"pipeline": "exclusive"}),
        400,
        "Error scheduling pipeline: concurrency exceeded and queueing disabled for pipeline",
    )
    handle.advance("45s")
    assert prunner.schedule("exclusive")


def pipeline(prunner: Prunner, name: str) -> dict[str, Any]:
    listed = prunner.get("/pipelines/").json()["pipelines"]
    found: dict[str, Any] = next(p for p in listed if p["pipeline"] == name)
    return found


# --- cancel -------------------------------------------------------------------------------------


def test_cancel_running_job(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("release")
    handle.advance("25s")
    assert prunner.cancel(job_id).content == b"true\n"
    job = prunner.detail(job_id)
    assert flags(job) == (True, True, False)
    assert job["end"] == at(25) and job["lastError"] == "context canceled"
    assert states(job) == [
        ("build", "done", T0, at(20), -1),
        ("test", "canceled", at(20), None, -1),
        ("deploy", "waiting", None, None, 0),
    ]
    handle.advance("1h")
    assert states(prunner.detail(job_id))[1:] == states(job)[1:]
    assert prunner.cancel(job_id).content == b"true\n"


def test_cancel_finished_job_is_a_500(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("release")
    handle.advance("60s")
    error(prunner.cancel(job_id), 500, "Error canceling job")
    error(prunner.cancel(fixture_job(2)), 500, "Error canceling job")  # a failed job too
    assert prunner.cancel(fixture_job(3)).content == b"true\n"  # canceled, then completed


def test_cancel_at_the_second_a_task_ends_finds_it_done(
    prunner: Prunner, handle: InProcessHandle
) -> None:
    job_id = prunner.schedule("release")
    handle.advance("20s")
    prunner.cancel(job_id)
    assert states(prunner.detail(job_id))[:2] == [
        ("build", "done", T0, at(20), -1),
        ("test", "canceled", at(20), None, -1),
    ]


def test_cancel_errors(prunner: Prunner) -> None:
    error(prunner.cancel("nope"), 400, "Invalid job id")
    error(prunner.post("/job/cancel"), 400, "Invalid job id")
    error(prunner.cancel("00000000-0000-4000-8000-000000000000"), 404, "Job not found")


def test_cancel_runs_on_error_then_a_second_cancel_kills_it(
    prunner: Prunner, handle: InProcessHandle
) -> None:
    job_id = prunner.schedule("failing", variables={})
    handle.advance("6s")
    prunner.cancel(job_id)
    job = prunner.detail(job_id)
    # The run's error is "context canceled", so on_error runs before the job completes.
    assert flags(job) == (False, False, False)
    assert [t["name"] for t in job["tasks"]][-1] == "on_error"
    assert states(job)[-1] == ("on_error", "running", at(6), None, -1)
    handle.advance("1s")
    prunner.cancel(job_id)
    job = prunner.detail(job_id)
    assert states(job)[-1] == ("on_error", "canceled", at(6), None, -1)
    assert flags(job) == (True, True, False)
    assert job["end"] == at(7) and job["lastError"] == "context canceled"


def test_reset_forgets_scheduled_jobs(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("release")
    handle.reset()
    error(prunner.get("/job/detail", id=job_id), 404, "Job not found")
    assert prunner.schedule("release") == job_id  # ids are seeded: the same again after reset


# --- per-request outcomes -----------------------------------------------------------------------


def test_jobmock_tasks_header_sets_outcomes(prunner: Prunner, handle: InProcessHandle) -> None:
    response = prunner.request(
        "POST",
        "/pipelines/schedule",
        json={"pipeline": "release"},
        headers={"X-Jobmock-Tasks": '{"build": {"exit_code": 3, "duration": "2s"}}'},
    )
    job_id = response.json()["jobId"]
    handle.advance("2s")
    job = prunner.detail(job_id)
    assert states(job)[0] == ("build", "error", T0, None, 3)
    assert job["lastError"] == "exit status 3"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            '{"build": {"exit_code": 300}}',
            "X-Jobmock-Tasks: build.exit_code: Input should be less than or equal to 255 (got 300)",
        ),
        ('{"nope": {}}', "X-Jobmock-Tasks: pipeline release has no task 'nope'"),
        (
            "[",
            "X-Jobmock-Tasks: Invalid JSON: EOF while parsing a list at line 1 column 1 (got '[')",
        ),
    ],
)
def test_jobmock_tasks_header_errors(prunner: Prunner, header: str, message: str) -> None:
    response = prunner.request(
        "POST",
        "/pipelines/schedule",
        json={"pipeline": "release"},
        headers={"X-Jobmock-Tasks": header},
    )
    error(response, 400, message)
