"""JSON types in request bodies, checked the way the vendors' own validators check them.

pydantic's default (lax) mode converts what no vendor converts: ``"1"`` to an int, ``"yes"`` or
``1`` to a bool, ``"2.5"`` to a float. A client that sends such a body gets a 400 from the real
service and must get one from jobmock, or its bug passes the contract tests. Request models
therefore take ``STRICT`` (a JSON value must already have the field's type) and these types for
numbers, which keep the one conversion every JavaScript validator does (Zod, or a JSON Schema
validator reading an OpenAPI document): ``1.0`` and ``1`` are the same number there, so ``1.0``
is a valid integer. Go's ``encoding/json`` refuses ``1.0`` for an int; the Go vendors (prunner,
OSAPI) decode bodies with their own Go-faithful readers and do not use these models.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

#: For request models: no type conversions (the models add their own ``extra`` policy).
STRICT = ConfigDict(strict=True)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("float_type", "Input should be a valid number")


#: A JSON number without a fraction (``1`` or ``1.0``); strings and booleans are refused.
JsonInt = Annotated[int, BeforeValidator(_whole)]
#: A JSON number, kept as sent (``13`` stays an int); strings and booleans are refused.
JsonNumber = Annotated[int | float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
