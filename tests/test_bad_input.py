"""Hostile and malformed input on every vendor's write and read endpoints: each answer is the
vendor's own status and error shape, and nothing inside the mock crashed.

One row per (endpoint, input). To add a case: write a function that builds the request for an
endpoint (``Bad``), and add rows saying what each vendor answers (``Row``); ``ERRORS`` checks
the body's shape for the vendor.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.core.limits import MAX_DEPTH, MAX_VALUES
from jobmock.main import JobmockApp
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START
from tests.vendors.osapi.conftest import token as osapi_token
from tests.vendors.prunner.conftest import token as prunner_token

MAX_BODY = 64 * 1024  # over OFF_LOOP_AT: a body at the cap is served on a worker thread
TOO_LARGE = f"request body too large: jobmock accepts at most {MAX_BODY} bytes (JOBMOCK_MAX_BODY)"
TOO_WIDE = f"request body too large: jobmock parses at most {MAX_VALUES} JSON values in one body"
WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
INTUNED = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/my-project/jobs"
OSAPI_JOB = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
PRUNNER_JOB = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"
NUNU_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"


@dataclass(frozen=True)
class Endpoint:
    vendor: str
    method: str
    path: str
    headers: Callable[[], dict[str, str]]
    """The credentials (and content type) a good client sends."""

    @property
    def name(self) -> str:
        return f"{self.method} {self.path.split('?')[0]}"


def _nunu() -> dict[str, str]:
    return {"X-Api-Key": "nunu_test_key", "Content-Type": "application/json"}


def _intuned() -> dict[str, str]:
    return {"x-api-key": "intuned_test_key", "Content-Type": "application/json"}


def _prunner() -> dict[str, str]:
    return {"Authorization": f"Bearer {prunner_token()}"}


def _osapi() -> dict[str, str]:
    return {"Authorization": f"Bearer {osapi_token()}", "Content-Type": "application/json"}


NUNU_START = Endpoint("nunu", "POST", "/nunu/api/v1/runs", _nunu)
NUNU_STOP = Endpoint("nunu", "POST", "/nunu/api/v1/runs/stop", _nunu)
NUNU_JOB_GET = Endpoint("nunu", "GET", f"/nunu/api/v1/jobs/{NUNU_JOB}", _nunu)
INTUNED_CREATE = Endpoint("intuned", "POST", INTUNED, _intuned)
INTUNED_UPDATE = Endpoint("intuned", "PUT", f"{INTUNED}/my-sample-job", _intuned)
INTUNED_TRIGGER = Endpoint("intuned", "POST", f"{INTUNED}/running-job/trigger", _intuned)
INTUNED_JOB_GET = Endpoint("intuned", "GET", f"{INTUNED}/my-sample-job", _intuned)
PRUNNER_SCHEDULE = Endpoint("prunner", "POST", "/prunner/pipelines/schedule", _prunner)
PRUNNER_DETAIL = Endpoint("prunner", "GET", f"/prunner/job/detail?id={PRUNNER_JOB}", _prunner)
OSAPI_RETRY = Endpoint("osapi", "POST", f"/osapi/job/{OSAPI_JOB}/retry", _osapi)
OSAPI_SHELL = Endpoint("osapi", "POST", "/osapi/node/_any/command/shell", _osapi)
OSAPI_JOB_GET = Endpoint("osapi", "GET", f"/osapi/job/{OSAPI_JOB}", _osapi)

WRITES = (
    NUNU_START,
    NUNU_STOP,
    INTUNED_CREATE,
    INTUNED_UPDATE,
    PRUNNER_SCHEDULE,
    OSAPI_RETRY,
    OSAPI_SHELL,
)
READS = (NUNU_JOB_GET, INTUNED_JOB_GET, PRUNNER_DETAIL, OSAPI_JOB_GET)


# --- the bad inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """How one bad input changes a good request: extra headers, a body, or a path."""

    name: str
    body: bytes | Callable[[], Iterator[bytes]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    path: Callable[[str], str] | None = None


GO_DEEP = 10_001  # one past Go's limit: encoding/json's own error from here on


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _chunks() -> Iterator[bytes]:
    for _ in range(5):
        yield b"x" * (MAX_BODY // 4)


DEEP_ARRAYS = Bad("deep arrays", b"[" * GO_DEEP + b"]" * GO_DEEP)
DEEP_OBJECTS = Bad("deep objects", b'{"a":' * GO_DEEP + b"1" + b"}" * GO_DEEP)
JUST_TOO_DEEP = Bad("101 levels", b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
HUGE_NUMBER = Bad("5,000-digit number", b'{"n": ' + b"7" * 5000 + b"}")
OVERSIZED = Bad("oversized body", b"x" * (MAX_BODY + 1))
WIDE = Bad("too many values", b"[" + b"1," * MAX_VALUES + b"1]")
OVERSIZED_CHUNKED = Bad("oversized chunked body", _chunks)
NOT_JSON = Bad("not JSON", b"hello")
WRONG_TYPE = Bad("wrong content type", b"hello", {"Content-Type": "text/plain"})
BAD_UTF8 = Bad("invalid UTF-8", b"\xff\xfe")
_DEEP_HEADER = _b64(b'{"a":' * GO_DEEP + b"1" + b"}" * GO_DEEP)
DEEP_JWT = Bad("deep JWT header", headers={"Authorization": f"Bearer {_DEEP_HEADER}.e30.c2ln"})
HUGE_AUTH = Bad("huge Authorization", headers={"Authorization": "Bearer " + "a" * 60_000})
HUGE_KEY = Bad("huge API key", headers={"X-Api-Key": "k" * 60_000, "x-api-key": "k" * 60_000})
_TIMELINE = {"X-Jobmock-Timeline": "[" * GO_DEEP}
_START = b'{"multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e", ' + (
    b'"deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26"}'
)
DEEP_TIMELINE = Bad("deep X-Jobmock-Timeline", _START, _TIMELINE)
LONG_ID = Bad(
    "30,000-character id", path=lambda path: path.replace(path.rsplit("/", 1)[1], "a" * 30_000)
)


# --- the vendors' error shapes -----------------------------------------------------------------


def nunu_error(response: httpx.Response, message: str) -> None:
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": message}


def intuned_error(response: httpx.Response, message: str) -> None:
    codes = {400: "bad-request", 401: "unauthorized", 404: "not-found", 413: "payload-too-large"}
    body = response.json()
    assert body.pop("correlationId")
    body.pop("details", None)
    assert body == {
        "code": codes[response.status_code],
        "category": "user",
        "message": message,
        "retirable": False,
    }


def prunner_error(response: httpx.Response, message: str) -> None:
    if response.status_code == 401:  # Go's http.Error
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.text == message + "\n"
        return
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"error":' + json.dumps(message).encode() + b"}\n"


def osapi_error(response: httpx.Response, message: str) -> None:
    """``message`` is Echo's ``{"message"}`` when it starts with ``echo:``, else the
    handlers' ``{"error"}``."""
    key, text = ("message", message[5:]) if message.startswith("echo:") else ("error", message)
    assert response.headers["content-type"] == "application/json"
    compact = json.dumps({key: text}, separators=(",", ":"), ensure_ascii=False)
    assert response.content == (compact + "\n").encode()


