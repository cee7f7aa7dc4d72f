from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobmock.core.lifecycle import Step, Timeline

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


LINE = Timeline((Step("queued", at=0), Step("running", at=5), Step("done", at=60)))


@pytest.mark.parametrize(
    "elapsed, state",
    [
        (0, "queued"),
        (4.999, "queued"),
        (5, "running"),
        (59, "running"),
        (60, "done"),
        (1e6, "done"),
    ],
)
def test_state_at_time(elapsed: float, state: str) -> None:
    assert LINE.progress(T0, at(elapsed)).state == state


def test_entered_times() -> None:
    progress = LINE.progress(T0, at(100))
    assert progress.entered("running") == at(5)
    assert progress.entered("done") == at(60)
    assert progress.since == at(60)
    assert LINE.progress(T0, at(10)).entered("done") is None


def test_first_step_is_reached_even_if_planned_later() -> None:
    line = Timeline((Step("queued", at=10), Step("running", at=20)))
    assert line.progress(T0, at(0)).state == "queued"


def test_poll_driven_steps() -> None:
    line = Timeline(
        (Step("queued", at=0), Step("running", after_polls=2), Step("done", after_polls=4))
    )
    polls = [at(1), at(2), at(3), at(4), at(5)]
    states = [line.progress(T0, polls[n - 1], polls[:n]).state for n in range(1, 6)]
    assert states == ["queued", "queued", "running", "running", "done"]
    assert line.progress(T0, at(9), polls).entered("running") == at(3)


def test_time_or_polls_whichever_first() -> None:
    line = Timeline((Step("queued", at=0), Step("running", at=30, after_polls=3)))
    assert line.progress(T0, at(31)).state == "running"
    polls = [at(1), at(2), at(3), at(4)]
    progress = line.progress(T0, at(4), polls)
    assert (progress.state, progress.since) == ("running", at(4))


def test_steps_must_be_in_time_order() -> None:
    with pytest.raises(ValueError, match="time order"):
        Timeline((Step("a", at=10), Step("b", at=5)))
    with pytest.raises(ValueError, match="at least one"):
        Timeline(())


def test_frozen_then_appends_a_new_course() -> None:
    line = Timeline((Step("queued", at=0), Step("running", after_polls=1), Step("done", at=600)))
    progress = line.progress(T0, at(30), [at(10), at(20)])
    changed = Timeline.frozen(progress, T0).then([Step("cancelled", at=30)])
    assert changed.states == ("queued", "running", "cancelled")
    assert changed.progress(T0, at(1000)).entered("running") == at(20)


def test_data_travels_with_steps() -> None:
    line = Timeline((Step("done", at=0, data={"result": "FAILED"}),))
    assert line.progress(T0, T0).step.get("result") == "FAILED"
    assert line.duration == 0
