"""A fifth vendor, ``tests/shelf``, declares one operation in its table and is served by
registering its spec alone: it gets its route, the hot path, faults, the journal, its OpenAPI
document and the control API from core, which names no vendor."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.core.faults import FaultBook
from jobmock.core.gate import VendorGate
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests import shelf

KEY = {"X-Shelf-Key": shelf.KEY}
JOB = "/shelf/v1/jobs/job-1"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[JobmockApp]:
    import jobmock.vendors as registry

    monkeypatch.setattr(registry, "VENDORS", (*registry.VENDORS, shelf.VENDOR))
    app = create_app(Settings(clock="manual", vendors=("shelf",), fixtures=shelf.FIXTURES))
    yield app
    assert not app.runtime.crashes


@pytest.fixture
def client(app: JobmockApp) -> Iterator[httpx.Client]:
    with InProcessHandle(app).client() as client:
        yield client


def test_its_operation_is_routed(client: httpx.Client) -> None:
    answer = client.get(JOB, headers=KEY)
    assert (answer.status_code, answer.json()) == (200, {"id": "job-1", "state": "done"})
    assert client.get(JOB).status_code == 401
    assert client.get("/shelf/v1/jobs/job-9", headers=KEY).json() == {"error": "no such job"}
    wrong = client.delete(JOB, headers=KEY)
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET")


def test_its_hot_read_is_answered_by_the_gate_alone(app: JobmockApp) -> None:
    runtime = app.runtime
    vendor = runtime.vendors["shelf"]

    async def unreachable(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("reached the vendor app")

    gate = VendorGate(replace(vendor, asgi=unreachable), runtime.store, [], FaultBook())

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as c:
            return await c.get("/v1/jobs/job-1", headers=KEY)

    assert asyncio.run(get()).json() == {"id": "job-1", "state": "done"}


def test_faults_match_its_operation(client: httpx.Client) -> None:
    rule = {"vendor": "shelf", "operation": "getJob", "status": 503, "times": 1}
    assert client.post("/_mock/faults", json=rule).status_code == 201
    assert client.get(JOB, headers=KEY).status_code == 503
    assert client.get(JOB, headers=KEY).status_code == 200
    unknown = client.post("/_mock/faults", json={**rule, "operation": "getJobs"})
    assert unknown.status_code == 400 and "getJob" in unknown.json()["error"]


def test_the_journal_names_its_operation_and_job(client: httpx.Client) -> None:
    client.get(JOB, headers=KEY)
    client.get("/shelf/v1/job/job-1", headers=KEY)
    found, wrong = client.get("/_mock/requests").json()["requests"]
    assert (found["operation"], found["job"], found["status"]) == ("getJob", "job-1", 200)
    assert wrong["suggestion"] == "GET /v1/jobs/{jobId}"


def test_its_openapi_document_comes_from_the_table(client: httpx.Client) -> None:
    document = client.get("/shelf/openapi.json").json()
    operation = document["paths"]["/v1/jobs/{jobId}"]["get"]
    assert (operation["operationId"], operation["summary"]) == ("getJob", "Get a job")
    assert operation["security"] == [{"APIKeyHeader": []}]
    (param,) = operation["parameters"]
    assert (param["name"], param["schema"]["examples"]) == ("jobId", ["job-1"])


def test_the_control_api_adds_lists_and_deletes_its_jobs(client: httpx.Client) -> None:
    added = client.post("/_mock/jobs/shelf", json={"id": "job-2", "state": "queued"})
    assert added.status_code == 201
    assert client.get("/shelf/v1/jobs/job-2", headers=KEY).json()["state"] == "queued"
    assert client.get("/_mock/jobs/shelf").json()["ids"] == ["job-1", "job-2"]
    assert client.delete("/_mock/jobs/shelf/job-2").status_code == 204
    assert client.get("/shelf/v1/jobs/job-2", headers=KEY).status_code == 404


def test_a_vendor_without_inspect_is_listed_but_says_it_cannot_describe_its_jobs(
    client: httpx.Client,
) -> None:
    assert [v["slug"] for v in client.get("/_mock/vendors").json()["vendors"]] == ["shelf"]
    answer = client.get("/_mock/inspect/shelf/jobs")
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "shelf does not describe its jobs to the control API (its backend has no "
            "inspect()); GET /_mock/jobs/shelf lists their ids"
        },
    )