ERRORS: dict[str, Callable[[httpx.Response, str], None]] = {
    "nunu": nunu_error,
    "intuned": intuned_error,
    "prunner": prunner_error,
    "osapi": osapi_error,
}


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    endpoint: Endpoint
    bad: Bad
    status: int
    message: str
    """What the vendor's error body says (see ``ERRORS``)."""


NUNU_DEEP = f"request body is not valid JSON: nested more than {MAX_DEPTH} levels deep"
NUNU_NOT_JSON = "request body is not valid JSON"
INTUNED_DEEP = f"Request body is not valid JSON: nested more than {MAX_DEPTH} levels deep."
INTUNED_NOT_JSON = "Request body is not valid JSON."
PRUNNER_DEEP = "Error decoding JSON: exceeded max depth"


def _osapi_syntax(offset: int, error: str) -> str:
    return f"echo:Syntax error: offset={offset}, error={error}"


ROWS: list[Row] = []
for _ep in (NUNU_START, NUNU_STOP):
    ROWS += [
        Row(_ep, DEEP_ARRAYS, 400, NUNU_DEEP),
        Row(_ep, DEEP_OBJECTS, 400, NUNU_DEEP),
        Row(_ep, JUST_TOO_DEEP, 400, NUNU_DEEP),
        Row(_ep, HUGE_NUMBER, 400, NUNU_NOT_JSON),  # Python's own 4,300-digit limit
        Row(_ep, NOT_JSON, 400, NUNU_NOT_JSON),
        Row(_ep, WRONG_TYPE, 400, NUNU_NOT_JSON),
        Row(_ep, BAD_UTF8, 400, NUNU_NOT_JSON),
        Row(_ep, OVERSIZED, 413, TOO_LARGE),
        Row(_ep, WIDE, 413, TOO_WIDE),
        Row(_ep, OVERSIZED_CHUNKED, 413, TOO_LARGE),
        Row(_ep, HUGE_KEY, 401, "Invalid API key"),
    ]
