"""Runs move on the manual clock: trigger, poll to the end, pause and resume, terminate,
schedules, the failure paths fixtures declare, and reset."""

from __future__ import annotations

import json
from typing import Any

from jobmock.testing.handle import InProcessHandle
from tests.vendors.intuned.conftest import NEW_JOB, Intuned


def create(intuned: Intuned, **changes: Any) -> str:
    response = intuned.post("/jobs", json={**NEW_JOB, **changes})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def trigger(intuned: Intuned, job: str, timeline: list[dict[str, Any]] | None = None) -> str:
    headers = {"X-Jobmock-Timeline": json.dumps(timeline)} if timeline else None
    response = intuned.request("POST", f"/jobs/{job}/trigger", headers=headers)
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["jobRunId", "message"]
    assert response.json()["message"] == "Job triggered successfully."
    return str(response.json()["jobRunId"])


def run(intuned: Intuned, job: str, run_id: str) -> dict[str, Any]:
    response = intuned.get(f"/jobs/{job}/runs/{run_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def state(intuned: Intuned, job: str, run_id: str) -> tuple[Any, ...]:
    r = run(intuned, job, run_id)["jobRun"]
    return r["status"], r["successful_runs"], r["failed_runs"], r["end_time"]


def test_triggered_run_progresses_and_ends_with_results(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    job = create(intuned)
    run_id = trigger(intuned, job)
    assert run_id.startswith("jr_") and len(run_id) == 24 and run_id[3:].isalnum()
    first = run(intuned, job, run_id)
    assert list(first) == ["jobRun"], "no results while it runs"
    r = first["jobRun"]
    assert (r["type"], r["status"], r["payloads"], r["end_time"]) == ("MANUAL", "PENDING", 4, None)
    assert r["start_time"] == r["created_at"] == r["updated_at"] == "2026-11-01T12:00:00Z"
    assert r["job_configuration_snapshot"] == {
        "configuration": {
            "retry": {"maximumAttempts": 3},
            "maxConcurrentRequests": 2,
            "requestTimeout": 600,
        },
        "sink": None,
        "auth_session": None,
        "proxy": None,
        "notifications": None,
    }

    handle.advance("40s")  # 4 payloads over 60 s: the second finished at 30 s
    r = run(intuned, job, run_id)["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("PENDING", 2, 0)
    assert r["updated_at"] == "2026-11-01T12:00:30Z"

    handle.advance("20s")
    body = run(intuned, job, run_id)
    r = body["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("SUCCESS", 4, 0)
    assert r["end_time"] == r["updated_at"] == "2026-11-01T12:01:00Z"
    results = body["results"]
    assert list(results) == ["signed_url", "signed_url_expiration", "size", "key", "format"]
    assert results["key"] == f"results/{run_id}.json"
    assert results["format"] == "json"
    assert results["signed_url"].startswith(
        "http://jobmock/_mock/storage/intuned/123e4567-e89b-12d3-a456-426614174000/"
        f"my-project/{job}/results/{run_id}.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
    ), "served by jobmock itself, where the client reached it"
    assert results["signed_url_expiration"] == "2026-11-01T13:01:00Z", "signed when read"
    assert isinstance(results["size"], int) and results["size"] > 0


def test_trigger_while_a_run_is_active_cancels_the_new_run(intuned: Intuned) -> None:
    job = create(intuned)
    first = trigger(intuned, job)
    second = trigger(intuned, job)
    assert first != second
    r = run(intuned, job, second)["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("CANCELED", 0, 0)
    assert r["end_time"] == r["start_time"]
    assert r["reason"] == {
        "type": "another-job-run-active",
        "message": "Another job run is active for this job, so this job run could not start.",
        "doc_url": "https://intunedhq.com/docs/main/support/reasons#another-job-run-active",
    }
    assert run(intuned, job, first)["jobRun"]["status"] == "PENDING"


def test_pause_and_resume_move_the_job_and_its_run(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    job = create(intuned)
    run_id = trigger(intuned, job)
    handle.advance("20s")  # one payload of four done
    assert intuned.post(f"/jobs/{job}/pause").json() == {"message": "Paused"}
    assert state(intuned, job, run_id) == ("PAUSING", 1, 0, None)
    assert run(intuned, job, run_id)["jobRun"]["reason"]["type"] == "user-request"
    handle.advance("2s")
    assert state(intuned, job, run_id) == ("PAUSED", 1, 0, None)
    listed = {j["id"]: j for j in intuned.get("/jobs").json()}[job]
    assert listed["state"] == "PAUSED"
    assert listed["reason"] == {
        "type": "paused",
        "message": "Job paused by user request.",
        "timestamp": "2026-11-01T12:00:20Z",
    }
    assert intuned.post(f"/jobs/{job}/pause").json() == {"message": "Paused"}, "idempotent"

    handle.advance("10m")
    assert state(intuned, job, run_id) == ("PAUSED", 1, 0, None), "nothing moves while paused"
    assert intuned.post(f"/jobs/{job}/resume").json() == {"message": "Resumed"}
    assert state(intuned, job, run_id)[0] == "RESUMING"
    handle.advance("2s")
    assert state(intuned, job, run_id)[0] == "PENDING"
    assert intuned.get(f"/jobs/{job}").json()["state"] == "ACTIVE"
    assert {j["id"]: j for j in intuned.get("/jobs").json()}[job]["reason"] is None
    # 20 s of work were done; 40 s remain after the 2 s of RESUMING.
    handle.advance("39s")
    assert state(intuned, job, run_id)[0] == "PENDING"
    handle.advance("1s")
    # Paused at 12:00:20, resumed at 12:10:22: 2 s RESUMING + 40 s of work.
    assert state(intuned, job, run_id) == ("SUCCESS", 4, 0, "2026-11-01T12:11:04Z")
    assert intuned.post(f"/jobs/{job}/resume").json() == {"message": "Resumed"}, "idempotent"


def test_terminate_freezes_the_counts(intuned: Intuned, handle: InProcessHandle) -> None:
    job = create(intuned)
    run_id = trigger(intuned, job)
    handle.advance("35s")
    response = intuned.post(f"/jobs/{job}/runs/{run_id}/terminate")
    assert response.status_code == 200
    assert response.json() == {"message": "JobRun terminated successfully."}
    handle.advance("5m")
    body = run(intuned, job, run_id)
    r = body["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("TERMINATED", 2, 0)
    assert r["end_time"] == r["updated_at"] == "2026-11-01T12:00:35Z"
    assert r["reason"] == {
        "type": "terminated",
        "message": "The job run was terminated by a user.",
        "doc_url": "https://intunedhq.com/docs/main/support/reasons#terminated",
    }
    assert "results" not in body
    # The job is free again: the next trigger runs.
    assert state(intuned, job, trigger(intuned, job))[0] == "PENDING"


def test_a_job_whose_runs_fail(intuned: Intuned, handle: InProcessHandle) -> None:
    run_id = trigger(intuned, "failing-job")
    handle.advance("2m")
    body = run(intuned, "failing-job", run_id)
    r = body["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("FAILURE", 0, 1)
    assert r["error"] == {
        "message": "An error occurred while executing the job",
        "code": "internal-server-error",
        "category": "infrastructure",
    }
    assert r["reason"] is None
    assert "results" not in body


def test_a_job_whose_runs_are_canceled(intuned: Intuned, handle: InProcessHandle) -> None:
    run_id = trigger(intuned, "canceled-job")
    handle.advance("5s")
    r = run(intuned, "canceled-job", run_id)["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("CANCELED", 0, 0)
    assert r["reason"]["type"] == "auth-session-validate-dependency-failed"
    assert r["job_configuration_snapshot"]["auth_session"] == {
        "id": "expired-session",
        "checkAttempts": 3,
        "createAttempts": 3,
    }


def test_s3_sink_job_completes_with_a_failed_payload(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    run_id = trigger(intuned, "s3-sink-job")
    handle.advance("90s")
    body = run(intuned, "s3-sink-job", run_id)
    r = body["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("COMPLETED", 1, 1)
    assert r["reason"]["type"] == "s3-sink-error"
    assert "results" in body
    snapshot = r["job_configuration_snapshot"]
    assert snapshot["proxy"] == {"version": "v1", "url": "http://user:pass@proxy.example.com:8080"}
    assert snapshot["sink"] == {
        "type": "s3",
        "bucket": "my-s3-bucket",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "region": "us-west-2",
        "prefix": "intuned/",
        "skipOnFail": False,
        "forcePathStyle": True,
    }


def test_timeline_chosen_per_trigger(intuned: Intuned, handle: InProcessHandle) -> None:
    timeline: list[dict[str, Any]] = [
        {"status": "PENDING", "at": "0s"},
        {
            "status": "FAILURE",
            "at": "10s",
            "successful_runs": 1,
            "failed_runs": 3,
            "error": {
                "message": "Out of credits",
                "code": "insufficient-resource-credits",
                "category": "billing",
            },
        },
    ]
    job = create(intuned)
    run_id = trigger(intuned, job, timeline)
    handle.advance("10s")
    r = run(intuned, job, run_id)["jobRun"]
    assert (r["status"], r["successful_runs"], r["failed_runs"]) == ("FAILURE", 1, 3)
    assert r["error"]["category"] == "billing"


def test_poll_driven_run(intuned: Intuned) -> None:
    run_id = trigger(intuned, "poll-driven-job")
    assert state(intuned, "poll-driven-job", run_id)[0] == "PENDING"
    assert state(intuned, "poll-driven-job", run_id)[0] == "PENDING"
    assert state(intuned, "poll-driven-job", run_id)[0] == "SUCCESS"


def test_fixture_run_in_progress(intuned: Intuned, handle: InProcessHandle) -> None:
    assert state(intuned, "running-job", "jr_running0000000000000") == ("PENDING", 0, 0, None)
    handle.advance("150s")
    assert state(intuned, "running-job", "jr_running0000000000000") == ("PENDING", 2, 0, None)
    handle.advance("150s")
    assert state(intuned, "running-job", "jr_running0000000000000") == (
        "SUCCESS",
        4,
        0,
        "2026-11-01T12:05:00Z",
    )


def test_scheduled_runs_fire_on_the_interval(intuned: Intuned, handle: InProcessHandle) -> None:
    job = create(intuned, schedule={"intervals": [{"every": "10m"}]})
    assert intuned.get(f"/jobs/{job}").json()["next_run_time"] == "2026-11-01T12:10:00Z"
    handle.advance("35m")
    runs = intuned.get(f"/jobs/{job}/runs", sortBy="start_time,asc").json()
    assert runs["totalCount"] == 3
    assert [(r["type"], r["status"], r["start_time"]) for r in runs["jobRuns"]] == [
        ("SCHEDULED", "SUCCESS", "2026-11-01T12:10:00Z"),
        ("SCHEDULED", "SUCCESS", "2026-11-01T12:20:00Z"),
        ("SCHEDULED", "SUCCESS", "2026-11-01T12:30:00Z"),
    ]
    document = intuned.get(f"/jobs/{job}").json()
    assert document["next_run_time"] == "2026-11-01T12:40:00Z"
    assert document["last_run_time"] == "2026-11-01T12:30:00Z"
    first = runs["jobRuns"][0]["id"]
    assert run(intuned, job, first)["jobRun"]["id"] == first, "a scheduled run is found by id"


def test_no_scheduled_runs_while_paused(intuned: Intuned, handle: InProcessHandle) -> None:
    assert intuned.get("/jobs/paused-job").json()["next_run_time"] is None
    handle.advance("1h")
    assert intuned.get("/jobs/paused-job/runs").json()["totalCount"] == 1
    intuned.post("/jobs/paused-job/resume")
    handle.advance("31m")
    runs = intuned.get("/jobs/paused-job/runs").json()["jobRuns"]
    assert [(r["type"], r["start_time"]) for r in runs if r["type"] == "SCHEDULED"] == [
        ("SCHEDULED", "2026-11-01T13:30:00Z")
    ]


def test_hourly_fixture_job_and_overlap(intuned: Intuned, handle: InProcessHandle) -> None:
    # A manual run that lasts past 13:00 makes that scheduled fire CANCELED.
    trigger(
        intuned,
        "hourly-job",
        [{"status": "PENDING", "at": "0s"}, {"status": "SUCCESS", "at": "90m"}],
    )
    handle.advance("2h1m")
    runs = intuned.get("/jobs/hourly-job/runs", sortBy="start_time,asc").json()["jobRuns"]
    assert [(r["type"], r["status"], r["start_time"]) for r in runs] == [
        ("MANUAL", "SUCCESS", "2026-11-01T12:00:00Z"),
        ("SCHEDULED", "CANCELED", "2026-11-01T13:00:00Z"),
        ("SCHEDULED", "SUCCESS", "2026-11-01T14:00:00Z"),
    ]


def test_a_scheduled_run_can_be_terminated(intuned: Intuned, handle: InProcessHandle) -> None:
    handle.advance("1h30s")
    (scheduled,) = intuned.get("/jobs/hourly-job/runs").json()["jobRuns"]
    assert scheduled["status"] == "PENDING"
    ended = intuned.post(f"/jobs/hourly-job/runs/{scheduled['id']}/terminate")
    assert ended.status_code == 200
    handle.advance("1m")
    assert state(intuned, "hourly-job", scheduled["id"])[0] == "TERMINATED"


def test_update_changes_later_runs_only(intuned: Intuned, handle: InProcessHandle) -> None:
    job = create(intuned)
    before = trigger(intuned, job)
    handle.advance("2m")
    update = {k: v for k, v in NEW_JOB.items() if k != "id"}
    update["payload"] = update["payload"][:1]
    response = intuned.request("PUT", f"/jobs/{job}", json=update)
    assert response.status_code == 200
    assert response.json() == {"id": job, "message": "updated job successfully"}
    after = trigger(intuned, job)
    assert run(intuned, job, before)["jobRun"]["payloads"] == 4
    assert run(intuned, job, after)["jobRun"]["payloads"] == 1
    assert len(intuned.get(f"/jobs/{job}").json()["payload"]) == 1


def test_delete_removes_the_job_and_its_runs(intuned: Intuned) -> None:
    job = create(intuned)
    run_id = trigger(intuned, job)
    response = intuned.request("DELETE", f"/jobs/{job}")
    assert response.status_code == 204
    assert response.content == b""
    assert intuned.get(f"/jobs/{job}").status_code == 404
    assert intuned.get(f"/jobs/{job}/runs/{run_id}").status_code == 404
    # The id is free again; the new job starts with no runs.
    create(intuned)
    assert intuned.get(f"/jobs/{job}/runs").json() == {"jobRuns": [], "totalCount": 0}


def test_reset_restores_the_fixtures(intuned: Intuned, handle: InProcessHandle) -> None:
    job = create(intuned)
    intuned.post("/jobs/running-job/runs/jr_running0000000000000/terminate")
    intuned.post("/jobs/paused-job/resume")
    handle.reset()
    assert intuned.get(f"/jobs/{job}").status_code == 404
    assert state(intuned, "running-job", "jr_running0000000000000")[0] == "PENDING"
    assert intuned.get("/jobs/paused-job").json()["state"] == "PAUSED"


def test_same_requests_give_the_same_ids(intuned: Intuned, handle: InProcessHandle) -> None:
    job = create(intuned)
    first = trigger(intuned, job)
    handle.reset()
    create(intuned)
    assert trigger(intuned, job) == first
