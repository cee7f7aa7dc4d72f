"""``jobmock.one_write``: what a connection writes in one turn of the event loop leaves as one
write (a response's head and body together), in order, and nothing is held past the turn."""

from __future__ import annotations

import asyncio
import socket

from jobmock.one_write import OneWriteHttpTools, _HeldWrites
from jobmock.testing import MockServer
from jobmock.testing.server import uvicorn_config


class Recording(asyncio.Transport):
    """A transport that keeps what reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True


def test_writes_in_one_turn_leave_as_one_and_later_turns_apart() -> None:
    async def run() -> list[bytes]:
        real = Recording()
        held = _HeldWrites(real, asyncio.get_running_loop())
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        held.write(b"body")
        assert real.writes == [], "held until the turn ends"
        await asyncio.sleep(0)
        held.write(b"more")
        await asyncio.sleep(0)
        return real.writes

    assert asyncio.run(run()) == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]


def test_close_and_abort_send_what_is_held_first() -> None:
    async def run() -> tuple[Recording, Recording]:
        loop = asyncio.get_running_loop()
        closed, aborted = Recording(), Recording()
        for real, end in ((closed, "close"), (aborted, "abort")):
            held = _HeldWrites(real, loop)
            held.write(b"last answer")
            getattr(held, end)()
        await asyncio.sleep(0)
        return closed, aborted

    closed, aborted = asyncio.run(run())
    assert (closed.writes, closed.closed) == ([b"last answer"], True)
    assert (aborted.writes, aborted.aborted) == ([b"last answer"], True)


def test_jobmock_serves_on_it_and_pipelined_requests_are_answered_in_order() -> None:
    assert uvicorn_config("jobmock.main:app").http is OneWriteHttpTools
    request = "GET /nunu/api/v1/jobs/{job} HTTP/1.1\r\nHost: x\r\nX-Api-Key: nunu_test_key\r\n\r\n"
    with MockServer() as server, socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(
            (request.format(job="f80f6230-3a4f-431a-9d55-d11b867fed4e")
             + request.format(job="00000000-0000-4000-8000-000000000000")).encode()
        )  # fmt: skip
        received = b""
        while received.count(b"HTTP/1.1 ") < 2 or not received.endswith(b"}"):
            chunk = conn.recv(65536)
            assert chunk, received
            received += chunk
    first, second = received.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK") and b'"job_id":"f80f6230' in first
    assert second.startswith(b"404 Not Found") and second.endswith(b'{"error": "Job not found"}')