ROWS += [
    Row(
        NUNU_START,
        DEEP_TIMELINE,
        400,
        f"not a valid timeline: JSON nested more than {MAX_DEPTH} levels deep",
    ),
    Row(NUNU_JOB_GET, OVERSIZED, 413, TOO_LARGE),
    Row(NUNU_JOB_GET, OVERSIZED_CHUNKED, 413, TOO_LARGE),
    Row(NUNU_JOB_GET, HUGE_KEY, 401, "Invalid API key"),
    Row(NUNU_JOB_GET, LONG_ID, 400, "Invalid job ID"),
]
for _ep in (INTUNED_CREATE, INTUNED_UPDATE):
    ROWS += [
        Row(_ep, DEEP_ARRAYS, 400, INTUNED_DEEP),
        Row(_ep, DEEP_OBJECTS, 400, INTUNED_DEEP),
        Row(_ep, JUST_TOO_DEEP, 400, INTUNED_DEEP),
        Row(_ep, HUGE_NUMBER, 400, INTUNED_NOT_JSON),
        Row(_ep, NOT_JSON, 400, INTUNED_NOT_JSON),
        Row(_ep, WRONG_TYPE, 400, INTUNED_NOT_JSON),
        Row(_ep, BAD_UTF8, 400, INTUNED_NOT_JSON),
        Row(_ep, OVERSIZED, 413, TOO_LARGE),
        Row(_ep, WIDE, 413, TOO_WIDE),
        Row(_ep, OVERSIZED_CHUNKED, 413, TOO_LARGE),
        Row(_ep, HUGE_KEY, 401, "Invalid API key."),
    ]
ROWS += [
    Row(INTUNED_TRIGGER, DEEP_TIMELINE, 400, "X-Jobmock-Timeline is not a valid timeline: "),
    Row(INTUNED_JOB_GET, OVERSIZED, 413, TOO_LARGE),
    Row(INTUNED_JOB_GET, OVERSIZED_CHUNKED, 413, TOO_LARGE),
    Row(INTUNED_JOB_GET, HUGE_KEY, 401, "Invalid API key."),
    Row(INTUNED_JOB_GET, LONG_ID, 404, f"Job '{'a' * 30_000}' not found."),
]
ROWS += [
    Row(PRUNNER_SCHEDULE, DEEP_ARRAYS, 400, PRUNNER_DEEP),
    Row(PRUNNER_SCHEDULE, DEEP_OBJECTS, 400, PRUNNER_DEEP),
    Row(PRUNNER_SCHEDULE, JUST_TOO_DEEP, 400, PRUNNER_DEEP),
    Row(
        PRUNNER_SCHEDULE,
        HUGE_NUMBER,
        400,
        f"Error decoding JSON: value {'7' * 5000} out of range for float64",
    ),
    Row(PRUNNER_SCHEDULE, NOT_JSON, 400, "Error decoding JSON: Expecting value at offset 0"),
    Row(PRUNNER_SCHEDULE, WRONG_TYPE, 400, "Error decoding JSON: Expecting value at offset 0"),
    Row(PRUNNER_SCHEDULE, BAD_UTF8, 400, "Error decoding JSON: Expecting value at offset 0"),
    Row(PRUNNER_SCHEDULE, OVERSIZED, 413, TOO_LARGE),
    Row(PRUNNER_SCHEDULE, WIDE, 413, TOO_WIDE),
    Row(PRUNNER_SCHEDULE, OVERSIZED_CHUNKED, 413, TOO_LARGE),
    Row(PRUNNER_SCHEDULE, DEEP_JWT, 401, "token is unauthorized"),
    Row(PRUNNER_SCHEDULE, HUGE_AUTH, 401, "token is unauthorized"),
    Row(PRUNNER_DETAIL, OVERSIZED, 413, TOO_LARGE),
    Row(PRUNNER_DETAIL, OVERSIZED_CHUNKED, 413, TOO_LARGE),
    Row(PRUNNER_DETAIL, DEEP_JWT, 401, "token is unauthorized"),
    Row(PRUNNER_DETAIL, HUGE_AUTH, 401, "token is unauthorized"),
]
_GO_DEEP_ARRAYS = _osapi_syntax(GO_DEEP, "invalid character '[' exceeded max depth")
_GO_DEEP_OBJECTS = _osapi_syntax(5 * GO_DEEP - 4, "invalid character '{' exceeded max depth")
_BEGIN = "looking for beginning of value"
_OSAPI_TOKEN_DEEP = "Invalid token: invalid character '{' exceeded max depth"
for _ep in (OSAPI_RETRY, OSAPI_SHELL):
    ROWS += [
        Row(_ep, DEEP_ARRAYS, 400, _GO_DEEP_ARRAYS),
        Row(_ep, DEEP_OBJECTS, 400, _GO_DEEP_OBJECTS),
        Row(
            _ep,
            JUST_TOO_DEEP,
            400,
            _osapi_syntax(MAX_DEPTH + 1, "invalid character '[' exceeded max depth"),
        ),
        Row(
            _ep,
            NOT_JSON,
            400,
            _osapi_syntax(1, "invalid character 'h' looking for beginning of value"),
        ),
        Row(_ep, WRONG_TYPE, 415, "echo:Unsupported Media Type"),
        Row(
            _ep,
            BAD_UTF8,
            400,
            _osapi_syntax(1, "invalid character 'ÿ' looking for beginning of value"),
        ),
        Row(_ep, OVERSIZED, 413, "echo:Request Entity Too Large"),
        Row(_ep, WIDE, 413, "echo:Request Entity Too Large"),
        Row(_ep, OVERSIZED_CHUNKED, 413, "echo:Request Entity Too Large"),
        Row(_ep, DEEP_JWT, 401, _OSAPI_TOKEN_DEEP),
        Row(_ep, HUGE_AUTH, 401, "Invalid token: token contains an invalid number of segments"),
    ]
