"""What the nunu backend stores about a job: immutable records, from fixtures or from clients.

A record holds what was decided when the job was created (ids, test, players, planned steps,
timeline); everything that depends on time is derived when a request reads it (``render.py``).
Free text a fixture leaves out (step goals and reports) is filled by Faker on first read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, get_args

from jobmock.core.generate import Rng, derive_seed
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.nunu.schemas import JobStatus

#: Job statuses in the order a job moves through them.
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
#: The vendor slug the store keys this vendor's counters, poll logs and random streams by.
VENDOR = "nunu"
READ_RUNS = "project:read-runs"
OPERATE_RUNS = "project:operate-runs"

#: A started run: queued for a few seconds, then about four minutes of agent work.
DEFAULT_TIMELINE = Timeline(
    (
        Step("QUEUED", at=0.0),
        Step("STARTING", at=4.0),
        Step("RUNNING", at=6.0),
        Step("COMPLETED", at=246.0, data={"result": "SUCCESS"}),
    )
)

#: Stopping a job: it passes through STOPPING and CLEANING_UP before it is COMPLETED.
STOP_TO_CLEANUP = 2.0
STOP_TO_COMPLETED = 5.0


@dataclass(frozen=True, slots=True)
class Device:
    kind: str = "android-native"
    name: str = "Pixel 8"
    os_version: str = "14"


@dataclass(frozen=True, slots=True)
class ArtifactPlan:
    filename: str
    size: int
    url: str | None = None
    uploaded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StepPlan:
    test_step_id: str
    goal: str | None = None
    report: str | None = None
    finish_condition: str = ""
    result: str | None = None
    """The step's verdict once done; None means SUCCESS, or the run's result for the last step."""
    items: tuple[dict[str, Any], ...] | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlayerPlan:
    number: int
    composite_test_id: str
    device: Device
    steps: tuple[StepPlan, ...]
    artifacts: tuple[ArtifactPlan, ...]
    test_name: str | None = None


def completion_lag(job_id: str) -> float:
    """How long before its job a finished run completes: 150-250 ms (the seed shows 203 ms),
    fixed by the job id so a job renders the same whether it was written or generated."""
    return 0.15 + derive_seed("nunu-lag", job_id) % 100_000 / 1_000_000


@dataclass(frozen=True, slots=True)
class RunPlan:
    run_id: str
    players: tuple[PlayerPlan, ...]
    initiator: dict[str, Any]
    bug_info: dict[str, Any] | None = None
    build: dict[str, Any] | None = None
    completion_lag: float = 0.2
    """How long before its job a finished run completes (the seed shows about 200 ms)."""
    completed_at: datetime | None = None
    duration_ms: float | None = None


@dataclass(frozen=True, slots=True)
class NunuJob:
    job_id: str
    project_id: str
    timeline: Timeline
    test_id: str
    test_type: str
    run: RunPlan
    test_name: str | None = None
    created_at: datetime | None = None
    """Absolute creation time; when None the job is anchored at the epoch plus ``created_offset``
    (the server start, and again after every reset)."""
    created_offset: float = 0.0
    platform: str | None = None
    build_id: str | None = None
    test_plan_execution_id: str | None = None
    queue_rejection_reason: str | None = None
    templating_enabled: bool = False
    template_data: dict[str, Any] | None = None
    stopped_by: dict[str, Any] | None = None
    tags: tuple[str, ...] = ()
    retries_total: int = 0
    retries_remaining: int = 0
    text_key: str = field(default="")
    """What Faker is seeded with for this job's free text (the job id unless generated)."""

    def anchor(self, epoch: datetime) -> datetime:
        if self.created_at is not None:
            return self.created_at
        return epoch + timedelta(seconds=self.created_offset)

    def stopped(self, progress_timeline: Timeline, at: float, by: dict[str, Any]) -> NunuJob:
        """This job stopped ``at`` seconds after its creation by ``by``."""
        timeline = progress_timeline.then(
            (
                Step("STOPPING", at=at),
                Step("CLEANING_UP", at=at + STOP_TO_CLEANUP),
                Step("COMPLETED", at=at + STOP_TO_COMPLETED, data={"result": "STOPPED"}),
            )
        )
        return replace(self, timeline=timeline, stopped_by=by)


def timeline_for_status(
    status: str, result: str | None, rng: Rng, times: dict[str, float] | None = None
) -> Timeline:
    """A timeline that ends in ``status`` (the job stays there), for fixtures that give a status
    instead of a timeline. ``times`` pins steps the fixture gave timestamps for (offsets from
    creation: ``run_created``, ``started``, ``run_completed``, ``completed``)."""
    times = dict(times or {})
    queued_for = rng.uniform(2.0, 6.0)
    starting = times.get("run_created", round(queued_for, 6))
    running = times.get("started", round(starting + rng.uniform(0.5, 2.0), 6))
    run_for = rng.uniform(60.0, 600.0)
    stopped = result == "STOPPED"
    if "completed" in times:
        completed = times["completed"]
    elif "run_completed" in times:
        completed = times["run_completed"] + (
            STOP_TO_COMPLETED - STOP_TO_CLEANUP if stopped else 0.2
        )
    else:
        completed = round(running + run_for, 6)
    steps = [Step("QUEUED", at=0.0)]
    order = JOB_STATUSES.index(status)
    if order >= 1:
        steps.append(Step("STARTING", at=starting))
    if order >= 2:
        steps.append(Step("RUNNING", at=running))
    if status in ("STOPPING", "CLEANING_UP") or (status == "COMPLETED" and stopped):
        cleanup = times.get("run_completed", completed - (STOP_TO_COMPLETED - STOP_TO_CLEANUP))
        if status != "STOPPING":
            stop_at = max(running, cleanup - STOP_TO_CLEANUP)
        else:
            stop_at = round(running + run_for / 2, 6)
        steps.append(Step("STOPPING", at=stop_at))
        if status != "STOPPING":
            steps.append(Step("CLEANING_UP", at=cleanup))
    if status == "COMPLETED":
        steps.append(Step("COMPLETED", at=completed, data={"result": result or "SUCCESS"}))
    return Timeline(tuple(steps))
