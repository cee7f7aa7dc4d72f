"""A wrong JSON type in a write body is a 400 in the vendor's own words, for every vendor: no
field takes a string for a number, a string or a number for a boolean (``core.jsontypes``)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.vendors.intuned.conftest import BASE as INTUNED
from tests.vendors.intuned.conftest import KEY as INTUNED_KEY
from tests.vendors.intuned.conftest import SEED_JOB as INTUNED_JOB
from tests.vendors.nunu.conftest import BASE as NUNU
from tests.vendors.nunu.conftest import KEY as NUNU_KEY
from tests.vendors.osapi.conftest import SEED_JOB as OSAPI_JOB
from tests.vendors.osapi.conftest import bearer
from tests.vendors.prunner.conftest import token as prunner_token

NUNU_START = {
    "multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e",
    "deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26",
}


@pytest.mark.parametrize(
    "path, extra, problem",
    [
        ("/runs", {"instances": "1"}, "instances: Input should be a valid integer (got '1')"),
        ("/runs", {"retries": True}, "retries: Input should be a valid integer (got True)"),
        ("/runs", {"instances": 1.5}, "instances: Input should be a valid integer (got 1.5)"),
        (
            "/runs",
            {"render_templates": "yes"},
            "render_templates: Input should be a valid boolean (got 'yes')",
        ),
        (
            "/runs",
            {"run_on_all_configured_devices": 1},
            "run_on_all_configured_devices: Input should be a valid boolean (got 1)",
        ),
        (
            "/runs",
            {"additional_tags": [7]},
            "additional_tags[0]: Input should be a valid string (got 7)",
        ),
        ("/runs/stop", {"job_ids": "x"}, "job_ids: Input should be a valid list (got 'x')"),
    ],
)
def test_nunu(client: httpx.Client, path: str, extra: dict[str, Any], problem: str) -> None:
    body = {**NUNU_START, **extra} if path == "/runs" else extra
    response = client.post(NUNU + path, json=body, headers=NUNU_KEY)
    assert (response.status_code, response.json()) == (
        400,
        {"error": f"invalid request body: {problem}"},
    )


def test_nunu_takes_a_whole_number_written_with_a_fraction(client: httpx.Client) -> None:
    """JSON has one number type: to nunu's JavaScript stack ``2.0`` is ``2``."""
    response = client.post(NUNU + "/runs", json={**NUNU_START, "instances": 2.0}, headers=NUNU_KEY)
    assert response.status_code == 201
    assert len(response.json()["job_ids"]) == 2


INTUNED_JOB_BODY: dict[str, Any] = {
    "payload": [{"apiName": "get-product", "parameters": {}}],
    "configuration": {},
}


@pytest.mark.parametrize(
    "method, extra, path, message",
    [
        (
            "POST",
            {"auth_session": {"id": "session-1", "saveTrace": "yes"}},
            ["auth_session", "saveTrace"],
            "Input should be a valid boolean (got 'yes')",
        ),
        (
            "POST",
            {"configuration": {"requestTimeout": "60"}},
            ["configuration", "requestTimeout"],
            "Input should be a valid integer (got '60')",
        ),
        (
            "POST",
            {"configuration": {"maxConcurrentRequests": "5"}},
            ["configuration", "maxConcurrentRequests"],
            "Input should be a valid number (got '5')",
        ),
        (
            "POST",
            {"configuration": {"retry": {"maximumAttempts": False}}},
            ["configuration", "retry", "maximumAttempts"],
            "Input should be a valid integer (got False)",
        ),
        (
            "PUT",
            {"auth_session": {"id": "session-1", "checkAttempts": "3"}},
            ["auth_session", "checkAttempts"],
            "Input should be a valid integer (got '3')",
        ),
        (
            "PUT",
            {"payload": [{"apiName": "get-product", "parameters": {}, "requestTimeout": 1.5}]},
            ["payload", 0, "requestTimeout"],
            "Input should be a valid integer (got 1.5)",
        ),
    ],
)
def test_intuned(
    client: httpx.Client, method: str, extra: dict[str, Any], path: list[Any], message: str
) -> None:
    url = f"{INTUNED}/jobs" if method == "POST" else f"{INTUNED}/jobs/{INTUNED_JOB}"
    body = {**INTUNED_JOB_BODY, **extra}
    if method == "POST":
        body["id"] = "typed-job"
    response = client.request(method, url, json=body, headers={"x-api-key": INTUNED_KEY})
    assert response.status_code == 400
    got = response.json()
    assert uuid.UUID(got.pop("correlationId")).version == 4
    where = ".".join(map(str, path)).replace(".0.", "[0].")
    assert got == {
        "code": "bad-request",
        "category": "user",
        "message": f"Invalid request body: {where}: {message}",
        "retirable": False,
        "details": [{"path": path, "message": message}],
    }


def test_intuned_stores_what_was_sent_with_its_type(client: httpx.Client) -> None:
    headers = {"x-api-key": INTUNED_KEY}
    body = {
        **INTUNED_JOB_BODY,
        "id": "typed-job",
        "configuration": {"maxConcurrentRequests": 5, "requestTimeout": 60.0},
        "auth_session": {"id": "session-1", "saveTrace": True},
    }
    assert client.post(f"{INTUNED}/jobs", json=body, headers=headers).status_code == 201
    job = client.get(f"{INTUNED}/jobs/typed-job", headers=headers).json()
    assert job["configuration"]["maxConcurrentRequests"] == 5
    assert job["configuration"]["requestTimeout"] == 60
    assert job["auth_session"]["saveTrace"] is True


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"pipeline": 1}', "pipeline: expected a string"),
        (b'{"pipeline": "release", "variables": "x"}', "variables: expected a JSON object"),
    ],
)
def test_prunner(client: httpx.Client, content: bytes, message: str) -> None:
    response = client.post(
        "/prunner/pipelines/schedule",
        content=content,
        headers={"Authorization": f"Bearer {prunner_token()}"},
    )
    assert (response.status_code, response.text) == (
        400,
        '{"error":"Error decoding JSON: ' + message + '"}\n',
    )


@pytest.mark.parametrize(
    "path, content, message",
    [
        (
            f"/job/{OSAPI_JOB}/retry",
            b'{"target_hostname": true}',
            "expected=string, got=bool, field=target_hostname, offset=24",
        ),
        (
            "/node/web-01/command/shell",
            b'{"command": "id", "timeout": "9"}',
            "expected=int, got=string, field=timeout, offset=32",
        ),
        (
            "/node/web-01/command/shell",
            b'{"command": "id", "timeout": 1.0}',
            "expected=int, got=number 1.0, field=timeout, offset=32",
        ),
    ],
)
def test_osapi(client: httpx.Client, path: str, content: bytes, message: str) -> None:
    response = client.post(
        "/osapi" + path,
        content=content,
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert (response.status_code, response.text) == (
        400,
        '{"message":"Unmarshal type error: ' + message + '"}\n',
    )
