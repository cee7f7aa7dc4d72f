"""The operation table: matching a request to an operation as Starlette routes it, the methods
of a path, the documented operations in the OpenAPI document's order, and the request view."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response

from jobmock.core.answers import JsonAnswer
from jobmock.core.operations import Call, Operation, OperationTable


def _handler(backend: object, call: Call) -> Response:
    return Response(b"")


def _op(method: str, template: str, operation_id: str, **more: object) -> Operation:
    return Operation(method, template, operation_id, _handler, **more)  # type: ignore[arg-type]


TABLE = OperationTable(
    [
        _op("GET", "/jobs", "listJobs"),
        _op("GET", "/jobs/{jobId}", "getJob", hot=True),
        _op("POST", "/runs", "startRun"),
        _op("DELETE", "/jobs/{jobId}", "deleteJob"),
        _op("GET", "/runs", "listRuns"),
        _op("GET", "/api/{rest:path}", "notFound", documented=False),
    ]
)


def test_hot_reads_match_method_and_whole_segments() -> None:
    hit = TABLE.hot_match("GET", "/jobs/a b")
    assert hit is not None and (hit.operation.operation_id, hit.params) == (
        "getJob",
        {"jobId": "a b"},
    )
    assert TABLE.hot_match("DELETE", "/jobs/1") is None
    assert TABLE.hot_match("GET", "/jobs/1/") is None
    assert TABLE.hot_match("GET", "/jobs/") is None
    assert TABLE.hot_match("GET", "/jobs") is None


def test_allowed_lists_every_method_of_a_path_in_order() -> None:
    assert TABLE.allowed("/jobs/1") == ["GET", "DELETE"]
    assert TABLE.allowed("/runs") == ["GET", "POST"]
    assert TABLE.allowed("/api/any/thing/") == ["GET"]
    assert TABLE.allowed("/nothing") == []


def test_documented_operations_are_grouped_by_path_as_in_openapi() -> None:
    order = [op.operation_id for op in TABLE.operations]
    assert order == ["listJobs", "getJob", "deleteJob", "startRun", "listRuns"]


def test_match_prefers_the_method_then_falls_back_to_the_path() -> None:
    found = TABLE.match("DELETE", "/jobs/7")
    assert found is not None and found.operation.operation_id == "deleteJob"
    other = TABLE.match("PUT", "/jobs/7")
    assert other is not None and (other.operation.operation_id, other.params) == (
        "getJob",
        {"jobId": "7"},
    )
    assert TABLE.match("GET", "/api/x") is None  # undocumented: unknown to faults
    assert TABLE.routed("GET", "/api/x") and not TABLE.routed("POST", "/api/x")


def test_nearest_path_names_a_documented_operation() -> None:
    assert TABLE.nearest_path("GET", "/job/7") == "GET /jobs/{jobId}"


def test_templates_escape_their_fixed_parts() -> None:
    table = OperationTable([_op("GET", "/v1.0/x", "dotted")])
    assert table.routed("GET", "/v1.0/x") and not table.routed("GET", "/v1-0/x")


def test_call_reads_the_first_header_and_the_query_as_starlette_does() -> None:
    scope = {
        "headers": [(b"x-key", b"one"), (b"X-Key", b"two")],
        "query_string": b"a=1&b=&a=%C3%A9&c=\xe9",
    }
    call = Call(scope, {})
    assert call.header(b"x-key") == Headers(scope=scope).get("x-key") == "one"
    assert call.header(b"missing") is None
    starlette = QueryParams(scope["query_string"]).multi_items()  # type: ignore[arg-type]
    assert call.query_items() == starlette == [("a", "1"), ("b", ""), ("a", "é"), ("c", "é")]
    assert call.query == "a=1&b=&a=%C3%A9&c=\ufffd"


@pytest.mark.parametrize("status", [200, 201, 202, 207, 400, 503])
def test_a_json_answer_is_starlettes_json_response_byte_for_byte(status: int) -> None:
    body = b'{"id":"\xc3\xa9"}'
    made = Response(body, status_code=status, media_type="application/json")
    answer = JsonAnswer(body, status)
    assert (answer.status_code, answer.raw_headers, answer.body) == (
        made.status_code,
        made.raw_headers,
        made.body,
    )
