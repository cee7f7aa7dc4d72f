"""Human durations ("90s", "5m", "1h30m", "250ms") as used by fixtures and the control API."""

from __future__ import annotations

import math
import re
from decimal import Decimal

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")


def parse_duration(value: str | float | int) -> float:
    """Seconds in ``value``: a number of seconds, or a string such as ``"90s"``, ``"1h30m"``.

    Raises ValueError with a message fit for an API client or a fixture author.
    """
    if isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r}: expected seconds or a string like '90s'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            pos, seconds = 0, 0.0
            for match in _PART.finditer(text):
                if match.start() != pos:
                    break
                seconds += float(match.group(1)) * _UNITS[match.group(2)]
                pos = match.end()
            if pos != len(text) or not text:
                raise ValueError(
                    f"invalid duration {value!r}: use seconds or units ms, s, m, h, d "
                    "(e.g. '90s', '5m', '1h30m')"
                ) from None
    if not math.isfinite(seconds):
        raise ValueError(f"invalid duration {value!r}: must be a finite number of seconds")
    if seconds < 0:
        raise ValueError(f"invalid duration {value!r}: must not be negative")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest unit string for ``seconds`` (``300`` -> ``"5m"``), for messages and exports."""
    if seconds and seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds and seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:g}s"


_EXACT_UNITS = (("d", 86400), ("h", 3600), ("m", 60))


def exact_duration(seconds: float) -> str:
    """A unit string that ``parse_duration`` reads back as exactly ``seconds`` (for exports).

    The shortest decimal of ``seconds`` split into ``d``, ``h``, ``m`` and ``s`` (``1452.35268``
    -> ``"24m12.35268s"``), never with an exponent. Where adding the parts back up would move the
    float by a rounding step, the whole value is written in seconds, which always round-trips.
    """
    if not 0 <= seconds < math.inf:
        raise ValueError(
            f"cannot write {seconds!r} as a duration: it must be finite and not negative"
        )
    # + 0.0 turns -0.0 into 0.0; repr is the shortest decimal that reads back as the same float.
    whole = Decimal(repr(float(seconds) + 0.0))
    parts, rest = [], whole
    for unit, size in _EXACT_UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{_plain(count)}{unit}")
    if rest or not parts:
        parts.append(f"{_plain(rest)}s")
    text = "".join(parts)
    return text if parse_duration(text) == seconds else f"{_plain(whole)}s"


def _plain(value: Decimal) -> str:
    """``value`` in positional notation, without trailing zeros (``1E+1`` -> ``10``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
