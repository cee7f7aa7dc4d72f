"""``GET /_mock/requests.har`` and ``handle.har()``: the journal as HAR 1.2, checked against the
spec's required fields (a JSON Schema written from the HAR 1.2 spec) and field by field."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs
import pytest

from jobmock import __version__
from jobmock.testing.handle import InProcessHandle

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
KEY = {"X-Api-Key": "nunu_test_key"}


def _object(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **optional},
    }


STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
NUMBER: dict[str, Any] = {"type": "number"}
PAIRS = {"type": "array", "items": _object({"name": STRING, "value": STRING})}
#: What HAR 1.2 requires of each object (log, creator, entry, request, response, content,
#: cache, timings, the name/value lists); optional fields, where present, have their type.
HAR_1_2 = _object(
    {
        "log": _object(
            {
                "version": {"const": "1.2"},
                "creator": _object({"name": STRING, "version": STRING}),
                "entries": {
                    "type": "array",
                    "items": _object(
                        {
                            "startedDateTime": {"type": "string", "format": "date-time"},
                            "time": NUMBER,
                            "request": _object(
                                {
                                    "method": STRING,
                                    "url": STRING,
                                    "httpVersion": STRING,
                                    "cookies": PAIRS,
                                    "headers": PAIRS,
                                    "queryString": PAIRS,
                                    "headersSize": INTEGER,
                                    "bodySize": INTEGER,
                                },
                                postData=_object({"mimeType": STRING}, text=STRING),
                            ),
                            "response": _object(
                                {
                                    "status": INTEGER,
                                    "statusText": STRING,
                                    "httpVersion": STRING,
                                    "cookies": PAIRS,
                                    "headers": PAIRS,
                                    "content": _object({"size": INTEGER, "mimeType": STRING}),
                                    "redirectURL": STRING,
                                    "headersSize": INTEGER,
                                    "bodySize": INTEGER,
                                }
                            ),
                            "cache": {"type": "object"},
                            "timings": _object({"send": NUMBER, "wait": NUMBER, "receive": NUMBER}),
                        },
                        comment=STRING,
                    ),
                },
            }
        )
    }
)


@pytest.fixture
def har(client: httpx.Client, handle: InProcessHandle) -> dict[str, Any]:
    client.post(
        "/nunu/api/v1/runs?dry=1&tag=a&tag=b",
        json={"multiplayer_test_id": "x"},
        headers={**KEY, "Cookie": "session=abc; theme=dark"},
    )
    handle.fail_next("nunu", status=503, retry_after=30)
    client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
    client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
    response = client.get("/_mock/requests.har")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def test_the_document_has_every_field_har_1_2_requires(har: dict[str, Any]) -> None:
    jsonschema_rs.validator_for(HAR_1_2, validate_formats=True).validate(har)
    assert har["log"]["version"] == "1.2"
    assert har["log"]["creator"] == {"name": "jobmock", "version": __version__}
    assert len(har["log"]["entries"]) == 3


def test_a_request_with_a_body_a_query_and_cookies(har: dict[str, Any]) -> None:
    posted = har["log"]["entries"][0]
    request = posted["request"]
    assert (request["method"], request["url"]) == (
        "POST",
        "http://jobmock/nunu/api/v1/runs?dry=1&tag=a&tag=b",
    )
    assert request["httpVersion"] == "HTTP/1.1"
    assert request["queryString"] == [
        {"name": "dry", "value": "1"},
        {"name": "tag", "value": "a"},
        {"name": "tag", "value": "b"},
    ]
    assert request["cookies"] == [
        {"name": "session", "value": "abc"},
        {"name": "theme", "value": "dark"},
    ]
    assert {"name": "x-api-key", "value": "nunu_test_key"} in request["headers"]
    assert request["postData"] == {
        "mimeType": "application/json",
        "text": '{"multiplayer_test_id":"x"}',
    }
    assert (request["headersSize"], request["bodySize"]) == (-1, 27)
    assert posted["response"]["status"] == 400
    assert posted["response"]["statusText"] == "Bad Request"
    assert (posted["_vendor"], posted["_operation"]) == ("nunu", "startRun")


def test_a_fault_and_a_poll(har: dict[str, Any], handle: InProcessHandle) -> None:
    failed, polled = har["log"]["entries"][1:]
    journal = handle.requests()
    assert failed["startedDateTime"] == journal[1].at
    assert failed["time"] == journal[1].duration_ms
    assert failed["timings"] == {"send": 0, "wait": journal[1].duration_ms, "receive": 0}
    assert "postData" not in failed["request"]
    assert failed["request"]["bodySize"] == 0
    assert failed["response"] == {
        "status": 503,
        "statusText": "Service Unavailable",
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": [{"name": "Retry-After", "value": "30"}],
        "content": {"size": 0, "mimeType": "", "comment": "jobmock's journal keeps no answers"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
    }
    assert failed["_fault"] == journal[1].fault
    assert failed["comment"] == f"jobmock request #{journal[1].seq}"
    assert (polled["_job"], polled["_state"], polled["_terminal"]) == (SEED_JOB, "COMPLETED", True)


def test_filters_and_the_handle_give_the_same_document(
    har: dict[str, Any], client: httpx.Client, handle: InProcessHandle
) -> None:
    assert handle.har() == har
    only_reads = client.get("/_mock/requests.har", params={"method": "GET"}).json()
    assert only_reads["log"]["entries"] == har["log"]["entries"][1:]
    assert handle.har(method="GET") == only_reads


def test_a_bad_filter_is_refused_in_the_control_apis_shape(client: httpx.Client) -> None:
    refused = client.get("/_mock/requests.har", params={"operation": "getJob"})
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "'operation' needs 'vendor': operation ids are each vendor's own"},
    )
    unknown = client.get("/_mock/requests.har", params={"vendor": "nunnu"})
    assert unknown.status_code == 404
    assert unknown.json()["error"].startswith("unknown vendor 'nunnu'")
