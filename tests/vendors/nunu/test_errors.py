"""Every non-auth error nunu documents, in its envelope; FastAPI's defaults never leak."""

from __future__ import annotations

import pytest

from tests.vendors.nunu.conftest import SEED_JOB, SEED_RUN, Nunu, error

OTHER_PROJECT_JOB = "0fd630f1-f29d-4da9-953f-48f1a09f76b6"
OTHER_PROJECT_RUN = "aa819t9um9z"


@pytest.mark.parametrize(
    "job_id",
    [
        "not-a-uuid",
        "f80f6230",
        "f80f6230-3a4f-431a-9d55-d11b867fed4",
        "g80f6230-3a4f-431a-9d55-d11b867fed4e",
    ],
)
def test_malformed_job_id(nunu: Nunu, job_id: str) -> None:
    error(nunu.get(f"/jobs/{job_id}"), 400, "Invalid job ID")


def test_unknown_job(nunu: Nunu) -> None:
    error(nunu.get("/jobs/00000000-0000-4000-8000-000000000000"), 404, "Job not found")


def test_uppercase_job_id_finds_the_job(nunu: Nunu) -> None:
    response = nunu.get(f"/jobs/{SEED_JOB.upper()}")
    assert response.status_code == 200
    assert response.json()["job_id"] == SEED_JOB


def test_another_projects_job_is_not_found_never_leaked(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{OTHER_PROJECT_JOB}"), 404, "Job not found")
    error(nunu.get(f"/runs/{OTHER_PROJECT_RUN}"), 404, "Run not found")
    owner = nunu.get(f"/jobs/{OTHER_PROJECT_JOB}", key="nunu_monopoly_key")
    assert owner.status_code == 200
    error(nunu.get(f"/jobs/{SEED_JOB}", key="nunu_monopoly_key"), 404, "Job not found")


@pytest.mark.parametrize("run_id", ["zzzzzzzzzzz", "lkkg6t5612", "LKKG6T5612M", "not a run"])
def test_unknown_or_malformed_run_is_404_never_400(nunu: Nunu, run_id: str) -> None:
    error(nunu.get(f"/runs/{run_id}"), 404, "Run not found")


def test_twelve_character_run_ids_are_not_enforced(nunu: Nunu) -> None:
    # The docs' pattern is ^[a-z0-9]{12}$ but every real id has 11 characters.
    assert nunu.get(f"/runs/{SEED_RUN}").status_code == 200


def test_run_of_a_queued_job_does_not_exist_yet(nunu: Nunu) -> None:
    job = nunu.get("/jobs/ae97ba94-d0ed-482f-8f6d-05584ef8aa38").json()
    assert job["status"] == "QUEUED"
    assert job["runs"] == []


def test_unknown_route(nunu: Nunu) -> None:
    error(nunu.get("/nothing-here"), 404, "Not found")
    error(nunu.get(f"/jobs/{SEED_JOB}/extra"), 404, "Not found")
    # A trailing slash is an unknown route too, never a redirect.
    error(nunu.get(f"/jobs/{SEED_JOB}/"), 404, "Not found")
    error(nunu.get("/jobs/"), 404, "Not found")


def test_wrong_method(nunu: Nunu) -> None:
    response = nunu.client.delete(
        f"/nunu/api/v1/jobs/{SEED_JOB}", headers={"X-Api-Key": "nunu_test_key"}
    )
    error(response, 405, "Method not allowed")
    assert response.headers["allow"] == "GET"
    # Every method of the path, not only the first route's (Starlette's default).
    other = nunu.client.request(
        "OPTIONS", "/nunu/api/v1/runs", headers={"X-Api-Key": "nunu_test_key"}
    )
    error(other, 405, "Method not allowed")
    assert other.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    "query",
    [{"page": "-1"}, {"page": "x"}, {"page_size": "0"}, {"page_size": "101"}, {"status": "done"}],
)
def test_invalid_list_query(nunu: Nunu, query: dict[str, str]) -> None:
    response = nunu.get("/jobs", **query)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Invalid query parameters: ")


@pytest.mark.parametrize("name", ["multiplayer_test_id", "test_plan_execution_id"])
def test_list_jobs_id_filters_must_be_uuids(nunu: Nunu, name: str) -> None:
    error(
        nunu.get("/jobs", **{name: "not-a-uuid"}),
        400,
        f"Invalid query parameters: {name} must be a UUID",
    )
    ok = nunu.get("/jobs", **{name: "00000000-0000-4000-8000-000000000000"})
    assert (ok.status_code, ok.json()["data"]) == (200, [])


def test_invalid_json_body(nunu: Nunu) -> None:
    response = nunu.client.post(
        "/nunu/api/v1/runs", content=b"{not json", headers={"X-Api-Key": "nunu_test_key"}
    )
    error(response, 400, "request body is not valid JSON")


def test_body_out_of_range(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs",
        {
            "multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e",
            "deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26",
            "retries": 11,
        },
    )
    assert response.status_code == 400
    assert "retries" in response.json()["error"]
    assert "10" in response.json()["error"]


def test_no_fastapi_shapes_anywhere(nunu: Nunu) -> None:
    responses = [
        nunu.get("/jobs/not-a-uuid"),
        nunu.get("/nothing"),
        nunu.client.put("/nunu/api/v1/runs"),
        nunu.client.post(
            "/nunu/api/v1/runs/stop", content=b"[]", headers={"X-Api-Key": "nunu_test_key"}
        ),
        nunu.post("/runs", {"retries": "many"}),
    ]
    for response in responses:
        assert response.status_code != 422
        assert "detail" not in response.json()
        assert set(response.json()) == {"error"}


def test_path_outside_every_vendor(nunu: Nunu) -> None:
    response = nunu.client.get("/nunuu/api/v1/jobs")
    assert response.status_code == 404
    assert "/nunu/api/v1" in response.json()["error"]
