"""The /_mock control API over HTTP, and the in-process handle that mirrors it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from jobmock import Settings, __version__, create_app
from jobmock.control.models import ClockUpdate
from jobmock.settings import known_vendors
from jobmock.testing.handle import InProcessHandle, JobmockError
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START
from tests.fakes import FakeWall

SLUGS = known_vendors()

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
RUNNING_JOB = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"  # completes 3 minutes after start
NUNU_AUTH = {"X-Api-Key": "nunu_test_key"}


def test_health(client: httpx.Client) -> None:
    response = client.get("/_mock/health")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "version": __version__,
        "vendors": list(SLUGS),
        "base_paths": body["base_paths"],
    }
    assert body["base_paths"]["nunu"] == "/nunu/api/v1"
    assert set(body["base_paths"]) == set(SLUGS)


def test_clock_get_advance_set(client: httpx.Client) -> None:
    assert client.get("/_mock/clock").json() == {
        "now": "2026-11-01T12:00:00+00:00",
        "mode": "manual",
        "scale": 1.0,
    }
    for advance, expected in (
        ("90s", "12:01:30"),
        ("5m", "12:06:30"),
        ("1h", "13:06:30"),
        (30, "13:07:00"),
        ("1h30m", "14:37:00"),
    ):
        body = client.post("/_mock/clock", json={"advance": advance}).json()
        assert body == {"now": f"2026-11-01T{expected}+00:00", "mode": "manual", "scale": 1.0}
    body = client.post("/_mock/clock", json={"set": "2027-01-01T00:00:00Z"}).json()
    assert body["now"] == "2027-01-01T00:00:00+00:00"


def test_clock_switches_mode(client: httpx.Client) -> None:
    before = datetime.now(UTC)
    body = client.post("/_mock/clock", json={"mode": "real"}).json()
    assert body["mode"] == "real"
    assert datetime.fromisoformat(body["now"]) >= before
    jumped = client.post("/_mock/clock", json={"advance": "1h"}).json()
    assert datetime.fromisoformat(jumped["now"]) >= before + timedelta(hours=1)
    frozen = client.post("/_mock/clock", json={"freeze": True}).json()
    assert frozen["mode"] == "manual"
    assert client.get("/_mock/clock").json() == frozen


def test_a_scaled_clock_plays_a_job_faster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wall = FakeWall(START)
    monkeypatch.setattr("jobmock.core.clock.utcnow", wall)
    app = create_app(Settings(clock_scale=60, vendors=("nunu",)))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        assert client.get("/_mock/clock").json() == {
            "now": "2026-11-01T12:00:00+00:00",
            "mode": "real",
            "scale": 60.0,
        }

        def status() -> str:
            job = client.get(f"/nunu/api/v1/jobs/{RUNNING_JOB}", headers=NUNU_AUTH).json()
            return str(job["status"])

        assert status() == "RUNNING"
        wall.sleep(2.9)  # 2 min 54 s on the mock clock: it completes at 3 min
        assert status() == "RUNNING"
        wall.sleep(0.1)
        assert status() == "COMPLETED"
        assert client.post("/_mock/clock", json={"freeze": True}).json()["now"] == (
            "2026-11-01T12:03:00+00:00"
        )
        wall.sleep(10)
        body = client.post("/_mock/clock", json={"freeze": False, "scale": 2}).json()
        assert body == {"now": "2026-11-01T12:03:00+00:00", "mode": "real", "scale": 2.0}
        wall.sleep(10)
        assert client.get("/_mock/clock").json()["now"] == "2026-11-01T12:03:20+00:00"
        # No start time: reset begins again at wall time, and relative jobs with it.
        reset = client.post("/_mock/reset").json()
        assert reset == {
            "status": "ok",
            "now": "2026-11-01T12:00:23+00:00",
            "mode": "real",
            "scale": 60.0,
        }
        assert status() == "RUNNING"


CLOCK = f"(expected {ClockUpdate.ACCEPTED})"


@pytest.mark.parametrize(
    "body, error",
    [
        (
            {"advance": "soon"},
            "advance: invalid duration 'soon': use seconds or units ms, s, m, h, d "
            f"(e.g. '90s', '5m', '1h30m') {CLOCK}",
        ),
        (
            {"advance": "-5s"},
            "advance: invalid duration '-5s': use seconds or units ms, s, m, h, d "
            f"(e.g. '90s', '5m', '1h30m') {CLOCK}",
        ),
        ({"advance": -5}, f"advance: invalid duration -5: must not be negative {CLOCK}"),
        ({"set": "yesterday"}, f"set: must be an ISO 8601 timestamp (got 'yesterday') {CLOCK}"),
        ({"mode": "fast"}, f"mode: Input should be 'real' or 'manual' (got 'fast') {CLOCK}"),
        ({"speed": 2}, f"speed: unknown field (check its spelling and indentation) {CLOCK}"),
        (
            {"scale": 0},
            f"scale: the clock scale must be above 0 and at most 1,000,000, got 0 {CLOCK}",
        ),
        ({"scale": "60"}, f"scale: the clock scale must be a number, got '60' {CLOCK}"),
        ({"freeze": "yes"}, f"freeze: Input should be a valid boolean (got 'yes') {CLOCK}"),
        ({"freeze": True, "mode": "real"}, f"give 'mode' or 'freeze', not both {CLOCK}"),
        ({"advance": 1e12}, "advance: 1000000000000.0 is beyond year 9999"),
        (
            {"set": "0001-01-01T00:00:00+01:00"},
            f"set: must be an ISO 8601 timestamp (got '0001-01-01T00:00:00+01:00') {CLOCK}",
        ),
        ({}, f"nothing to change {CLOCK}"),
        ([1, 2], f"expected a JSON object: {ClockUpdate.ACCEPTED}"),
    ],
)
def test_clock_bad_input(client: httpx.Client, body: object, error: str) -> None:
    before = client.get("/_mock/clock").json()
    response = client.post("/_mock/clock", json=body)
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert client.get("/_mock/clock").json() == before


def test_clock_bad_json(client: httpx.Client) -> None:
    response = client.post(
        "/_mock/clock", content=b"{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_reset_restores_fixtures_and_clock(client: httpx.Client) -> None:
    client.post("/_mock/clock", json={"advance": "1h"})
    added = client.post("/_mock/jobs/nunu", json={"status": "QUEUED"}).json()["id"]
    client.delete(f"/_mock/jobs/nunu/{SEED_JOB}")
    body = client.post("/_mock/reset").json()
    assert body == {
        "status": "ok",
        "now": "2026-11-01T12:00:00+00:00",
        "mode": "manual",
        "scale": 1.0,
    }
    ids = client.get("/_mock/jobs/nunu").json()["ids"]
    assert SEED_JOB in ids and added not in ids
    assert client.get("/_mock/requests").json()["requests"] == []


def test_jobs_add_list_delete(client: httpx.Client) -> None:
    response = client.post(
        "/_mock/jobs/nunu",
        json={"job_id": "11111111-2222-4333-8444-555555555555", "status": "RUNNING"},
    )
    assert response.status_code == 201
    assert response.json() == {"vendor": "nunu", "id": "11111111-2222-4333-8444-555555555555"}
    listed = client.get("/_mock/jobs/nunu").json()
    assert listed["vendor"] == "nunu"
    assert "11111111-2222-4333-8444-555555555555" in listed["ids"]
    job = client.get(
        "/nunu/api/v1/jobs/11111111-2222-4333-8444-555555555555",
        headers={"X-Api-Key": "nunu_test_key"},
    ).json()
    assert job["status"] == "RUNNING"
    deleted = client.delete("/_mock/jobs/nunu/11111111-2222-4333-8444-555555555555")
    assert deleted.status_code == 204
    gone = client.get(
        "/nunu/api/v1/jobs/11111111-2222-4333-8444-555555555555",
        headers={"X-Api-Key": "nunu_test_key"},
    )
    assert gone.status_code == 404
    again = client.delete("/_mock/jobs/nunu/11111111-2222-4333-8444-555555555555")
    assert again.status_code == 404


def test_jobs_bad_input(client: httpx.Client) -> None:
    unknown_vendor = client.post("/_mock/jobs/acme", json={})
    assert unknown_vendor.status_code == 404
    assert unknown_vendor.json() == {
        "error": f"unknown vendor 'acme'; this server emulates: {', '.join(SLUGS)}"
    }
    bad_field = client.post("/_mock/jobs/nunu", json={"stauts": "RUNNING"})
    assert bad_field.status_code == 400
    assert bad_field.json() == {
        "error": "stauts: unknown field (check its spelling and indentation)"
    }
    bad_value = client.post("/_mock/jobs/nunu", json={"status": "DONE"})
    assert bad_value.status_code == 400
    assert bad_value.json()["error"].startswith("status: Input should be")
    not_object = client.post("/_mock/jobs/nunu", json=[1])
    assert not_object.status_code == 400


def test_requests_journal(client: httpx.Client) -> None:
    client.post("/_mock/clock", json={"advance": "5s"})
    client.get(
        f"/nunu/api/v1/jobs/{SEED_JOB}",
        headers={"X-Api-Key": "nunu_test_key"},
        params={"trace": "1"},
    )
    client.post("/nunu/api/v1/runs/stop", json={"job_ids": [SEED_JOB]})
    entries = client.get("/_mock/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", f"/api/v1/jobs/{SEED_JOB}", 200),
        ("POST", "/api/v1/runs/stop", 401),
    ]
    first = entries[0]
    assert first["vendor"] == "nunu"
    assert first["raw_path"] == f"/nunu/api/v1/jobs/{SEED_JOB}"
    assert first["query"] == {"trace": "1"}
    assert first["headers"]["x-api-key"] == "nunu_test_key"
    assert first["at"] == "2026-11-01T12:00:05+00:00"
    assert first["job"] == SEED_JOB
    assert first["operation"] == "getJobDetails"
    assert entries[1]["body"] == '{"job_ids":["f80f6230-3a4f-431a-9d55-d11b867fed4e"]}'
    filtered = client.get("/_mock/requests", params={"method": "post"}).json()["requests"]
    assert [e["path"] for e in filtered] == ["/api/v1/runs/stop"]
    by_path = client.get("/_mock/requests", params={"path": "/api/v1/jobs/*"}).json()
    assert len(by_path["requests"]) == 1
    by_job = client.get("/_mock/requests", params={"job": SEED_JOB}).json()
    assert len(by_job["requests"]) == 1
    assert client.delete("/_mock/requests").status_code == 204
    assert client.get("/_mock/requests").json()["requests"] == []


def test_handle_mirrors_the_api(handle: InProcessHandle) -> None:
    assert handle.health()["vendors"] == list(SLUGS)
    assert handle.now() == START
    assert handle.advance("90s") == START.replace(minute=1, second=30)
    assert handle.clock_mode() == "manual"
    job_id = handle.add_job("nunu", {"status": "QUEUED"})
    assert job_id in handle.job_ids("nunu")
    handle.delete_job("nunu", job_id)
    assert job_id not in handle.job_ids("nunu")
    with pytest.raises(JobmockError, match="unknown vendor 'nope'"):
        handle.add_job("nope", {})
    handle.reset()
    assert handle.now() == START
