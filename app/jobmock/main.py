"""``create_app(settings)``: one self-contained jobmock app.

Each app owns its clock, store, seeded generator and vendor backends; two apps in one process
never see each other. Vendors are mounted under their slug (``/nunu``, ...), or one vendor at the
root with its real paths; the control API lives under ``/_mock`` in both layouts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from jobmock import __version__
from jobmock.control import CONTROL_PREFIX
from jobmock.core.clock import AppClock, ClockMode, http_date
from jobmock.core.errors import Forbidden, MockError
from jobmock.core.fixture_files import check_folder, load_dir
from jobmock.core.gate import VendorGate, new_entry
from jobmock.core.generate import Generator
from jobmock.core.lazy_app import LazyApp, lazy_parts, warm
from jobmock.core.operations import nearest_path
from jobmock.core.origins import SAFE_METHODS, OriginPolicy, refusal, with_cors
from jobmock.core.ratelimit import RateLimiter
from jobmock.core.vendor import VendorContext
from jobmock.runtime import Runtime
from jobmock.sessions import SESSION_PREFIX, Sessions, refuse_new
from jobmock.settings import Settings
from jobmock.shared.commit import committing
from jobmock.shared.factory import new_sessions, new_store, open_store

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from jobmock.control.service import Controller
    from jobmock.core.journal import JournalEntry
    from jobmock.core.webhooks.outbox import Outbox


def _segment(path: str) -> str:
    """The first segment of ``path``: a session's prefix, the control API's, a vendor's."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


@dataclass(frozen=True)
class Serving:
    """What one set of loaded fixtures serves; swapped whole on reload, so a request in flight
    finishes on the set it started on."""

    runtime: Runtime
    control: ASGIApp
    mounts: dict[str, ASGIApp]
    root: ASGIApp | None
    """The one vendor served at the root, if any."""


