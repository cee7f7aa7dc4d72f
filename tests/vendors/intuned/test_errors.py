"""Every error in Intuned's envelope, field by field; FastAPI's own shapes never leak."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.vendors.intuned.conftest import NEW_JOB, ROOT, SEED_JOB, SEED_RUN, WORKSPACE, Intuned

KEYS = ["code", "category", "message", "retirable", "correlationId"]


def envelope(
    response: httpx.Response, status: int, code: str, message: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert [k for k in body if k != "details"] == KEYS
    assert body["code"] == code
    assert body["category"] == "user"
    assert body["retirable"] is False
    assert uuid.UUID(body["correlationId"]).version == 4
    if message is not None:
        assert body["message"] == message
    return body


def test_401_missing_key(intuned: Intuned) -> None:
    body = envelope(
        intuned.get(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}", key=None),
        401,
        "unauthorized",
        "API key is missing: send it in the x-api-key header.",
    )
    assert "details" not in body


def test_401_unknown_key(intuned: Intuned) -> None:
    envelope(intuned.get("/jobs", key="intuned_wrong_key"), 401, "unauthorized", "Invalid API key.")


def test_401_empty_key(intuned: Intuned) -> None:
    envelope(intuned.get("/jobs", key=""), 401, "unauthorized")


def test_correlation_id_is_fresh_per_error(intuned: Intuned) -> None:
    ids = {intuned.get("/jobs", key=None).json()["correlationId"] for _ in range(3)}
    assert len(ids) == 3


def test_auth_comes_before_validation(intuned: Intuned) -> None:
    envelope(intuned.get("/jobs/bad.id", key=None), 401, "unauthorized")
    envelope(intuned.post("/jobs", json={}, key=None), 401, "unauthorized")


@pytest.mark.parametrize("job_id", ["short", "has.dot", "has%20space", "sixsix"])
def test_400_job_id_is_not_a_slug(intuned: Intuned, job_id: str) -> None:
    envelope(
        intuned.get(f"/jobs/{job_id}"),
        400,
        "bad-request",
        "Invalid jobId: it must be a URL slug of at least 7 letters, digits, '-' or '_'.",
    )


def test_400_workspace_id_is_not_a_uuid(client: httpx.Client) -> None:
    response = client.get(
        f"{ROOT}/my-workspace/projects/my-project/jobs", headers={"x-api-key": "intuned_test_key"}
    )
    envelope(response, 400, "bad-request", "Invalid workspaceId: it must be a UUID.")


def test_404_unknown_workspace(client: httpx.Client) -> None:
    other = "00000000-0000-4000-8000-000000000000"
    response = client.get(
        f"{ROOT}/{other}/projects/my-project/jobs", headers={"x-api-key": "intuned_test_key"}
    )
    envelope(response, 404, "not-found", f"Workspace {other} not found.")


def test_workspace_id_case_does_not_matter(client: httpx.Client) -> None:
    response = client.get(
        f"{ROOT}/{WORKSPACE.upper()}/projects/my-project/jobs/{SEED_JOB}",
        headers={"x-api-key": "intuned_test_key"},
    )
    assert response.status_code == 200


def test_404_unknown_project(client: httpx.Client) -> None:
    response = client.get(
        f"{ROOT}/{WORKSPACE}/projects/other-project/jobs", headers={"x-api-key": "intuned_test_key"}
    )
    envelope(response, 404, "not-found", "Project 'other-project' not found.")


def test_404_unknown_job(intuned: Intuned) -> None:
    envelope(intuned.get("/jobs/no-such-job"), 404, "not-found", "Job 'no-such-job' not found.")
    envelope(intuned.post("/jobs/no-such-job/trigger"), 404, "not-found")
    envelope(intuned.get("/jobs/no-such-job/runs"), 404, "not-found")


def test_404_unknown_run(intuned: Intuned) -> None:
    envelope(
        intuned.get(f"/jobs/{SEED_JOB}/runs/jr_doesnotexist"),
        404,
        "not-found",
        "JobRun 'jr_doesnotexist' not found.",
    )
    envelope(intuned.post(f"/jobs/{SEED_JOB}/runs/jr_doesnotexist/terminate"), 404, "not-found")


def test_a_run_of_another_job_is_not_found(intuned: Intuned) -> None:
    envelope(intuned.get(f"/jobs/every-status-job/runs/{SEED_RUN}"), 404, "not-found")


def test_400_body_not_json(intuned: Intuned) -> None:
    response = intuned.request("POST", "/jobs", content=b"{not json")
    body = envelope(response, 400, "bad-request", "Request body is not valid JSON.")
    assert "details" not in body


def test_400_body_missing(intuned: Intuned) -> None:
    envelope(intuned.request("POST", "/jobs"), 400, "bad-request", "Request body is required.")


def test_400_invalid_body_lists_every_problem(intuned: Intuned) -> None:
    response = intuned.post(
        "/jobs",
        json={
            "id": "good-job-id",
            "payload": [{"parameters": {}}],
            "configuration": {"maxConcurrentRequests": 30},
            "sink": {"type": "ftp"},
        },
    )
    body = envelope(response, 400, "bad-request")
    assert body["message"].startswith("Invalid request body: payload[0].apiName: ")
    assert list(body) == ["code", "category", "message", "retirable", "details", "correlationId"]
    assert [issue["path"] for issue in body["details"]] == [
        ["payload", 0, "apiName"],
        ["configuration", "maxConcurrentRequests"],
        ["sink"],
    ]
    assert body["details"][1]["message"] == "must be between 1 and 25 (got 30)"


def test_400_invalid_schedule_interval(intuned: Intuned) -> None:
    response = intuned.post(
        "/jobs", json={**NEW_JOB, "schedule": {"intervals": [{"every": "sometimes"}]}}
    )
    body = envelope(response, 400, "bad-request")
    assert body["details"][0]["path"] == ["schedule", "intervals", 0, "every"]


def test_400_duplicate_job(intuned: Intuned) -> None:
    envelope(
        intuned.post("/jobs", json={**NEW_JOB, "id": SEED_JOB}),
        400,
        "bad-request",
        "A job with id 'my-sample-job' already exists in project 'my-project'.",
    )


def test_400_update_or_delete_a_job_defined_in_code(intuned: Intuned) -> None:
    update = {k: v for k, v in NEW_JOB.items() if k != "id"}
    message = (
        "Job 'code-defined-job' is defined in the project's code and cannot be {} through the "
        "API: change its file and deploy the project."
    )
    envelope(
        intuned.request("PUT", "/jobs/code-defined-job", json=update),
        400,
        "bad-request",
        message.format("updated"),
    )
    envelope(
        intuned.request("DELETE", "/jobs/code-defined-job"),
        400,
        "bad-request",
        message.format("deleted"),
    )
    # Pause and resume work on code-defined jobs.
    assert intuned.post("/jobs/code-defined-job/pause").json() == {"message": "Paused"}


def test_400_trigger_a_paused_job(intuned: Intuned) -> None:
    envelope(
        intuned.post("/jobs/paused-job/trigger"),
        400,
        "bad-request",
        "Job 'paused-job' is paused: resume it before triggering it.",
    )


def test_400_terminate_a_finished_run(intuned: Intuned) -> None:
    envelope(
        intuned.post(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}/terminate"),
        400,
        "bad-request",
        f"JobRun '{SEED_RUN}' has already ended (SUCCESS) and cannot be terminated.",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pageSize": "0"}, "pageSize must be between 1 and 100, got 0."),
        ({"pageSize": "101"}, "pageSize must be between 1 and 100, got 101."),
        ({"pageSize": "ten"}, "pageSize must be an integer, got 'ten'."),
        ({"pageNumber": "-1"}, "pageNumber must be between 0 and 1000000000, got -1."),
        (
            {"sortBy": "name,asc"},
            "sortBy: cannot sort by 'name'; sortable fields: id, start_time, end_time, "
            "created_at, updated_at, type, status, payloads, successful_runs, failed_runs.",
        ),
        ({"sortBy": "status,up"}, "sortBy: direction must be 'asc' or 'desc', got 'up'."),
    ],
)
def test_400_bad_paging(intuned: Intuned, params: dict[str, str], message: str) -> None:
    envelope(intuned.get(f"/jobs/{SEED_JOB}/runs", **params), 400, "bad-request", message)


def test_400_bad_timeline_header(intuned: Intuned) -> None:
    response = intuned.request(
        "POST", "/jobs/running-job/trigger", headers={"X-Jobmock-Timeline": '[{"status": 1}]'}
    )
    body = envelope(response, 400, "bad-request")
    assert body["message"].startswith("X-Jobmock-Timeline is not a valid timeline")


def test_405_wrong_method(intuned: Intuned) -> None:
    response = intuned.request("DELETE", f"/jobs/{SEED_JOB}/runs")
    body = envelope(response, 405, "method-not-allowed", "Method not allowed")
    assert response.headers["allow"] == "GET"
    assert body["category"] == "user"
    # Every method of the path, not only the first route's (Starlette's default).
    assert intuned.request("DELETE", "/jobs").headers["allow"] == "GET, POST"
    assert intuned.request("PATCH", f"/jobs/{SEED_JOB}").headers["allow"] == "GET, PUT, DELETE"


def test_404_unknown_route(intuned: Intuned) -> None:
    envelope(intuned.get("/nothing/here"), 404, "not-found", "The requested resource was not found")
    envelope(
        intuned.get(f"/jobs/{SEED_JOB}/runs/{SEED_RUN}/extra"),
        404,
        "not-found",
        "The requested resource was not found",
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", f"/jobs/{SEED_JOB}/runs/{SEED_RUN}/"),
        ("GET", "/jobs/"),
        ("POST", f"/jobs/{SEED_JOB}/trigger/"),
    ],
)
def test_a_trailing_slash_is_an_unknown_route_not_a_redirect(
    intuned: Intuned, method: str, path: str
) -> None:
    envelope(
        intuned.request(method, path), 404, "not-found", "The requested resource was not found"
    )


def test_a_slash_in_a_project_name_is_an_unknown_route(client: httpx.Client) -> None:
    # The SDK sends "a/b" as a%2Fb, which the server decodes before routing.
    response = client.get(
        f"{ROOT}/{WORKSPACE}/projects/a%2Fb/jobs", headers={"x-api-key": "intuned_test_key"}
    )
    envelope(response, 404, "not-found")


def test_no_fastapi_shapes_anywhere(intuned: Intuned) -> None:
    responses = [
        intuned.get("/jobs/x"),
        intuned.get("/nothing"),
        intuned.request("PATCH", f"/jobs/{SEED_JOB}"),
        intuned.request("POST", "/jobs", content=b"[]"),
        intuned.post("/jobs", json={"id": 5}),
        intuned.get(f"/jobs/{SEED_JOB}/runs", pageSize="x"),
    ]
    for response in responses:
        assert response.status_code != 422
        assert "detail" not in response.json()
        assert {"code", "category", "message", "retirable", "correlationId"} <= set(response.json())
