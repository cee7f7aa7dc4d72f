"""Faults through the control API and the handle, answered in the vendor's own envelope."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.core.fixture_files import FixtureError
from jobmock.testing import InProcessHandle, JobmockError, MockServer
from tests.conftest import START

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
JOB_PATH = f"/nunu/api/v1/jobs/{SEED_JOB}"
KEY = {"X-Api-Key": "nunu_test_key"}


def test_fail_next_503_with_retry_after(client: httpx.Client, handle: InProcessHandle) -> None:
    fault = handle.fail_next("nunu", status=503, retry_after=5)
    failed = client.get(JOB_PATH, headers=KEY)
    assert failed.status_code == 503
    assert failed.json() == {"error": "Service unavailable"}
    assert failed.headers["retry-after"] == "5"
    assert client.get(JOB_PATH, headers=KEY).status_code == 200
    (rule,) = handle.faults()
    assert (rule["id"], rule["matched"], rule["fired"], rule["exhausted"]) == (fault, 1, 1, True)
    entries = handle.requests(vendor="nunu")
    assert [(e.status, e.fault, e.retry_after) for e in entries] == [
        (503, fault, "5"),
        (200, None, None),
    ]


def test_fault_message_and_operation(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.fail_next(
        "nunu", operation="listJobs", status=500, message="database is down", times=None
    )
    assert client.get(JOB_PATH, headers=KEY).status_code == 200
    for _ in range(2):
        response = client.get("/nunu/api/v1/jobs", headers=KEY)
        assert (response.status_code, response.json()) == (500, {"error": "database is down"})


def test_job_answers_503_on_its_second_and_third_poll(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    handle.add_fault("nunu", job=SEED_JOB, calls=[2, 3], status=503)
    statuses = [client.get(JOB_PATH, headers=KEY).status_code for _ in range(5)]
    assert statuses == [200, 503, 503, 200, 200]
    other = client.get("/nunu/api/v1/runs/lkkg6t5612m", headers=KEY)
    assert other.status_code == 200


def test_dropped_connection_in_process(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.fail_next("nunu", drop=True)
    with pytest.raises(
        httpx.RemoteProtocolError, match="Server disconnected without sending a response"
    ):
        client.get(JOB_PATH, headers=KEY)
    assert client.get(JOB_PATH, headers=KEY).status_code == 200
    dropped = handle.requests(vendor="nunu")[0]
    assert dropped.status == 0 and "connection dropped" in dropped.notes


def test_malformed_body(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.add_fault("nunu", malformed=True)
    response = client.get(JOB_PATH, headers=KEY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content.startswith(b'{"job_id":"f80f6230')
    assert response.content.endswith(b"502 Bad Gateway</h1></body></html>")
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(ValueError):
        response.json()


def test_latency_is_journaled(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.add_fault("nunu", delay="20ms")
    assert client.get(JOB_PATH, headers=KEY).status_code == 200
    assert handle.requests()[0].notes == ["delayed 0.020 s by a fault"]


def test_faults_over_a_real_socket() -> None:
    with MockServer() as server:
        url = server.base_url("nunu") + f"/jobs/{SEED_JOB}"
        server.handle.fail_next("nunu", drop=True)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url, headers=KEY)
        server.handle.add_fault("nunu", truncate=True)
        with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|peer closed"):
            httpx.get(url, headers=KEY)
        server.handle.fail_next("nunu", status=429, retry_after=2)
        limited = httpx.get(url, headers=KEY)
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
        assert httpx.get(url, headers=KEY).status_code == 200
        server.check()


def test_control_api_for_faults(client: httpx.Client) -> None:
    created = client.post("/_mock/faults", json={"vendor": "nunu", "status": 502, "times": 3})
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": 1,
        "vendor": "nunu",
        "times": 3,
        "status": 502,
        "action": "status",
        "matched": 0,
        "fired": 0,
        "origin": "api",
        "exhausted": False,
    }
    client.post("/_mock/faults", json={"vendor": "nunu", "delay": [0.001, 0.002]})
    assert [f["id"] for f in client.get("/_mock/faults").json()["faults"]] == [1, 2]
    assert client.delete("/_mock/faults/1").status_code == 204
    assert client.delete("/_mock/faults/1").status_code == 404
    assert client.delete("/_mock/faults").status_code == 204
    assert client.get("/_mock/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"status": 503}, 400, "'vendor' is required"),
        ({"vendor": "acme"}, 404, "unknown vendor 'acme'"),
        ({"vendor": "nunu", "status": 503, "drop": True}, 400, "choose one of status, drop"),
        ({"vendor": "nunu", "delay": "soon"}, 400, "delay: invalid duration 'soon'"),
        ({"vendor": "nunu", "stauts": 503}, 400, "stauts: unknown field"),
        ([], 400, "expected a JSON object: a fault rule: "),
    ],
)
def test_control_api_rejects_bad_faults(
    client: httpx.Client, body: object, status: int, message: str
) -> None:
    response = client.post("/_mock/faults", json=body)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_reset_clears_faults(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.fail_next("nunu", times=None)
    handle.reset()
    assert handle.faults() == []
    assert client.get(JOB_PATH, headers=KEY).status_code == 200


def test_rate_limit_switch_for_a_vendor_without_one(handle: InProcessHandle) -> None:
    assert "nunu" not in handle.rate_limits()
    with pytest.raises(JobmockError, match="nunu documents no rate limit"):
        handle.set_rate_limits(True, vendor="nunu")


def test_faults_declared_in_fixtures(tmp_path: Path) -> None:
    folder = tmp_path / "nunu"
    folder.mkdir()
    (folder / "jobs.yaml").write_text(
        "jobs:\n"
        "  - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555\n"
        "    status: RUNNING\n"
        "faults:\n"
        "  - job: 6bf46c69-7d2c-4f82-aeea-cbe226e87555\n"
        "    calls: [2]\n"
        "    status: 503\n"
        "    retry_after: 10s\n"
    )
    app = create_app(Settings(clock="manual", start_time=START, fixtures=tmp_path))
    handle = InProcessHandle(app)
    with handle.client("nunu", headers=KEY) as client:
        path = "/jobs/6bf46c69-7d2c-4f82-aeea-cbe226e87555"
        assert [client.get(path).status_code for _ in range(3)] == [200, 503, 200]
        handle.reset()
        assert [client.get(path).status_code for _ in range(3)] == [200, 503, 200]
    assert handle.faults()[0]["origin"] == "fixture"


def test_bad_fault_in_fixtures_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "nunu"
    folder.mkdir()
    (folder / "faults.yaml").write_text("faults:\n  - status: 503\n    tiems: 2\n")
    with pytest.raises(FixtureError) as info:
        create_app(Settings(clock="manual", fixtures=tmp_path))
    assert str(info.value) == (
        f"{folder}/faults.yaml:3: faults[0].tiems: unknown field (check its spelling and "
        "indentation)"
    )


def test_journal_suggests_the_nearest_path_and_id(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    client.get("/nunu/api/v1/job/abc", headers=KEY)
    client.get(f"/nunu/api/v1/jobs/{SEED_JOB[:-1]}f", headers=KEY)
    client.get("/nunuu/api/v1/jobs")
    wrong_path, wrong_id, wrong_vendor = handle.requests()
    assert wrong_path.suggestion == "GET /api/v1/jobs/{jobId}"
    assert wrong_id.suggestion == SEED_JOB
    assert wrong_vendor.suggestion == "/nunu/api/v1"


def test_fault_answers_are_still_polls_of_their_job(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    handle.fail_next("nunu", status=503, retry_after=30)
    client.get(JOB_PATH, headers=KEY)
    handle.advance("30s")
    client.get(JOB_PATH, headers=KEY)
    first, second = handle.polls("nunu", SEED_JOB)
    assert (first.status, first.operation, second.status) == (503, "getJobDetails", 200)
    handle.assert_polled("nunu", SEED_JOB, times=2, honours_retry_after=True)
