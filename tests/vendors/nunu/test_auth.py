"""X-Api-Key auth, in the order of spec/nunu.md §3, with nunu's exact statuses and bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, http_client
from tests.vendors.nunu.conftest import SEED_JOB, SEED_RUN, Nunu, error


@pytest.mark.parametrize("path", [f"/jobs/{SEED_JOB}", f"/runs/{SEED_RUN}", "/jobs", "/runs"])
def test_missing_key(nunu: Nunu, path: str) -> None:
    error(nunu.get(path, key=None), 401, "API key required")


def test_empty_key(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{SEED_JOB}", key=""), 401, "API key required")


def test_unknown_key(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{SEED_JOB}", key="nunu_not_a_key"), 401, "Invalid API key")


def test_expired_key(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{SEED_JOB}", key="nunu_expired_key"), 403, "API key expired")


def test_disabled_key(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{SEED_JOB}", key="nunu_disabled_key"), 403, "API key is disabled")


@pytest.mark.parametrize("path", [f"/jobs/{SEED_JOB}", f"/runs/{SEED_RUN}", "/jobs", "/runs"])
def test_key_without_read_permission(nunu: Nunu, path: str) -> None:
    error(
        nunu.get(path, key="nunu_build_upload_key"),
        403,
        "API key missing required permission: project:read-runs",
    )


@pytest.mark.parametrize("path", ["/runs", "/runs/stop"])
def test_key_without_operate_permission(nunu: Nunu, path: str) -> None:
    error(
        nunu.post(path, {"job_ids": [SEED_JOB]}, key="nunu_read_only_key"),
        403,
        "API key missing required permission: project:operate-runs",
    )


def test_header_name_is_case_insensitive(nunu: Nunu) -> None:
    for name in ("x-api-key", "X-API-KEY", "X-Api-Key"):
        response = nunu.client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers={name: "nunu_test_key"})
        assert response.status_code == 200, name


def test_org_key_is_refused_on_legacy_routes(nunu: Nunu) -> None:
    error(nunu.get(f"/jobs/{SEED_JOB}", key="nunu_org_acme_key"), 401, "Invalid API key")


def test_org_key_works_on_scoped_routes_of_its_projects(nunu: Nunu) -> None:
    response = nunu.get(f"/project/test/jobs/{SEED_JOB}", key="nunu_org_acme_key")
    assert response.status_code == 200
    assert response.json()["job_id"] == SEED_JOB
    listed = nunu.get("/project/monopoly-go/jobs", key="nunu_org_acme_key")
    assert listed.status_code == 200
    assert {job["project_id"] for job in listed.json()["data"]} == {"monopoly-go"}


def test_org_key_on_a_project_outside_its_organisation(nunu: Nunu) -> None:
    error(
        nunu.get("/project/sandbox/jobs", key="nunu_org_acme_key"),
        403,
        "API key does not match the requested project",
    )


def test_project_key_on_another_projects_route(nunu: Nunu) -> None:
    error(
        nunu.get(f"/project/monopoly-go/jobs/{SEED_JOB}"),
        403,
        "API key does not match the requested project",
    )


def test_auth_comes_before_id_validation(nunu: Nunu) -> None:
    error(nunu.get("/jobs/not-a-uuid", key=None), 401, "API key required")
    error(nunu.get("/jobs/not-a-uuid", key="nunu_expired_key"), 403, "API key expired")


def test_auth_comes_before_body_validation(nunu: Nunu) -> None:
    response = nunu.client.post("/nunu/api/v1/runs", content=b"{not json")
    error(response, 401, "API key required")


def test_key_expires_on_the_mock_clock(tmp_path: Path) -> None:
    fixtures = tmp_path / "nunu"
    fixtures.mkdir()
    (fixtures / "keys.yaml").write_text(
        "keys:\n"
        "  - key: nunu_short_lived\n"
        "    project: test\n"
        "    expires_at: '2026-11-01T12:05:00Z'\n"
    )
    app = build_app(fixtures=tmp_path)
    with http_client(app) as client:
        headers = {"X-Api-Key": "nunu_short_lived"}
        assert client.get("/nunu/api/v1/jobs", headers=headers).status_code == 200
        InProcessHandle(app).advance("5m")
        error(client.get("/nunu/api/v1/jobs", headers=headers), 403, "API key expired")
