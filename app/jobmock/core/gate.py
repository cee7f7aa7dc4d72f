"""The ASGI layer in front of each vendor sub-app.

Per request it: applies injected faults and the vendor's rate limit (when on); journals what the
client sent and got (mock-clock time, the job and state served, Retry-After, the fault that
answered, and for a wrong path or id the nearest valid one); and turns an exception inside the
mock into the vendor's own 500 while keeping it, so the test that hit a bug in the mock fails
with it instead of seeing a mysterious 500.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from jobmock.core.errors import (
    CRASH_KEY,
    ConnectionDropped,
    Injected,
    MockError,
    RateLimited,
    ServerError,
)
from jobmock.core.fastpath import FastRouter
from jobmock.core.faults import Fault, FaultBook, RequestFacts
from jobmock.core.journal import JournalEntry, serving
from jobmock.core.limits import (
    DEFAULT_MAX_BODY,
    OFF_LOOP_AT,
    PayloadTooLarge,
    head_size,
    read_capped,
    serve_in_thread,
)
from jobmock.core.operations import Match, OperationIndex, nearest
from jobmock.core.ratelimit import RateLimiter

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

    from jobmock.core.store import Store
    from jobmock.core.vendor import VendorApp

#: Request bodies are journaled up to this many bytes.
BODY_KEPT = 64 * 1024
#: What a malformed-body fault appends to the cut real body: a proxy's error page.
MALFORMED_TAIL = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


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
        wall=time.time(),
    )


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _abort(send: Send) -> bool:
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


class _Captured:
    """A response the vendor app produced, held back so a fault can mangle it."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))


