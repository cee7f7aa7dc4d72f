"""Jobs created by node operations, polled on the manual clock; retry, delete, expiry, and the
failure paths a client must handle (spec/osapi.md §9)."""

from __future__ import annotations

import math
from pathlib import Path
from textwrap import dedent
from typing import Any

import httpx
import pytest

from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from jobmock.vendors.osapi.backend import OsapiBackend
from tests.vendors.helpers import build_app, http_client
from tests.vendors.osapi.conftest import SEED_JOB, Osapi, bearer, echo, error, exact

FIRST_JOB = "65d2b65d-5abf-41bc-8e7c-4fc68f224821"  # the first id the app hands out
ECHO_HELLO = (
    b'{"agent_states":{"web-01":{"duration":"28.011167ms","status":"completed"}},'
    b'"changed":true,"created":"2026-11-01T12:00:00Z","hostname":"web-01",'
    b'"id":"65d2b65d-5abf-41bc-8e7c-4fc68f224821",'
    b'"operation":{"data":{"command":"echo hello"},"type":"command.shell.execute"},'
    b'"responses":{"web-01":{"changed":true,"data":{"changed":true,"duration_ms":26,'
    b'"exit_code":0,"stderr":"","stdout":"hello\\n"},"hostname":"web-01","status":"completed"}},'
    b'"result":{"changed":true,"duration_ms":26,"exit_code":0,"stderr":"","stdout":"hello\\n"},'
    b'"status":"completed","timeline":['
    b'{"event":"acknowledged","hostname":"web-01","message":"Job acknowledged by agent web-01",'
    b'"timestamp":"2026-11-01T12:00:00Z"},'
    b'{"event":"started","hostname":"web-01","message":"Job processing started on web-01",'
    b'"timestamp":"2026-11-01T12:00:00Z"},'
    b'{"event":"completed","hostname":"web-01","message":"Job completed successfully on web-01",'
    b'"timestamp":"2026-11-01T12:00:00Z"}],"updated_at":"2026-11-01T12:00:00.035574982Z"}\n'
)


def shell(osapi: Osapi, target: str, command: str, **kwargs: Any) -> httpx.Response:
    return osapi.post(f"/node/{target}/command/shell", json={"command": command}, **kwargs)


def backend_of(handle: InProcessHandle) -> OsapiBackend:
    app = handle.app
    assert isinstance(app, JobmockApp)
    backend = app.runtime.vendors["osapi"].backend
    assert isinstance(backend, OsapiBackend)
    return backend


def test_shell_command_polled_to_completion(osapi: Osapi, handle: InProcessHandle) -> None:
    response = shell(osapi, "web-01", "echo hello")
    exact(
        response,
        202,
        b'{"job_id":"65d2b65d-5abf-41bc-8e7c-4fc68f224821","results":[{"changed":true,'
        b'"duration_ms":26,"exit_code":0,"hostname":"web-01","status":"ok","stderr":"",'
        b'"stdout":"hello\\n"}]}\n',
    )
    exact(
        osapi.get(f"/job/{FIRST_JOB}"),
        200,
        b'{"changed":null,"created":"2026-11-01T12:00:00Z",'
        b'"id":"65d2b65d-5abf-41bc-8e7c-4fc68f224821",'
        b'"operation":{"data":{"command":"echo hello"},"type":"command.shell.execute"},'
        b'"status":"submitted"}\n',
    )
    handle.advance("8ms")
    job = osapi.job(FIRST_JOB)
    assert job["status"] == "processing"
    assert job["agent_states"] == {"web-01": {"status": "started"}}
    assert [e["event"] for e in job["timeline"]] == ["acknowledged", "started"]
    assert job["updated_at"] == "2026-11-01T12:00:00.007563815Z"
    assert "responses" not in job and "hostname" not in job
    handle.advance("30ms")
    exact(osapi.get(f"/job/{FIRST_JOB}"), 200, ECHO_HELLO)


def test_the_reply_lands_just_before_the_completed_event(
    osapi: Osapi, handle: InProcessHandle
) -> None:
    shell(osapi, "web-01", "echo hello")
    record = backend_of(handle).jobs.get(FIRST_JOB)
    assert record is not None
    (reply,) = record.replies
    handle.advance(math.ceil(reply.offset / 1000) / 1e6)  # the clock has microseconds
    job = osapi.job(FIRST_JOB)
    assert job["status"] == "processing"  # the completed event is still to come
    assert job["result"]["stdout"] == "hello\n"
    assert job["responses"]["web-01"]["status"] == "completed"


