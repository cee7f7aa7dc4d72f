"""JSON as Go servers write it: Go's ``encoding/json`` (OSAPI) and json-iterator in its
standard-library-compatible mode (prunner).

Both write compact JSON with map keys sorted (UTF-8 byte order, which is code point order) and
escape strings the HTML-safe way: ``"`` and ``\\`` backslashed, ``\\n \\r \\t`` by name, ``<``,
``>``, ``&``, U+2028 and U+2029 as ``\\u003c`` .. ``\\u2029``, other control characters below
U+0020 as ``\\u00xx`` (lowercase hex); U+007F and all other characters as they are. They differ
in one point: since Go 1.22 ``encoding/json`` writes ``\\b`` and ``\\f`` by name, json-iterator
still writes ``\\u0008`` and ``\\u000c`` (json-iterator/go stream_str.go, ``writeStringSlowPath``:
only ``\\n \\r \\t`` are named).

A float64 is written as ``strconv.FormatFloat(f, 'f', -1, 64)``, or with ``'e'`` below 1e-6 and
from 1e21, with ``e-07`` shortened to ``e-7`` (src/encoding/json/encode.go, ``floatEncoder``;
json-iterator's ``WriteFloat64`` does the same). Go's shortest round-trip digits are Python's
``repr`` digits. Values that passed through ``interface{}`` are float64: an integer is exact
below 2**53 and otherwise written as the float it became.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

_MAX_EXACT = 2**53
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029]')
_JSONITER_ESCAPES = {chr(code): f"\\u{code:04x}" for code in range(0x20)}
_JSONITER_ESCAPES.update({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_JSONITER_ESCAPES.update({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})
_GO_ESCAPES = {**_JSONITER_ESCAPES, "\b": "\\b", "\f": "\\f"}


def _go_escape(match: re.Match[str]) -> str:
    return _GO_ESCAPES[match.group()]


def _jsoniter_escape(match: re.Match[str]) -> str:
    return _JSONITER_ESCAPES[match.group()]


def go_string(text: str) -> str:
    """A JSON string literal as Go's ``encoding/json`` writes it (Go 1.22+)."""
    return '"' + _NEEDS_ESCAPE.sub(_go_escape, text) + '"'


def jsoniter_string(text: str) -> str:
    """A JSON string literal as json-iterator writes it."""
    return '"' + _NEEDS_ESCAPE.sub(_jsoniter_escape, text) + '"'


def format_float(value: float) -> str:
    """A float64 the way ``encoding/json`` and json-iterator write one: ``1`` not ``1.0``,
    ``0.000001``, ``1e-7``, ``100000000000000000000``, ``1e+21``."""
    if not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = repr(value)
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        # repr has the exponent form here too, with at least two exponent digits
        mantissa, _, exponent = text.partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0')}"
    if "e" in text:  # repr's exponent form starts earlier (1e-05, 1e+16) than Go's
        text = format(Decimal(text), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return text[:-2] if text.endswith(".0") else text


def _number(value: int) -> str:
    return str(value) if abs(value) < _MAX_EXACT else format_float(float(value))


def encode(value: Any, string: Callable[[str], str] = go_string) -> str:
    """``value`` as compact JSON (no trailing newline); ``string`` picks the library's escaping,
    ``go_string`` or ``jsoniter_string``."""
    parts: list[str] = []
    _encode(value, parts.append, string)
    return "".join(parts)


def _encode(value: Any, out: Callable[[str], object], string: Callable[[str], str]) -> None:
    if value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif isinstance(value, str):
        out(string(value))
    elif isinstance(value, int):
        out(_number(value))
    elif isinstance(value, float):
        out(format_float(value))
    elif isinstance(value, Mapping):
        out("{")
        for index, key in enumerate(sorted(value)):
            if index:
                out(",")
            out(string(str(key)))
            out(":")
            _encode(value[key], out, string)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for index, item in enumerate(value):
            if index:
                out(",")
            _encode(item, out, string)
        out("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def body(value: Any) -> bytes:
    """What ``json.NewEncoder(w).Encode(value)`` writes: compact JSON and a newline."""
    return (encode(value) + "\n").encode()
