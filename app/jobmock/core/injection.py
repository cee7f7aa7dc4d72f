"""What an injected fault does to an answer: one of its own (a status), the vendor app's answer
mangled (half of it, then a proxy's error page or a dead line), or the connection dropped."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from jobmock.core.errors import ConnectionDropped, Injected

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Send

    from jobmock.core.faults import Fault
    from jobmock.core.gate import Exchange

#: What a malformed-body fault appends to the cut real body: a proxy's error page.
MALFORMED_TAIL = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


async def abort(send: Send) -> bool:
    """Close the client's connection at once, if the server lets us reach it (uvicorn does)."""
    while (inner := getattr(send, "__wrapped__", None)) is not None:
        send = inner  # the server's own send, under the wrappers of the root app
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    transport.abort()
    for _ in range(3):  # let the server notice, so it does not answer 500 for us
        await asyncio.sleep(0)
    return True


class Captured:
    """A response the vendor app produced, held back so a fault can mangle it."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))


async def inject(fault: Fault, exchange: Exchange, app: ASGIApp) -> None:
    """An answer made here, the vendor app's answer mangled, or the connection dropped."""
    entry, scope, send = exchange.entry, exchange.scope, exchange.send
    entry.fault = fault.id
    spec = fault.spec
    action = spec.action
    entry.notes.append(f"fault {fault.id}: {action}")
    if action == "status":
        error = Injected(spec.status or 500, spec.message or "", retry_after=spec.retry_after)
        await exchange.answer(error)
        return
    if action == "drop":
        if not await abort(exchange.raw_send):
            raise ConnectionDropped()
        return
    captured = Captured()
    await app(scope, exchange.receive, captured.send)
    start = captured.start or {"type": "http.response.start", "status": 500, "headers": []}
    real = bytes(captured.body)
    cut = real[: len(real) // 2]
    if action == "malformed":
        mangled = cut + MALFORMED_TAIL
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(mangled)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": mangled})
        return
    # truncate: the real headers (and length), half the body, then the line goes dead
    await send(start)
    await send({"type": "http.response.body", "body": cut, "more_body": True})
    if not await abort(exchange.raw_send):
        raise ConnectionDropped(received=len(cut), expected=len(real))
