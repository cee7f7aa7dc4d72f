"""When a job's schedule fires. Intuned schedules are Temporal schedule specs (``intervals``,
``calendars``, ``jitter``); jobmock fires ``intervals`` the way Temporal does, at multiples of
``every`` counted from the Unix epoch (an hourly job fires on the hour), so the times are the
same on every machine. ``jitter`` is accepted and not applied; ``calendars`` are accepted and
stored but do not fire (a known gap).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from jobmock.core.clock import EPOCH
from jobmock.core.durations import parse_duration

_WORDS = {
    "ms": 0.001,
    "msec": 0.001,
    "msecs": 0.001,
    "millisecond": 0.001,
    "milliseconds": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}
_SPOKEN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")
#: The shortest interval jobmock fires; shorter ones would flood a run list.
MIN_INTERVAL = 1.0


def interval_seconds(every: int | str) -> float:
    """Seconds in an interval's ``every``: a number of milliseconds (Temporal's TypeScript
    convention) or a string such as ``"1h"``, ``"30 minutes"``, ``"1h30m"``."""
    if isinstance(every, bool):
        raise ValueError("'every' is a duration such as '1h', not a boolean")
    if isinstance(every, int):
        seconds = every / 1000
    else:
        match = _SPOKEN.match(every)
        if match and match.group(2).lower() in _WORDS:
            seconds = float(match.group(1)) * _WORDS[match.group(2).lower()]
        else:
            try:
                seconds = parse_duration(every)
            except ValueError:
                raise ValueError(
                    f"'every' must be a duration such as '1h', '30 minutes' or '1d' "
                    f"(or milliseconds as a number), got {every!r}"
                ) from None
    if seconds < MIN_INTERVAL:
        raise ValueError(f"'every' must be at least one second, got {every!r}")
    return seconds


def fire_times(intervals: Iterable[float], after: datetime, until: datetime) -> list[datetime]:
    """Every time in ``(after, until]`` at which one of ``intervals`` fires, in order, once each."""
    times: set[datetime] = set()
    start = (after - EPOCH).total_seconds()
    end = (until - EPOCH).total_seconds()
    for every in intervals:
        k = math.floor(start / every) + 1
        while k * every <= end:
            times.add(EPOCH + timedelta(seconds=k * every))
            k += 1
    return sorted(times)


def next_fire(intervals: Iterable[float], after: datetime) -> datetime | None:
    """The first fire strictly after ``after``."""
    start = (after - EPOCH).total_seconds()
    best = [(math.floor(start / every) + 1) * every for every in intervals]
    return EPOCH + timedelta(seconds=min(best)) if best else None
