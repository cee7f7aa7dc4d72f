"""httpx transports that route requests straight into a jobmock app: no port, no thread pool.

``AsyncJobmockTransport`` is httpx's ASGI transport. ``JobmockTransport`` is its synchronous
twin: the app runs on a private event loop in a daemon thread, so a plain ``httpx.Client`` (and
any client library built on one) can talk to jobmock in-process. A fault that drops the
connection surfaces as the error httpx raises for a real one (``httpx.RemoteProtocolError``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx

from jobmock.core.errors import ConnectionDropped
from jobmock.main import JobmockApp

T = TypeVar("T")


def _as_httpx(exc: ConnectionDropped, request: httpx.Request) -> httpx.RemoteProtocolError:
    if exc.expected is None:
        message = "Server disconnected without sending a response."
    else:
        message = (
            f"peer closed connection without sending complete message body "
            f"(received {exc.received} bytes, expected {exc.expected})"
        )
    return httpx.RemoteProtocolError(message, request=request)


class AsyncJobmockTransport(httpx.ASGITransport):
    def __init__(self, app: JobmockApp) -> None:
        super().__init__(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped as exc:
            raise _as_httpx(exc, request) from None


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="jobmock-transport", daemon=True
        )
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)
        self.loop.close()


class JobmockTransport(httpx.BaseTransport):
    def __init__(self, app: JobmockApp) -> None:
        self._asgi = AsyncJobmockTransport(app)
        self._loop: _LoopThread | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if self._loop is None:
                self._loop = _LoopThread()
        body = request.read()
        inner = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=body,
            extensions=request.extensions,
        )

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self._asgi.handle_async_request(inner)
            # As sent (a gzipped body stays gzipped): the response below decodes it once.
            content = b"".join([chunk async for chunk in response.aiter_raw()])
            return response.status_code, response.headers.raw, content

        try:
            status, headers, content = self._loop.run(call())
        except httpx.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
