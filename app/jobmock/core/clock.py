"""The app's notion of "now".

Every timestamp the server emits and every job state it derives reads this clock, so a test that
moves it (``advance``, ``set``) sees jobs progress without sleeping. ``real`` follows wall time;
``manual`` only moves when told.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

ClockMode = Literal["real", "manual"]
CLOCK_MODES: tuple[ClockMode, ...] = ("real", "manual")


class Clock(Protocol):
    def now(self) -> datetime: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(when: datetime) -> datetime:
    """``when`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


class AppClock:
    """A clock that is either real or manual, switchable at runtime, and resettable.

    Reset brings a manual clock back to its start time; a real clock cannot go back, so the
    store re-anchors relative jobs at the current time instead.
    """

    def __init__(self, mode: ClockMode = "real", start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._start = as_utc(start) if start is not None else utcnow()
        self._initial_mode: ClockMode = mode
        self._mode: ClockMode = mode
        self._manual_now = self._start

    @property
    def mode(self) -> ClockMode:
        return self._mode

    @property
    def start(self) -> datetime:
        return self._start

    def now(self) -> datetime:
        if self._mode == "manual":
            return self._manual_now
        return utcnow()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward: advance by a non-negative duration")
        with self._lock:
            if self._mode == "real":
                raise ValueError("the clock is real: switch it to manual before advancing it")
            self._manual_now += timedelta(seconds=seconds)
            return self._manual_now

    def set(self, when: datetime) -> datetime:
        with self._lock:
            if self._mode == "real":
                raise ValueError("the clock is real: switch it to manual before setting it")
            self._manual_now = as_utc(when)
            return self._manual_now

    def set_mode(self, mode: ClockMode) -> None:
        with self._lock:
            if mode == self._mode:
                return
            if mode == "manual":
                # Freeze at the moment of the switch, so nothing a client saw jumps backwards.
                self._manual_now = utcnow()
            self._mode = mode

    def reset(self) -> datetime:
        with self._lock:
            self._mode = self._initial_mode
            self._manual_now = self._start
        return self.now()
