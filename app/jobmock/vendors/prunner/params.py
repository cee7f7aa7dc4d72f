"""Request parameters the way prunner's Go stack reads them.

- Query strings follow ``net/url.ParseQuery`` (Go 1.17+): pairs split on ``&`` only, a pair with
  a ``;`` or a bad ``%`` escape is dropped, ``+`` is a space, and ``Query().Get`` takes the
  first value of a repeated name.
- The schedule body is decoded into prunner's request struct as Go does: field names match
  case-insensitively (ASCII only), the last match wins, unknown fields are ignored.
- Job ids follow gofrs/uuid v4.4.0 ``FromString``: canonical, 32 hex digits, either wrapped in
  braces or prefixed with ``urn:uuid:``; hex is case-insensitive and the id prunner looks up
  is always the lowercase canonical form (spec/prunner.md §4.1).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

from jobmock.core.golang import DecodeError, Pairs

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}")
_CANONICAL = re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)
_URN = "urn:uuid:"


def query_value(query_string: str, name: str) -> str:
    """The first value of ``name`` in a raw query string, or ``""`` (Go's ``Values.Get``)."""
    for part in query_string.split("&"):
        if not part or ";" in part:
            continue
        key, _, raw = part.partition("=")
        if _BAD_ESCAPE.search(key) or _BAD_ESCAPE.search(raw):
            continue
        if unquote_plus(key) == name:
            return unquote_plus(raw)
    return ""


def _hex_digits(text: str) -> str | None:
    if len(text) == 32 and _HEX32.fullmatch(text):
        return text
    if len(text) == 36 and _CANONICAL.fullmatch(text):
        return text.replace("-", "")
    return None


def parse_job_id(text: str) -> str | None:
    """The lowercase canonical UUID for ``text``, or None where prunner answers
    ``Invalid job id``."""
    inner = text
    if len(text) in (34, 38) and text.startswith("{") and text.endswith("}"):
        inner = text[1:-1]
    elif len(text) in (41, 45) and text.startswith(_URN):
        inner = text[len(_URN) :]
    elif len(text) not in (32, 36):
        return None
    digits = _hex_digits(inner)
    if digits is None:
        return None
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


def schedule_request(body: Any) -> tuple[str, dict[str, Any] | None]:
    """``pipeline`` and ``variables`` as Go decodes them into prunner's request struct: field
    names match case-insensitively (ASCII only), the last match wins, unknown fields and a
    ``null`` body are ignored."""
    if body is None:
        return "", None
    if not isinstance(body, Pairs):
        raise DecodeError("expected a JSON object for the request body")
    pipeline, variables = "", None
    for key, item in body.pairs:
        name = key.encode().lower()
        if name == b"pipeline":
            if item is not None and not isinstance(item, str):
                raise DecodeError("pipeline: expected a string")
            pipeline = item if item is not None else pipeline
        elif name == b"variables":
            if item is not None and not isinstance(item, dict):
                raise DecodeError("variables: expected a JSON object")
            variables = item
    return pipeline, variables
