"""A job's timeline, and the state it is in at a given time.

A timeline is a list of steps, each reached either at an offset from the job's anchor (its
creation) or after the job has been polled N times (moto's "manual" progression, driven by reads
instead of wall time). Nothing runs in the background: a request evaluates the timeline against
the app clock and the job's poll history, so reset is instant and tests never sleep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Step:
    """One state of a job. ``at``: seconds after the anchor; ``after_polls``: reads served first.

    A step with both is reached by whichever comes first; a step with neither follows its
    predecessor immediately. ``data`` carries vendor fields that come with the state (a result,
    an error message, an exit code).
    """

    state: str
    at: float | None = None
    after_polls: int | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a job stands: the steps reached so far, each with the time it was entered."""

    reached: tuple[tuple[Step, datetime], ...]

    @property
    def step(self) -> Step:
        return self.reached[-1][0]

    @property
    def state(self) -> str:
        return self.reached[-1][0].state

    @property
    def since(self) -> datetime:
        return self.reached[-1][1]

    def entered(self, *states: str) -> datetime | None:
        """When the job first entered any of ``states``, or None if it has not yet."""
        for step, when in self.reached:
            if step.state in states:
                return when
        return None

    def has_reached(self, *states: str) -> bool:
        return self.entered(*states) is not None


@dataclass(frozen=True, slots=True)
class Timeline:
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a timeline needs at least one step")
        last = 0.0
        for step in self.steps:
            if step.at is not None:
                if step.at < last:
                    raise ValueError(
                        f"timeline steps must be in time order: {step.state} at {step.at:g}s "
                        f"comes after a step at {last:g}s"
                    )
                last = step.at

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(step.state for step in self.steps)

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def offset_of(self, *states: str) -> float | None:
        """The planned offset of the first step in ``states``, if it is time-based."""
        for step in self.steps:
            if step.state in states:
                return step.at
        return None

    @property
    def duration(self) -> float:
        """Planned seconds from anchor to the last time-based step."""
        ats = [step.at for step in self.steps if step.at is not None]
        return max(ats) if ats else 0.0

    def progress(self, anchor: datetime, now: datetime, polls: Sequence[datetime] = ()) -> Progress:
        """The steps reached at ``now``. The first step is always reached (the job exists)."""
        reached: list[tuple[Step, datetime]] = []
        previous = anchor
        for index, step in enumerate(self.steps):
            candidates: list[datetime] = []
            if step.at is not None:
                when = anchor + timedelta(seconds=step.at)
                if when <= now:
                    candidates.append(when)
            if step.after_polls is not None and len(polls) > step.after_polls:
                candidates.append(polls[step.after_polls])
            if step.at is None and step.after_polls is None:
                candidates.append(previous)
            if index == 0 and not candidates:
                candidates.append(anchor)
            if not candidates:
                break
            entered = max(min(candidates), previous)
            reached.append((step, entered))
            previous = entered
        return Progress(tuple(reached))

    @property
    def poll_driven(self) -> bool:
        """Whether reads move the job on (a step reached after polls)."""
        return any(step.after_polls is not None for step in self.steps)

    def next_change(self, anchor: datetime, progress: Progress) -> datetime | None:
        """When the job reaches its next step on the clock alone: None once the last step is
        reached, or when only polls can reach the next one."""
        if len(progress.reached) >= len(self.steps):
            return None
        at = self.steps[len(progress.reached)].at
        return anchor + timedelta(seconds=at) if at is not None else None

    @staticmethod
    def frozen(progress: Progress, anchor: datetime) -> Timeline:
        """The steps ``progress`` reached, pinned at the times they were entered.

        Used when a client changes a job's course (stop, cancel): what already happened stays,
        whatever it was triggered by, and the new steps are appended with ``then``.
        """
        return Timeline(
            tuple(
                Step(step.state, at=(when - anchor).total_seconds(), data=step.data)
                for step, when in progress.reached
            )
        )

    def then(self, steps: Iterable[Step]) -> Timeline:
        return Timeline(self.steps + tuple(steps))
