"""Decoding a token's header and claims as golang-jwt v4 does, into OSAPI's ``CustomClaims``
(``roles``, ``permissions`` and the registered claims), with Go's error texts."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from jobmock.core import golang
from jobmock.core.golang.jsondec import GoJSONError, Node
from jobmock.core.golang.jsondec import parse as parse_json
from jobmock.core.golang.unmarshal import (
    Check,
    TypeMismatch,
    field_types,
    kind_name,
    string_field,
    strings_field,
)


class TokenRejected(Exception):
    """Why a token is refused, in golang-jwt's or the validator's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_GO_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$")


def _numeric_date(node: Node) -> GoJSONError | None:
    """``jwt.NumericDate.UnmarshalJSON``: a JSON number, or a string holding one."""
    if node.kind == "number":
        text = node.text
    elif node.kind == "string":
        text = node.value
        if not _GO_NUMBER.match(text):
            raw = json.dumps(text, ensure_ascii=False)
            return GoJSONError(
                "could not parse NumericData: json: invalid number literal, trying to unmarshal "
                f"{golang.quote(raw)} into Number"
            )
    elif node.kind == "null":
        return None
    else:
        return GoJSONError(
            f"could not parse NumericData: json: cannot unmarshal {kind_name(node)} into Go "
            "value of type json.Number"
        )
    if math.isinf(float(text)):
        return GoJSONError(
            "could not convert json number value to float: strconv.ParseFloat: parsing "
            f"{golang.quote(text)}: value out of range"
        )
    return None


_GO_TYPES = {"number": "float64", "true": "bool", "false": "bool", "null": "<nil>"}
_GO_TYPES.update({"object": "map[string]interface {}", "array": "[]interface {}"})


def _claim_strings(node: Node) -> GoJSONError | None:
    """``jwt.ClaimStrings.UnmarshalJSON``: a string or an array of strings."""
    if node.kind in ("string", "null"):
        return None
    if node.kind == "array":
        for item in node.value:
            if item.kind != "string":
                return GoJSONError(f"json: unsupported type: {_GO_TYPES[item.kind]}")
        return None
    return GoJSONError(f"json: unsupported type: {_GO_TYPES[node.kind]}")


CLAIM_FIELDS: dict[str, Check] = {
    "roles": strings_field("roles"),
    "permissions": strings_field("permissions"),
    "iss": string_field("iss"),
    "sub": string_field("sub"),
    "aud": _claim_strings,
    "exp": _numeric_date,
    "nbf": _numeric_date,
    "iat": _numeric_date,
    "jti": string_field("jti"),
}


def _type_error(problem: TypeMismatch) -> TokenRejected:
    return TokenRejected(
        f"json: cannot unmarshal {problem.value} into Go struct field "
        f"CustomClaims.{problem.field} of type {problem.type}"
    )


def decode_claims(data: bytes) -> dict[str, Node]:
    try:
        node = parse_json(data, decoder=True)
        if node.kind == "null":
            return {}
        if node.kind != "object":
            raise TokenRejected(
                f"json: cannot unmarshal {kind_name(node)} into Go value of type "
                "authtoken.CustomClaims"
            )
        found, mismatch = field_types(node, CLAIM_FIELDS)
    except GoJSONError as exc:
        raise TokenRejected(exc.message) from None
    if mismatch is not None:
        raise _type_error(mismatch)
    return found


def decode_header(data: bytes) -> Mapping[str, Any]:
    try:
        node = parse_json(data)
    except GoJSONError as exc:
        raise TokenRejected(exc.message) from None
    if node.kind == "null":
        return {}
    if node.kind != "object":
        raise TokenRejected(
            f"json: cannot unmarshal {kind_name(node)} into Go value of type "
            "map[string]interface {}"
        )
    return dict(node.plain())
