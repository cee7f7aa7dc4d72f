"""Records + the clock -> Intuned documents.

Everything time-dependent is computed here, per request: a run's status, how many of its
payloads have succeeded or failed so far (they advance evenly while it is PENDING, and stand
still while it is paused), when it last changed, and its results once it has finished.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobmock.core.lifecycle import Progress
from jobmock.vendors.intuned import documents as d
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.records import (
    TERMINAL,
    WITH_RESULTS,
    IntunedJob,
    RunRecord,
)


def ts(when: datetime | None) -> str | None:
    """The vendor's timestamp format: ``2024-01-01T00:00:00Z``."""
    if when is None:
        return None
    # isoformat is several times faster than strftime.
    return when.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


@dataclass(frozen=True, slots=True)
class RunView:
    run: RunRecord
    progress: Progress
    anchor: datetime
    now: datetime
    counts: tuple[int | None, int | None, int | None]
    updated_at: datetime

    @property
    def status(self) -> str:
        return self.progress.state

    @property
    def finished(self) -> bool:
        return self.progress.state in TERMINAL

    @property
    def start_time(self) -> datetime:
        return self.run.start_time or self.anchor

    @property
    def end_time(self) -> datetime | None:
        if not self.finished:
            return None
        return self.run.end_time or self.progress.since


def pending_segments(progress: Progress, now: datetime) -> list[tuple[datetime, datetime]]:
    reached = progress.reached
    segments = []
    for index, (step, entered) in enumerate(reached):
        if step.state != "PENDING":
            continue
        left = reached[index + 1][1] if index + 1 < len(reached) else now
        if left > entered:
            segments.append((entered, left))
    return segments


def pending_seconds(progress: Progress, now: datetime) -> float:
    """How long the run has spent PENDING (processing payloads) by ``now``."""
    return sum((end - begin).total_seconds() for begin, end in pending_segments(progress, now))


def time_at(segments: Sequence[tuple[datetime, datetime]], seconds: float) -> datetime | None:
    """When the run had spent ``seconds`` PENDING."""
    for begin, end in segments:
        length = (end - begin).total_seconds()
        if seconds <= length:
            return begin + timedelta(seconds=seconds)
        seconds -= length
    return None


def view(run: RunRecord, epoch: datetime, now: datetime, polls: Sequence[datetime] = ()) -> RunView:
    anchor = run.anchor(epoch)
    progress = run.timeline.progress(anchor, now, polls)
    updated = progress.since
    if run.pinned_counts is not None:
        counts = run.pinned_counts
    else:
        successful, failed = run.planned
        total = successful + failed
        segments = pending_segments(progress, now)
        done = sum((end - begin).total_seconds() for begin, end in segments)
        step = progress.step
        if step.state in ("SUCCESS", "COMPLETED", "FAILURE"):
            successful = int(step.get("successful_runs", successful))
            failed = int(step.get("failed_runs", failed))
        elif run.work and total:
            processed = min(total, math.floor(total * done / run.work + 1e-9))
            if processed:
                moment = time_at(segments, run.work * processed / total)
                if moment is not None and moment > updated:
                    updated = moment
            failed = processed * failed // total
            successful = processed - failed
        else:
            successful = failed = 0
        counts = (run.payloads, successful, failed)
    return RunView(run, progress, anchor, now, counts, run.updated_at or updated)


def next_change(v: RunView) -> datetime | None:
    """The first time after ``v.now`` at which the run's document reads differently on the
    clock alone: its next step; ``v.now`` itself while its payload counts advance (PENDING) or
    its results are signed from the moment they are read (it holds only while the clock
    stands)."""
    run = v.run
    if v.finished:
        if run.results is None and run.results_generated and v.status in WITH_RESULTS:
            return v.now
    elif v.status == "PENDING" and run.pinned_counts is None and run.work and sum(run.planned):
        return v.now
    return run.timeline.next_change(v.anchor, v.progress)


def job_run(v: RunView, job: IntunedJob) -> d.JobRun:
    step = v.progress.step
    payloads, successful, failed = v.counts
    return d.JobRun(
        id=v.run.id,
        start_time=ts(v.start_time) or "",
        end_time=ts(v.end_time),
        workspace_id=job.workspace_id,
        project_id=job.project.id,
        job_id=job.id,
        created_at=ts(v.anchor) or "",
        updated_at=ts(v.updated_at) or "",
        type=v.run.type,
        status=v.status,
        payloads=payloads,
        successful_runs=successful,
        failed_runs=failed,
        error=step.get("error"),
        reason=step.get("reason"),
        job_configuration_snapshot=v.run.snapshot,
    )


def run_document(v: RunView, job: IntunedJob, found: s.Results | None) -> d.GetJobRunResponse:
    if found is None:
        return d.GetJobRunResponse(jobRun=job_run(v, job))
    return d.GetJobRunResponse(jobRun=job_run(v, job), results=found)


# --- jobs ----------------------------------------------------------------------------------------


def job_document(
    job: IntunedJob, epoch: datetime, next_run: datetime | None, last_run: datetime | None
) -> d.Job:
    config = job.config
    return d.Job(
        id=job.id,
        configuration=config.configuration,
        sink=config.sink,
        created_at=ts(job.anchor(epoch)) or "",
        next_run_time=ts(next_run),
        last_run_time=ts(last_run),
        state="PAUSED" if job.paused else "ACTIVE",
        payload=list(config.payload),
        schedule=config.schedule,
        projectId=job.project.id,
        auth_session=config.auth_session,
        proxy=config.proxy,
    )


def job_item(
    job: IntunedJob, epoch: datetime, next_run: datetime | None, last_run: datetime | None
) -> d.JobListItem:
    config = job.config
    return d.JobListItem(
        id=job.id,
        workspace_id=job.workspace_id,
        project_id=job.project.id,
        configuration=config.configuration,
        payload=list(config.payload),
        sink=config.sink,
        schedule=config.schedule,
        next_run_time=ts(next_run),
        last_run_time=ts(last_run),
        created_at=ts(job.anchor(epoch)) or "",
        auth_session=config.auth_session,
        notifications=list(config.notifications) if config.notifications is not None else None,
        proxy=s.Proxy(version="v1", url=config.proxy) if config.proxy else None,
        reason=job.era.reason,
        state="PAUSED" if job.paused else "ACTIVE",
        schedule_id=job.schedule_id,
        source=job.source,
    )
