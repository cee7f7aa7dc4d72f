from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from jobmock.core.clock import AppClock, as_utc

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_manual_clock_only_moves_when_told() -> None:
    clock = AppClock("manual", START)
    assert clock.now() == START
    assert clock.now() == START
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    clock.set(START + timedelta(days=1))
    assert clock.now() == START + timedelta(days=1)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_reset_returns_to_start_and_mode() -> None:
    clock = AppClock("manual", START)
    clock.advance(3600)
    clock.set_mode("real")
    assert clock.reset() == START
    assert clock.mode == "manual"


def test_real_clock_follows_wall_time_and_refuses_manual_moves() -> None:
    clock = AppClock("real")
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    with pytest.raises(ValueError, match="real"):
        clock.advance(1)
    with pytest.raises(ValueError, match="real"):
        clock.set(START)


def test_switching_to_manual_freezes_now() -> None:
    clock = AppClock("real")
    clock.set_mode("manual")
    frozen = clock.now()
    assert clock.now() == frozen
    assert abs(frozen - datetime.now(UTC)) < timedelta(seconds=5)


def test_as_utc() -> None:
    assert as_utc(datetime(2026, 1, 1)) == START
    plus_two = datetime(2026, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(plus_two) == START
    assert as_utc(plus_two).tzinfo == UTC
