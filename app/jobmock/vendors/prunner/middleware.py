"""Auth before routing, as prunner's chi router does it (spec/prunner.md §1, §2).

prunner mounts two sub-routers, ``/pipelines`` and ``/job``, behind its JWT middleware. So:

- a path outside both mounts (``/``, ``/jobs``, ``/job-detail``) is ``404 page not found``
  without any token check;
- inside them, the token is checked first: an unknown path (``/job/foo``, ``/job/detail/``) or
  a wrong method (``GET /job/cancel``, ``HEAD /job/detail``) is 401 without a valid token, and
  only then 404 or 405 with ``Allow``;
- ``/pipelines`` and ``/pipelines/`` are the same route.

The token is taken from the first ``Authorization`` header, else from the first ``jwt`` cookie.
Requests that pass go on to the FastAPI app with the token's user in ``scope["state"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastapi.routing import APIRoute

from jobmock.core.errors import MethodNotAllowed, MockError, NotFound
from jobmock.core.gate import vendor_path

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.routing import BaseRoute
    from starlette.types import Receive, Scope, Send

    from jobmock.core.vendor import ErrorRenderer
    from jobmock.vendors.prunner.backend import PrunnerBackend

MOUNTS = ("/pipelines", "/job")
#: Every route of prunner's two sub-routers, with its one method.
ROUTES = {
    "/pipelines": "GET",
    "/pipelines/": "GET",
    "/pipelines/jobs": "GET",
    "/pipelines/schedule": "POST",
    "/job/detail": "GET",
    "/job/logs": "GET",
    "/job/cancel": "POST",
}
USER = "prunner_user"
_COOKIE_VALUE_BAD = set('";\\')


def mounted(path: str) -> bool:
    return any(path == mount or path.startswith(mount + "/") for mount in MOUNTS)


def authorization(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"authorization":
            return str(value.decode("latin-1"))
    return None


def cookies(scope: Scope) -> dict[str, str]:
    """Cookies by name, the first of each winning (Go's ``Request.Cookie``)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name.lower() != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            key, sep, raw = part.strip().partition("=")
            if not sep or not key or key in found:
                continue
            if len(raw) > 1 and raw[0] == raw[-1] == '"':
                raw = raw[1:-1]
            if any(c in _COOKIE_VALUE_BAD or not 0x20 <= ord(c) < 0x7F for c in raw):
                continue
            found[key] = raw
    return found


class AuthBeforeRouting:
    def __init__(
        self,
        app: FastAPI,
        backend: PrunnerBackend,
        render: ErrorRenderer,
        routes: Iterable[BaseRoute] = (),
    ) -> None:
        self.app = app
        self.backend = backend
        self.render = render
        self.routes: dict[tuple[str, str], APIRoute] = {
            (route.path, method): route
            for route in routes
            if isinstance(route, APIRoute)
            for method in route.methods or ()
        }
        """The vendor's routes, so the journal can name the operation of a refused request."""

    def openapi(self) -> dict[str, Any]:
        return self.app.openapi()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = vendor_path(scope)
        if not mounted(path):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        route = self.routes.get((path, method))
        if route is not None:
            scope["route"] = route  # lets the journal name the operation, even on a 401
        try:
            user = self.backend.authenticate(authorization(scope), cookies(scope))
        except MockError as err:
            await self.render(err)(scope, receive, send)
            return
        allowed = ROUTES.get(path)
        if allowed is None:
            await self.render(NotFound("404 page not found", reason="route"))(scope, receive, send)
        elif method != allowed:
            error = MethodNotAllowed("Method Not Allowed", allow=allowed, reason="route")
            await self.render(error)(scope, receive, send)
        else:
            scope.setdefault("state", {})[USER] = user
            await self.app(scope, receive, send)
