"""A request body read by its handler: a missing, non-JSON, too deep or invalid body is a 400 in
the vendor's words, naming each field that is wrong."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from jobmock.core.bodies import BodyWording, parse_body
from jobmock.core.errors import BadRequest
from jobmock.core.limits import MAX_DEPTH


class Run(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    name: str
    retries: int = 0


def refusal(raw: bytes, wording: BodyWording | None = None) -> BadRequest:
    with pytest.raises(BadRequest) as info:
        parse_body(raw, Run, wording or BodyWording())
    assert (info.value.status, info.value.reason) == (400, "body")
    return info.value


def test_a_good_body_is_the_model() -> None:
    assert parse_body(b'{"name": "nightly", "retries": 2}', Run) == Run(name="nightly", retries=2)


@pytest.mark.parametrize("raw", [b"", b"  \n\t"])
def test_an_empty_body_is_required(raw: bytes) -> None:
    assert refusal(raw).message == "request body is required"


@pytest.mark.parametrize("raw", [b"{not json", b'{"name": "x"} trailing', b"\xff"])
def test_a_body_that_is_not_json(raw: bytes) -> None:
    assert refusal(raw).message == "request body is not valid JSON"


def test_a_body_nested_too_deep_is_refused_before_it_is_parsed() -> None:
    raw = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert refusal(raw).message == (
        f"request body is not valid JSON: nested more than {MAX_DEPTH} levels deep"
    )


def test_every_problem_is_named_with_its_field() -> None:
    error = refusal(b'{"retries": "2", "colour": "red"}')
    assert error.message == (
        "invalid request body: name: this field is required; retries: Input should be a valid "
        "integer (got '2'); colour: unknown field (check its spelling and indentation)"
    )
    assert error.details == {
        "issues": [
            {"path": ["name"], "message": "this field is required"},
            {"path": ["retries"], "message": "Input should be a valid integer (got '2')"},
            {"path": ["colour"], "message": "unknown field (check its spelling and indentation)"},
        ]
    }


def test_a_body_of_the_wrong_shape_has_no_field_to_name() -> None:
    error = refusal(b"[1, 2]")
    assert error.message.startswith("invalid request body: Input should be a valid dictionary")
    assert error.details["issues"][0]["path"] == []


def test_a_vendor_says_it_in_its_own_words() -> None:
    wording = BodyWording(
        required="Request body is required.",
        not_json="Malformed JSON.",
        invalid="Invalid body ({problems}).",
    )
    assert refusal(b"", wording).message == "Request body is required."
    assert refusal(b"{", wording).message == "Malformed JSON."
    assert refusal(b"{}", wording).message == "Invalid body (name: this field is required)."
