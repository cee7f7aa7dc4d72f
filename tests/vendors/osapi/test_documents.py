"""GET /job/{id}: the seed shape and a job in each status, byte for byte (spec/osapi.md §6)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, http_client
from tests.vendors.osapi import documents
from tests.vendors.osapi.conftest import SEED_JOB, Osapi, bearer, compact, exact

SEED_BYTES = (
    b'{"agent_states":{"web-01":{"duration":"4.811641ms","status":"completed"}},'
    b'"changed":true,"created":"2026-03-20T10:15:30Z","hostname":"web-01",'
    b'"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6",'
    b'"operation":{"data":{"command":"uptime"},"type":"command.shell.execute"},'
    b'"responses":{"web-01":{"changed":true,"data":{"changed":true,"duration_ms":4,'
    b'"exit_code":0,"stderr":"","stdout":" 10:15:30 up 12 days,  3:04,  0 users,  '
    b'load average: 0.08, 0.03, 0.01\\n"},"hostname":"web-01","status":"completed"}},'
    b'"result":{"changed":true,"duration_ms":4,"exit_code":0,"stderr":"","stdout":'
    b'" 10:15:30 up 12 days,  3:04,  0 users,  load average: 0.08, 0.03, 0.01\\n"},'
    b'"status":"completed","timeline":['
    b'{"event":"acknowledged","hostname":"web-01","message":"Job acknowledged by agent web-01",'
    b'"timestamp":"2026-03-20T10:15:30Z"},'
    b'{"event":"started","hostname":"web-01","message":"Job processing started on web-01",'
    b'"timestamp":"2026-03-20T10:15:30Z"},'
    b'{"event":"completed","hostname":"web-01","message":"Job completed successfully on web-01",'
    b'"timestamp":"2026-03-20T10:15:30Z"}],'
    b'"updated_at":"2026-03-20T10:15:30.187342911Z"}\n'
)


def test_seed_document_byte_for_byte(osapi: Osapi) -> None:
    exact(osapi.get(f"/job/{SEED_JOB}"), 200, SEED_BYTES)


def test_seed_document_has_every_field_of_the_seed_in_alphabetical_order(osapi: Osapi) -> None:
    body = osapi.get(f"/job/{SEED_JOB}").json()
    assert list(body) == [
        "agent_states",
        "changed",
        "created",
        "hostname",
        "id",
        "operation",
        "responses",
        "result",
        "status",
        "timeline",
        "updated_at",
    ]
    # "error" is the seed's only field absent here: OSAPI sets it for failed and skipped jobs,
    # which have no result.
    assert [list(item) for item in body["timeline"]] == [
        ["event", "hostname", "message", "timestamp"]
    ] * 3


def test_headers(osapi: Osapi) -> None:
    response = osapi.get(f"/job/{SEED_JOB}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["vary"] == "Origin"
    assert re.fullmatch(r"[A-Za-z0-9]{32}", response.headers["x-request-id"])
    echoed = osapi.get(f"/job/{SEED_JOB}", headers={"X-Request-Id": "trace-42"})
    assert echoed.headers["x-request-id"] == "trace-42"


@pytest.mark.parametrize(
    "job_id, document",
    [
        ("4a6d1f0e-6c1b-4a55-9a39-0e9a6f3f6a11", documents.COMPLETED_QUERY),
        ("8f14e45f-ceea-467a-9e36-2b7f3c1d5a02", documents.FAILED),
        ("c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13", documents.PARTIAL_FAILURE),
        ("45c48cce-2e2d-4fbd-b6a5-0f4d2c8e9a24", documents.SKIPPED),
        ("d3d94468-02a4-4e9d-a8c2-7b1e5f3a6c35", documents.PROCESSING),
    ],
    ids=["completed", "failed", "partial_failure", "skipped", "processing"],
)
def test_job_in_each_status(osapi: Osapi, job_id: str, document: dict[str, Any]) -> None:
    exact(osapi.get(f"/job/{job_id}"), 200, compact(document))


def test_completed_query_rules() -> None:
    doc = documents.COMPLETED_QUERY
    assert doc["changed"] is None  # a query never changes anything
    assert doc["result"] == doc["responses"]["web-01"]["data"]  # exactly one response
    assert "error" not in doc


def test_failed_rules() -> None:
    doc = documents.FAILED
    assert doc["error"] == doc["agent_states"]["db-01"]["error"] == doc["timeline"][-1]["error"]
    assert doc["hostname"] == "db-01"  # the last completed/failed event
    assert "result" not in doc and "data" not in doc["responses"]["db-01"]
    assert doc["changed"] is None


def test_broadcast_partial_failure_rules() -> None:
    doc = documents.PARTIAL_FAILURE
    assert set(doc["responses"]) == set(doc["agent_states"]) == {"db-01", "web-01", "web-02"}
    assert "error" not in doc and "result" not in doc  # never for partial_failure / broadcasts
    assert doc["changed"] is True  # any response changed
    last_terminal = [e for e in doc["timeline"] if e["event"] in ("completed", "failed")][-1]
    assert doc["hostname"] == last_terminal["hostname"]


def test_skipped_rules() -> None:
    doc = documents.SKIPPED
    assert doc["error"] == "operation not supported on this OS family"
    assert "hostname" not in doc  # skipped events do not set it
    assert "duration" not in doc["agent_states"]["web-02"]


def test_processing_rules() -> None:
    doc = documents.PROCESSING
    assert "responses" not in doc and "result" not in doc and "hostname" not in doc
    assert all(state == {"status": "started"} for state in doc["agent_states"].values())


def test_domain_job_not_picked_up_is_submitted_with_no_timeline(osapi: Osapi) -> None:
    exact(
        osapi.get("/job/6512bd43-d9ca-4b4e-9c8d-3e2f1a0b7d46"),
        200,
        b'{"changed":null,"created":"2026-11-01T11:32:46Z",'
        b'"id":"6512bd43-d9ca-4b4e-9c8d-3e2f1a0b7d46",'
        b'"operation":{"data":{},"type":"node.hostname.get"},"status":"submitted"}\n',
    )


def test_retry_not_picked_up_shows_its_submitted_event(osapi: Osapi) -> None:
    exact(
        osapi.get("/job/c20ad4d7-6fe9-4759-aa27-0c5b8a9d1e57"),
        200,
        b'{"changed":null,"created":"2026-11-01T12:00:00Z",'
        b'"id":"c20ad4d7-6fe9-4759-aa27-0c5b8a9d1e57",'
        b'"operation":{"data":{},"type":"node.hostname.get"},"status":"submitted",'
        b'"timeline":[{"event":"submitted","hostname":"_api","message":"Job submitted to queue",'
        b'"timestamp":"2026-11-01T12:00:00Z"}],"updated_at":"2026-11-01T12:00:00Z"}\n',
    )


def test_fixture_job_moves_on_the_clock(osapi: Osapi, handle: InProcessHandle) -> None:
    job_id = "c51ce410-c124-4a10-8e8f-9d6b5a4c3e68"
    assert osapi.job(job_id)["status"] == "submitted"
    handle.advance("12ms")
    assert osapi.job(job_id)["agent_states"] == {"web-01": {"status": "acknowledged"}}
    handle.advance("1s")
    assert osapi.job(job_id)["status"] == "processing"
    handle.advance("89.003s")
    assert osapi.job(job_id)["status"] == "processing"  # 90.015 s
    handle.advance("1ms")
    doc = osapi.job(job_id)
    assert doc["status"] == "completed"
    assert doc["updated_at"] == "2026-11-01T12:01:30.016Z"
    assert doc["agent_states"] == {"web-01": {"duration": "1m30.003s", "status": "completed"}}
    assert doc["result"]["duration_ms"] == 90002


def test_same_document_after_reset_and_in_another_app(
    osapi: Osapi, handle: InProcessHandle
) -> None:
    first = osapi.get("/job/c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13").content
    handle.reset()
    assert osapi.get("/job/c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13").content == first
    other = build_app()
    with http_client(other, base_url="http://x") as client:
        again = client.get("/osapi/job/c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13", headers=bearer())
    assert again.content == first
