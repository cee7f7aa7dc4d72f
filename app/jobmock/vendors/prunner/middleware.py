"""Auth before routing, as prunner's chi router does it (spec/prunner.md §1, §2).

prunner mounts two sub-routers, ``/pipelines`` and ``/job``, behind its JWT middleware. So:

- a path outside both mounts (``/``, ``/jobs``, ``/job-detail``) is ``404 page not found``
  without any token check;
- inside them, the token is checked first: an unknown path (``/job/foo``, ``/job/detail/``) or
  a wrong method (``GET /job/cancel``, ``HEAD /job/detail``) is 401 without a valid token, and
  only then 404 or 405 with ``Allow``;
- ``/pipelines`` and ``/pipelines/`` are the same route.

The token is taken from the first ``Authorization`` header, else from the first ``jwt`` cookie.
A request for an operation of the table goes straight on (the operation checks the token
itself, ``operations.authenticate``); this answers the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobmock.core.errors import MethodNotAllowed, MockError, NotFound
from jobmock.core.gate import vendor_path
from jobmock.core.operations import Call

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from jobmock.core.lazy_app import LazyApp
    from jobmock.core.operations import OperationTable
    from jobmock.core.vendor import ErrorRenderer
    from jobmock.vendors.prunner.backend import PrunnerBackend

MOUNTS = ("/pipelines", "/job")
_COOKIE_VALUE_BAD = set('";\\')


def mounted(path: str) -> bool:
    return any(path == mount or path.startswith(mount + "/") for mount in MOUNTS)


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


def authenticate(backend: PrunnerBackend, call: Call) -> str:
    """The user the token names: from the first ``Authorization`` header, else the first
    ``jwt`` cookie."""
    return backend.authenticate(call.header(b"authorization"), cookies(call.scope))


class AuthBeforeRouting:
    def __init__(
        self, app: LazyApp, backend: PrunnerBackend, render: ErrorRenderer, table: OperationTable
    ) -> None:
        self.app = app
        self.backend = backend
        self.render = render
        self.table = table

    def openapi(self) -> dict[str, Any]:
        return self.app.openapi()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = vendor_path(scope)
            if mounted(path) and not self.table.routed(scope["method"], path):
                await self.render(self.refusal(scope, path))(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope, path: str) -> MockError:
        """For a request under the mounts that no operation takes: 401 without a valid token,
        else 404, or 405 with the path's methods."""
        try:
            authenticate(self.backend, Call(scope, {}))
        except MockError as err:
            return err
        allowed = self.table.allowed(path)
        if not allowed:
            return NotFound("404 page not found", reason="route")
        return MethodNotAllowed("Method Not Allowed", allow=", ".join(allowed), reason="route")
