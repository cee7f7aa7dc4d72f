"""The app's notion of "now".

Every timestamp the server emits and every job state it derives reads this clock, so a test that
moves it (``advance``, ``set``) sees jobs progress without sleeping.

Two modes: ``real`` runs, ``manual`` stands still until moved. A running clock follows wall time
``scale`` times as fast (1 by default: the wall clock itself), from where it was last set, so a
container can play a four-minute vendor job in four seconds (``scale`` 60) while clients sleep
for real.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, Protocol

ClockMode = Literal["real", "manual"]
CLOCK_MODES: tuple[ClockMode, ...] = ("real", "manual")
#: Beyond this, a microsecond of wall time is more than a second of mock time: use manual.
MAX_SCALE = 1_000_000.0


class Clock(Protocol):
    def now(self) -> datetime: ...


#: The Unix epoch, as an aware UTC datetime.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(when: datetime) -> int:
    """Microseconds since the Unix epoch (the app clock's resolution), exactly: no float."""
    delta = when - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """The time ``value`` microseconds after the Unix epoch (``micros`` undone)."""
    return EPOCH + timedelta(microseconds=value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(when: datetime) -> datetime:
    """``when`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


_WEEKDAYS = (b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun")
_MONTHS = b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def http_date(when: datetime) -> bytes:
    """``when`` as an HTTP ``Date`` value (RFC 9110's IMF-fixdate), such as
    ``Sun, 01 Nov 2026 12:00:00 GMT``."""
    return _imf_fixdate(math.floor(when.timestamp()))


@lru_cache(maxsize=8)  # most responses share their second with the one before
def _imf_fixdate(second: int) -> bytes:
    t = datetime.fromtimestamp(second, UTC)
    weekday, month = _WEEKDAYS[t.weekday()], _MONTHS[t.month - 1]
    return b"%s, %02d %s %04d %02d:%02d:%02d GMT" % (
        weekday,
        t.day,
        month,
        t.year,
        t.hour,
        t.minute,
        t.second,
    )


class DateHeader:
    """The ``Date`` header of an answer at the clock's now, formatted once per clock second."""

    __slots__ = ("_clock", "_header", "_second")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._second: float = math.nan
        self._header = (b"date", b"")

    def __call__(self) -> tuple[bytes, bytes]:
        return self.at(self._clock.now())

    def at(self, now: datetime) -> tuple[bytes, bytes]:
        """The header for ``now`` (the clock's time, read once by the caller)."""
        second = math.floor(now.timestamp())
        if second != self._second:
            self._header, self._second = (b"date", _imf_fixdate(second)), second
        return self._header


def check_scale(scale: float) -> float:
    if not isinstance(scale, int | float) or isinstance(scale, bool):
        raise ValueError(f"the clock scale must be a number, got {scale!r}")
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise ValueError(
            f"the clock scale must be above 0 and at most {MAX_SCALE:,.0f}, got {scale!r}"
        )
    return float(scale)


class AppClock:
    """A running or stopped clock, switchable at runtime, scalable, and resettable.

    ``start`` is where the clock starts and returns to on reset (now when unset, in which case
    a running clock at scale 1 is the wall clock and reset cannot take it back: the store
    re-anchors relative jobs at the current time instead). ``wall`` is the wall clock a running
    clock follows; tests give a fake one.
    """

    def __init__(
        self,
        mode: ClockMode = "real",
        start: datetime | None = None,
        scale: float = 1.0,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._wall = wall if wall is not None else utcnow
        self._explicit_start = as_utc(start) if start is not None else None
        self._start = self._explicit_start or self._wall()
        self._initial_mode: ClockMode = mode
        self._initial_scale = check_scale(scale)
        self._listeners: list[Callable[[datetime], None]] = []
        self._begin(self._start)

    def _begin(self, origin: datetime) -> None:
        self._mode: ClockMode = self._initial_mode
        self._scale = self._initial_scale
        self._frozen = origin
        # (mock time, wall time, scale) since the last re-anchoring, in one tuple so a reader
        # never mixes two; None while the clock is the wall clock itself.
        self._anchor: tuple[datetime, datetime, float] | None = None
        if self._explicit_start is not None or self._scale != 1.0:
            self._anchor = (origin, self._wall(), self._scale)

    @property
    def mode(self) -> ClockMode:
        return self._mode

    @property
    def scale(self) -> float:
        return self._scale

    @property
    def start(self) -> datetime:
        return self._start

    def now(self) -> datetime:
        if self._mode == "manual":
            return self._frozen
        return self._running_now(self._wall())

    def _running_now(self, wall: datetime) -> datetime:
        anchor = self._anchor
        if anchor is None:
            return wall
        mock, at, scale = anchor
        elapsed = wall - at
        return mock + (elapsed if scale == 1.0 else elapsed * scale)

    def _move_to(self, when: datetime) -> datetime:
        if self._mode == "manual":
            self._frozen = when
        else:
            self._anchor = (when, self._wall(), self._scale)
        return when

    def on_move(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener`` with the new time after each ``advance`` and ``set``, before they
        return (webhooks due by then are delivered by then)."""
        self._listeners.append(listener)

    def _moved(self, now: datetime) -> datetime:
        for listener in self._listeners:
            listener(now)
        return now

    def advance(self, seconds: float) -> datetime:
        """Move forward; a running clock jumps ahead and keeps running from there."""
        if seconds < 0:
            raise ValueError("the clock only moves forward: advance by a non-negative duration")
        with self._lock:
            now = self._move_to(self.now() + timedelta(seconds=seconds))
        return self._moved(now)

    def set(self, when: datetime) -> datetime:
        """Jump to ``when`` (backwards too); a running clock keeps running from there."""
        with self._lock:
            now = self._move_to(as_utc(when))
        return self._moved(now)

    def set_mode(self, mode: ClockMode) -> None:
        """``manual`` freezes the clock where it is; ``real`` brings it back to wall time (run
        at the current scale from there). ``resume`` runs on from where it stood instead."""
        with self._lock:
            if mode == "manual":
                self._frozen = self.now()
            else:
                wall = self._wall()
                self._anchor = None if self._scale == 1.0 else (wall, wall, self._scale)
            self._mode = mode

    def resume(self) -> None:
        """Run on from where a manual clock stands (no jump); a running clock is left alone."""
        with self._lock:
            if self._mode == "manual":
                self._anchor = (self._frozen, self._wall(), self._scale)
                self._mode = "real"

    def set_scale(self, scale: float) -> None:
        """Run ``scale`` times as fast as the wall clock from now on (no jump)."""
        scale = check_scale(scale)
        with self._lock:
            if self._mode == "real":
                wall = self._wall()
                self._anchor = (self._running_now(wall), wall, scale)
            self._scale = scale

    def reset(self) -> datetime:
        """Back to the initial mode and scale, at the start (or now, if no start was given)."""
        with self._lock:
            origin = self._explicit_start
            if origin is None:
                origin = self._start if self._initial_mode == "manual" else self._wall()
            self._begin(origin)
        return self.now()
