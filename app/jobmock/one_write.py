"""uvicorn's httptools protocol, sending what a connection writes in one turn of the event loop
as one ``write``.

uvicorn writes a response's head and body with two ``write`` calls: two TCP segments, and on
loopback two wake-ups of the client, which cost more than all of jobmock's own work on a kept
answer (57 % of a profile under load went to the two). Held until the end of the turn, head
and body leave together, as most servers send them. Nothing waits longer than the turn: a
streamed body's parts written in later turns leave in those turns, and closing or aborting the
connection (a truncating fault) sends what is held first.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _HeldWrites:
    """A connection's transport, its writes within one turn held and sent as one."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._held is None:
            self._held = [data]
            self._loop.call_soon(self._send)
        else:
            self._held.append(data)

    def writelines(self, lines: list[bytes]) -> None:
        for data in lines:
            self.write(data)

    def _send(self) -> None:
        held, self._held = self._held, None
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self._send()
        self._transport.close()

    def abort(self) -> None:
        self._send()  # what was written reaches the client before the reset, as without holding
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttpTools(HttpToolsProtocol):
    """``HttpToolsProtocol`` on a transport whose writes in one turn leave as one."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, _HeldWrites(transport, self.loop)))
