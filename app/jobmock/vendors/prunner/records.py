"""What the prunner backend keeps: pipelines and jobs as immutable records.

Times are integer microseconds since the Unix epoch (exact, unlike floats, so a task that starts
at :00 and runs 30 s ends at :30, never at :29.999999). A job record holds what was decided when
it was scheduled (its pipeline, variables, user, how each task will run) and the cancel requests
it received; its state at any moment is derived from the pipeline's schedule (``schedule.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

#: A duration that never elapses (``duration: never``): the task runs until it is canceled.
NEVER = 1 << 62
SECOND = 1_000_000
ON_ERROR = "on_error"
RESERVED_VARIABLE = "__jobID"
CONTEXT_CANCELED = "context canceled"


@dataclass(frozen=True, slots=True)
class TaskDef:
    """A task of a pipeline, plus how the mock runs it when a job does not say otherwise."""

    name: str
    depends_on: tuple[str, ...] = ()
    allow_failure: bool = False
    scripted: bool = True
    """A task without script lines finishes at once and reports no times (spec §4.3)."""
    duration: int | None = None
    """Microseconds; None: seeded per job."""
    exit_code: int = 0
    stdout: str | None = None
    """None: generated per job."""
    stderr: str | None = None


@dataclass(frozen=True, slots=True)
class Pipeline:
    name: str
    concurrency: int = 1
    queue_limit: int | None = None
    replace: bool = False
    start_delay: int = 0
    fail_fast: bool = True
    retention_period: int = 0
    retention_count: int = 0
    tasks: tuple[TaskDef, ...] = ()
    """In prunner's display order: the lexicographically smallest topological order."""
    on_error: TaskDef | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one task of one job runs."""

    duration: int
    exit_code: int
    stdout: str | None
    stderr: str | None


@dataclass(frozen=True, slots=True)
class PrunnerJob:
    job_id: str
    pipeline: str
    seq: int
    """Order among client requests (fixture jobs first, in file order)."""
    outcomes: tuple[Outcome, ...]
    """One per task of the pipeline, in display order."""
    on_error: Outcome | None = None
    created: int | None = None
    """When it was scheduled; None: ``ago`` before the epoch (server start, and again after
    every reset)."""
    ago: int = 0
    user: str = ""
    variables: Mapping[str, Any] | None = None
    cancel_after: int | None = None
    """A fixture's cancel request, this long after creation."""
    cancels: tuple[tuple[int, int], ...] = ()
    """Cancel requests that found the job running or queued: (time, request seq)."""

    def created_at(self, epoch: int) -> int:
        return self.created if self.created is not None else epoch - self.ago

    def canceled(self, when: int, seq: int) -> PrunnerJob:
        return replace(self, cancels=(*self.cancels, (when, seq)))
