"""The control API's own answers: JSON, errors as ``{"error": message}`` (no FastAPI needed,
so the body cap in front of the control API is there before its routes are built)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from jobmock.core.errors import MockError


def render_error(err: MockError) -> Response:
    body = json.dumps({"error": err.message}).encode()
    return Response(
        body, status_code=err.status, media_type="application/json", headers=err.headers
    )


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data).encode(), status_code=status, media_type="application/json")
