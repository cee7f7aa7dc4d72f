"""What OSAPI checks before authentication: oapi-codegen's parameter binding (path UUIDs, query
integers) and Echo's body binding, each failing with Echo's ``{"message": ...}`` 400 (or 415).

These run before the JWT check on the real server, so a malformed id or body is a 400 even
without a token (spec/osapi.md §3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from jobmock.core import golang
from jobmock.core.errors import BadRequest, MockError
from jobmock.core.golang.jsondec import GoJSONError, Node, parse
from jobmock.core.golang.unmarshal import (
    Check,
    field_types,
    int_field,
    kind_name,
    string_field,
    type_error_offset,
)

_HEX = "0123456789abcdefABCDEF"
_UUID_HEX_POSITIONS = (0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34)


def echo_error(message: str, status: int = 400) -> MockError:
    """An Echo ``HTTPError``: rendered as ``{"message": ...}``."""
    return MockError(message, status=status, reason="echo")


def path_unescape(value: str) -> str:
    """``url.PathUnescape``, which oapi-codegen applies to path parameters."""
    if "%" not in value:
        return value
    out = bytearray()
    i = 0
    raw = value.encode()
    while i < len(raw):
        if raw[i] == 0x25:
            chunk = raw[i + 1 : i + 3].decode("latin-1")
            if len(chunk) < 2 or any(c not in _HEX for c in chunk):
                bad = raw[i : i + 3].decode("utf-8", "replace")
                raise ValueError(f"invalid URL escape {golang.quote(bad)}")
            out.append(int(chunk, 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8", "replace")


def _uuid_reason(text: str) -> str | None:
    """Why google/uuid v1.6.0 ``ParseBytes`` refuses ``text``, or None if it parses."""
    data = text.encode()
    size = len(data)
    if size == 32:
        return None if all(chr(b) in _HEX for b in data) else "invalid UUID format"
    if size == 45:
        if data[:9].lower() != b"urn:uuid:":
            return f"invalid urn prefix: {golang.quote(data[:9].decode('utf-8', 'replace'))}"
        data = data[9:]
    elif size == 38:
        data = data[1:]
    elif size != 36:
        return f"invalid UUID length: {size}"
    if any(data[i] != 0x2D for i in (8, 13, 18, 23)):
        return "invalid UUID format"
    for x in _UUID_HEX_POSITIONS:
        if chr(data[x]) not in _HEX or chr(data[x + 1]) not in _HEX:
            return "invalid UUID format"
    return None


def canonical_uuid(text: str) -> str:
    """The lower-case canonical form of a value ``_uuid_reason`` accepted."""
    data = text
    if len(text.encode()) == 45:
        data = text[9:]
    elif len(text) == 38:
        data = text[1:37]
    digits = data.replace("-", "").lower()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


#: A canonical UUID, as clients send ids: nothing to unescape, and it parses as it is.
_CANONICAL = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def job_id(raw: str, name: str = "id") -> str:
    """The ``{id}`` path parameter bound as a ``*uuid.UUID``, or Echo's 400."""
    if _CANONICAL.fullmatch(raw):
        return raw.lower()
    try:
        value = path_unescape(raw)
    except ValueError as exc:
        raise echo_error(
            f"Invalid format for parameter {name}: error unescaping path parameter '{name}': {exc}"
        ) from None
    reason = _uuid_reason(value)
    if reason is not None:
        raise echo_error(
            f"Invalid format for parameter {name}: error unmarshaling '{value}' text as "
            f"*uuid.UUID: {reason}"
        )
    return canonical_uuid(value)


_INT = re.compile(r"^[+-]?\d+$")


def query_int(query: Mapping[str, Sequence[str]], name: str) -> int | None:
    """An optional integer query parameter bound by oapi-codegen (``strconv.ParseInt``)."""
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise echo_error(
            f"Invalid format for parameter {name}: multiple values for single value "
            f"parameter '{name}'"
        )
    text = values[0]
    reason = None
    if not _INT.match(text):
        reason = "invalid syntax"
    elif not -(2**63) <= int(text) < 2**63:
        reason = "value out of range"
    if reason is not None:
        raise echo_error(
            f"Invalid format for parameter {name}: error binding string parameter: "
            f"strconv.ParseInt: parsing {golang.quote(text)}: {reason}"
        )
    return int(text)


def query_str(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise echo_error(
            f"Invalid format for parameter {name}: multiple values for single value "
            f"parameter '{name}'"
        )
    return values[0]


# --- bodies -------------------------------------------------------------------------------------

RETRY_FIELDS: dict[str, Check] = {"target_hostname": string_field("target_hostname")}
SHELL_FIELDS: dict[str, Check] = {
    "command": string_field("command"),
    "cwd": string_field("cwd"),
    "timeout": int_field("timeout"),
}


def bind_body(
    raw: bytes, content_type: str | None, fields: Mapping[str, Check], type_name: str
) -> dict[str, Any]:
    """Echo's ``DefaultBinder.BindBody`` into an oapi-codegen struct: nothing for an empty body,
    415 for a non-JSON content type, and Echo's texts for syntax and type errors."""
    if not raw:
        return {}
    media = (content_type or "").split(";", 1)[0].strip()
    if media != "application/json":
        raise echo_error("Unsupported Media Type", status=415)
    try:
        node = parse(raw, decoder=True)
    except GoJSONError as exc:
        if exc.syntax:
            raise echo_error(f"Syntax error: offset={exc.offset}, error={exc.message}") from None
        raise echo_error(exc.message) from None
    if node.kind == "null":
        return {}
    if node.kind != "object":
        raise _unmarshal_type(kind_name(node), type_name, "", type_error_offset(node))
    found, mismatch = field_types(node, fields)
    if mismatch is not None:
        raise _unmarshal_type(mismatch.value, mismatch.type, mismatch.field, mismatch.offset)
    return {name: _plain(value) for name, value in found.items()}


def _plain(node: Node) -> Any:
    return node.plain()


def _unmarshal_type(got: str, expected: str, field: str, offset: int) -> MockError:
    return echo_error(
        f"Unmarshal type error: expected={expected}, got={got}, field={field}, offset={offset}"
    )


def validator_error(struct: str, field: str, tag: str) -> str:
    """go-playground/validator's text for one failed field."""
    return f"Key: '{struct}.{field}' Error:Field validation for '{field}' failed on the '{tag}' tag"


def bad_request(message: str) -> BadRequest:
    """A handler's own 400: ``{"error": ...}``."""
    return BadRequest(message, reason="handler")
