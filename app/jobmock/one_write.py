"""uvicorn's HTTP protocol with one ``write`` per answer.

uvicorn writes an answer's head when the app starts it and its body when the app sends it: two
system calls (and, without Nagle, two TCP segments) for every poll, a third of the server's CPU
on a hot read. ``HeadHeld`` keeps a response head back and writes it with the first piece of
the body; a head with no body (``HEAD``, an empty answer) goes out when the answer is complete,
a closing or aborted connection writes it first (a truncating fault still delivers its half
body), and ``100 Continue`` is never held.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeadHeld:
    """A transport that holds an answer's head until its body (or its end) comes."""

    __slots__ = ("_head", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head + data)
        elif data[:9] == b"HTTP/1.1 " and data[9:10] != b"1" and data[-4:] == b"\r\n\r\n":
            self._head = bytes(data)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self.flush()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, HeadHeld(transport)))

    def on_response_complete(self) -> None:
        cast(HeadHeld, self.transport).flush()
        super().on_response_complete()
