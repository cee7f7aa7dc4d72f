"""OSAPI's pipeline: routing (Echo 404/405), UUID binding before auth, then the handlers' 404s
(spec/osapi.md §3, §5). FastAPI's own bodies never reach a client."""

from __future__ import annotations

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.osapi.conftest import SEED_JOB, Osapi, echo, error

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("not-a-uuid", "invalid UUID length: 10"),
        ("f80f6230", "invalid UUID length: 8"),
        ("3fa85f64-5717-4562-b3fc-2c963f66afa", "invalid UUID length: 35"),
        ("g80f6230-3a4f-431a-9d55-d11b867fed4e", "invalid UUID format"),
        ("3fa85f64x5717-4562-b3fc-2c963f66afa6", "invalid UUID format"),
        ("3fa85f6457174562b3fc2c963f66afaz", "invalid UUID format"),
        ("{3fa85f64-5717-4562-b3fc-2c963f66afaX}", "invalid UUID format"),
        ("urx:uuid:3fa85f64-5717-4562-b3fc-2c963f66afa6", 'invalid urn prefix: "urx:uuid:"'),
        ("é" + SEED_JOB[2:], "invalid UUID format"),  # 36 bytes, not 36 characters
        ("é" + SEED_JOB[1:], "invalid UUID length: 37"),
    ],
)
def test_bad_uuid_is_400_with_google_uuid_reason(osapi: Osapi, raw: str, reason: str) -> None:
    for method in ("GET", "DELETE"):
        echo(
            osapi.request(method, f"/job/{raw}"),
            400,
            f"Invalid format for parameter id: error unmarshaling '{raw}' text as *uuid.UUID: "
            f"{reason}",
        )
    assert osapi.post(f"/job/{raw}/retry").status_code == 400


def test_bad_uuid_without_a_token_is_400_not_401(osapi: Osapi) -> None:
    echo(
        osapi.get("/job/not-a-uuid", auth=None),
        400,
        "Invalid format for parameter id: error unmarshaling 'not-a-uuid' text as *uuid.UUID: "
        "invalid UUID length: 10",
    )
    error(osapi.get(f"/job/{UNKNOWN}", auth=None), 401, "Bearer token required")


def test_the_id_is_percent_decoded_before_parsing(osapi: Osapi) -> None:
    echo(
        osapi.get("/job/not%20a%20uuid"),
        400,
        "Invalid format for parameter id: error unmarshaling 'not a uuid' text as *uuid.UUID: "
        "invalid UUID length: 10",
    )
    echo(
        osapi.get("/job/%25zz"),
        400,
        "Invalid format for parameter id: error unescaping path parameter 'id': invalid URL "
        'escape "%zz"',
    )


@pytest.mark.parametrize(
    "form",
    [
        SEED_JOB.upper(),
        SEED_JOB.replace("-", ""),
        "{" + SEED_JOB + "}",
        "urn:uuid:" + SEED_JOB,
        "URN:UUID:" + SEED_JOB.upper(),
    ],
)
def test_every_uuid_form_finds_the_job_by_its_canonical_id(osapi: Osapi, form: str) -> None:
    response = osapi.get(f"/job/{form}")
    assert response.status_code == 200
    assert response.json()["id"] == SEED_JOB


def test_unknown_job(osapi: Osapi) -> None:
    error(osapi.get(f"/job/{UNKNOWN}"), 404, f"job not found: {UNKNOWN}")
    error(osapi.get(f"/job/{UNKNOWN.upper()}"), 404, f"job not found: {UNKNOWN}")
    error(osapi.delete(f"/job/{UNKNOWN}"), 404, f"job not found: {UNKNOWN}")
    error(osapi.post(f"/job/{UNKNOWN}/retry"), 404, f"job not found: {UNKNOWN}")


@pytest.mark.parametrize("path", ["/job/", f"/job/{SEED_JOB}/", f"/job/{SEED_JOB}/x", "/jobs", "/"])
def test_unknown_route(osapi: Osapi, path: str) -> None:
    echo(osapi.get(path, auth=None), 404, "Not Found")


