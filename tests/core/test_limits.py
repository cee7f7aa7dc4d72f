"""The bounds on client input (core/limits.py): JSON depth, the body cap, large bodies served on a
worker thread; and the cap over a real socket, where a chunked body arrives in pieces."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jobmock import Settings
from jobmock.core.limits import (
    GO_MAX_DEPTH,
    MAX_DEPTH,
    MAX_VALUES,
    JSONTooDeep,
    PayloadTooLarge,
    go_depth_offset,
    loads,
    read_capped,
    serve_in_thread,
    too_deep,
    too_many_values,
)
from jobmock.testing import MockServer


def nested(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


@pytest.mark.parametrize(
    ("data", "deep"),
    [
        (nested(MAX_DEPTH), False),
        (nested(MAX_DEPTH + 1), True),
        (nested(MAX_DEPTH + 1, b'{"a":', b"}").replace(b":}", b":1}"), True),
        (b"[" + b"[]," * 5000 + b"[]]", False),  # many containers, shallow
        (b'["' + b"[" * 5000 + b'"]', False),  # brackets inside a string do not count
        (b'["\\"' + b"[" * 5000 + b'"]', False),  # nor after an escaped quote
        (b"[" * (MAX_DEPTH + 1), True),  # unclosed: as deep as it opens
        (b"]" * 5000 + b"[" * 5000, False),  # a parser stops at the first byte
        (b'{"a": 1}', False),
    ],
)
def test_too_deep(data: bytes, deep: bool) -> None:
    assert too_deep(data) is deep


def test_loads_refuses_deep_json_as_a_value_error() -> None:
    with pytest.raises(JSONTooDeep, match="nested more than 100 levels deep"):
        loads(nested(GO_MAX_DEPTH + 1))
    assert isinstance(JSONTooDeep(), ValueError)
    assert loads("[[1]]") == [[1]]
    with pytest.raises(ValueError, match="4300"):  # Python's digit limit, not a crash
        loads(b"1" * 5000)


def test_go_depth_offset_finds_gos_own_limit() -> None:
    data = nested(GO_MAX_DEPTH + 1)
    assert go_depth_offset(data, MAX_DEPTH, MAX_DEPTH) == GO_MAX_DEPTH
    assert go_depth_offset(nested(GO_MAX_DEPTH), MAX_DEPTH, MAX_DEPTH) is None
    objects = b'{"a":' * (GO_MAX_DEPTH + 1)
    assert go_depth_offset(objects, 5 * MAX_DEPTH, MAX_DEPTH) == 5 * GO_MAX_DEPTH


def scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "headers": headers}


def stream(*chunks: bytes) -> Any:
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> Any:
        return messages.pop(0)

    receive.left = messages  # type: ignore[attr-defined]
    return receive


def test_read_capped_refuses_a_chunked_body_as_it_crosses_the_cap() -> None:
    receive = stream(b"a" * 6, b"b" * 6, b"c" * 6)
    with pytest.raises(PayloadTooLarge) as caught:
        asyncio.run(read_capped(scope([(b"transfer-encoding", b"chunked")]), receive, 10))
    assert caught.value.status == 413
    assert receive.left == [{"type": "http.request", "body": b"c" * 6, "more_body": False}]


def test_read_capped_refuses_by_content_length_before_reading() -> None:
    receive = stream(b"a" * 11)
    with pytest.raises(PayloadTooLarge):
        asyncio.run(read_capped(scope([(b"content-length", b"11")]), receive, 10))
    assert len(receive.left) == 1


def test_read_capped_replays_a_body_at_the_cap_whole() -> None:
    async def read() -> tuple[Any, int]:
        replay, size = await read_capped(
            scope([(b"transfer-encoding", b"chunked")]), stream(b"a" * 6, b"b" * 4), 10
        )
        return await replay(), size

    message, size = asyncio.run(read())
    assert (message, size) == (
        {"type": "http.request", "body": b"a" * 6 + b"b" * 4, "more_body": False},
        10,
    )


@pytest.mark.parametrize(
    ("data", "many"),
    [
        (b"[" + b"1," * MAX_VALUES + b"1]", True),
        (b"[" + b"1," * (MAX_VALUES - 1) + b"1]", False),
        (b"[" + b"{}," * MAX_VALUES + b"{}]", True),
        (b'{"a": "' + b"1," * 100_000 + b'"}', False),  # commas inside a string do not count
        (b"[" * 20_000, False),  # only deep: the vendor's own depth error answers it
    ],
)
def test_too_many_values(data: bytes, many: bool) -> None:
    assert too_many_values(data) is many


def test_read_capped_refuses_a_body_of_too_many_values_once_whole() -> None:
    body = b"[" + b"1," * MAX_VALUES + b"1]"
    with pytest.raises(PayloadTooLarge) as caught:
        asyncio.run(
            read_capped(scope([(b"content-length", str(len(body)).encode())]), stream(body), 10**7)
        )
    assert caught.value.message == (
        f"request body too large: jobmock parses at most {MAX_VALUES} JSON values in one body"
    )


def test_read_capped_leaves_requests_without_a_body_alone() -> None:
    receive = stream(b"")
    replay, size = asyncio.run(read_capped(scope([(b"content-length", b"0")]), receive, 10))
    assert (replay, size) == (receive, 0)


def test_serve_in_thread_answers_then_raises_what_the_app_raised() -> None:
    sent: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        body = (await receive())["body"]
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": body[::-1]})
        raise RuntimeError("a bug in the mock")

    async def send(message: Any) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="a bug in the mock"):
        asyncio.run(serve_in_thread(app, {"type": "http"}, stream(b"abc"), send))
    assert [m.get("body") for m in sent] == [None, b"cba"]


def test_max_body_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMOCK_MAX_BODY", "1234")
    assert Settings().max_body == 1234


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(max_body=1024) as running:
        yield running


def chunks(size: int, count: int) -> Iterator[bytes]:
    for _ in range(count):
        yield b"x" * size


def test_a_chunked_body_over_the_cap_is_refused_over_a_real_socket(server: MockServer) -> None:
    url = server.base_url("nunu") + "/runs"
    key = {"X-Api-Key": "nunu_test_key"}
    response = httpx.post(url, content=chunks(512, 4), headers=key)
    assert response.status_code == 413
    assert response.json() == {
        "error": "request body too large: jobmock accepts at most 1024 bytes (JOBMOCK_MAX_BODY)"
    }
    # the server goes on serving, and a body under the cap is read
    small = httpx.post(url, content=chunks(100, 2), headers=key)
    assert (small.status_code, small.json()) == (400, {"error": "request body is not valid JSON"})
    control = httpx.post(server.url + "/_mock/reset", content=b"x" * 2000)
    assert control.status_code == 413
    assert json.loads(control.content)["error"].startswith("request body too large")
    server.check()


def test_serve_in_thread_hands_the_app_the_body_in_one_message() -> None:
    """However the server delivered it (httpx's ASGI transport sends an empty body in two)."""
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(await receive())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Any) -> None:
        pass

    asyncio.run(serve_in_thread(app, {"type": "http"}, stream(b"", b"ab", b"c"), send))
    assert seen == [{"type": "http.request", "body": b"abc", "more_body": False}]
