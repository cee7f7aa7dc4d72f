"""``/_mock/stubs`` and ``/_mock/scenarios`` over HTTP: what each accepts, and every refusal a
400 (404 for an unknown id or vendor) that says what is wrong and what is accepted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle, JobmockError
from tests.stubs.conftest import TARGETS

FIELDS = (
    "a stub: 'vendor'; which calls it answers: 'operation' (the vendor's operation id), "
    "'method', 'path', 'job', 'times' (1 or more, or null for every one); what it answers: "
    "'status' (100 to 599), one of 'json' (any JSON value), 'body' (text) or 'patch' (a JSON "
    "Patch list for jobmock's own answer), and 'headers' (an object of strings)"
)
PATCH_RULE = (
    'a JSON Patch (RFC 6902): a list of {"op": "add" | "remove" | "replace" | "move" | "copy" | '
    '"test", "path": "/a/0/b"} with "value" (add, replace, test) or "from" (move, copy); paths '
    'are JSON Pointers (RFC 6901: "" is the whole document, ~1 is "/", ~0 is "~", "-" the end '
    "of an array)"
)


def test_add_list_delete_over_http(client: httpx.Client) -> None:
    body = {"vendor": "nunu", "operation": "getJobDetails", "status": 418, "body": "teapot"}
    made = client.post("/_mock/stubs", json=body)
    assert made.status_code == 201
    assert made.json() == {
        "id": 1,
        "vendor": "nunu",
        "operation": "getJobDetails",
        "status": 418,
        "body": "teapot",
        "times": 1,
        "hits": 0,
        "exhausted": False,
    }
    answered = TARGETS["nunu"].get(client)
    assert (answered.status_code, answered.text) == (418, "teapot")
    listed = client.get("/_mock/stubs").json()
    assert listed == {"stubs": [{**made.json(), "hits": 1, "exhausted": True}]}
    assert client.delete("/_mock/stubs/1").status_code == 204
    assert client.delete("/_mock/stubs/1").json() == {"error": "no stub 1"}
    client.post("/_mock/stubs", json={**body, "times": None})
    client.post("/_mock/stubs", json={**body, "vendor": "osapi", "operation": "GetJobByID"})
    assert client.delete("/_mock/stubs?vendor=nunu").status_code == 204
    assert [s["vendor"] for s in client.get("/_mock/stubs").json()["stubs"]] == ["osapi"]
    assert client.delete("/_mock/stubs").status_code == 204
    assert client.get("/_mock/stubs").json() == {"stubs": []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"json": {}}, "'vendor' is required: one of nunu, intuned, prunner, osapi"),
        (
            {"vendor": "nunu", "operation": "getJob", "json": {}},
            "operation: nunu has no operation 'getJob'; the closest: getJobDetails, "
            "listJobs, getJobDetailsScoped (`jobmock routes` lists every operation id); "
            "the stub could never answer",
        ),
        (
            {"vendor": "nunu", "path": "/job/*", "json": {}},
            "path: '/job/*' matches no nunu route; the closest: GET /api/v1/jobs/{jobId} "
            "(getJobDetails), GET /api/v1/jobs (listJobs), GET /api/v1/runs/{runId} "
            "(getRunDetails) (a rule path is the client's (after its base URL: /jobs/{id}), the "
            "vendor's (/api/v1/jobs/{id}) or jobmock's (/nunu/api/v1/jobs/{id}); * and ? stay "
            "within one segment, ** spans any number); the stub could never answer",
        ),
        (
            {"vendor": "nunu", "method": "DELETE", "json": {}},
            "method: nunu has no DELETE operation; it has GET, POST; the stub could never answer",
        ),
        (
            {"vendor": "nunu"},
            "say what to answer: 'status', 'json', 'body', 'patch' or 'headers' (expected "
            + FIELDS
            + ")",
        ),
        (
            {"vendor": "nunu", "json": {}, "body": "x"},
            f"give one of json, body, patch (got json, body) (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "status": 600},
            f"status: Input should be less than or equal to 599 (got 600) (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "json": {}, "times": 0},
            f"times: Input should be greater than or equal to 1 (got 0) (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "json": {}, "colour": "red"},
            f"colour: unknown field (check its spelling and indentation) (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "headers": {"Bad Name": "x"}},
            f"headers: 'Bad Name': 'x' is not an HTTP header (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "patch": {"op": "remove", "path": "/a"}},
            f"patch: must be a non-empty list: {PATCH_RULE} (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "patch": [{"op": "upsert", "path": "/a"}]},
            "patch: op 0: 'op' is 'upsert'; it is one of add, remove, replace, "
            f"move, copy, test (RFC 6902) (expected {FIELDS})",
        ),
        (
            {
                "vendor": "nunu",
                "patch": [{"op": "remove", "path": "/a"}, {"op": "add", "path": "/b"}],
            },
            f"patch: op 1 (add) needs 'value' (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "patch": [{"op": "replace", "path": "status", "value": 1}]},
            "patch: op 0: 'path': 'status' is not a JSON Pointer (it starts with "
            f"'/', or is '') (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "patch": [{"op": "move", "from": "/a", "path": "/a/b"}]},
            f"patch: op 0: cannot move '/a' into itself (expected {FIELDS})",
        ),
        (
            {"vendor": "nunu", "patch": [{"op": "remove", "path": "/a", "value": 1}]},
            f"patch: op 0 (remove) takes no 'value' (expected {FIELDS})",
        ),
    ],
)
def test_refusals(client: httpx.Client, body: dict[str, Any], message: str) -> None:
    response = client.post("/_mock/stubs", json=body)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert client.get("/_mock/stubs").json() == {"stubs": []}


def test_unknown_vendor_and_no_body(client: httpx.Client) -> None:
    unknown = client.post("/_mock/stubs", json={"vendor": "acme", "json": {}})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"error": "unknown vendor 'acme'; this server emulates: nunu, intuned, prunner, osapi"},
    )
    empty = client.post("/_mock/stubs")
    assert (empty.status_code, empty.json()) == (
        400,
        {"error": f"a JSON body is required: {FIELDS}"},
    )


def test_handle_refusal_is_a_jobmock_error(handle: InProcessHandle) -> None:
    with pytest.raises(JobmockError, match="nunu has no operation 'getJobDetail';") as info:
        handle.stub_next("nunu", "getJobDetail", json={})
    assert info.value.status == 400
    with pytest.raises(JobmockError, match=r"^no stub 9$"):
        handle.remove_stub(9)


def test_scenarios_endpoints(client: httpx.Client) -> None:
    listed = client.get("/_mock/scenarios?vendor=prunner")
    assert listed.json() == {
        "vendor": "prunner",
        "default": None,
        "default_origin": None,
        "scenarios": [
            {
                "name": "rate-limited-twice",
                "description": "the job's first two reads are 429 with Retry-After: 30, "
                "then it runs as usual",
                "operations": ["pipelinesSchedule"],
                "headers": {},
                "faults": [{"method": "GET", "status": 429, "retry_after": 30, "times": 2}],
            },
            {
                "name": "fails-then-succeeds-on-retry",
                "description": "the job's first read is a 500, the next ones succeed; it runs "
                "as usual",
                "operations": ["pipelinesSchedule"],
                "headers": {},
                "faults": [{"method": "GET", "status": 500, "times": 1}],
            },
        ],
    }
    chosen = client.put("/_mock/scenarios/prunner", json={"scenario": "rate-limited-twice"})
    assert (chosen.json()["default"], chosen.json()["default_origin"]) == (
        "rate-limited-twice",
        "api",
    )
    assert client.delete("/_mock/scenarios/prunner").status_code == 204
    after = client.get("/_mock/scenarios?vendor=prunner").json()
    assert (after["default"], after["default_origin"]) == (None, None)
    refusals = [
        (client.get("/_mock/scenarios"), "'vendor' is required (?vendor=): one of nunu, "
         "intuned, prunner, osapi"),
        (client.put("/_mock/scenarios/prunner", json={"scenario": "stuck"}), "prunner has no "
         "scenario 'stuck'; its scenarios: rate-limited-twice, fails-then-succeeds-on-retry"),
        (client.put("/_mock/scenarios/prunner", json={"name": "stuck"}), 'expected {"scenario": '
         'NAME} (GET /_mock/scenarios?vendor= lists the names)'),
    ]  # fmt: skip
    for response, message in refusals:
        assert (response.status_code, response.json()) == (400, {"error": message})
