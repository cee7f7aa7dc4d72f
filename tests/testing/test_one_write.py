"""``one_write``: an answer leaves in one write, and nothing is held that a client waits for."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from jobmock.one_write import HeadHeld
from jobmock.testing.server import MockServer

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Recorded(asyncio.Transport):
    """The socket's side of a transport: what was written, and how it ended."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.ended: str | None = None

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.ended = "closed"

    def abort(self) -> None:
        self.ended = "aborted"


def test_a_head_leaves_with_its_body_in_one_write() -> None:
    recorded = Recorded()
    held = HeadHeld(recorded)
    held.write(HEAD)
    assert recorded.writes == []
    held.write(b"{}")
    assert recorded.writes == [HEAD + b"{}"]


def test_a_head_without_a_body_leaves_when_flushed_closed_or_aborted() -> None:
    for end in ("flush", "close", "abort"):
        recorded = Recorded()
        held = HeadHeld(recorded)
        held.write(HEAD)
        getattr(held, end)()
        assert recorded.writes == [HEAD]
        assert recorded.ended == {"flush": None, "close": "closed", "abort": "aborted"}[end]


def test_continue_and_body_pieces_are_never_held() -> None:
    recorded = Recorded()
    held = HeadHeld(recorded)
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    held.write(b"more body")
    assert recorded.writes == [b"HTTP/1.1 100 Continue\r\n\r\n", b"more body"]


def test_a_served_answer_arrives_whole_with_its_head() -> None:
    with MockServer() as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(
                b"GET /nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e HTTP/1.1\r\n"
                b"Host: x\r\nX-Api-Key: nunu_test_key\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"content-length: 746" in head
    assert len(body) == 746