def test_broadcast_to_all_fills_one_response_per_agent(
    osapi: Osapi, handle: InProcessHandle
) -> None:
    response = shell(osapi, "_all", "hostname")
    assert response.status_code == 202
    results = response.json()["results"]
    assert [(r["hostname"], r["stdout"], r["status"]) for r in results] == [
        ("db-01", "db-01\n", "ok"),
        ("web-01", "web-01\n", "ok"),
        ("web-02", "web-02\n", "ok"),
    ]
    handle.advance("1s")
    job = osapi.job(response.json()["job_id"])
    assert job["status"] == "completed"
    assert set(job["responses"]) == set(job["agent_states"]) == {"db-01", "web-01", "web-02"}
    assert job["changed"] is True
    assert "result" not in job  # several responses
    assert len(job["timeline"]) == 9


def test_label_targets_match_hierarchically(osapi: Osapi) -> None:
    web = osapi.get("/node/group:web/hostname").json()
    assert [r["hostname"] for r in web["results"]] == ["web-01", "web-02"]
    dev = osapi.get("/node/group:web.dev/hostname").json()
    assert dev["results"] == [
        {
            "changed": False,
            "hostname": "web-01",
            "labels": {"group": "web.dev.us-east"},
            "status": "ok",
        }
    ]


def test_any_reaches_one_agent(osapi: Osapi, handle: InProcessHandle) -> None:
    response = osapi.get("/node/_any")
    exact(
        response,
        200,
        b'{"job_id":"65d2b65d-5abf-41bc-8e7c-4fc68f224821","results":[{"changed":false,'
        b'"disks":[{"free":343200852576,"name":"/dev/sda1","total":500000000000,'
        b'"used":156799147424}],"hostname":"db-01","load_average":{"15min":0.66,"1min":0.64,'
        b'"5min":0.74},"memory":{"free":12743313483,"total":68719476736,"used":13126993944},'
        b'"os_info":{"distribution":"Debian","version":"12"},"status":"ok",'
        b'"uptime":"26 days, 10 hours, 17 minutes"}]}\n',
    )
    handle.advance("1s")
    job = osapi.job(FIRST_JOB)
    assert job["changed"] is None  # node.status.get is a query
    data = job["result"]
    assert list(data) == [
        "changed",
        "disk_usage",
        "hostname",
        "load_averages",
        "memory_stats",
        "os_info",
        "uptime",
    ]
    assert data["os_info"] == {"Distribution": "Debian", "Version": "12", "changed": False}
    assert data["memory_stats"]["Cached"] == 13126993944  # what the endpoint calls "used"


def test_a_failing_agent_in_a_broadcast(osapi: Osapi, handle: InProcessHandle) -> None:
    outcomes = '{"db-01": {"status": "failed", "error": "disk full"}}'
    response = shell(osapi, "_all", "apt-get upgrade", headers={"X-Jobmock-Outcomes": outcomes})
    assert response.json()["results"][0] == {
        "error": "disk full",
        "hostname": "db-01",
        "status": "failed",
    }
    handle.advance("1s")
    job = osapi.job(response.json()["job_id"])
    assert job["status"] == "partial_failure"
    assert "error" not in job
    assert job["agent_states"]["db-01"]["error"] == "disk full"


def test_failed_and_skipped_single_targets(osapi: Osapi, handle: InProcessHandle) -> None:
    failing = {"X-Jobmock-Outcomes": '{"*": {"status": "failed", "error": "exec: not found"}}'}
    error(shell(osapi, "web-01", "id", headers=failing), 500, "job failed: exec: not found")
    handle.advance("1s")
    job = osapi.job(FIRST_JOB)  # the job exists and failed
    assert (job["status"], job["error"]) == ("failed", "exec: not found")
    skipping = {"X-Jobmock-Outcomes": '{"web-02": {"status": "skipped"}}'}
    skipped = osapi.get("/node/web-02", headers=skipping)
    assert skipped.json()["results"] == [
        {
            "error": "operation not supported on this OS family",
            "hostname": "web-02",
            "status": "skipped",
        }
    ]


def test_bad_outcomes_header(osapi: Osapi) -> None:
    response = osapi.get("/node/_all", headers={"X-Jobmock-Outcomes": '{"*": {"status": "ok"}}'})
    assert response.status_code == 400
    assert response.json()["error"].startswith("X-Jobmock-Outcomes: *.status: Input should be")


