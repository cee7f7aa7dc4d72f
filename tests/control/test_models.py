"""Every control-API endpoint refuses every bad value with a 400/404/405 ``{"error": ...}`` that
says what is accepted: never a 500, a 422, a redirect or a logged traceback."""

from __future__ import annotations

import logging

import httpx
import pytest

from jobmock.control.models import ClockUpdate, RateLimitSwitch
from jobmock.core.faults import FAULT_FIELDS, PATH_RULE
from jobmock.main import JobmockApp

CLOCK = f"(expected {ClockUpdate.ACCEPTED})"
FAULT = f"(expected {FAULT_FIELDS})"
SWITCH = f"(expected {RateLimitSwitch.ACCEPTED})"
VENDORS = "unknown vendor 'acme'; this server emulates: nunu, intuned, prunner, osapi"
FORM = {"content-type": "application/x-www-form-urlencoded"}  # what `curl -d` sends


def no_route(method: str, path: str) -> str:
    return (
        f"the control API has no {method} {path} (a trailing slash or an empty segment is "
        "never dropped); GET /_mock/docs lists its operations"
    )


CASES: list[tuple[str, str, bytes, int, str]] = [
    # --- bodies that are not JSON objects, on every endpoint that takes one
    ("POST", "/_mock/clock", b'{"advance": NaN}', 400,
     "the request body is not valid JSON (NaN is not a JSON number)"),
    ("POST", "/_mock/clock", b'{"scale": Infinity}', 400,
     "the request body is not valid JSON (Infinity is not a JSON number)"),
    ("POST", "/_mock/clock", b'{"advance": 1e999}', 400,
     "the request body is not valid JSON (1e999 is too large for a number)"),
    ("POST", "/_mock/clock", b'{"advance":', 400,
     "the request body is not valid JSON (Expecting value)"),
    ("POST", "/_mock/clock", b"", 400, f"a JSON body is required: {ClockUpdate.ACCEPTED}"),
    ("POST", "/_mock/clock", b'"5m"', 400, f"expected a JSON object: {ClockUpdate.ACCEPTED}"),
    ("POST", "/_mock/jobs/nunu", b"", 400,
     "expected one job as a JSON object, in the vendor's fixture format"),
    ("POST", "/_mock/jobs/nunu", b"[]", 400,
     "expected one job as a JSON object, in the vendor's fixture format"),
    ("POST", "/_mock/faults", b"null", 400, f"expected a JSON object: {FAULT_FIELDS}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "probability": NaN}', 400,
     "the request body is not valid JSON (NaN is not a JSON number)"),
    ("POST", "/_mock/rate-limits", b"", 400,
     f"a JSON body is required: {RateLimitSwitch.ACCEPTED}"),
    # --- clock values
    ("POST", "/_mock/clock", b'{"advance": null}', 400,
     f'advance: must be seconds or a duration like "90s" {CLOCK}'),
    ("POST", "/_mock/clock", b'{"advance": {}}', 400,
     f'advance: must be seconds or a duration like "90s" {CLOCK}'),
    ("POST", "/_mock/clock", b'{"advance": []}', 400,
     f'advance: must be seconds or a duration like "90s" {CLOCK}'),
    ("POST", "/_mock/clock", b'{"advance": "NaN"}', 400,
     f"advance: invalid duration 'NaN': must be a finite number of seconds {CLOCK}"),
    ("POST", "/_mock/clock", b'{"advance": "inf"}', 400,
     f"advance: invalid duration 'inf': must be a finite number of seconds {CLOCK}"),
    ("POST", "/_mock/clock", b'{"advance": true}', 400,
     f"advance: invalid duration True: expected seconds or a string like '90s' {CLOCK}"),
    ("POST", "/_mock/clock", b'{"set": 5}', 400,
     f"set: must be an ISO 8601 timestamp (got 5) {CLOCK}"),
    ("POST", "/_mock/clock", b'{"mode": null}', 400, f"mode: must not be null {CLOCK}"),
    # --- jobs
    ("POST", "/_mock/jobs/acme", b"{}", 404, VENDORS),
    ("GET", "/_mock/jobs/nunu?offset=-1", b"", 400,
     "offset must be 0 or more and limit between 1 and 100000"),
    ("GET", "/_mock/jobs/nunu?limit=abc", b"", 400,
     "query parameter 'limit': Input should be a valid integer, unable to parse string as an "
     "integer"),
    ("DELETE", "/_mock/jobs/nunu/", b"", 404, no_route("DELETE", "/_mock/jobs/nunu/")),
    ("DELETE", "/_mock/jobs/nunu/nope", b"", 404, "no nunu job 'nope'"),
    # --- journal
    ("GET", "/_mock/requests?vendor=acme", b"", 404, VENDORS),
    # --- faults
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "delay": "NaN"}', 400,
     f"delay: invalid duration 'NaN': must be a finite number of seconds {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "delay": -5}', 400,
     f"delay: invalid duration -5: must not be negative {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "delay": 1e9}', 400,
     f"delay: 1000000000.0 is more than the 600 s a rule may take {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "delay": [2, 1]}', 400,
     f"delay: a delay range is [min, max] {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "retry_after": -1}', 400,
     f"retry_after: invalid duration -1: must not be negative {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "status": 99}', 400,
     f"status: Input should be greater than or equal to 100 (got 99) {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "times": 0}', 400,
     f"times: Input should be greater than or equal to 1 (got 0) {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "calls": [0]}', 400,
     f"'calls' counts matching requests from 1 {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "path": "/"}', 400,
     f"path: must name a path; {PATH_RULE} (got '/') {FAULT}"),
    ("POST", "/_mock/faults", b'{"vendor": "nunu", "seed": 1.5}', 400,
     "seed: Input should be a valid integer, got a number with a fractional part (got 1.5) "
     f"{FAULT}"),
    ("DELETE", "/_mock/faults/abc", b"", 400,
     "path parameter 'fault_id': Input should be a valid integer, unable to parse string as "
     "an integer"),
    ("DELETE", "/_mock/faults/999", b"", 404, "no fault 999"),
    ("DELETE", "/_mock/faults?vendor=acme", b"", 404, VENDORS),
    # --- rate limits
    ("POST", "/_mock/rate-limits", b"{}", 400, f"enabled: this field is required {SWITCH}"),
    ("POST", "/_mock/rate-limits", b'{"enabled": "yes"}', 400,
     f"enabled: Input should be a valid boolean (got 'yes') {SWITCH}"),
    ("POST", "/_mock/rate-limits", b'{"enabled": null}', 400,
     f"enabled: must not be null {SWITCH}"),
    ("POST", "/_mock/rate-limits", b'{"enabled": true, "vendor": 5}', 400,
     f"vendor: Input should be a valid string (got 5) {SWITCH}"),
    ("POST", "/_mock/rate-limits", b'{"enabled": true, "vendor": "nunu"}', 400,
     "nunu documents no rate limit (these do: intuned)"),
    # --- paths that name no operation: a 404 or 405 in the control API's shape, no redirect
    ("GET", "/_mock/clock/", b"", 404, no_route("GET", "/_mock/clock/")),
    ("POST", "/_mock/faults/", b"{}", 404, no_route("POST", "/_mock/faults/")),
    ("GET", "/_mock//clock", b"", 404, no_route("GET", "/_mock//clock")),
    ("GET", "/_mock/", b"", 404, no_route("GET", "/_mock/")),
    ("GET", "/_session/s/_mock/health/", b"", 404,
     no_route("GET", "/_session/s/_mock/health/")),
    ("PUT", "/_mock/clock", b"", 405, "/_mock/clock takes GET, POST, not PUT"),
    ("DELETE", "/_mock/session", b"", 400,
     "this is the root, not a session: send DELETE /_session/NAME/_mock/session"),
]  # fmt: skip