class VendorGate:
    def __init__(
        self,
        vendor: VendorApp,
        store: Store,
        crashes: list[BaseException],
        faults: FaultBook,
        limiter: RateLimiter | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.vendor = vendor
        self.slug = vendor.spec.slug
        self.app = vendor.asgi
        self.store = store
        self.crashes = crashes
        self.faults = faults
        self.limiter = limiter
        self.max_body = max_body
        self.job_params = vendor.spec.job_params
        self.fast = FastRouter(vendor.fast_routes) if vendor.fast_routes else None

    @property
    def index(self) -> OperationIndex:
        return self.vendor.operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        entry = new_entry(self.store, scope, self.slug)
        served = serving()
        body = bytearray()
        response_started = False
        recorded = False
        match: Match | None = None

        def record() -> None:
            # Journaled before the last byte leaves, so a client that got its answer always
            # finds its request in the journal (no race with the test reading it).
            nonlocal recorded
            if recorded:
                return
            recorded = True
            entry.body = body.decode("utf-8", "replace")
            entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            self._annotate(entry, scope, served, match)
            self.store.journal.add(entry)

        body_in = receive  # the client's body, once the cap below has read it

        async def journal_receive() -> Message:
            message = await body_in()
            if message["type"] == "http.request" and len(body) < BODY_KEPT:
                body.extend(message.get("body", b"")[: BODY_KEPT - len(body)])
            return message

        async def journal_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                entry.status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"retry-after":
                        entry.retry_after = value.decode("latin-1")
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                crash = scope.get(CRASH_KEY)
                if crash is not None:
                    keep(crash)
                record()
            await send(message)

        own = self.vendor.own_headers
        own_send = journal_send
        if own is not None:
            # Answers the gate makes itself carry the headers the vendor's server always adds.
            async def own_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", ()), *own(scope)]}
                await journal_send(message)

        def keep(exc: BaseException) -> None:
            if not any(c is exc for c in self.crashes):
                self.crashes.append(exc)
                entry.error = f"{type(exc).__name__}: {exc}"

        try:
            capped = await self._cap_body(entry, scope, receive, own_send)
            if capped is None:
                return
            body_in, size = capped
            if self.faults:
                match = self._match(entry)
                fault = await self._fault(entry, match)
                if fault is not None:
                    await self._inject(
                        fault, entry, scope, journal_receive, journal_send, own_send, send
                    )
                    return
            if self.limiter is not None and self.limiter.enabled:
                wait = self.limiter.hit(self.limiter.key_for(entry.path, entry.headers))
                if wait is not None:
                    entry.notes.append(f"rate limited: {self.limiter.rule.describe()}")
                    limited = RateLimited(
                        self.limiter.rule.message, retry_after=wait, reason="rate_limit"
                    )
                    await self.vendor.render_error(limited)(scope, receive, own_send)
                    return
            if self.fast is not None and await self._fast(entry, scope, own_send):
                return
            if size + head_size(scope) > OFF_LOOP_AT:
                await serve_in_thread(self.app, scope, journal_receive, journal_send)
                return
            await self.app(scope, journal_receive, journal_send)
        except ConnectionDropped:
            entry.notes.append("connection dropped")
            raise
        except Exception as exc:  # a bug in the mock: keep it for the test, answer like the vendor
            keep(exc)
            if not response_started:
                crash = ServerError("Internal server error", reason="crash")
                await self.vendor.render_error(crash)(scope, receive, own_send)
        finally:
            record()

    async def _cap_body(
        self, entry: JournalEntry, scope: Scope, receive: Receive, send: Send
    ) -> tuple[Receive, int] | None:
        """The body read whole and its size (``core.limits``), or None once a body over
        ``max_body`` has been refused with the vendor's 413 (by its ``Content-Length``, or as
        it streams)."""
        try:
            return await read_capped(scope, receive, self.max_body)
        except PayloadTooLarge as exc:
            entry.notes.append(f"body over {self.max_body} bytes refused")
            await self.vendor.render_error(exc)(scope, _no_body, send)
            return None

    async def _fast(self, entry: JournalEntry, scope: Scope, send: Send) -> bool:
        assert self.fast is not None
        hit = self.fast.match(entry.method, entry.path)
        if hit is None:
            return False
        route, params = hit
        scope["path_params"] = params
        scope["route"] = route
        try:
            answer = route.handler(params, scope)
        except MockError as error:
            await self.vendor.render_error(error)(scope, _no_body, send)
            return True
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", answer.content_type),
                    (b"content-length", str(len(answer.body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})
        return True

    # --- faults --------------------------------------------------------------------------------

    def _match(self, entry: JournalEntry) -> Match | None:
        if not self.faults.needs_operations(self.slug):
            return None
        return self.index.match(entry.method, entry.path)

    async def _fault(self, entry: JournalEntry, match: Match | None) -> Fault | None:
        job = None
        if match is not None:
            job = next((match.params[p] for p in self.job_params if p in match.params), None)
        facts = RequestFacts(
            vendor=self.slug,
            method=entry.method,
            path=entry.path,
            segments=frozenset([*entry.path.split("/"), *entry.query.values()]),
            operation=match.operation.operation_id if match else None,
            job=job,
            base_path=self.vendor.spec.base_path,
        )
        delay, fault = self.faults.evaluate(facts)
        if delay:
            entry.notes.append(f"delayed {delay:.3f} s by a fault")
            await asyncio.sleep(delay)
        return fault

    async def _inject(
        self,
        fault: Fault,
        entry: JournalEntry,
        scope: Scope,
        receive: Receive,
        journal_send: Send,
        own_send: Send,
        raw_send: Send,
    ) -> None:
        """``own_send`` for answers made here, ``journal_send`` for the vendor app's (mangled)
        answers, ``raw_send`` to drop the connection."""
        entry.fault = fault.id
        spec = fault.spec
        action = spec.action
        entry.notes.append(f"fault {fault.id}: {action}")
        if action == "status":
            error = Injected(spec.status or 500, spec.message or "", retry_after=spec.retry_after)
            await self.vendor.render_error(error)(scope, receive, own_send)
            return
        if action == "drop":
            if not await _abort(raw_send):
                raise ConnectionDropped()
            return
        captured = _Captured()
        await self.app(scope, receive, captured.send)
        start = captured.start or {"type": "http.response.start", "status": 500, "headers": []}
        real = bytes(captured.body)
        cut = real[: len(real) // 2]
        if action == "malformed":
            mangled = cut + MALFORMED_TAIL
            headers = [
                (k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(mangled)).encode()))
            await journal_send({**start, "headers": headers})
            await journal_send({"type": "http.response.body", "body": mangled})
            return
        # truncate: the real headers (and length), half the body, then the line goes dead
        await journal_send(start)
        await journal_send({"type": "http.response.body", "body": cut, "more_body": True})
        if not await _abort(raw_send):
            raise ConnectionDropped(received=len(cut), expected=len(real))

    # --- journal -------------------------------------------------------------------------------

    def _annotate(
        self, entry: JournalEntry, scope: Scope, served: dict[str, Any], match: Match | None
    ) -> None:
        route: Any = scope.get("route")
        if route is None and match is None:
            # Answered before the vendor routed it (a fault, a rate limit, a crash): find the
            # operation and job from the path, so polls answered with errors still count.
            match = self.index.match(entry.method, entry.path)
        if route is not None:
            entry.operation = (
                getattr(route, "operation_id", None)
                or getattr(route, "operation", None)
                or getattr(route, "name", None)
            )
        elif match is not None:
            entry.operation = match.operation.operation_id
        params = scope.get("path_params") or (match.params if match else {})
        for name in self.job_params:
            value = params.get(name) or entry.query.get(name)
            if value:
                entry.job = str(value)
                break
        if served:
            entry.job = served.get("job", entry.job)
            entry.state = served.get("state")
            entry.terminal = served.get("terminal")
        if entry.status == 404 and entry.fault is None:
            entry.suggestion = self._suggest(entry, route)

    def _suggest(self, entry: JournalEntry, route: Any) -> str | None:
        try:
            if route is None:
                return self.index.nearest_path(entry.method, entry.path)
            if entry.job:
                return nearest(entry.job, self.vendor.backend.catalogue.ids(), limit=2000)
        except Exception:  # a suggestion is a courtesy; never let it break a response
            return None
        return None
