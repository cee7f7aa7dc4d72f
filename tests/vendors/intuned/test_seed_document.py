"""The seed: Intuned's "Get Job Run" document (seed 004), field by field and in key order."""

from __future__ import annotations

from typing import Any

from tests.vendors.intuned.conftest import SEED_JOB, SEED_RUN, WORKSPACE, Intuned

SNAPSHOT: dict[str, Any] = {
    "configuration": {
        "retry": {"maximumAttempts": 3},
        "maxConcurrentRequests": 13,
        "requestTimeout": 600,
    },
    "sink": {
        "type": "webhook",
        "url": "https://example.com/webhook",
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer token"},
        "skipOnFail": False,
        "apisToSend": ["api1", "api2"],
    },
    "auth_session": {"id": "auth-session-123", "checkAttempts": 3, "createAttempts": 3},
    "proxy": None,
    "notifications": None,
}
SEED_JOB_RUN: dict[str, Any] = {
    "id": "jr_abc123def456ghi789xyz",
    "start_time": "2024-01-01T00:00:00Z",
    "end_time": "2024-01-01T00:30:00Z",
    "workspace_id": "123e4567-e89b-12d3-a456-426614174000",
    "project_id": "123e4567-e89b-12d3-a456-426614174000",
    # The excerpt's example is "job-123e4567-e89b-12d3"; a run names the job it belongs to.
    "job_id": "my-sample-job",
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-01-01T00:00:00Z",
    "type": "SCHEDULED",
    "status": "SUCCESS",
    "payloads": 100,
    "successful_runs": 95,
    "failed_runs": 5,
    "error": None,
    "reason": None,
    "job_configuration_snapshot": SNAPSHOT,
}
SEED_RESULTS: dict[str, Any] = {
    "signed_url": "https://example.com/results.json",
    "signed_url_expiration": "2024-01-02T00:00:00Z",
    "size": 123,
    "key": "results/jr_abc123def456ghi789xyz.json",
    "format": "json",
}


def test_get_job_run__seed_document(intuned: Intuned) -> None:
    response = intuned.get(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["jobRun", "results"]
    run = body["jobRun"]
    assert list(run) == list(SEED_JOB_RUN), "keys in the schema's order"
    for field, expected in SEED_JOB_RUN.items():
        assert run[field] == expected, field
    snapshot = run["job_configuration_snapshot"]
    assert list(snapshot) == list(SNAPSHOT)
    assert list(snapshot["configuration"]) == ["retry", "maxConcurrentRequests", "requestTimeout"]
    assert list(snapshot["sink"]) == ["type", "url", "headers", "skipOnFail", "apisToSend"]
    assert list(body["results"]) == list(SEED_RESULTS), "the schema's order, not the fixture's"
    assert body["results"] == SEED_RESULTS
    assert isinstance(body["results"]["size"], int), "123, not 123.0"


def test_seed_document_is_the_same_on_every_read(intuned: Intuned) -> None:
    first = intuned.get(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}").content
    assert intuned.get(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}").content == first


def test_seed_job(intuned: Intuned) -> None:
    job = intuned.get(f"/jobs/{SEED_JOB}").json()
    assert list(job) == [
        "id",
        "configuration",
        "sink",
        "created_at",
        "next_run_time",
        "last_run_time",
        "state",
        "payload",
        "schedule",
        "projectId",
        "auth_session",
        "proxy",
    ]
    assert job["id"] == SEED_JOB
    assert job["projectId"] == "123e4567-e89b-12d3-a456-426614174000"
    assert job["state"] == "ACTIVE"
    assert job["configuration"] == SNAPSHOT["configuration"]
    assert job["sink"] == SNAPSHOT["sink"]
    assert job["auth_session"] == SNAPSHOT["auth_session"]
    assert job["payload"] == [
        {
            "apiName": "api1",
            "parameters": {"url": "https://example.com/products/1"},
            "requestTimeout": 600,
        },
        {
            "apiName": "api2",
            "parameters": {"url": "https://example.com/products/2"},
            "requestTimeout": 600,
        },
    ]
    assert job["schedule"] == {"intervals": [{"every": "1d"}]}
    assert job["created_at"] == "2023-12-31T12:00:00Z"
    # Daily at midnight UTC; the manual clock starts at 2026-11-01T12:00:00Z.
    assert job["next_run_time"] == "2026-11-02T00:00:00Z"
    assert job["last_run_time"] == "2024-01-01T00:00:00Z"
    assert job["proxy"] is None


def test_the_seed_path_at_the_root_with_the_real_base_url(intuned: Intuned) -> None:
    # The SDK's path template, workspace included, under jobmock's /intuned prefix.
    response = intuned.client.get(
        f"/intuned/api/v1/workspace/{WORKSPACE}/projects/my-project/jobs/{SEED_JOB}/runs/{SEED_RUN}",
        headers={"x-api-key": "intuned_test_key"},
    )
    assert response.status_code == 200
