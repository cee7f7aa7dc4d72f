"""A client's own webhook receiver on loopback (a port of its own), and waiting on a condition
with a bounded deadline for deliveries on a running clock."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The longest a test waits for a delivery on a running clock (wall seconds).
DEADLINE = 10.0


def wait_for(condition: Callable[[], bool], deadline: float = DEADLINE) -> None:
    """Poll ``condition`` every few milliseconds until it holds; fail after ``deadline``."""
    ends = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"still false after {deadline} s")
        time.sleep(0.01)


class OwnReceiver:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"


@contextmanager
def own_receiver() -> Iterator[OwnReceiver]:
    """An HTTP server on 127.0.0.1 (a free port) recording each POST's headers and JSON body."""
    holder: list[OwnReceiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            holder[0].received.append({"headers": dict(self.headers), "body": json.loads(body)})
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(OwnReceiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
