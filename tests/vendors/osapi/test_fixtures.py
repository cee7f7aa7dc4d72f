"""A bad OSAPI fixture stops startup with file, line and field; a good one can be two lines; a
fixture cannot describe a document OSAPI would not compute from the job's events."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, fixture_problem, fixture_writer, http_client
from tests.vendors.osapi.conftest import Osapi, bearer

JOB = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"


write = fixture_writer("osapi")


problem = fixture_problem


def build(tmp_path: Path) -> httpx.Client:
    return http_client(
        build_app(fixtures=tmp_path), base_url="http://jobmock/osapi", headers=bearer()
    )


def test_unknown_field(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", f"jobs:\n  - id: {JOB}\n    stauts: completed\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/jobs.yaml:3: jobs[0].stauts: unknown field (check its spelling and "
        "indentation)"
    )


def test_bad_status(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - status: done\n")
    message = problem(tmp_path)
    assert message.startswith(f"{tmp_path}/osapi/jobs.yaml:2: jobs[0].status: Input should be ")
    assert "'partial_failure'" in message and "(got 'done')" in message


def test_bad_id(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - id: job-1\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/jobs.yaml:2: jobs[0].id: must be a lowercase UUID such as "
        "3fa85f64-5717-4562-b3fc-2c963f66afa6 (got 'job-1')"
    )


def test_a_field_osapi_would_not_show(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555
            status: completed
            operation: {type: node.hostname.get, data: {}}
            changed: true
        """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/jobs.yaml:5: jobs[0].changed: OSAPI would show null here for this "
        "job's events, not true"
    )


def test_error_on_a_partial_failure(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - status: partial_failure
            target: _all
            error: boom
        agents: [{hostname: a}, {hostname: b}]
        """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/jobs.yaml:4: jobs[0].error: OSAPI would show absent here for this "
        'job\'s events, not "boom"'
    )


def test_timeline_message_must_be_osapis(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - timeline:
              - {event: acknowledged, hostname: web-01, at: 1ms, message: Picked up}
        """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/jobs.yaml:3: jobs[0].timeline[0].message: OSAPI writes "
        "'Job acknowledged by agent web-01' for this event"
    )


@pytest.mark.parametrize(
    "timeline, loc, message",
    [
        (
            "[{event: started, at: 1ms}]",
            "jobs[0].timeline[0].hostname",
            "a started event needs the agent's hostname",
        ),
        ("[{event: started, hostname: a}]", "jobs[0].timeline[0]", "give the event's"),
        (
            "[{event: started, hostname: a, timestamp: '2026-01-01T00:00:00Z'}]",
            "jobs[0].timeline[0].timestamp",
            "timestamps need the job's 'created' as well",
        ),
        (
            "[{event: started, hostname: a, at: 2s}, {event: acknowledged, hostname: a, at: 1s}]",
            "jobs[0].timeline[1]",
            "timeline events must be in time order",
        ),
        (
            "[{event: completed, hostname: a, at: 1s, error: x}]",
            "jobs[0].timeline[0].error",
            "only failed and skipped events carry an error",
        ),
    ],
)
def test_timeline_problems(tmp_path: Path, timeline: str, loc: str, message: str) -> None:
    write(tmp_path, "jobs.yaml", f"jobs:\n  - timeline: {timeline}\n")
    assert f"jobs.yaml:2: {loc}: {message}" in problem(tmp_path)


def test_responses_are_keyed_by_sanitized_hostname(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - status: completed
            responses:
              web-01.example.com: {status: completed}
        """,
    )
    assert problem(tmp_path).endswith(
        "jobs[0].responses.web-01.example.com: no response is keyed 'web-01.example.com': OSAPI "
        "keys responses by sanitized hostname"
    )


def test_sanitized_keys_and_raw_hostnames(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        f"""
        jobs:
          - id: {JOB}
            status: completed
            responses:
              web-01_example_com: {{hostname: web-01.example.com, status: completed}}
        """,
    )
    with build(tmp_path) as client:
        job = client.get(f"/job/{JOB}").json()
    assert list(job["responses"]) == ["web-01_example_com"]
    assert job["responses"]["web-01_example_com"]["hostname"] == "web-01.example.com"
    assert list(job["agent_states"]) == ["web-01.example.com"]
    assert job["hostname"] == "web-01.example.com"


def test_duplicate_agent_and_bad_label(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "agents:\n  - hostname: web-01\n")
    write(
        tmp_path,
        "b.yaml",
        "agents:\n  - hostname: web-01\n  - hostname: web-02\n    labels: {group: web/prod}\n",
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/b.yaml:4: agents[1].labels: label group='web/prod': "
        "keys and dot-separated value segments are letters, digits, '-' and '_'"
    )
    write(tmp_path, "b.yaml", "agents:\n  - hostname: web-01\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/osapi/b.yaml:2: agents[0].hostname: duplicate agent 'web-01' (first defined "
        f"at {tmp_path}/osapi/a.yaml:2)"
    )


def test_partial_failure_needs_two_agents(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - status: partial_failure\n    target: web-01\n")
    assert problem(tmp_path).endswith(
        "jobs[0].status: a partial_failure needs one failed and one completed agent"
    )


def test_two_lines_are_enough(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", f"jobs:\n  - {{id: {JOB}, status: failed}}\n")
    with build(tmp_path) as client:
        job = client.get(f"/job/{JOB}").json()
    assert job["status"] == "failed"
    assert job["operation"] == {"data": {}, "type": "node.hostname.get"}
    assert job["error"] == "node.hostname.get: operation failed"
    assert job["hostname"] == "web-01"  # the default agent when the fixtures define none


def test_created_and_updated_at_are_honoured(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        f"""
        jobs:
          - id: {JOB}
            status: completed
            target: web-01
            created: "2026-03-20T10:15:30Z"
            updated_at: "2026-03-20T10:15:31.5Z"
            agent_states:
              web-01: {{duration: 250ms}}
        """,
    )
    with build(tmp_path) as client:
        job = client.get(f"/job/{JOB}").json()
    assert job["created"] == "2026-03-20T10:15:30Z"
    assert job["updated_at"] == "2026-03-20T10:15:31.5Z"
    assert job["agent_states"]["web-01"]["duration"] == "250ms"
    assert job["timeline"][-1]["timestamp"] == "2026-03-20T10:15:31Z"


def test_control_api_adds_a_job_in_fixture_format(osapi: Osapi, handle: InProcessHandle) -> None:
    job_id = handle.add_job("osapi", {"status": "processing", "target": "group:web"})
    assert job_id in handle.job_ids("osapi")
    job = osapi.job(job_id)
    assert job["status"] == "processing"
    assert set(job["agent_states"]) == {"web-01", "web-02"}
    handle.delete_job("osapi", job_id)
    assert osapi.get(f"/job/{job_id}").status_code == 404


def test_control_api_refuses_a_bad_job(client: httpx.Client) -> None:
    response = client.post("/_mock/jobs/osapi", json={"status": "done"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("status: Input should be")
    mismatch = client.post(
        "/_mock/jobs/osapi", json={"status": "failed", "operation": {"type": "x.get"}, "result": 1}
    )
    assert mismatch.json() == {
        "error": "result: OSAPI would show absent here for this job's events, not 1"
    }