def test_node_status_has_no_status_suffix_in_this_version(osapi: Osapi) -> None:
    echo(osapi.get("/node/_all/status"), 404, "Not Found")


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("PUT", f"/job/{SEED_JOB}", "OPTIONS, DELETE, GET"),
        ("PATCH", f"/job/{SEED_JOB}", "OPTIONS, DELETE, GET"),
        ("POST", "/job", "OPTIONS, GET"),
        ("GET", f"/job/{SEED_JOB}/retry", "OPTIONS, POST"),
        ("DELETE", "/node/web-01/hostname", "OPTIONS, GET"),
        ("GET", "/node/web-01/command/shell", "OPTIONS, POST"),
    ],
)
def test_wrong_method(osapi: Osapi, method: str, path: str, allow: str) -> None:
    response = osapi.request(method, path, credential=None)
    echo(response, 405, "Method Not Allowed")
    assert response.headers["allow"] == allow


def test_options_is_answered_by_echo_cors(osapi: Osapi) -> None:
    known = osapi.request("OPTIONS", f"/job/{SEED_JOB}", credential=None)
    assert (known.status_code, known.content) == (204, b"")
    assert known.headers["allow"] == "OPTIONS, DELETE, GET"
    assert known.headers["vary"] == "Origin"
    unknown = osapi.request("OPTIONS", "/nothing", credential=None)
    assert unknown.status_code == 204 and "allow" not in unknown.headers


def test_head_paths_answer_too(osapi: Osapi) -> None:
    assert osapi.get(f"/api/job/{SEED_JOB}").content == osapi.get(f"/job/{SEED_JOB}").content
    assert osapi.get("/api/job").status_code == 200
    echo(
        osapi.get("/api/job/nope"),
        400,
        "Invalid format for parameter id: error unmarshaling 'nope' text as *uuid.UUID: "
        "invalid UUID length: 4",
    )


@pytest.mark.parametrize("path", ["/api/job/", "/api/nothing", "/api/node/_all/status"])
def test_head_unmatched_get_under_api_is_go_plain_text(osapi: Osapi, path: str) -> None:
    response = osapi.get(path, auth=None)
    assert (response.status_code, response.content) == (404, b"404 page not found\n")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_retry_of_a_job_without_operation(osapi: Osapi, handle: InProcessHandle) -> None:
    job_id = handle.add_job("osapi", {"operation": None, "status": "completed"})
    error(osapi.post(f"/job/{job_id}/retry"), 400, f"job has no operation data: {job_id}")


def test_a_crash_is_echos_500(osapi: Osapi, handle: InProcessHandle) -> None:
    from jobmock.main import JobmockApp

    app = handle.app
    assert isinstance(app, JobmockApp)
    backend = app.runtime.vendors["osapi"].backend

    def broken(*args: object) -> bytes:
        raise RuntimeError("bug in the mock")

    setattr(backend, "get_job_by_id", broken)  # noqa: B010
    try:
        response = osapi.get(f"/job/{SEED_JOB}", headers={"X-Request-Id": "trace-7"})
        echo(response, 500, "Internal Server Error")
        assert response.headers.get_list("x-request-id") == ["trace-7"]
        assert response.headers.get_list("vary") == ["Origin"]
    finally:
        delattr(backend, "get_job_by_id")
        app.runtime.crashes.clear()


@pytest.mark.parametrize("action", ["status", "malformed"])
def test_injected_faults_carry_echos_headers_once(
    osapi: Osapi, handle: InProcessHandle, action: str
) -> None:
    if action == "status":
        handle.fail_next("osapi", status=503)
    else:
        handle.add_fault("osapi", malformed=True)
    response = osapi.get(f"/job/{SEED_JOB}", headers={"X-Request-Id": "trace-8"})
    assert response.status_code == (503 if action == "status" else 200)
    assert response.headers.get_list("x-request-id") == ["trace-8"]
    assert response.headers.get_list("vary") == ["Origin"]


def test_requests_are_journaled_with_the_vendors_operation(
    osapi: Osapi, handle: InProcessHandle
) -> None:
    osapi.get(f"/job/{SEED_JOB}")
    osapi.get(f"/api/job/{SEED_JOB}")
    osapi.get("/api/job")
    osapi.post("/node/web-01/command/shell", json={"command": "id"})
    entries = handle.requests(vendor="osapi")
    assert [(e.operation, e.job, e.status) for e in entries] == [
        ("GetJobByID", SEED_JOB, 200),
        ("GetJobByID", SEED_JOB, 200),
        ("getJobs", None, 200),
        ("PostNodeCommandShell", None, 202),
    ]
