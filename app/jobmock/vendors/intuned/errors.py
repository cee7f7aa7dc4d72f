"""Intuned's error envelope: ``{code, category, message, retirable, details?, correlationId}``.

400, 401 and 404 are documented with codes ``bad-request``, ``unauthorized`` and ``not-found``,
category ``user`` and ``retirable: false`` (the vendor's spelling). The other statuses use the
same envelope with the codes spec/intuned.md §6.1 recommends ([I]). Every error gets a fresh UUID
``correlationId``, as the vendor's do.
"""

from __future__ import annotations

import uuid

from starlette.responses import Response

from jobmock.core.errors import MockError
from jobmock.vendors.intuned.documents import ErrorBody

#: status -> (code, category, retirable, default message)
_ENVELOPES: dict[int, tuple[str, str, bool, str]] = {
    400: ("bad-request", "user", False, "The request is invalid or malformed"),
    401: ("unauthorized", "user", False, "The request requires user authentication"),
    403: ("forbidden", "user", False, "You are not allowed to perform this action"),
    404: ("not-found", "user", False, "The requested resource was not found"),
    405: ("method-not-allowed", "user", False, "Method not allowed"),
    409: ("conflict", "user", False, "The request conflicts with the resource's state"),
    413: ("payload-too-large", "user", False, "The request body is too large"),
    429: ("too-many-requests", "user", True, "Too many requests"),
}
_SERVER = ("internal-server-error", "infrastructure", True, "Internal server error")


def envelope(err: MockError) -> ErrorBody:
    code, category, retirable, default = _ENVELOPES.get(
        err.status, _SERVER if err.status >= 500 else ("bad-request", "user", False, "Bad request")
    )
    message = err.message or default
    if err.reason in ("route", "crash"):
        message = default  # the framework's own wording ("Not Found") is not the vendor's
    fields: dict[str, object] = {
        "code": code,
        "category": category,
        "message": message,
        "retirable": retirable,
    }
    if err.details:
        fields["details"] = err.details.get("issues", err.details)
    fields["correlationId"] = str(uuid.uuid4())
    return ErrorBody.model_validate(fields)


def render_error(err: MockError) -> Response:
    body = envelope(err).model_dump_json(exclude_unset=True)
    return Response(
        body, status_code=err.status, media_type="application/json", headers=err.headers
    )
