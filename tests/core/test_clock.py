from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from jobmock.core.clock import AppClock, as_utc, http_date
from tests.fakes import FakeWall

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


def test_real_clock_is_the_wall_clock() -> None:
    clock = AppClock("real")
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    assert clock.scale == 1.0


def test_a_running_clock_jumps_when_moved_and_runs_on() -> None:
    wall = FakeWall()
    clock = AppClock("real", wall=wall)
    clock.advance(3600)
    assert clock.now() == wall.at + timedelta(hours=1)
    wall.sleep(5)
    assert clock.now() == wall.at + timedelta(hours=1)
    clock.set(START)
    wall.sleep(2)
    assert clock.now() == START + timedelta(seconds=2)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_a_scaled_clock_runs_scale_times_as_fast_from_its_start() -> None:
    wall = FakeWall()
    clock = AppClock("real", START, scale=60, wall=wall)
    assert (clock.now(), clock.scale) == (START, 60.0)
    wall.sleep(4)
    assert clock.now() == START + timedelta(minutes=4)
    wall.sleep(0.5)
    assert clock.now() == START + timedelta(minutes=4, seconds=30)


def test_a_start_time_offsets_a_real_clock() -> None:
    wall = FakeWall()
    clock = AppClock("real", START, wall=wall)
    wall.sleep(90)
    assert clock.now() == START + timedelta(seconds=90)
    wall.sleep(10)
    assert clock.reset() == START


def test_changing_the_scale_never_jumps() -> None:
    wall = FakeWall()
    clock = AppClock("real", START, wall=wall)
    wall.sleep(10)
    clock.set_scale(100)
    assert clock.now() == START + timedelta(seconds=10)
    wall.sleep(1)
    assert clock.now() == START + timedelta(seconds=110)
    clock.set_scale(0.5)
    wall.sleep(10)
    assert clock.now() == START + timedelta(seconds=115)


@pytest.mark.parametrize("scale", [0, -1, float("inf"), float("nan"), 2_000_000, True, "60"])
def test_bad_scales_are_refused(scale: object) -> None:
    with pytest.raises(ValueError, match="scale"):
        AppClock("real", scale=scale)  # type: ignore[arg-type]
    clock = AppClock("real")
    with pytest.raises(ValueError, match="scale"):
        clock.set_scale(scale)  # type: ignore[arg-type]
    assert clock.scale == 1.0


def test_switching_to_manual_freezes_now() -> None:
    wall = FakeWall()
    clock = AppClock("real", START, scale=10, wall=wall)
    wall.sleep(6)
    clock.set_mode("manual")
    wall.sleep(100)
    assert clock.now() == START + timedelta(minutes=1)
    assert clock.mode == "manual"


def test_resume_runs_on_from_where_the_clock_stood() -> None:
    wall = FakeWall()
    clock = AppClock("manual", START, wall=wall)
    clock.advance(60)
    wall.sleep(1000)
    clock.set_scale(2)
    assert clock.now() == START + timedelta(seconds=60)
    clock.resume()
    assert clock.mode == "real"
    wall.sleep(3)
    assert clock.now() == START + timedelta(seconds=66)
    clock.resume()  # already running: no jump
    assert clock.now() == START + timedelta(seconds=66)


def test_real_mode_goes_back_to_wall_time_at_the_current_scale() -> None:
    wall = FakeWall()
    clock = AppClock("manual", START, wall=wall)
    clock.set_mode("real")
    assert clock.now() == wall.at
    clock.set_scale(3)
    clock.advance(100)
    clock.set_mode("real")
    assert clock.now() == wall.at
    wall.sleep(1)
    assert clock.now() == wall.at + timedelta(seconds=2)


def test_reset_restores_mode_scale_and_start() -> None:
    wall = FakeWall()
    clock = AppClock("real", START, scale=60, wall=wall)
    wall.sleep(10)
    clock.set_mode("manual")
    clock.set_scale(1)
    assert clock.reset() == START
    assert (clock.mode, clock.scale) == ("real", 60.0)
    wall.sleep(1)
    assert clock.now() == START + timedelta(minutes=1)


def test_reset_of_a_scaled_clock_without_start_begins_again_at_wall_time() -> None:
    wall = FakeWall()
    clock = AppClock("real", scale=60, wall=wall)
    wall.sleep(60)
    assert clock.now() == wall.at + timedelta(minutes=59)
    assert clock.reset() == wall.at


def test_as_utc() -> None:
    assert as_utc(datetime(2026, 1, 1)) == START
    plus_two = datetime(2026, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(plus_two) == START
    assert as_utc(plus_two).tzinfo == UTC


@pytest.mark.parametrize(
    "when",
    [
        START,
        datetime(2030, 2, 28, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
        datetime(2026, 7, 4, 9, 5, 7, tzinfo=timezone(timedelta(hours=-7))),
    ],
)
def test_http_date_is_rfc_9110s_format(when: datetime) -> None:
    from email.utils import format_datetime

    expected = format_datetime(as_utc(when).replace(microsecond=0), usegmt=True)
    assert http_date(when).decode() == expected
