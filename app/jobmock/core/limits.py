"""Bounds on what one request can make the mock parse, so no client can crash it or hold the
event loop: the body size (checked by ``BodyCap`` as the body arrives) and the nesting depth of
any JSON a client sends (checked by ``loads`` and ``too_deep`` before anything recursive sees it).

None of the four vendors documents a limit of its own; these are jobmock's, answered in each
vendor's error shape. The depth limit sits far below Go's 10,000 because the mock's renderers
and validators recurse; ``GO_MAX_DEPTH`` is kept to report a Go server's own offset when the
document goes that deep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
#: The longest header value jobmock parses (a token, an ``X-Jobmock-*`` document).
MAX_HEADER_VALUE = 16 * 1024
#: How many structural tokens ``too_deep`` looks at after the mock's limit, to find Go's.
_SCAN_BUDGET = 40_000

# A run of openers, a run of closers, or a whole string literal (escapes included).
_TOKENS = re.compile(rb'[\[{]+|[\]}]+|"(?:[^"\\]|\\.)*"?', re.DOTALL)


class PayloadTooLarge(MockError):
    status = 413


class JSONTooDeep(ValueError):
    """Client JSON nested past ``MAX_DEPTH``. ``offset`` is the index of the opening byte that
    went too deep; ``go_offset`` that of the one past ``GO_MAX_DEPTH``, when there is one."""

    def __init__(self, offset: int, char: str, go_offset: int | None) -> None:
        super().__init__(f"JSON nested more than {MAX_DEPTH} levels deep at offset {offset}")
        self.offset = offset
        self.char = char
        self.go_offset = go_offset


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> JSONTooDeep | None:
    """Whether ``data`` (JSON, valid or not) nests arrays and objects past ``limit``, ignoring
    brackets inside strings. Counting the brackets first keeps ordinary bodies at C speed."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return None
    depth = 0
    found: tuple[int, str] | None = None
    budget = _SCAN_BUDGET
    for match in _TOKENS.finditer(data):
        run = match.group()
        if run[0] == 0x22:
            continue
        start = match.start()
        if run[0] in b"]}":
            depth = max(0, depth - len(run))
            if found is not None and depth <= limit:
                break  # the too-deep container closed without reaching Go's depth
            continue
        if found is None and depth + len(run) > limit:
            at = start + limit - depth
            found = (at, chr(data[at]))
        if depth + len(run) > GO_MAX_DEPTH:
            at = start + GO_MAX_DEPTH - depth
            assert found is not None
            return JSONTooDeep(found[0], found[1], at)
        depth += len(run)
        if found is not None:
            budget -= 1
            if not budget:
                break
    if found is None:
        return None
    return JSONTooDeep(found[0], found[1], None)


def loads(raw: bytes | str) -> Any:
    """``json.loads`` for anything a client sent: ``JSONTooDeep`` (a ``ValueError``) instead
    of a ``RecursionError``; other bad JSON raises ``ValueError`` as ``json.loads`` does (an
    integer of more than 4,300 digits included)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    problem = too_deep(data)
    if problem is not None:
        raise problem
    return json.loads(raw)


def header_value(value: str | None, name: str) -> str | None:
    """``value`` unless it is longer than jobmock parses: then ``ValueError`` naming the limit."""
    if value is not None and len(value) > MAX_HEADER_VALUE:
        raise ValueError(f"{name} is longer than {MAX_HEADER_VALUE} characters")
    return value


# --- the body cap ------------------------------------------------------------------------------


def too_large(cap: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"request body too large: jobmock accepts at most {cap} bytes (JOBMOCK_MAX_BODY)",
        reason="http",
    )


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, or None when it has none (chunked) or it is not a
    number (the server refuses those before the app sees them)."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def may_have_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        key = name.lower()
        if (key == b"content-length" and value not in (b"0", b"")) or key == b"transfer-encoding":
            return True
    return False


async def read_capped(scope: Scope, receive: Receive, cap: int) -> Receive:
    """The request body read whole, and a ``receive`` that replays it; ``PayloadTooLarge``
    as soon as the ``Content-Length`` or the bytes received so far pass ``cap``. Requests
    without a body are passed through untouched (the hot GETs pay one header scan)."""
    if not may_have_body(scope):
        return receive
    length = declared_length(scope)
    if length is not None and length > cap:
        raise too_large(cap)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return _replay(b"".join(chunks), message, receive)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            raise too_large(cap)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return _replay(b"".join(chunks), None, receive)


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
            receive = await read_capped(scope, receive, self.cap)
        except PayloadTooLarge as exc:
            await self.render(exc)(scope, receive, send)
            return
        await self.app(scope, receive, send)
