"""JSON exactly as prunner reads and writes it (spec/prunner.md §3, §5).

prunner encodes with json-iterator in its standard-library-compatible mode: compact output and
a trailing newline (``Encoder.Encode``), ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, control
characters as ``\\u00XX`` except ``\\n``, ``\\r`` and ``\\t``, map keys sorted, and every number
of a ``variables`` value a float64 written the way Go writes one (``1`` not ``1.0``, ``1e+21``).
Times are RFC 3339 in UTC, whole seconds, ``Z``.

Decoding follows Go too: every number is a float64, a lone UTF-16 surrogate becomes U+FFFD,
and only the first JSON value of a request body is read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jobmock.core.limits import too_deep

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def string(value: str) -> str:
    """A JSON string literal as json-iterator writes it (HTML-safe)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def number(value: float) -> str:
    """A float64 as Go writes it: shortest digits, ``e`` notation below 1e-6 and from 1e21."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"unsupported value: {value}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    exact = Decimal(repr(float(value))).normalize()
    magnitude = abs(value)
    if 1e-6 <= magnitude < 1e21:
        return format(exact, "f")
    sign, digits, exponent = exact.as_tuple()
    assert isinstance(exponent, int)
    head = str(digits[0])
    tail = "".join(str(d) for d in digits[1:])
    power = len(digits) - 1 + exponent
    text = f"{'-' if sign else ''}{head}{'.' + tail if tail else ''}e"
    text += f"{'+' if power >= 0 else '-'}{abs(power):02d}"
    # json-iterator shortens e-07 .. e-09 to e-7 .. e-9 (stream_float.go)
    if text[-4:-1] == "e-0":
        text = text[:-2] + text[-1]
    return text


def value(item: Any) -> str:
    """Any decoded JSON value (a job's ``variables``), with map keys sorted."""
    if item is None:
        return "null"
    if item is True:
        return "true"
    if item is False:
        return "false"
    if isinstance(item, str):
        return string(item)
    if isinstance(item, int | float):
        return number(float(item))
    if isinstance(item, Mapping):
        return "{" + ",".join(f"{string(k)}:{value(item[k])}" for k in sorted(item)) + "}"
    if isinstance(item, Sequence):
        return "[" + ",".join(value(v) for v in item) + "]"
    raise TypeError(f"cannot encode {type(item).__name__} as JSON")


_QUOTE_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def quote(text: str) -> str:
    """Go's ``%q`` of a string (``strconv.Quote``), as prunner's error messages use it."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def timestamp(micros: int) -> str:
    """RFC 3339 in UTC with whole seconds (the fraction is dropped, as Go's formatter does)."""
    seconds = micros // 1_000_000
    return datetime.fromtimestamp(seconds, UTC).strftime('"%Y-%m-%dT%H:%M:%SZ"')


def micros(when: datetime) -> int:
    """A datetime as integer microseconds since the Unix epoch (exact, unlike a float)."""
    delta = when - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# --- decoding ----------------------------------------------------------------------------------


class Pairs(dict[str, Any]):
    """A decoded JSON object that also remembers its members in order, duplicates included."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


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


def go_strings(item: Any) -> Any:
    """``item`` with lone surrogates replaced by U+FFFD, as Go's decoder does."""
    if isinstance(item, str):
        return _SURROGATE.sub("\ufffd", item) if _SURROGATE.search(item) else item
    if isinstance(item, Pairs):
        fixed = [(go_strings(k), go_strings(v)) for k, v in item.pairs]
        return Pairs(fixed)
    if isinstance(item, list):
        return [go_strings(v) for v in item]
    return item


class DecodeError(ValueError):
    """The body could not be decoded; ``str()`` is what follows ``Error decoding JSON: ``."""


def first_value(raw: bytes) -> Any:
    """The first JSON value in ``raw`` (what Go's ``json.Decoder.Decode`` reads); the rest of the
    body is never looked at."""
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
    return go_strings(item) if _SURROGATE_ESCAPE.search(raw) else item
