"""What the Intuned backend stores: immutable records, from fixtures or from clients.

A job is a list of eras: each starts when the job is created, updated, paused or resumed, and
holds the configuration and state in force from then on, so a scheduled run always snapshots
the configuration of its own time. A run holds what was decided when it was created (its
timeline, the counts it will reach, its snapshot); everything that depends on the clock is
derived when a request reads it (``render.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, get_args

from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.intuned import schemas as s

RUN_STATUSES: tuple[str, ...] = get_args(s.RunStatus)
TERMINAL = frozenset({"SUCCESS", "FAILURE", "COMPLETED", "CANCELED", "TERMINATED"})
ACTIVE = frozenset({"PENDING", "PAUSING", "PAUSED", "RESUMING"})
#: Terminal statuses whose runs produce results by default.
WITH_RESULTS = frozenset({"SUCCESS", "COMPLETED"})

#: How a triggered or scheduled run progresses unless the job's fixture says otherwise.
DEFAULT_RUN_TIMELINE = Timeline((Step("PENDING", at=0.0), Step("SUCCESS", at=60.0)))
#: PAUSING lasts this long before PAUSED, and RESUMING before PENDING again.
TRANSITION = 2.0

PAUSED_BY_USER = s.RunReason(
    type="user-request",
    message="The job run was paused by a user request.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#user-request",
)
TERMINATED_BY_USER = s.RunReason(
    type="terminated",
    message="The job run was terminated by a user.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#terminated",
)
ANOTHER_RUN_ACTIVE = s.RunReason(
    type="another-job-run-active",
    message="Another job run is active for this job, so this job run could not start.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#another-job-run-active",
)


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    id: str
    workspace_id: str


@dataclass(frozen=True, slots=True)
class JobConfig:
    """What Create Job and Update Job set, with the vendor's defaults filled in."""

    payload: tuple[s.PayloadItem, ...]
    configuration: s.Configuration
    schedule: s.Schedule | None = None
    sink: s.WebhookSink | s.S3Sink | None = None
    proxy: str | None = None
    auth_session: s.AuthSession | None = None
    notifications: tuple[s.Notification, ...] | None = None
    intervals: tuple[float, ...] = ()
    """Seconds between fires of ``schedule.intervals``."""
    snapshot: s.JobConfigurationSnapshot = field(init=False)
    """What its runs show as ``job_configuration_snapshot``, built once."""

    def __post_init__(self) -> None:
        snapshot = s.JobConfigurationSnapshot(
            configuration=self.configuration,
            sink=self.sink,
            auth_session=self.auth_session,
            proxy=s.Proxy(version="v1", url=self.proxy) if self.proxy else None,
            notifications=list(self.notifications) if self.notifications is not None else None,
        )
        object.__setattr__(self, "snapshot", snapshot)


@dataclass(frozen=True, slots=True)
class Era:
    """A stretch of a job's life with one configuration and one state."""

    at: float
    """Seconds after the job's anchor."""
    config: JobConfig
    paused: bool = False
    reason: s.JobReason | None = None


