"""Test doubles shared by several test modules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeWall:
    """A wall clock that moves only when the test says so."""

    def __init__(self, at: datetime = datetime(2030, 6, 1, tzinfo=UTC)) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
