"""Go's ``time`` package where a Go server's bytes show it: RFC 3339 timestamps in UTC,
``time.Duration.String`` and ``time.ParseDuration``, over integer nanoseconds since the Unix
epoch (or microseconds, prunner's unit), exact where a float would not be.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from jobmock.core.clock import micros

NS_PER_SECOND = 1_000_000_000


def to_ns(when: datetime) -> int:
    """Nanoseconds since the Unix epoch."""
    return micros(when) * 1000


def from_ns(ns: int) -> datetime:
    """The whole second ``ns`` falls in, as an aware UTC datetime."""
    return datetime.fromtimestamp(ns // NS_PER_SECOND, UTC)


@lru_cache(maxsize=4096)
def _utc_seconds(seconds: int) -> str:
    # a polled job shows the same few instants again and again: format each once
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def rfc3339(ns: int) -> str:
    """``t.UTC().Format(time.RFC3339)``: whole seconds, the fraction dropped, ``Z``."""
    return _utc_seconds(ns // NS_PER_SECOND) + "Z"


def rfc3339_micros(us: int) -> str:
    """``rfc3339`` of a time in microseconds."""
    return _utc_seconds(us // 1_000_000) + "Z"


def rfc3339_nano(ns: int) -> str:
    """``t.UTC().Format(time.RFC3339Nano)``: nanoseconds with trailing zeros trimmed."""
    fraction = ns % NS_PER_SECOND
    base = _utc_seconds(ns // NS_PER_SECOND)
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
    """``time.Duration(ns).String()``: ``1h2m3.5s``, ``1.84ms``, ``0s``."""
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
    """``time.ParseDuration`` of a non-negative duration, in nanoseconds; ValueError with Go's
    text if malformed."""
    if text == "0":
        return 0
    pos, total = 0, Decimal(0)
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += Decimal(match.group(1)) * _UNIT_NS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"time: invalid duration {_time_quote(text)}")
    return int(total)


def _time_quote(text: str) -> str:
    """The ``time`` package's own ``quote`` (src/time/format.go), not ``strconv.Quote``: it
    backslashes ``"`` and ``\\`` and writes every control or non-ASCII character as the
    ``\\xXX`` bytes of its UTF-8."""
    out = ['"']
    for char in text:
        if char < " " or char > "\x7f":
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + char if char in '"\\' else char)
    out.append('"')
    return "".join(out)