def test_a_command_longer_than_the_controller_waits(osapi: Osapi, handle: InProcessHandle) -> None:
    error(
        shell(osapi, "web-01", "sleep 45"),
        500,
        "failed to publish and wait: timeout waiting for job response: context deadline exceeded",
    )
    handle.advance("44s")
    assert osapi.job(FIRST_JOB)["status"] == "processing"
    handle.advance("2s")
    job = osapi.job(FIRST_JOB)
    assert job["status"] == "completed"
    assert job["agent_states"]["web-01"]["duration"].startswith("45.0")


@pytest.mark.parametrize(
    "target, hint",
    [
        ("nowhere", 'target agent "nowhere" not found'),
        ("group:db.dev", 'target agent "group:db.dev" not found'),
        ("gr@up:web", 'target agent "gr@up:web" not found'),
        (":web", 'target agent ":web" not found'),
        ("%20", 'target agent " " not found'),
        ("%07%0B", 'target agent "\\a\\v" not found'),
    ],
)
def test_unknown_targets(osapi: Osapi, target: str, hint: str) -> None:
    message = f"Key: '' Error:Field validation for '' failed on the 'valid_target' tag: {hint}"
    error(osapi.get(f"/node/{target}/hostname"), 400, message)
    error(osapi.get(f"/node/{target}"), 400, message)
    error(shell(osapi, target, "id"), 400, message)


@pytest.mark.parametrize(
    "body, status, message",
    [
        (
            {},
            400,
            "Key: 'CommandShellRequest.Command' Error:Field validation for 'Command' failed on "
            "the 'required' tag",
        ),
        (
            {"command": "id", "timeout": 0},
            400,
            "Key: 'CommandShellRequest.Timeout' Error:Field validation for 'Timeout' failed on "
            "the 'min' tag",
        ),
        (
            {"command": "", "timeout": 301},
            400,
            "Key: 'CommandShellRequest.Command' Error:Field validation for 'Command' failed on "
            "the 'required' tag; Key: 'CommandShellRequest.Timeout' Error:Field validation for "
            "'Timeout' failed on the 'max' tag",
        ),
    ],
)
def test_shell_body_validation(
    osapi: Osapi, body: dict[str, Any], status: int, message: str
) -> None:
    error(osapi.post("/node/web-01/command/shell", json=body), status, message)


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b'{"command": 5}',
            "Unmarshal type error: expected=string, got=number, field=command, offset=13",
        ),
        (
            b'{"command": "id", "timeout": "9"}',
            "Unmarshal type error: expected=int, got=string, field=timeout, offset=32",
        ),
        (
            b'{"command": "id", "timeout": 1.5}',
            "Unmarshal type error: expected=int, got=number 1.5, field=timeout, offset=32",
        ),
        (
            b"[]",
            "Unmarshal type error: expected=gen.CommandShellRequest, got=array, field=, offset=1",
        ),
        (
            b'{"command" "id"}',
            "Syntax error: offset=12, error=invalid character '\"' after object key",
        ),
        (b'{"command": "id"', "unexpected EOF"),
        (
            b"{\\}",
            "Syntax error: offset=2, error=invalid character '\\\\' looking for beginning of "
            "object key string",
        ),
    ],
)
def test_shell_body_binding_before_auth(osapi: Osapi, content: bytes, message: str) -> None:
    response = osapi.post(
        "/node/web-01/command/shell",
        auth=None,
        content=content,
        headers={"Content-Type": "application/json"},
    )
    echo(response, 400, message)


