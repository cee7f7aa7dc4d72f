"""Echo's middleware around every OSAPI answer (spec/osapi.md §5): ``X-Request-Id`` (the
request's own, or 32 alphanumerics), ``Vary: Origin`` from the CORS middleware, which also
answers every ``OPTIONS`` with 204 and the router's ``Allow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jobmock.core.gate import vendor_path
from jobmock.vendors.osapi.errors import echo_allow

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

    from jobmock.core.lazy_app import LazyApp
    from jobmock.core.operations import OperationTable


_VARY = (b"vary", b"Origin")


class EchoFront:
    def __init__(
        self, app: LazyApp, table: OperationTable, request_id: Callable[[], bytes]
    ) -> None:
        self.app = app
        self.table = table
        self.request_id = request_id

    def openapi(self) -> dict[str, Any]:
        """The sub-app's OpenAPI document (``jobmock routes`` and ``openapi`` read it)."""
        return self.app.openapi()

    def allow(self, scope: Scope) -> str | None:
        """The methods Echo's router has for this path (all routes on it), if it has any."""
        methods = self.table.allowed(vendor_path(scope))
        return echo_allow(",".join(methods)) if methods else None

    def headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        """What Echo's middleware adds to every answer: ``Vary`` and the request id."""
        given = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value
                break
        return [_VARY, (b"x-request-id", given or self.request_id())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers(scope)
        if scope["method"] == "OPTIONS":
            allow = self.allow(scope)
            if allow:
                extra.append((b"allow", allow.encode()))
            await send({"type": "http.response.start", "status": 204, "headers": extra})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if message["status"] == 405:  # Starlette lists one route's methods only
                    allow = self.allow(scope) or "OPTIONS"
                    headers = [(k, v) for k, v in headers if k.lower() != b"allow"]
                    headers.append((b"allow", allow.encode()))
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
