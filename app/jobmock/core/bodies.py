"""Request bodies read by handlers themselves, so auth can run before body validation."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from jobmock.core.errors import BadRequest

M = TypeVar("M", bound=BaseModel)


def parse_body(raw: bytes, model: type[M]) -> M:
    """``raw`` as ``model``, or ``BadRequest`` saying what is wrong with it."""
    if not raw.strip():
        raise BadRequest("request body is required", reason="body")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadRequest("request body is not valid JSON", reason="body") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        parts = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            parts.append(f"{field}: {message}" if field else message)
        raise BadRequest("invalid request body: " + "; ".join(parts), reason="body") from None
