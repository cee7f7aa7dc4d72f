"""How Go writes values, where OSAPI's bytes depend on it: ``encoding/json`` output, durations,
RFC 3339 timestamps, ``%q`` and ``%v`` of a ``map[string]bool``.

OSAPI's documents go through ``json.NewEncoder(w).Encode``: compact, a trailing newline, HTML
characters escaped, struct fields in declaration order (alphabetical in every OSAPI schema) and
map keys sorted; values that passed through ``interface{}`` are float64, so ``4`` stays ``4`` and
``1e-07`` is written the way Go writes it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

NS_PER_SECOND = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_RE = re.compile("[<>&\u2028\u2029]")
_MAX_EXACT = 2**53


class Raw(str):
    """Already-encoded JSON, inserted verbatim by ``encode``."""


def _string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _HTML_RE.sub(lambda m: _HTML[m.group()], text)


def go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'f' or 'e', -1, 64) as encoding/json picks it."""
    if not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        # repr() uses the exponent form in these ranges, with the same shortest digits as Go;
        # encoding/json then trims "e-07" to "e-7".
        mantissa, _, exponent = repr(value).partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0')}"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _number(value: int) -> str:
    if abs(value) < _MAX_EXACT:
        return str(value)
    return go_float(float(value))  # it went through float64 in OSAPI


def encode(value: Any) -> str:
    """``value`` as Go's encoding/json writes it (without the trailing newline)."""
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def _encode(value: Any, out: Callable[[str], object]) -> None:
    if isinstance(value, Raw):
        out(value)
    elif value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif isinstance(value, str):
        out(_string(value))
    elif isinstance(value, int):
        out(_number(value))
    elif isinstance(value, float):
        out(go_float(value))
    elif isinstance(value, Mapping):
        out("{")
        for index, key in enumerate(sorted(value)):
            if index:
                out(",")
            out(_string(str(key)))
            out(":")
            _encode(value[key], out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for index, item in enumerate(value):
            if index:
                out(",")
            _encode(item, out)
        out("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def body(value: Any) -> bytes:
    """What ``json.NewEncoder(w).Encode(value)`` writes: compact JSON and a newline."""
    return (encode(value) + "\n").encode()


# --- time ---------------------------------------------------------------------------------------


def to_ns(when: datetime) -> int:
    """Nanoseconds since the Unix epoch (the app clock has microseconds)."""
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1000


def from_ns(ns: int) -> datetime:
    return datetime.fromtimestamp(ns // NS_PER_SECOND, UTC)


def rfc3339(ns: int) -> str:
    """``t.Format(time.RFC3339)`` in UTC: second precision, truncated."""
    return from_ns(ns).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_nano(ns: int) -> str:
    """``t.Format(time.RFC3339Nano)`` in UTC: nanoseconds with trailing zeros trimmed."""
    fraction = ns % NS_PER_SECOND
    base = from_ns(ns).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        base += "." + f"{fraction:09d}".rstrip("0")
    return base + "Z"


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> int | None:
    """Nanoseconds of an RFC 3339 timestamp (with or without a fraction), or None."""
    match = _RFC3339.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    ns = to_ns(base.replace(tzinfo=UTC)) + int((fraction or "").ljust(9, "0") or 0)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        ns -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60) * NS_PER_SECOND
    return ns


def duration(ns: int) -> str:
    """Go's ``time.Duration.String()``: ``1h2m3.5s``, ``1.84ms``, ``0s``."""
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < NS_PER_SECOND:
        if u == 0:
            return "0s"
        if u < 1_000:
            return f"{sign}{u}ns"
        if u < 1_000_000:
            return f"{sign}{_fraction(u, 3)}µs"
        return f"{sign}{_fraction(u, 6)}ms"
    seconds, rest = divmod(u, NS_PER_SECOND)
    text = _fraction(seconds % 60 * NS_PER_SECOND + rest, 9) + "s"
    minutes = seconds // 60
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes // 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _fraction(value: int, precision: int) -> str:
    whole, frac = divmod(value, 10**precision)
    digits = f"{frac:0{precision}d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 10**6, "s": 10**9}
_UNIT_NS.update({"m": 60 * 10**9, "h": 3600 * 10**9})


def parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration`` (non-negative), in nanoseconds; ValueError if malformed."""
    if text == "0":
        return 0
    pos, total = 0, Decimal(0)
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += Decimal(match.group(1)) * _UNIT_NS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"time: invalid duration {quote(text)}")
    return int(total)


# --- fmt ----------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """``%q`` of a string (strconv.Quote) for the characters that occur in practice."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not char.isprintable() and code > 0x7F:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def bool_map(values: Mapping[str, bool]) -> str:
    """``%v`` of a ``map[string]bool``: ``map[job:read:true node:read:true]``."""
    return "map[" + " ".join(f"{k}:{str(values[k]).lower()}" for k in sorted(values)) + "]"


def string_slice(values: list[str] | tuple[str, ...]) -> str:
    """``%v`` of a ``[]string``: ``[job:read]``."""
    return "[" + " ".join(values) + "]"
