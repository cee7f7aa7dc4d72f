"""JSON types in request models: no conversion a vendor's validator would not make, and the one
every JavaScript validator makes (``1.0`` is the integer 1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from jobmock.core.jsontypes import STRICT, JsonInt, JsonNumber


class Body(BaseModel):
    model_config = STRICT

    count: JsonInt = 0
    ratio: JsonNumber = 0
    flag: bool = False
    name: str = ""


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({"count": 3}, {"count": 3}),
        ({"count": 3.0}, {"count": 3}),
        ({"ratio": 13}, {"ratio": 13}),
        ({"ratio": 2.5}, {"ratio": 2.5}),
    ],
)
def test_numbers_are_kept_as_the_json_number_they_are(
    sent: dict[str, Any], kept: dict[str, Any]
) -> None:
    body = Body.model_validate_json(json.dumps(sent))
    for field, value in kept.items():
        assert getattr(body, field) == value
        assert type(getattr(body, field)) is type(value)


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ({"count": "1"}, "Input should be a valid integer"),
        ({"count": 1.5}, "Input should be a valid integer"),
        ({"count": True}, "Input should be a valid integer"),
        ({"ratio": "2.5"}, "Input should be a valid number"),
        ({"ratio": False}, "Input should be a valid number"),
        ({"ratio": None}, "Input should be a valid number"),
        ({"flag": 1}, "Input should be a valid boolean"),
        ({"flag": "yes"}, "Input should be a valid boolean"),
        ({"name": 5}, "Input should be a valid string"),
    ],
)
def test_what_no_vendor_converts_is_refused(sent: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Body.model_validate(sent)
    assert info.value.errors()[0]["msg"] == message


def test_the_schema_says_number_for_a_json_number() -> None:
    properties = Body.model_json_schema()["properties"]
    assert properties["ratio"]["type"] == "number"
    assert properties["count"]["type"] == "integer"
