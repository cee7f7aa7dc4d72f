"""Request bodies read by handlers themselves, so auth can run before body validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from jobmock.core.errors import BadRequest
from jobmock.core.fixture_files import describe_error, format_loc
from jobmock.core.limits import MAX_DEPTH, JSONTooDeep, loads

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class BodyWording:
    """A vendor's words for a body that is missing, not JSON, or not what the operation takes."""

    required: str = "request body is required"
    not_json: str = "request body is not valid JSON"
    invalid: str = "invalid request body: {problems}"
    too_deep: str = "request body is not valid JSON: nested more than {limit} levels deep"


def parse_body(raw: bytes, model: type[M], wording: BodyWording = BodyWording()) -> M:
    """``raw`` as ``model``, or ``BadRequest`` saying what is wrong with it. Its ``details``
    carry each problem as ``{"path": [...], "message": ...}`` for vendors that list them."""
    if not raw.strip():
        raise BadRequest(wording.required, reason="body")
    try:
        data = loads(raw)
    except JSONTooDeep:
        raise BadRequest(wording.too_deep.format(limit=MAX_DEPTH), reason="body") from None
    except ValueError:
        raise BadRequest(wording.not_json, reason="body") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        issues = [{"path": list(err["loc"]), "message": describe_error(err)} for err in errors]
        problems = "; ".join(
            f"{format_loc(err['loc'])}: {describe_error(err)}"
            if err["loc"]
            else describe_error(err)
            for err in errors
        )
        raise BadRequest(
            wording.invalid.format(problems=problems), reason="body", details={"issues": issues}
        ) from None