def test_retry(osapi: Osapi, handle: InProcessHandle) -> None:
    handle.advance("1m")
    failed = "8f14e45f-ceea-467a-9e36-2b7f3c1d5a02"
    response = osapi.post(f"/job/{failed}/retry")
    exact(
        response,
        201,
        b'{"job_id":"65d2b65d-5abf-41bc-8e7c-4fc68f224821","revision":47,"status":"created",'
        b'"timestamp":"2026-11-01T12:01:00Z"}\n',
    )
    new = osapi.job(FIRST_JOB)
    assert new["status"] == "submitted"
    assert new["operation"] == {
        "data": {"command": "systemctl restart nginx"},
        "type": "command.shell.execute",
    }
    assert new["timeline"] == [
        {
            "event": "submitted",
            "hostname": "_api",
            "message": "Job submitted to queue",
            "timestamp": "2026-11-01T12:01:00Z",
        }
    ]
    assert new["updated_at"] == new["created"] == "2026-11-01T12:01:00Z"
    original = osapi.job(failed)
    assert original["status"] == "failed"  # unchanged
    assert original["timeline"][-1] == {
        "event": "retried",
        "hostname": "_api",
        "message": f"Job retried as {FIRST_JOB}",
        "timestamp": "2026-11-01T12:01:00Z",
    }
    assert original["updated_at"] == "2026-11-01T12:01:00Z"
    handle.advance("1s")
    assert osapi.job(FIRST_JOB)["status"] == "completed"
    again = osapi.post(f"/job/{failed}/retry", json={"target_hostname": "_all"})
    assert again.json()["revision"] == 47 + 5 + 1 + 1  # that job's keys, then the retried event
    handle.advance("1s")
    assert len(osapi.job(again.json()["job_id"])["responses"]) == 3


