"""prunner's error shapes (spec/prunner.md §1-§3), which depend on who answers:

- its handlers: ``{"error":"<message>"}`` and a newline, ``application/json``;
- the JWT authenticator (Go's ``http.Error``): 401 with the reason as plain text and a newline;
- chi's router: ``404 page not found`` as plain text, or 405 with an empty body and ``Allow``;
- chi's ``Recoverer`` after a panic: 500 with an empty body.
"""

from __future__ import annotations

from starlette.responses import Response

from jobmock.core.errors import MockError
from jobmock.vendors.prunner.render import error_json

NOT_FOUND_TEXT = b"404 page not found\n"
_TEXT_HEADERS = {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}


def render_error(err: MockError) -> Response:
    headers = dict(err.headers)
    if err.status == 401:
        body = (err.message + "\n").encode()
        return Response(body, status_code=401, headers={**headers, **_TEXT_HEADERS})
    if err.status == 404 and err.reason == "route":
        return Response(NOT_FOUND_TEXT, status_code=404, headers={**headers, **_TEXT_HEADERS})
    if err.status == 405 or err.reason == "crash":
        return Response(b"", status_code=err.status, headers=headers)
    return Response(
        error_json(err.message),
        status_code=err.status,
        media_type="application/json",
        headers=headers,
    )
