"""A job as the dashboard and scripts inspect it: its state now, its course on the mock clock, and
the document a client would receive, all read without counting as a client's poll.

A vendor opts in by giving its backend an ``inspect(job_id)`` method (``InspectsJobs``); the
control API's ``/_mock/inspect`` routes read every vendor through it alone. Two helpers build the
course: ``from_timeline`` for vendors whose jobs follow a ``core.lifecycle.Timeline``, and
``from_moments`` for vendors that can say when their documents may change and what state a job
shows at a given time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from jobmock.core.lifecycle import Progress, Timeline


@dataclass(frozen=True, slots=True)
class Milestone:
    """A state on a job's course: when it is (or was) entered on the mock clock; ``at`` is None
    for a step that waits for ``after_polls`` reads and has not been reached."""

    state: str
    at: datetime | None
    after_polls: int | None = None

    def to_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "state": self.state,
            "at": self.at.isoformat() if self.at is not None else None,
            "after_polls": self.after_polls,
            "reached": self.at is not None and self.at <= now,
        }


@dataclass(frozen=True)
class JobInspection:
    job_id: str
    state: str
    created: datetime
    course: tuple[Milestone, ...]
    document: Callable[[], bytes]
    """The body of the job's detail read, as a client would receive it now (rendered on demand:
    a listing never pays for it)."""
    journal_ids: tuple[str, ...] = ()
    """Other ids the journal files reads of this job under (a run's id, when clients poll the
    job's runs); its own id always counts."""

    def summary(self, now: datetime) -> dict[str, Any]:
        upcoming = next((m for m in self.course if not m.to_dict(now)["reached"]), None)
        return {
            "id": self.job_id,
            "state": self.state,
            "final": upcoming is None,
            "created": self.created.isoformat(),
            "course": [m.to_dict(now) for m in self.course],
            "next": upcoming.to_dict(now) if upcoming is not None else None,
        }


@runtime_checkable
class InspectsJobs(Protocol):
    def inspect(self, job_id: str) -> JobInspection | None:
        """The job ``job_id`` now, or None if the vendor has no such job; never a poll."""


def from_timeline(
    timeline: Timeline, anchor: datetime, progress: Progress
) -> tuple[Milestone, ...]:
    """The steps ``progress`` reached, when it reached them, then the ones still planned."""
    course = [Milestone(step.state, when) for step, when in progress.reached]
    for step in timeline.steps[len(course) :]:
        at = anchor + timedelta(seconds=step.at) if step.at is not None else None
        course.append(Milestone(step.state, at, step.after_polls))
    return tuple(course)


def from_moments(
    created: datetime, moments: Iterable[datetime], state_at: Callable[[datetime], str]
) -> tuple[Milestone, ...]:
    """The states a job shows from ``created`` on, evaluated at each moment its document may
    change (in any order); a moment that changes nothing is left out."""
    course = [Milestone(state_at(created), created)]
    for moment in sorted(set(moments)):
        if moment <= created:
            continue
        state = state_at(moment)
        if state != course[-1].state:
            course.append(Milestone(state, moment))
    return tuple(course)
