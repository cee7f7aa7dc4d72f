"""Reading what an Intuned client sends: JSON bodies, paging parameters, the
``X-Jobmock-Timeline`` header. Problems are 400s in the vendor's envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from jobmock.core.bodies import BodyWording
from jobmock.core.bodies import parse_body as core_parse_body
from jobmock.core.errors import BadRequest
from jobmock.core.fixture_files import Invalid, format_loc
from jobmock.core.lifecycle import Timeline
from jobmock.core.limits import loads
from jobmock.vendors.intuned.fixture_jobs import timeline_from

M = TypeVar("M", bound=BaseModel)


#: Intuned's words for a bad body (its ``details`` list each problem).
BODY_WORDING = BodyWording(
    required="Request body is required.",
    not_json="Request body is not valid JSON.",
    invalid="Invalid request body: {problems}",
    too_deep="Request body is not valid JSON: nested more than {limit} levels deep.",
)


def parse_body(raw: bytes, model: type[M]) -> M:
    """``raw`` as ``model``, or a 400 whose ``details`` lists each problem (path and message)."""
    return core_parse_body(raw, model, BODY_WORDING)


def page_param(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {raw!r}.", reason="query") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}.", reason="query")
    return value


def parse_timeline_header(value: str) -> Timeline:
    """A run timeline sent by a client in ``X-Jobmock-Timeline`` (a JSON list of steps)."""
    from pydantic import TypeAdapter

    from jobmock.vendors.intuned.fixture_models import RunStepFixture

    loc = ("X-Jobmock-Timeline",)
    try:
        steps = TypeAdapter(list[RunStepFixture]).validate_python(loads(value))
    except (ValueError, ValidationError) as exc:
        raise BadRequest(
            f"X-Jobmock-Timeline is not a valid timeline: {exc}", reason="timeline"
        ) from None
    if not steps:
        raise BadRequest("X-Jobmock-Timeline needs at least one step.", reason="timeline")
    try:
        return timeline_from(steps, loc)
    except Invalid as exc:
        raise BadRequest(
            f"X-Jobmock-Timeline: {format_loc(exc.loc)}: {exc.message}", reason="timeline"
        ) from None
