"""A request body as json-iterator's ``Decoder.Decode`` reads it into ``interface{}`` (prunner).

Every number is a float64 (one out of its range is an error), a lone UTF-16 surrogate becomes
U+FFFD as in Go, objects keep their members in order, duplicates included, and only the first
JSON value is read: the rest of the body is never looked at. The texts of syntax errors are
Python's, with json-iterator's own words where a client can tell (``EOF``, ``exceeded max
depth``). Writing is in ``jsonenc`` (``jsoniter_string``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from jobmock.core.golang.jsondec import LONE_SURROGATE
from jobmock.core.limits import too_deep

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class Pairs(dict[str, Any]):
    """A decoded JSON object that also remembers its members in order, duplicates included."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


class DecodeError(ValueError):
    """The body could not be decoded; ``str()`` is the decoder's message."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


def _float(text: str) -> float:
    result = float(text)
    if math.isinf(result):
        raise ValueError(f"value {text} out of range for float64")
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=Pairs,
    parse_int=_float,
    parse_float=_float,
    parse_constant=_reject_constant,
)


def _valid_strings(item: Any) -> Any:
    if isinstance(item, str):
        return LONE_SURROGATE.sub("\ufffd", item) if LONE_SURROGATE.search(item) else item
    if isinstance(item, Pairs):
        return Pairs([(_valid_strings(k), _valid_strings(v)) for k, v in item.pairs])
    if isinstance(item, list):
        return [_valid_strings(v) for v in item]
    return item


def first_value(raw: bytes) -> Any:
    """The first JSON value in ``raw``."""
    text = raw.decode("utf-8", errors="replace").lstrip(" \t\r\n")
    if not text:
        raise DecodeError("EOF")
    if too_deep(raw):
        # json-iterator's words (its limit is Go's 10,000); jobmock's own limit is lower
        raise DecodeError("exceeded max depth")
    try:
        item, _ = _DECODER.raw_decode(text)
    except json.JSONDecodeError as exc:
        raise DecodeError(f"{exc.msg} at offset {exc.pos}") from None
    except ValueError as exc:
        raise DecodeError(str(exc)) from None
    # only an escape can make a lone surrogate: skip the walk (a Python call per value) without
    return _valid_strings(item) if _SURROGATE_ESCAPE.search(raw) else item
