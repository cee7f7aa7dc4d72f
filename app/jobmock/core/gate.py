"""The ASGI layer in front of each vendor sub-app.

It journals every request (what the client sent, what it got, when on the mock clock), and turns
an exception inside the mock into the vendor's own 500 while keeping the exception, so the test
that triggered a bug in the mock fails with it instead of seeing a mysterious 500.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from jobmock.core.errors import RateLimited, ServerError
from jobmock.core.journal import JournalEntry
from jobmock.core.ratelimit import RateLimiter

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from jobmock.core.store import Store
    from jobmock.core.vendor import ErrorRenderer

#: Request bodies are journaled up to this many bytes.
BODY_KEPT = 64 * 1024


def vendor_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def header_dict(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def new_entry(store: Store, scope: Scope, vendor: str | None) -> JournalEntry:
    query_string = scope.get("query_string", b"").decode("latin-1")
    return JournalEntry(
        seq=store.journal.next_seq(),
        vendor=vendor,
        method=scope["method"],
        path=vendor_path(scope),
        raw_path=scope["path"],
        query=dict(parse_qsl(query_string, keep_blank_values=True)),
        query_string=query_string,
        headers=header_dict(scope),
        body="",
        at=store.clock.now().isoformat(),
    )


class VendorGate:
    def __init__(
        self,
        app: ASGIApp,
        vendor: str,
        store: Store,
        render_error: ErrorRenderer,
        crashes: list[BaseException],
        job_params: tuple[str, ...] = (),
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.vendor = vendor
        self.store = store
        self.render_error = render_error
        self.crashes = crashes
        self.job_params = job_params

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        entry = new_entry(self.store, scope, self.vendor)
        body = bytearray()
        response_started = False

        async def journal_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(body) < BODY_KEPT:
                body.extend(message.get("body", b"")[: BODY_KEPT - len(body)])
            return message

        async def journal_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                entry.status = message["status"]
            await send(message)

        try:
            if self.limiter is not None and self.limiter.enabled:
                wait = self.limiter.hit(self.limiter.key_for(entry.path, entry.headers))
                if wait is not None:
                    entry.notes.append(f"rate limited: {self.limiter.rule.describe()}")
                    limited = RateLimited(
                        self.limiter.rule.message, retry_after=wait, reason="rate_limit"
                    )
                    await self.render_error(limited)(scope, receive, journal_send)
                    return
            await self.app(scope, journal_receive, journal_send)
        except Exception as exc:  # a bug in the mock: keep it for the test, answer like the vendor
            self.crashes.append(exc)
            entry.error = f"{type(exc).__name__}: {exc}"
            if not response_started:
                response = self.render_error(ServerError("Internal server error", reason="crash"))
                await response(scope, receive, journal_send)
        finally:
            entry.body = body.decode("utf-8", "replace")
            entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            self._annotate(entry, scope)
            self.store.journal.add(entry)

    def _annotate(self, entry: JournalEntry, scope: Scope) -> None:
        route: Any = scope.get("route")
        if route is not None:
            entry.operation = getattr(route, "operation_id", None) or getattr(route, "name", None)
        params = scope.get("path_params") or {}
        for name in self.job_params:
            value = params.get(name) or entry.query.get(name)
            if value:
                entry.job = str(value)
                break