def test_retry_bodies(osapi: Osapi) -> None:
    error(
        osapi.post(f"/job/{SEED_JOB}/retry", json={"target_hostname": "nope"}),
        400,
        "Key: 'RetryJobRequest.TargetHostname' Error:Field validation for 'TargetHostname' "
        "failed on the 'valid_target' tag: target agent \"nope\" not found",
    )
    for body in ({"target_hostname": ""}, {}, None, {"target_hostname": "group:db"}):
        assert osapi.post(f"/job/{SEED_JOB}/retry", json=body).status_code == 201
    echo(
        osapi.post(
            f"/job/{SEED_JOB}/retry",
            content=b'{"target_hostname": 5}',
            headers={"Content-Type": "application/json"},
        ),
        400,
        "Unmarshal type error: expected=string, got=number, field=target_hostname, offset=21",
    )
    echo(
        osapi.post(
            f"/job/{SEED_JOB}/retry",
            content=b"{bad",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "Syntax error: offset=2, error=invalid character 'b' looking for beginning of object "
        "key string",
    )
    echo(
        osapi.post(f"/job/{SEED_JOB}/retry", content=b"target=web-01"),
        415,
        "Unsupported Media Type",
    )


def test_retried_query_stays_a_query(osapi: Osapi, handle: InProcessHandle) -> None:
    osapi.post("/job/4a6d1f0e-6c1b-4a55-9a39-0e9a6f3f6a11/retry")
    handle.advance("1s")
    job = osapi.job(FIRST_JOB)
    assert job["status"] == "completed"
    assert job["changed"] is None
    assert next(e["event"] for e in job["timeline"]) == "submitted"


def test_delete(osapi: Osapi) -> None:
    response = osapi.delete(f"/job/{SEED_JOB}")
    assert (response.status_code, response.content) == (204, b"")
    assert "content-type" not in response.headers
    for answer in (
        osapi.get(f"/job/{SEED_JOB}"),
        osapi.delete(f"/job/{SEED_JOB}"),
        osapi.post(f"/job/{SEED_JOB}/retry"),
    ):
        error(answer, 404, f"job not found: {SEED_JOB}")
    assert SEED_JOB not in [i["id"] for i in osapi.get("/job").json()["items"]]


def test_api_jobs_expire_after_the_ttl(osapi: Osapi, handle: InProcessHandle) -> None:
    job_id = shell(osapi, "web-01", "uptime").json()["job_id"]
    handle.advance("59m59s")
    assert osapi.job(job_id)["status"] == "completed"
    handle.advance("1s")
    error(osapi.get(f"/job/{job_id}"), 404, f"job not found: {job_id}")
    error(osapi.post(f"/job/{job_id}/retry"), 404, f"job not found: {job_id}")
    assert osapi.get(f"/job/{SEED_JOB}").status_code == 200  # fixture jobs stay


def test_reset_forgets_created_jobs(osapi: Osapi, handle: InProcessHandle) -> None:
    job_id = shell(osapi, "web-01", "uptime").json()["job_id"]
    osapi.delete(f"/job/{SEED_JOB}")
    handle.reset()
    assert osapi.get(f"/job/{job_id}").status_code == 404
    assert osapi.get(f"/job/{SEED_JOB}").status_code == 200
    assert shell(osapi, "web-01", "uptime").json()["job_id"] == job_id  # same ids again


def fixture_client(tmp_path: Path, text: str) -> httpx.Client:
    folder = tmp_path / "osapi"
    folder.mkdir()
    (folder / "setup.yaml").write_text(dedent(text).lstrip())
    return http_client(build_app(fixtures=tmp_path), base_url="http://x/osapi", headers=bearer())


def advance(client: httpx.Client, duration: str) -> None:
    client.post("http://x/_mock/clock", json={"advance": duration})


def test_ttl_is_configurable(tmp_path: Path) -> None:
    with fixture_client(
        tmp_path,
        """
        server: {job_ttl: 5m}
        agents: [{hostname: web-01}]
        jobs:
          - id: 11111111-2222-4333-8444-555555555555
            ttl: 10m
            timeline: [{event: acknowledged, hostname: web-01, at: 1s}]
        """,
    ) as client:
        job_id = client.get("/node/web-01/hostname").json()["job_id"]
        advance(client, "5m")
        assert client.get(f"/job/{job_id}").status_code == 404
        assert client.get("/job/11111111-2222-4333-8444-555555555555").status_code == 200
        advance(client, "5m")
        assert client.get("/job/11111111-2222-4333-8444-555555555555").status_code == 404


def test_ttl_zero_never_expires(tmp_path: Path) -> None:
    with fixture_client(tmp_path, "server: {job_ttl: 0}\n") as client:
        job_id = client.get("/node/_any/hostname").json()["job_id"]
        advance(client, "30d")
        assert client.get(f"/job/{job_id}").status_code == 200


def test_agents_that_never_answer(tmp_path: Path) -> None:
    with fixture_client(
        tmp_path,
        """
        agents:
          - {hostname: web-01}
          - {hostname: web-02, responds: false}
        """,
    ) as client:
        response = client.get("/node/_all/hostname")
        assert [r["hostname"] for r in response.json()["results"]] == ["web-01"]
        silent = client.get("/node/web-02/hostname")
        assert silent.status_code == 500
        assert silent.json()["error"].startswith("failed to publish and wait: timeout")
        job_id = client.get("/job").json()["items"][0]["id"]
        advance(client, "10m")
        assert client.get(f"/job/{job_id}").json()["status"] == "submitted"


def test_no_agent_answers_a_broadcast(tmp_path: Path) -> None:
    text = "agents: [{hostname: web-01, responds: false, labels: {group: web}}]\n"
    with fixture_client(tmp_path, text) as client:
        assert client.get("/node/group:web").json() == {
            "error": "failed to collect broadcast responses: timeout waiting for broadcast "
            "responses: no agents responded"
        }
        assert client.get("/node/_any").json()["error"].startswith("failed to publish and wait")


def test_failed_jobs_redelivered_when_enabled(tmp_path: Path) -> None:
    with fixture_client(
        tmp_path,
        """
        server: {redeliver_failed: true}
        agents:
          - hostname: web-01
            outcomes:
              command.shell.execute: {status: failed, error: "text file busy", failures: 2}
        """,
    ) as client:
        assert client.post("/node/web-01/command/shell", json={"command": "id"}).status_code == 500
        job_id = client.get("/job").json()["items"][0]["id"]
        advance(client, "1s")
        first = client.get(f"/job/{job_id}").json()
        assert (first["status"], first["error"]) == ("failed", "text file busy")
        advance(client, "30s")  # redelivered after 30 s: fails again
        second = client.get(f"/job/{job_id}").json()
        assert [e["event"] for e in second["timeline"]].count("acknowledged") == 2
        assert second["status"] == "failed"
        advance(client, "2m")  # then after 2 min: completes
        done = client.get(f"/job/{job_id}").json()
        assert done["status"] == "completed"
        assert done["responses"]["web-01"]["status"] == "completed"  # the last reply wins
        assert done["agent_states"]["web-01"]["error"] == "text file busy"
        assert [e["event"] for e in done["timeline"]].count("failed") == 2


def test_failed_jobs_are_not_redelivered_by_default(tmp_path: Path) -> None:
    with fixture_client(
        tmp_path,
        """
        agents:
          - {hostname: web-01, outcomes: {"*": {status: failed, failures: 1}}}
        """,
    ) as client:
        client.get("/node/web-01/hostname")
        job_id = client.get("/job").json()["items"][0]["id"]
        advance(client, "30m")
        job = client.get(f"/job/{job_id}").json()
        assert job["status"] == "failed"
        assert len(job["timeline"]) == 3
