"""Bounds on what one request can make the mock parse, so no client can crash it or hold the
event loop: the body size (checked by ``BodyCap`` as the body arrives) and the nesting depth of
any JSON a client sends (checked by ``loads`` and ``too_deep`` before anything recursive sees it).

None of the four vendors documents a limit of its own; these are jobmock's, answered in each
vendor's error shape. The depth limit sits far below Go's 10,000 because the mock's renderers
and validators recurse; ``GO_MAX_DEPTH`` is kept to report a Go server's own offset when the
document goes that deep.
"""

from __future__ import annotations

import asyncio
import json
import re
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from jobmock.core.errors import MockError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The body size ``Settings.max_body`` defaults to.
DEFAULT_MAX_BODY = 2 * 1024 * 1024
#: How deep jobmock lets client JSON nest (arrays and objects); deeper is refused.
MAX_DEPTH = 100
#: Where Go's ``encoding/json`` and json-iterator stop (``exceeded max depth``).
GO_MAX_DEPTH = 10_000
#: Requests larger than this (body, path, query and headers) are served on a worker thread.
OFF_LOOP_AT = 8 * 1024
#: How many comma-separated JSON values one body may hold. Parsing runs at C speed but holds the
#: interpreter (and the garbage collector walks every object made): 2 MiB of ``[1,1,...]`` held
#: the server for ~0.5 s; 10,000 values parse in a few milliseconds, and no job API body comes
#: near them.
MAX_VALUES = 10_000
#: How many tokens ``go_depth_offset`` reads looking for Go's own depth limit.
_SCAN_BUDGET = 40_000

# A JSON string (unrolled, for speed), then the structure bytes and what they count as.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
# A run of openers, a run of closers, or a whole string literal.
_TOKENS = re.compile(rb'[\[{]+|[\]}]+|"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)


class PayloadTooLarge(MockError):
    status = 413


class JSONTooDeep(ValueError):
    """Client JSON nested past ``MAX_DEPTH``."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested more than {MAX_DEPTH} levels deep")


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether ``data`` (JSON, valid or not) nests arrays and objects past ``limit``, brackets
    inside strings aside. Every step runs at C speed (about 3 ms for 64 KiB of brackets);
    counting the brackets first answers ordinary bodies in microseconds."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    structure = _STRING.sub(b"", data) if b'"' in data else data
    steps = structure.translate(_STEPS, _NOT_BRACKETS)
    if steps.count(1) <= limit:
        return False
    return max(accumulate(array("b", steps))) > limit


def too_many_values(data: bytes, limit: int = MAX_VALUES) -> bool:
    """Whether ``data`` (JSON, valid or not) holds more than ``limit`` values separated by commas
    outside strings. Commas only: a document that is merely deep has few of them and gets the
    vendor's own depth error instead. Every step runs at C speed."""
    if data.count(b",") < limit:
        return False
    structure = _STRING.sub(b"", data) if b'"' in data else data
    return structure.count(b",") >= limit


def go_depth_offset(data: bytes, start: int, depth: int) -> int | None:
    """The index of the opening byte past Go's depth limit (10,000), reading from ``start``
    at ``depth`` until the container open there closes, or None (also when that takes more
    than a budget of tokens: the caller reports its own limit instead)."""
    budget = _SCAN_BUDGET
    floor = depth
    for match in _TOKENS.finditer(data, start):
        run = match.group()
        if run[0] == 0x22:
            continue
        if run[0] in b"]}":
            depth -= len(run)
            if depth < floor:
                return None
        elif depth + len(run) > GO_MAX_DEPTH:
            return match.start() + GO_MAX_DEPTH - depth
        else:
            depth += len(run)
        budget -= 1
        if not budget:
            return None
    return None


def loads(raw: bytes | str) -> Any:
    """``json.loads`` for anything a client sent: ``JSONTooDeep`` (a ``ValueError``) instead
    of a ``RecursionError``; other bad JSON raises ``ValueError`` as ``json.loads`` does (an
    integer of more than 4,300 digits included)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if too_deep(data):
        raise JSONTooDeep()
    return json.loads(raw)


# --- the body cap ------------------------------------------------------------------------------


def too_large(cap: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"request body too large: jobmock accepts at most {cap} bytes (JOBMOCK_MAX_BODY)",
        reason="http",
    )


def too_many(limit: int = MAX_VALUES) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"request body too large: jobmock parses at most {limit} JSON values in one body",
        reason="http",
    )


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, or None when it has none (chunked) or it is not a
    number (the server refuses those before the app sees them)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def head_size(scope: Scope) -> int:
    """The bytes of the request's path, query and headers: long ids, query values and tokens
    are parsed too, and count toward ``OFF_LOOP_AT`` with the body."""
    size = len(scope["path"]) + len(scope.get("query_string", b""))
    for name, value in scope.get("headers", ()):
        size += len(name) + len(value)
    return size


def may_have_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        key = name.lower()
        if (key == b"content-length" and value not in (b"0", b"")) or key == b"transfer-encoding":
            return True
    return False


async def read_capped(scope: Scope, receive: Receive, cap: int) -> tuple[Receive, int]:
    """The request body read whole: a ``receive`` that replays it, and its size;
    ``PayloadTooLarge`` as soon as the ``Content-Length`` or the bytes received so far pass
    ``cap``, or once whole if it holds more than ``MAX_VALUES`` JSON values. Requests without a
    body pass untouched (the hot GETs pay one header scan)."""
    if not may_have_body(scope):
        return receive, 0
    length = declared_length(scope)
    if length is not None and length > cap:
        raise too_large(cap)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return _replay(b"".join(chunks), message, receive), size
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            raise too_large(cap)
        chunks.append(chunk)
        if not message.get("more_body", False):
            body = b"".join(chunks)
            if size > OFF_LOOP_AT and too_many_values(body):
                raise too_many()
            return _replay(body, None, receive), size


def _replay(body: bytes, last: Message | None, receive: Receive) -> Receive:
    """``body`` in one message, then the server's own ``receive`` (which waits for the client
    to go away, as a streaming response listens for)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if last is not None:
                return last  # the client went away while sending
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class BodyCap:
    """``read_capped`` in front of an ASGI app that answers errors with ``render``."""

    def __init__(self, app: ASGIApp, cap: int, render: Callable[[MockError], ASGIApp]) -> None:
        self.app = app
        self.cap = cap
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive, _ = await read_capped(scope, receive, self.cap)
        except PayloadTooLarge as exc:
            await self.render(exc)(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _whole_body(receive: Receive) -> Message:
    """The body in one message (a request without one can still come as several empty ones)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}


async def serve_in_thread(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """``app`` answering on a worker thread with an event loop of its own, for a request whose
    body is already read (``read_capped``): parsing and validating a large body is pure Python
    in places, and on a thread it shares the interpreter (a switch every 5 ms) instead of
    holding the server's loop. The response is sent from the server's loop once complete,
    then an exception the app raised (after answering 500) is raised here."""
    first: Message | None = await _whole_body(receive)
    sent: list[Message] = []

    async def once() -> Message:
        nonlocal first
        if first is not None:
            message, first = first, None
            return message
        await asyncio.Event().wait()  # a disconnect listener waits until the answer is out
        raise AssertionError("unreachable")

    async def collect(message: Message) -> None:
        sent.append(message)

    async def answer() -> None:
        await app(scope, once, collect)

    def run() -> BaseException | None:
        try:
            asyncio.run(answer())
        except Exception as exc:
            return exc
        return None

    failure = await asyncio.to_thread(run)
    for message in sent:
        await send(message)
    if failure is not None:
        raise failure