ROWS += [
    # a number past int64 is Go's type error, not a crash
    Row(
        OSAPI_SHELL,
        Bad("5,000-digit command", b'{"command": ' + b"7" * 5000 + b"}"),
        400,
        "echo:Unmarshal type error: expected=string, got=number, field=command, offset=5012",
    ),
    Row(OSAPI_JOB_GET, OVERSIZED, 413, "echo:Request Entity Too Large"),
    Row(OSAPI_JOB_GET, OVERSIZED_CHUNKED, 413, "echo:Request Entity Too Large"),
    Row(OSAPI_JOB_GET, DEEP_JWT, 401, _OSAPI_TOKEN_DEEP),
    Row(
        OSAPI_JOB_GET,
        HUGE_AUTH,
        401,
        "Invalid token: token contains an invalid number of segments",
    ),
]


@pytest.fixture(scope="module")
def bad_app() -> JobmockApp:
    return create_app(Settings(clock="manual", start_time=START, max_body=MAX_BODY))


@pytest.fixture
def bad_client(bad_app: JobmockApp) -> Iterator[httpx.Client]:
    bad_app.runtime.store.reset()
    bad_app.runtime.crashes.clear()
    with httpx.Client(transport=JobmockTransport(bad_app), base_url="http://jobmock") as client:
        yield client


def send(client: httpx.Client, endpoint: Endpoint, bad: Bad) -> httpx.Response:
    headers = {**endpoint.headers(), **bad.headers}
    if "x-api-key" in bad.headers:  # one spelling per vendor, whichever it reads
        key = "X-Api-Key" if endpoint.vendor == "nunu" else "x-api-key"
        headers = {k: v for k, v in headers.items() if k.lower() != "x-api-key"}
        headers[key] = bad.headers["x-api-key"]
    path = bad.path(endpoint.path) if bad.path else endpoint.path
    body = bad.body() if callable(bad.body) else bad.body
    return client.request(endpoint.method, path, headers=headers, content=body)


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r.endpoint.vendor}:{r.endpoint.name}:{r.bad.name}" for r in ROWS]
)
def test_bad_input(
    row: Row, bad_app: JobmockApp, bad_client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = send(bad_client, row.endpoint, row.bad)
    assert response.status_code == row.status, response.text[:300]
    if row.message.endswith(": "):  # the validator's own text follows
        check = ERRORS[row.endpoint.vendor]
        prefix_only = dict(response.json())
        message = prefix_only.get("error") or prefix_only.get("message") or ""
        assert message.startswith(row.message), message
        check(response, message)
    else:
        ERRORS[row.endpoint.vendor](response, row.message)
    assert bad_app.runtime.crashes == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_every_endpoint_has_rows() -> None:
    """Each write endpoint meets every body case; each read endpoint the header cases."""
    body_cases = (DEEP_ARRAYS, DEEP_OBJECTS, NOT_JSON, WRONG_TYPE, BAD_UTF8, OVERSIZED)
    for endpoint in WRITES:
        covered = {row.bad.name for row in ROWS if row.endpoint == endpoint}
        assert {bad.name for bad in body_cases} <= covered, endpoint.name
    for endpoint in READS:
        covered = {row.bad.name for row in ROWS if row.endpoint == endpoint}
        assert {OVERSIZED.name, OVERSIZED_CHUNKED.name} <= covered, endpoint.name


def test_a_body_at_the_cap_is_served(bad_client: httpx.Client) -> None:
    """The cap refuses only what is over it: a body of exactly ``max_body`` bytes is read."""
    body = b'{"pipeline": "' + b"p" * (MAX_BODY - 16) + b'"}'
    assert len(body) == MAX_BODY
    response = send(bad_client, PRUNNER_SCHEDULE, Bad("at the cap", body))
    prunner_error(
        response, f'Error scheduling pipeline: pipeline "{"p" * (MAX_BODY - 16)}" is not defined'
    )
    assert response.status_code == 400