@dataclass(frozen=True, slots=True)
class IntunedJob:
    workspace_id: str
    project: Project
    id: str
    uid: str
    """Unique per incarnation of the job: runs are keyed by it, and seeded with it."""
    eras: tuple[Era, ...]
    created_at: datetime | None = None
    """Absolute creation time; when None the job is anchored at the epoch (server start) plus
    ``created_offset``."""
    source: str = "API"
    run_timeline: Timeline = DEFAULT_RUN_TIMELINE
    schedule_id: str | None = None
    created_offset: float = 0.0
    origin: tuple[int, int] | None = None
    """(set, index) of a generated job: its history of runs is computed, never stored."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.workspace_id, self.project.name, self.id)

    @property
    def era(self) -> Era:
        return self.eras[-1]

    @property
    def config(self) -> JobConfig:
        return self.eras[-1].config

    @property
    def paused(self) -> bool:
        return self.eras[-1].paused

    def anchor(self, epoch: datetime) -> datetime:
        if self.created_at is not None:
            return self.created_at
        return epoch + timedelta(seconds=self.created_offset)

    def then(self, at: float, **changes: Any) -> IntunedJob:
        """This job with a new era from ``at`` seconds after its anchor."""
        era = replace(self.era, at=at, **changes)
        return replace(self, eras=(*self.eras, era))


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: str
    job_uid: str
    type: str
    timeline: Timeline
    snapshot: s.JobConfigurationSnapshot
    payloads: int | None
    planned: tuple[int, int]
    """Successful and failed payloads once the run has done all its work."""
    work: float | None
    """Seconds of PENDING the run needs to process its payloads; None if not on the clock."""
    ending: Step | None = None
    """The terminal step it was planned to reach (moved later when it is paused and resumed)."""
    created_at: datetime | None = None
    """Absolute creation time; when None, the epoch plus ``created_offset``."""
    created_offset: float = 0.0
    pinned_counts: tuple[int | None, int | None, int | None] | None = None
    """``payloads``, ``successful_runs``, ``failed_runs`` as a fixture gave them, shown as is."""
    start_time: datetime | None = None
    end_time: datetime | None = None
    updated_at: datetime | None = None
    results: s.Results | None = None
    results_generated: bool = True
    """Without explicit ``results``: generate them when the run ends in SUCCESS or COMPLETED."""
    polled: bool = field(default=False)
    """Whether its timeline has poll-driven steps (reads are then counted)."""

    def anchor(self, epoch: datetime) -> datetime:
        if self.created_at is not None:
            return self.created_at
        return epoch + timedelta(seconds=self.created_offset)

    def planned_end(self, epoch: datetime) -> datetime | None:
        """When it ends, if its timeline says so on the clock alone (no reads involved)."""
        last = self.timeline.last
        if self.polled or last.state not in TERMINAL or last.at is None:
            return None
        return self.anchor(epoch) + timedelta(seconds=last.at)


def work_of(timeline: Timeline) -> float | None:
    """Seconds spent PENDING along ``timeline`` if all of it is on the clock."""
    total = 0.0
    steps = timeline.steps
    for step, following in pairwise(steps):
        if step.state != "PENDING":
            continue
        if step.at is None or following.at is None:
            return None
        total += following.at - step.at
    if steps[-1].state == "PENDING":
        return None
    return total


def default_counts(status: str, payloads: int) -> tuple[int, int]:
    """(successful, failed) a run that ends in ``status`` reaches, when nobody said."""
    if status in ("SUCCESS", "COMPLETED", "TERMINATED"):
        return payloads, 0
    if status == "FAILURE":
        return payloads // 2, payloads - payloads // 2
    return 0, 0


def planned_counts(timeline: Timeline, payloads: int) -> tuple[int, int]:
    last = timeline.last
    default = default_counts(last.state, payloads)
    return (
        int(last.get("successful_runs", default[0])),
        int(last.get("failed_runs", default[1])),
    )


def timed_run(
    run_id: str,
    job_uid: str,
    run_type: str,
    timeline: Timeline,
    snapshot: s.JobConfigurationSnapshot,
    payloads: int | None,
    created_at: datetime | None = None,
    created_offset: float = 0.0,
    results: s.Results | None = None,
    results_generated: bool = True,
) -> RunRecord:
    """A run following ``timeline`` from its creation: triggered, fired by a schedule, written
    as a fixture with a timeline, or generated (the last two must render alike)."""
    return RunRecord(
        id=run_id,
        job_uid=job_uid,
        type=run_type,
        timeline=timeline,
        snapshot=snapshot,
        payloads=payloads,
        planned=planned_counts(timeline, payloads or 0),
        work=work_of(timeline),
        ending=timeline.last if timeline.last.state in TERMINAL else None,
        created_at=created_at,
        created_offset=created_offset,
        results=results,
        results_generated=results_generated,
        polled=any(step.after_polls is not None for step in timeline.steps),
    )


def new_run(
    run_id: str,
    job: IntunedJob,
    config: JobConfig,
    run_type: str,
    timeline: Timeline,
    created_at: datetime | None,
) -> RunRecord:
    """A run a client triggered or a schedule fired, following ``timeline`` from its creation."""
    return timed_run(
        run_id, job.uid, run_type, timeline, config.snapshot, len(config.payload), created_at
    )


def canceled_run(
    run_id: str, job: IntunedJob, config: JobConfig, run_type: str, created_at: datetime
) -> RunRecord:
    """A run that could not start because another run of its job was active."""
    timeline = Timeline((Step("CANCELED", at=0.0, data={"reason": ANOTHER_RUN_ACTIVE}),))
    return replace(
        new_run(run_id, job, config, run_type, timeline, created_at), planned=(0, 0), work=0.0
    )