class JobmockApp:
    """The root ASGI app: a dictionary dispatch on the first path segment, nothing more
    (after ``/_session/{name}``, which picks another set of everything; see ``sessions``)."""

    def __init__(self, serving: Serving) -> None:
        self._on_request: Callable[[JournalEntry], None] | None = None
        self._serving = self._adopt(serving, None)
        settings = serving.runtime.settings
        self._shared = serving.runtime.store.shared
        self.sessions: Sessions[Serving] = new_sessions(self._new_session, settings)
        self._origins = OriginPolicy(settings.allow_origins)
        self._cors = (
            with_cors(self._dispatch, settings.allow_origins) if settings.allow_origins else None
        )

    @property
    def runtime(self) -> Runtime:
        return self._serving.runtime

    def gates(self) -> dict[str, VendorGate]:
        """The gate in front of each vendor served (outside any session), by slug."""
        return {
            gate.slug: gate
            for gate in self._serving.mounts.values()
            if isinstance(gate, VendorGate)
        }

    @property
    def controller(self) -> Controller:
        assert self.runtime.controller is not None
        return self.runtime.controller

    def _adopt(self, serving: Serving, session: str | None) -> Serving:
        serving.runtime.host, serving.runtime.session = self, session
        if session is None:
            for gate in serving.mounts.values():
                if isinstance(gate, VendorGate):
                    gate.replays.asked_in_front = True
        serving.runtime.store.journal.listener = self._on_request
        return serving

    def on_request(self, listener: Callable[[JournalEntry], None] | None) -> None:
        """Tell ``listener`` of every request as it is journaled, in every session, across
        reloads (``jobmock serve`` prints them)."""
        self._on_request = listener
        for serving in (self._serving, *self.sessions.all()):
            serving.runtime.store.journal.listener = listener

    def _new_session(
        self, name: str, clock: ClockMode | None = None, fresh: bool = False
    ) -> Serving:
        settings = self.runtime.settings
        if clock is not None and clock != settings.clock:
            settings = settings.model_copy(update={"clock": clock})
        return self._adopt(build(settings, session=name, fresh=fresh), name)

    def open_session(self, name: str, clock: ClockMode | None = None) -> Runtime:
        """A fresh session ``name`` (in place of one of that name), on a clock in mode ``clock``
        (the server's by default), which it keeps across resets and reloads: the pytest plugin
        runs a manual clock in its session of a server whose own clock runs."""
        opened = self.sessions.put(name, lambda name: self._new_session(name, clock, fresh=True))
        return opened.runtime

    def reload(self, session: str | None = None, fresh: bool = True) -> Runtime:
        """Re-read the fixtures and serve them from now on, as a restart would (the clock,
        jobs, faults and journal start over); a bad fixture, or a fixture folder that has gone,
        raises ``FixtureError`` and changes nothing. Exceptions caught while serving are kept for
        the test that hit them. Each session keeps the fixtures it was built from until it
        reloads or ends. With a shared state, ``fresh=False`` adopts the state another process
        started by reloading."""
        old = self.sessions.get(session) if session is not None else self._serving
        settings, crashes = old.runtime.settings, old.runtime.crashes
        serving = self._adopt(build(settings, crashes, session, fresh), session)
        if session is None:
            self._serving = serving
        else:
            self.sessions.replace(session, serving)
        return serving.runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif self._cors is not None and self._origins.listed(scope):
            await self._cors(scope, receive, send)
        elif scope["type"] != "http":
            await self._dispatch(scope, receive, send)
        elif self._shared:
            await self._serve_shared(scope, receive, send)
        elif not await self._replayed(self._serving, scope, send):
            await self._dispatch(scope, receive, send)

    async def _serve_shared(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request on a shared state: a kept answer, if the round trip that journals it finds
        the state unchanged (``core.replays``); else the root brought up to date (one round
        trip, shared by the loop's turn) and the request dispatched."""
        root = None
        if _segment(_route_path(scope)) != SESSION_PREFIX:
            if await self._replayed(self._serving, scope, send):
                return
            root = await self._current(self._serving, None)
        await self._dispatch(scope, receive, send, root)

    async def _replayed(self, serving: Serving, scope: Scope, send: Send) -> bool:
        """A poller's repeated hot read answered before any routing (``core.replays``): the
        root's gates are asked here, a session's by its gate."""
        gate = serving.root
        if gate is None:
            path = _route_path(scope)
            end = path.find("/", 1)
            gate = serving.mounts.get(path[1:end] if end > 0 else path[1:])
        return isinstance(gate, VendorGate) and await gate.replays.answer(scope, send)

    async def _dispatch(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        root: tuple[Serving | None, MockError | None] | None = None,
    ) -> None:
        """``root``: the root brought up to date already (``_serve_shared``)."""
        serving = self._serving
        path = _route_path(scope)
        segment = _segment(path)
        refused: MockError | None = None
        lost: MockError | None = None
        if self._shared and segment != SESSION_PREFIX:
            current, lost = root or await self._current(serving, None)
            serving = current or serving
        foreign = what = None
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            foreign, what = self._origins.foreign(scope), f"{scope['method']} {path}"
        if segment == SESSION_PREFIX:
            name = path.split("/", 3)[2] if path.count("/") >= 2 else ""
            try:
                found = self.sessions.find(name)
                if found is not None and self._shared:
                    found, lost = await self._current(found, name)
                if found is None and foreign is None and scope["type"] == "http":
                    # A new session is state, whatever the method.
                    foreign, what = self._origins.foreign(scope), f"a new session {name!r}"
                if found is None and foreign is None:
                    refuse_new(scope, name, path, serving.runtime.settings.control_token)
                    # A new session loads its fixtures (~0.1 s): off the event loop, which
                    # keeps serving everyone else meanwhile.
                    found = await asyncio.to_thread(self.sessions.get, name)
                serving = found or serving
            except MockError as exc:
                refused = exc
            scope = self._child(scope, f"/{SESSION_PREFIX}/{name}")
            path = _route_path(scope)
            segment = _segment(path)
        if scope["type"] == "http" and not self._to_gate(serving, segment, refused, foreign):
            send = _dated(send, serving.runtime.clock)  # a gate dates its answers itself
        if refused is not None:
            await _send_json(send, refused.status, {"error": refused.message})
        elif lost is not None:
            await self._refuse(serving, segment, lost, scope, receive, send)
        elif foreign is not None:
            error = Forbidden(refusal(foreign, str(what)), reason="origin")
            await self._refuse(serving, segment, error, scope, receive, send)
        elif segment == CONTROL_PREFIX:
            if self._shared:
                raw = send
                send = committing(send, serving.runtime.store, lambda e: _send_error(raw, e))
            await serving.control(self._child(scope, "/" + CONTROL_PREFIX), receive, send)
        elif serving.root is not None:
            await serving.root(scope, receive, send)
        elif segment in serving.mounts:
            await serving.mounts[segment](self._child(scope, "/" + segment), receive, send)
        else:
            await self._no_vendor(serving.runtime, scope, send)

    @staticmethod
    def _to_gate(serving: Serving, segment: str, refused: object, foreign: object) -> bool:
        """Whether a vendor's gate answers the request (it adds the ``Date`` header itself)."""
        if refused is not None or foreign is not None or segment == CONTROL_PREFIX:
            return False
        gate = serving.root if serving.root is not None else serving.mounts.get(segment)
        return isinstance(gate, VendorGate)

    async def _current(
        self, serving: Serving, session: str | None
    ) -> tuple[Serving | None, MockError | None]:
        """``serving`` with what other processes changed (``jobmock.shared``); rebuilt when
        one of them reloaded the fixtures; None for a session another one ended."""
        try:
            freshness = await serving.runtime.store.synced()
            if freshness == "stale" or (freshness == "gone" and session is None):
                # Rebuilding the root adopts its state, or starts it if Redis lost it.
                self.reload(session, fresh=False)
                return (self._serving if session is None else self.sessions.get(session)), None
        except MockError as exc:
            return serving, exc
        if freshness == "gone" and session is not None:
            self.sessions.end(session)
            return None, None
        return serving, None

    async def _refuse(
        self,
        serving: Serving,
        segment: str,
        error: MockError,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """Answer ``error`` in the vendor's shape on its paths, else in the control API's."""
        gate = None
        if segment != CONTROL_PREFIX:
            if serving.root is not None:
                gate = serving.root
            elif segment in serving.mounts:
                gate, scope = serving.mounts[segment], self._child(scope, "/" + segment)
        if not isinstance(gate, VendorGate):
            await _send_json(send, error.status, {"error": error.message})
            return
        response = gate.vendor.render_error(error)
        if gate.vendor.own_headers is not None:
            response.raw_headers.extend(gate.vendor.own_headers(scope))
        await response(scope, receive, send)

    @staticmethod
    def _child(scope: Scope, prefix: str) -> Scope:
        child = dict(scope)
        root = scope.get("root_path", "")
        child["app_root_path"] = scope.get("app_root_path", root)
        child["root_path"] = root + prefix
        return child

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        from jobmock.core.webhooks import scheduler

        task = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                task = scheduler.start(self._outboxes)
                warm(lazy_parts(self._serving.control, *self._serving.mounts.values()))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                await self._serving.runtime.store.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _outboxes(self) -> list[Outbox]:
        """Every outbox served: the root's and each session's (the scheduler turns them)."""
        runtimes = [self.runtime, *(serving.runtime for serving in self.sessions.all())]
        return [runtime.webhooks for runtime in runtimes if runtime.webhooks is not None]

    @staticmethod
    async def _no_vendor(runtime: Runtime, scope: Scope, send: Send) -> None:
        if scope["type"] != "http":
            return
        if _route_path(scope) in ("", "/") and scope["method"] in ("GET", "HEAD"):
            # A browser opening the server (or a session) finds the dashboard.
            await _send_redirect(send, f"{scope.get('root_path', '')}/{CONTROL_PREFIX}/ui")
            return
        store = runtime.store
        entry = new_entry(store, scope, None)
        served = ", ".join(f"/{slug}{v.spec.base_path}" for slug, v in runtime.vendors.items())
        message = (
            f"jobmock serves no vendor at {entry.raw_path!r}. Base paths: {served}; "
            f"control API: /{CONTROL_PREFIX}"
        )
        entry.status, entry.error = 404, message
        bases = [f"/{slug}{v.spec.base_path}" for slug, v in runtime.vendors.items()]
        entry.suggestion = nearest_path(entry.raw_path, bases)
        store.journal.add(entry)
        await _send_json(send, 404, {"error": message})


def _dated(send: Send, clock: AppClock) -> Send:
    """``send`` adding a ``Date`` header from the mock clock: the vendors send one, and every
    time the server tells a client comes from its clock (uvicorn's own is off)."""

    async def dated(message: Message) -> None:
        if message["type"] == "http.response.start":
            date = (b"date", http_date(clock.now()))
            message = {**message, "headers": [*message.get("headers", ()), date]}
        await send(message)

    # Not in the scope: scope -> uvicorn's send -> its cycle -> scope would be a reference
    # cycle per request, left to the garbage collector (p99 went from 5 to 45 ms).
    dated.__wrapped__ = send  # type: ignore[attr-defined]
    return dated


async def _send_redirect(send: Send, location: str) -> None:
    headers = [(b"location", location.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _send_error(send: Send, error: MockError) -> None:
    await _send_json(send, error.status, {"error": error.message})


async def _send_json(send: Send, status: int, data: Any) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> JobmockApp:
    """Build a jobmock app. Raises ``FixtureError`` if a fixture file is invalid or the fixture
    folder is missing."""
    return JobmockApp(build(settings if settings is not None else Settings()))


def build(
    settings: Settings,
    crashes: list[BaseException] | None = None,
    session: str | None = None,
    fresh: bool = False,
) -> Serving:
    """Load the fixtures and build every served vendor, with a fresh clock and store (with a
    shared state: the state it holds for ``session``, unless ``fresh``)."""
    from jobmock.control.answers import render_error as control_error
    from jobmock.control.service import Controller
    from jobmock.core.fault_rules import fault_specs
    from jobmock.core.limits import BodyCap
    from jobmock.core.scenario_defaults import declare_scenario
    from jobmock.core.stubs import book_of
    from jobmock.core.webhooks.setup import install as install_webhooks
    from jobmock.vendors import get_vendor

    check_folder(settings.fixtures_dir)
    clock = AppClock(settings.clock, settings.start_time, settings.clock_scale)
    store = new_store(settings, clock, session)
    runtime = Runtime(settings, clock, store, Generator(settings.seed))
    if crashes is not None:
        runtime.crashes = crashes
    mounts: dict[str, ASGIApp] = {}
    store.on_reset(runtime.faults.reset)
    store.share(runtime.faults, ("_rules", "_next_id"))
    # Made here, at one point of every build: a shared store names its parts in that order.
    book = book_of(store)
    for slug in settings.served_vendors:
        registered = get_vendor(slug)
        spec = registered.spec
        directory = settings.fixtures_dir / slug
        files = load_dir(directory)
        ctx = VendorContext(spec, store, clock, runtime.generator, directory, files=files)
        vendor = registered.create(ctx)
        runtime.faults.declare(slug, fault_specs(files, slug, vendor))
        declare_scenario(book, files, spec)
        runtime.vendors[slug] = vendor
        limiter = None
        rule = vendor.rate_limit or spec.rate_limit
        if rule is not None:
            enabled = settings.rate_limits or vendor.rate_limit is not None
            limiter = RateLimiter(rule, clock.now, enabled=enabled)
            runtime.limiters[slug] = limiter
            store.on_reset(limiter.reset)
            store.share(limiter, ("enabled", "_hits"))
        mounts[slug] = VendorGate(
            vendor, store, runtime.crashes, runtime.faults, limiter, settings.max_body
        )
    install_webhooks(runtime)
    runtime.controller = Controller(runtime)
    open_store(store, fresh)
    root = mounts[settings.vendor] if settings.vendor else None
    capped = BodyCap(LazyApp(partial(_control_app, runtime.controller)), settings.max_body,
                     control_error)  # fmt: skip
    return Serving(runtime, capped, mounts, root)


def _control_app(controller: Controller) -> ASGIApp:
    from jobmock.control.routes import create_control_app

    return create_control_app(controller)


__all__ = ["JobmockApp", "__version__", "create_app"]
