"""OSAPI's two error shapes (spec/osapi.md §3-5), both compact JSON plus a newline:

- Echo's own ``{"message": "..."}``: unknown route (404), wrong method (405, with ``Allow``),
  parameter and body binding (400, 415), a panic (500 ``Internal Server Error``);
- the handlers' and the auth middleware's ``{"error": "..."}`` (400, 401, 403, 404, 500), where
  ``details`` and ``code`` are never sent.

At HEAD, a GET under ``/api/`` that matches no route is Go's plain-text ``404 page not found``.
"""

from __future__ import annotations

from starlette.responses import Response

from jobmock.core import golang
from jobmock.core.errors import MockError

#: Reasons whose errors Echo writes itself, as ``{"message": ...}``.
ECHO_REASONS = frozenset({"route", "echo", "crash", "validation", "http"})
#: The order in which Echo's router lists methods in ``Allow`` (after OPTIONS).
ALLOW_ORDER = ("CONNECT", "DELETE", "GET", "HEAD", "PATCH", "POST", "PROPFIND", "PUT", "TRACE")
STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
JSON = "application/json"


def echo_allow(methods: str) -> str:
    """``Allow`` as Echo's router writes it: ``OPTIONS, DELETE, GET``."""
    given = {m.strip().upper() for m in methods.split(",") if m.strip()}
    return ", ".join(["OPTIONS", *(m for m in ALLOW_ORDER if m in given)])


def render_error(err: MockError) -> Response:
    headers = dict(err.headers)
    if err.reason == "page_not_found":
        return Response(
            b"404 page not found\n",
            status_code=404,
            media_type="text/plain; charset=utf-8",
            headers={"X-Content-Type-Options": "nosniff"},
        )
    if err.reason in ECHO_REASONS:
        message = err.message
        if err.reason in ("route", "crash", "http") or not message:
            message = STATUS_TEXT.get(err.status, message)
        body = golang.body({"message": message})
    else:
        body = golang.body({"error": err.message or STATUS_TEXT.get(err.status, "error")})
    return Response(body, status_code=err.status, media_type=JSON, headers=headers)
