"""The ASGI layer in front of each vendor sub-app.

Per request, in ``VendorGate.serve``'s order: refuse a body over the cap; apply injected faults;
apply the vendor's rate limit (when on); answer a hot read from its operation's handler; else
dispatch to the vendor app. Throughout, ``Exchange`` journals what the client sent and got
(mock-clock time, the job and state served, Retry-After, the fault that answered, and for a wrong
path or id the nearest valid one), adds the vendor's own headers to the answers the gate makes,
and keeps an exception inside the mock while answering the vendor's own 500, so the test that hit
a bug in the mock fails with it instead of seeing a mysterious 500.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from jobmock.core.clock import DateHeader
from jobmock.core.errors import (
    CRASH_KEY,
    ConnectionDropped,
    MockError,
    RateLimited,
    ServerError,
)
from jobmock.core.faults import Fault, FaultBook, RequestFacts
from jobmock.core.injection import inject
from jobmock.core.journal import JournalEntry, serving
from jobmock.core.limits import (
    DEFAULT_MAX_BODY,
    OFF_LOOP_AT,
    PayloadTooLarge,
    head_size,
    read_capped,
    serve_in_thread,
)
from jobmock.core.operations import Call, Match, nearest
from jobmock.core.ratelimit import RateLimiter
from jobmock.core.replays import Replays
from jobmock.core.stub_step import StubStep
from jobmock.shared.commit import committing

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

    from jobmock.core.store import Store
    from jobmock.core.vendor import VendorApp

#: Methods that change no job.
_READS = frozenset(("GET", "HEAD", "OPTIONS"))
#: Request bodies are journaled up to this many bytes.
BODY_KEPT = 64 * 1024


def vendor_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def new_entry(store: Store, scope: Scope, vendor: str | None) -> JournalEntry:
    """The request's journal entry, holding the scope's raw values (decoded when read)."""
    return JournalEntry.arriving(
        store.journal.next_seq(),
        vendor,
        scope["method"],
        vendor_path(scope),
        scope["path"],
        scope.get("query_string", b""),
        scope.get("headers", ()),
        store.clock.now(),
        time.time(),
    )


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class Exchange:
    """One request through the gate, and the journal entry it fills as it goes."""

    __slots__ = (
        "body",
        "body_in",
        "entry",
        "gate",
        "match",
        "raw_send",
        "recorded",
        "scope",
        "served",
        "size",
        "started",
        "timer",
    )

    def __init__(self, gate: VendorGate, scope: Scope, receive: Receive, send: Send) -> None:
        self.timer = time.perf_counter()
        self.gate = gate
        self.scope = scope
        self.raw_send = send
        self.body_in = receive
        """The client's body (once the cap has read it, a replay of it)."""
        self.size = 0
        self.entry = new_entry(gate.store, scope, gate.slug)
        self.served = serving()
        self.body = bytearray()
        self.started = False
        self.recorded = False
        self.match: Match | None = None

    async def receive(self) -> Message:
        """The body for the vendor app, journaled up to ``BODY_KEPT`` bytes."""
        message = await self.body_in()
        if message["type"] == "http.request" and len(self.body) < BODY_KEPT:
            self.body.extend(message.get("body", b"")[: BODY_KEPT - len(self.body)])
        return message

    async def send(self, message: Message) -> None:
        """The answer to the client, journaled before its last byte leaves: a client that got
        its answer always finds its request in the journal."""
        if message["type"] == "http.response.start":
            self.started = True
            self.entry.status = message["status"]
            headers = message.get("headers", ())
            for name, value in headers:
                if name.lower() == b"retry-after":
                    self.entry.retry_after = value.decode("latin-1")
            # The Date of every answer comes from the mock clock (the server's own is off).
            message = {**message, "headers": [*headers, self.gate.date()]}
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            crash = self.scope.get(CRASH_KEY)
            if crash is not None:
                self.keep(crash)
            self.record()
            if self.gate.shared:  # in the shared store before the client has its answer
                await self.gate.store.journal.written()
        await self.raw_send(message)

    async def send_own(self, message: Message) -> None:
        """``send`` for an answer the gate makes itself: it carries the headers the vendor's
        server adds to every answer."""
        own = self.gate.vendor.own_headers
        if own is not None and message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *own(self.scope)]}
        await self.send(message)

    async def respond(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """A whole answer the gate makes itself (a hot read's)."""
        own = self.gate.vendor.own_headers
        if own is not None:
            headers = [*headers, *own(self.scope)]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    async def answer(self, error: MockError) -> None:
        """Answer ``error`` as the vendor does."""
        await self.gate.vendor.render_error(error)(self.scope, _no_body, self.send_own)

    def keep(self, exc: BaseException) -> None:
        """A bug in the mock: kept for the test that hit it."""
        crashes = self.gate.crashes
        if not any(c is exc for c in crashes):
            crashes.append(exc)
            self.entry.error = f"{type(exc).__name__}: {exc}"

    def record(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        entry = self.entry
        if entry.method not in _READS:
            # A write may change a job in place: no document rendered before it is served again
            # (done before the answer's last byte leaves, so the client's next read sees it).
            self.gate.store.changed()
        if self.body:
            entry.keep_body(bytes(self.body))
        entry.duration_ms = round((time.perf_counter() - self.timer) * 1000, 3)
        self.gate.annotate(entry, self.scope, self.served, self.match)
        self.gate.store.journal.add(entry)


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
        self.shared = store.shared
        self.crashes = crashes
        self.faults = faults
        self.limiter = limiter
        self.max_body = max_body
        self.job_params = vendor.spec.job_params
        self.operations = vendor.operations
        self.stubs = StubStep(self)
        self.date = DateHeader(store.clock)
        self.replays = Replays(self)
        store.on_reset(self.replays.clear)  # stale after a reset anyway: the memory goes too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.replays.asked_in_front and await self.replays.answer(scope, send):
            return
        exchange = Exchange(self, scope, receive, send)
        try:
            await self.serve(exchange)
        except ConnectionDropped:
            exchange.entry.notes.append("connection dropped")
            raise
        except MockError as error:  # the shared store lost (jobmock.shared): the vendor's 503
            if not exchange.started:
                await exchange.answer(error)
        except Exception as exc:  # a bug in the mock: keep it for the test, answer like the vendor
            exchange.keep(exc)
            if not exchange.started:
                await exchange.answer(ServerError("Internal server error", reason="crash"))
        finally:
            exchange.record()

    async def serve(self, exchange: Exchange) -> None:
        """The steps in order; each answers the request itself (True) or passes it on."""
        if await self.refuse_large_body(exchange):
            return
        if self.faults and await self.inject_fault(exchange):
            return
        if self.limiter is not None and self.limiter.enabled and await self.rate_limit(exchange):
            return
        if self.stubs.wanted(exchange.entry) and await self.stubs.serve(exchange):
            return
        if self.operations.hot and await self.answer_hot_read(exchange):
            return
        await self.dispatch(exchange)

    async def refuse_large_body(self, exchange: Exchange) -> bool:
        """Reads the body whole (``core.limits``); a body over ``max_body`` is refused with the
        vendor's 413 (by its ``Content-Length``, or as it streams)."""
        try:
            exchange.body_in, exchange.size = await read_capped(
                exchange.scope, exchange.body_in, self.max_body
            )
        except PayloadTooLarge as exc:
            exchange.entry.notes.append(exc.message)  # the size, or the count of values
            await exchange.answer(exc)
            return True
        return False

    async def inject_fault(self, exchange: Exchange) -> bool:
        """The delays and the fault the rules give this request (``core.injection``)."""
        exchange.match = self._match(exchange.entry)
        fault = await self._fault(exchange.entry, exchange.match)
        if fault is None:
            return False
        await inject(fault, exchange, self.app)
        return True

    async def rate_limit(self, exchange: Exchange) -> bool:
        """The vendor's 429 once the client is over the vendor's limit."""
        assert self.limiter is not None
        entry = exchange.entry
        with self.store.lock:  # one window across processes sharing the state
            wait = self.limiter.hit(self.limiter.key_for(entry.path, entry.headers))
        if wait is None:
            return False
        entry.notes.append(f"rate limited: {self.limiter.rule.describe()}")
        await exchange.answer(
            RateLimited(self.limiter.rule.message, retry_after=wait, reason="rate_limit")
        )
        return True

    async def answer_hot_read(self, exchange: Exchange) -> bool:
        """A hot read answered here, by the operation's own handler, without FastAPI."""
        entry = exchange.entry
        hit = self.operations.hot_match(entry.method, entry.path)
        if hit is None:
            return False
        op, scope = hit.operation, exchange.scope
        scope["path_params"] = hit.params
        scope["route"] = op
        call = Call(scope, hit.params)
        try:
            if op.auth is not None:
                call.principal = op.auth(self.vendor.backend, call)
            response = op.handler(self.vendor.backend, call)
        except MockError as error:
            await exchange.answer(error)
            return True
        body = bytes(response.body)
        await exchange.respond(response.status_code, response.raw_headers, body)
        self.replays.offer(exchange, response.status_code, response.raw_headers, body)
        return True

    async def dispatch(self, exchange: Exchange) -> None:
        """The vendor app answers; a large body is parsed off the event loop."""
        send: Send = exchange.send
        if self.shared:
            send = committing(send, self.store, exchange.answer)
        if exchange.size + head_size(exchange.scope) > OFF_LOOP_AT:
            await serve_in_thread(self.app, exchange.scope, exchange.receive, send)
        else:
            await self.app(exchange.scope, exchange.receive, send)

    # --- faults --------------------------------------------------------------------------------

    def _match(self, entry: JournalEntry) -> Match | None:
        if not self.faults.needs_operations(self.slug):
            return None
        return self.operations.match(entry.method, entry.path)

    def facts(self, entry: JournalEntry, match: Match | None) -> RequestFacts:
        """What a fault rule or a stub matches a request on."""
        job = None
        if match is not None:
            job = next((match.params[p] for p in self.job_params if p in match.params), None)
        return RequestFacts(
            vendor=self.slug,
            method=entry.method,
            path=entry.path,
            segments=frozenset([*entry.path.split("/"), *entry.query.values()]),
            operation=match.operation.operation_id if match else None,
            job=job,
            base_path=self.vendor.spec.base_path,
        )

    async def _fault(self, entry: JournalEntry, match: Match | None) -> Fault | None:
        facts = self.facts(entry, match)
        with self.store.lock:  # a rule's counts are one across processes sharing the state
            delay, fault = self.faults.evaluate(facts)
        if delay:
            entry.notes.append(f"delayed {delay:.3f} s by a fault")
            await asyncio.sleep(delay)
        return fault

    # --- journal -------------------------------------------------------------------------------

    def annotate(
        self, entry: JournalEntry, scope: Scope, served: dict[str, Any], match: Match | None
    ) -> None:
        route: Any = scope.get("route")
        if route is None and match is None:
            # Answered before the vendor routed it (a fault, a rate limit, a crash): find the
            # operation and job from the path, so polls answered with errors still count.
            match = self.operations.match(entry.method, entry.path)
        if route is not None:
            # A FastAPI route (its operation id, else its name) or a hot read's ``Operation``.
            entry.operation = getattr(route, "operation_id", None) or getattr(route, "name", None)
        elif match is not None:
            entry.operation = match.operation.operation_id
        if "job" in served:  # what the backend read (note_served: the job, its state, end)
            entry.job = served["job"]
            entry.state = served["state"]
            entry.terminal = served["terminal"]
        else:
            params = scope.get("path_params") or (match.params if match else {})
            for name in self.job_params:
                value = params.get(name) or entry.query.get(name)
                if value:
                    entry.job = str(value)
                    break
        if entry.status == 404 and entry.fault is None:
            entry.suggestion = self._suggest(entry, route)

    def _suggest(self, entry: JournalEntry, route: Any) -> str | None:
        try:
            if route is None:
                return self.operations.nearest_path(entry.method, entry.path)
            if entry.job:
                return nearest(entry.job, self.vendor.backend.catalogue.ids(), limit=2000)
        except Exception:  # a suggestion is a courtesy; never let it break a response
            return None
        return None
