"""nunu's error envelope: ``{"error": "<message>"}`` and nothing else (spec/nunu.md §4, §9 #13)."""

from __future__ import annotations

import json

from starlette.responses import Response

from jobmock.core.errors import MockError

# Undocumented wording for cases nunu's docs only name by status (spec/nunu.md §4, [I]).
_ROUTE_MESSAGES = {404: "Not found", 405: "Method not allowed"}
_DEFAULT_MESSAGES = {
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def message_for(err: MockError) -> str:
    if err.reason == "route":
        return _ROUTE_MESSAGES.get(err.status, err.message)
    if err.reason in ("injected", "crash") or not err.message:
        return err.message or _DEFAULT_MESSAGES.get(err.status, "Request failed")
    return err.message


def render_error(err: MockError) -> Response:
    body = json.dumps({"error": message_for(err)}).encode()
    return Response(
        body, status_code=err.status, media_type="application/json", headers=err.headers
    )