@pytest.mark.parametrize(
    "method, path, body, status, error", CASES, ids=[f"{c[0]} {c[1]} {c[2]!r}" for c in CASES]
)
def test_every_bad_value_is_a_clear_refusal(
    app: JobmockApp,
    client: httpx.Client,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: bytes,
    status: int,
    error: str,
) -> None:
    before = client.get("/_mock/clock").json()
    with caplog.at_level(logging.DEBUG):
        response = client.request(method, path, content=body, headers=FORM if body else {})
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert response.headers["content-type"] == "application/json"
    assert app.runtime.crashes == []
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert client.get("/_mock/clock").json() == before
    assert client.get("/_mock/faults").json() == {"faults": []}


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_a_json_body_is_read_whatever_its_content_type(
    client: httpx.Client, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/_mock/clock", content=b'{"advance":"5m"}', headers=headers)
    assert response.json() == {"now": "2026-11-01T12:05:00+00:00", "mode": "manual", "scale": 1.0}


def test_the_token_guards_a_job_called_health() -> None:
    from jobmock import Settings, create_app
    from jobmock.testing.transport import JobmockTransport

    app = create_app(Settings(clock="manual", control_token="s3cret"))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        assert client.get("/_mock/health").status_code == 200
        refused = client.delete("/_mock/jobs/nunu/health")
        assert refused.status_code == 401
