"""The bodies the control API takes, and the one place they are read and checked.

A body is read as JSON whatever its content type (``curl -d`` sends a form type); NaN, Infinity
and numbers too large for a float are refused, as JSON has none of them. Each body is then a
pydantic model; every refusal is a ``BadRequest`` naming the field, what was wrong, and what the
endpoint accepts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator
from pydantic import model_validator as after_model

from jobmock.core.clock import as_utc, check_scale
from jobmock.core.durations import parse_duration
from jobmock.core.errors import BadRequest
from jobmock.core.fixture_files import describe_problems

M = TypeVar("M", bound=BaseModel)

#: Stands for "no body at all", which each model answers with what it accepts.
NO_BODY: Any = object()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def read_json(raw: bytes) -> Any:
    """The JSON in ``raw``, or ``NO_BODY`` when it is empty."""
    if not raw.strip():
        return NO_BODY
    try:
        return json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except ValueError as exc:
        # json's own message points at the line and column; ours name NaN/Infinity
        reason = str(exc) if not isinstance(exc, json.JSONDecodeError) else exc.msg
        raise BadRequest(f"the request body is not valid JSON ({reason})") from None


def parse(model: type[M], body: Any, accepted: str) -> M:
    """``body`` as ``model``, or a 400 that says what is wrong and what ``accepted`` is."""
    if body is NO_BODY:
        raise BadRequest(f"a JSON body is required: {accepted}")
    if not isinstance(body, Mapping):
        raise BadRequest(f"expected a JSON object: {accepted}")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise BadRequest(f"{describe_problems(exc)} (expected {accepted})") from None


class ControlModel(BaseModel):
    """Unknown fields and non-finite numbers are errors; a field sent as null is one too (it
    would otherwise read as "not sent")."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value


class ClockUpdate(ControlModel):
    ACCEPTED: ClassVar[str] = (
        'one or more of \'advance\' (seconds or a duration like "90s", "5m", "1h30m"), '
        "'set' (an ISO 8601 time), 'mode' ('real' or 'manual'), 'freeze' (true or false), "
        "'scale' (a number above 0, at most 1000000)"
    )

    advance: float | None = None
    set: datetime | None = None
    mode: Literal["real", "manual"] | None = None
    freeze: StrictBool | None = None
    scale: float | None = None

    @field_validator("advance", mode="before")
    @classmethod
    def _advance(cls, value: Any) -> float:
        if not isinstance(value, str | int | float):
            raise ValueError('must be seconds or a duration like "90s"')
        return parse_duration(value)

    @field_validator("set", mode="before")
    @classmethod
    def _set(cls, value: Any) -> datetime:
        if isinstance(value, datetime):
            return as_utc(value)
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 timestamp")
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except (ValueError, OverflowError):
            raise ValueError("must be an ISO 8601 timestamp") from None

    @field_validator("scale", mode="before")
    @classmethod
    def _scale(cls, value: Any) -> float:
        return check_scale(value)

    @after_model(mode="after")
    def _consistent(self) -> ClockUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        if self.mode is not None and self.freeze is not None:
            raise ValueError("give 'mode' or 'freeze', not both")
        return self


class SessionOpening(ControlModel):
    ACCEPTED: ClassVar[str] = 'no body, or {"clock": "real" or "manual"}'

    clock: Literal["real", "manual"] | None = None


class RateLimitSwitch(ControlModel):
    ACCEPTED: ClassVar[str] = '{"enabled": true or false} and optionally "vendor"'

    enabled: StrictBool
    vendor: str | None = None
