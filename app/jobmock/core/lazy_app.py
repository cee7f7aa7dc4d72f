"""ASGI apps built the first time they are needed, so ``jobmock serve`` answers before FastAPI.

Importing FastAPI and building the vendors' and the control API's routes is about two thirds of
start-up, and the reads clients poll never need them (the gate answers hot reads itself). Each
FastAPI app is therefore built on its first request (or when its OpenAPI document is asked
for), once, under a lock; a served app also builds them all on a thread right after start-up
(``warm``), so the first request that needs one rarely waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Receive, Scope, Send

    from jobmock.core.operations import OperationTable
    from jobmock.core.vendor import ErrorRenderer, VendorSpec


#: One build at a time in the process: FastAPI and pydantic build shared models as they go, and
#: two threads building apps at once can see them half made.
_BUILDING = threading.RLock()


class LazyApp:
    """The app ``build`` returns, built on first use."""

    __slots__ = ("_app", "_build")

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None

    def resolve(self) -> Any:
        """The app, built now if it was not yet."""
        if self._app is None:
            with _BUILDING:
                if self._app is None:
                    self._app = self._build()
        return self._app

    @property
    def built(self) -> bool:
        return self._app is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app if self._app is not None else self.resolve()
        await app(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        document: dict[str, Any] = self.resolve().openapi()
        return document


def lazy_vendor_app(
    spec: VendorSpec, table: OperationTable, backend: Any, render: ErrorRenderer, **options: Any
) -> LazyApp:
    """``core.fastapi_app.build_vendor_app(spec, table, backend, render, **options)``, built on
    first use."""

    def build() -> FastAPI:
        from jobmock.core.fastapi_app import build_vendor_app

        return build_vendor_app(spec, table, backend, render, **options)

    return LazyApp(build)


def lazy_parts(*apps: object) -> list[LazyApp]:
    """The lazy apps in ``apps`` or behind them (each layer in front keeps the next as ``app``;
    a vendor's gate holds its vendor app as ``app``)."""
    found: list[LazyApp] = []
    for app in apps:
        for _ in range(4):  # gate -> front -> lazy app at most
            if isinstance(app, LazyApp):
                found.append(app)
                break
            app = getattr(app, "app", None)
    return found


def warm(apps: Iterable[LazyApp]) -> threading.Thread:
    """Build ``apps`` on a daemon thread (requests meanwhile are served; one that needs an app
    still being built waits for it)."""

    def build_all() -> None:
        for app in apps:
            # A build that fails here fails again, where it shows, for the request needing it.
            with suppress(Exception):
                app.resolve()

    thread = threading.Thread(target=build_all, name="jobmock-warm", daemon=True)
    thread.start()
    return thread
