"""Records + the clock -> nunu documents, following the consistency rules of spec/nunu.md §7.

Everything time-dependent is computed here, per request: the job's status, whether its run
exists yet and in which state, timestamps, durations, which steps the agent has reached, and
when artifacts appear. Job and run are rendered from the same progress, so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import floor
from typing import Any

from jobmock.core.lifecycle import Progress
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.records import NunuJob, PlayerPlan, StepPlan

#: Artifacts are uploaded a little after a run ends.
ARTIFACT_DELAY = timedelta(seconds=35)
#: When a run's end is not planned on the clock (poll-driven), steps are spread over this.
UNPLANNED_RUN = timedelta(minutes=4)


def ts(when: datetime | None) -> str | None:
    """nunu's timestamp format: microseconds always, ``+00:00`` rather than ``Z``."""
    if when is None:
        return None
    # isoformat is several times faster than strftime, and hot reads format a dozen of these.
    return when.replace(tzinfo=None).isoformat(timespec="microseconds") + "+00:00"


def ms(delta: timedelta) -> float:
    return delta / timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Texts:
    """Free text Faker filled for one job (only what the fixture left out)."""

    test_name: str
    goals: Mapping[tuple[int, int], str]
    reports: Mapping[tuple[int, int], str]


@dataclass(frozen=True, slots=True)
class RunView:
    """A run's time-derived facts at one moment."""

    state: str
    result: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    planned_end: datetime | None


@dataclass(frozen=True, slots=True)
class JobView:
    job: NunuJob
    progress: Progress
    anchor: datetime
    run: RunView | None
    now: datetime

    @property
    def status(self) -> str:
        return self.progress.state


def view(job: NunuJob, epoch: datetime, now: datetime, polls: Sequence[datetime] = ()) -> JobView:
    anchor = job.anchor(epoch)
    progress = job.timeline.progress(anchor, now, polls)
    return JobView(job, progress, anchor, _run_view(job, progress, anchor), now)


def _planned(anchor: datetime, offset: float | None) -> datetime | None:
    return anchor + timedelta(seconds=offset) if offset is not None else None


def _run_view(job: NunuJob, progress: Progress, anchor: datetime) -> RunView | None:
    created = progress.entered("STARTING", "RUNNING")
    if created is None:
        return None  # still queued, or never started (rejected or stopped in the queue)
    started = progress.entered("RUNNING")
    cleanup = progress.entered("CLEANING_UP")
    done = progress.entered("COMPLETED")
    final = job.timeline.last
    result: str | None = None
    completed: datetime | None = None
    if cleanup is not None or done is not None:
        result = final.get("result") or (
            "STOPPED" if progress.has_reached("STOPPING") else "SUCCESS"
        )
        if job.run.completed_at is not None:
            completed = job.run.completed_at
        elif cleanup is not None:
            completed = cleanup
        else:
            assert done is not None
            completed = done - timedelta(seconds=job.run.completion_lag)
        completed = max(completed, started or created)
        state = "COMPLETED"
    elif started is not None:
        state = "RUNNING"
    else:
        state = "INITIALIZING"
    planned_done = _planned(anchor, job.timeline.offset_of("COMPLETED", "CLEANING_UP"))
    planned_end = None
    if planned_done is not None:
        planned_end = planned_done - timedelta(seconds=job.run.completion_lag)
    return RunView(state, result, created, started, completed, planned_end)


# --- job ---------------------------------------------------------------------------------------


def run_summary(v: JobView) -> list[s.JobRunSummary]:
    if v.run is None:
        return []
    return [
        s.JobRunSummary(
            multiplayer_run_id=v.job.run.run_id,
            state=v.run.state,
            result=v.run.result,
            started_at=ts(v.run.started_at),
            completed_at=ts(v.run.completed_at),
            players=len(v.job.run.players),
        )
    ]


def job_document(v: JobView, texts: Texts) -> s.Job:
    job = v.job
    return s.Job(
        job_id=job.job_id,
        project_id=job.project_id,
        status=v.status,
        created_at=ts(v.anchor) or "",
        completed_at=ts(v.progress.entered("COMPLETED")),
        multiplayer_test_id=job.test_id,
        test_name=texts.test_name,
        platform=job.platform,
        build_id=job.build_id,
        test_plan_execution_id=job.test_plan_execution_id,
        queue_rejection_reason=job.queue_rejection_reason,
        templating_enabled=job.templating_enabled,
        template_data=dict(job.template_data) if job.template_data is not None else None,
        stopped_by=_stopped_by(v),
        tags=list(job.tags),
        retries=s.Retries(total=job.retries_total, remaining=job.retries_remaining),
        runs=run_summary(v),
    )


def _stopped_by(v: JobView) -> dict[str, Any] | None:
    if v.job.stopped_by is None or not v.progress.has_reached("STOPPING", "COMPLETED"):
        return None
    return dict(v.job.stopped_by)


# --- run ---------------------------------------------------------------------------------------


def _run_head(v: JobView, texts: Texts) -> dict[str, Any]:
    job, run = v.job, v.run
    assert run is not None
    duration = job.run.duration_ms
    if duration is None and run.started_at is not None and run.completed_at is not None:
        duration = round(ms(run.completed_at - run.started_at), 2)
    if run.state != "COMPLETED":
        duration = None
    return {
        "multiplayer_run_id": job.run.run_id,
        "job_id": job.job_id,
        "project_id": job.project_id,
        "state": run.state,
        "result": run.result,
        "bug_info": dict(job.run.bug_info) if job.run.bug_info is not None else None,
        "test": s.TestRef(id=job.test_id, name=texts.test_name, type=job.test_type),
        "build": dict(job.run.build) if job.run.build is not None else None,
        "created_at": ts(run.created_at),
        "started_at": ts(run.started_at),
        "completed_at": ts(run.completed_at),
        "duration_ms": duration,
        "initiator": dict(job.run.initiator),
        "tags": list(job.tags),
    }


def run_item(v: JobView, texts: Texts) -> s.Run:
    players = [s.Player(**_player(v, p, texts)[0]) for p in v.job.run.players]
    return s.Run(**_run_head(v, texts), players=players)


def run_document(v: JobView, texts: Texts) -> s.RunDetails:
    players = []
    for plan in v.job.run.players:
        player, steps = _player(v, plan, texts)
        artifacts = _artifacts(v, plan, player["id"])
        players.append(s.PlayerDetails(**player, artifacts=artifacts, steps=steps))
    job = v.job
    return s.RunDetails(
        **_run_head(v, texts),
        templating_enabled=job.templating_enabled,
        template_data=dict(job.template_data) if job.template_data is not None else None,
        players=players,
    )


def _player(v: JobView, plan: PlayerPlan, texts: Texts) -> tuple[dict[str, Any], list[s.RunStep]]:
    run = v.run
    assert run is not None
    steps = _steps(v, plan, texts)
    return {
        "id": f"{v.job.run.run_id}-{plan.number}",
        "state": run.state,
        "result": run.result,
        "player_number": plan.number,
        "test_name": plan.test_name or texts.test_name,
        "composite_test_id": plan.composite_test_id,
        "step_count": len(steps),
        "completed_step_count": sum(1 for step in steps if step.run_result == "SUCCESS"),
        "platform": s.PlayerPlatform(
            kind=plan.device.kind,
            config=s.PlatformConfig(
                device=s.Device(name=plan.device.name, os_version=plan.device.os_version)
            ),
        ),
    }, steps


def _artifacts(v: JobView, plan: PlayerPlan, player_id: str) -> list[s.Artifact]:
    run = v.run
    if run is None or run.completed_at is None:
        return []
    uploaded = run.completed_at + ARTIFACT_DELAY
    return [
        s.Artifact(
            filename=a.filename,
            url=a.url or f"https://bouncer.nunu.ai/runs/{player_id}/artifacts/{a.filename}",
            size=a.size,
            uploaded_at=ts(a.uploaded_at or uploaded) or "",
        )
        for a in plan.artifacts
    ]


Window = tuple[int, StepPlan, datetime, datetime]


def _windows(v: JobView, plan: PlayerPlan) -> list[Window]:
    """Each step's planned begin and finish: evenly over the run, or over the real run once it
    has ended as planned (or late)."""
    run = v.run
    if run is None or run.started_at is None or not plan.steps:
        return []
    start, count, completed = run.started_at, len(plan.steps), run.completed_at
    end = run.planned_end or start + UNPLANNED_RUN
    if completed is not None and completed >= end - timedelta(seconds=1):
        end = completed
    width = (end - start) / count
    return [
        (
            index,
            step,
            step.start_time or start + width * index,
            step.end_time or (end if index == count - 1 else start + width * (index + 1)),
        )
        for index, step in enumerate(plan.steps)
    ]


def next_change(v: JobView, steps: bool) -> datetime | None:
    """The first time after ``v.now`` at which the job's document (with ``steps``: its run's
    document) reads differently on the clock alone: the job's next step, and while the run is
    under way, the next of its steps to begin (it shows once the clock is past its begin) or to
    finish."""
    changes = [v.job.timeline.next_change(v.anchor, v.progress)]
    if steps and v.run is not None and v.run.completed_at is None:
        for plan in v.job.run.players:
            for _, _, begin, finish in _windows(v, plan):
                changes += (begin + _MICROSECOND, finish)
    return min((when for when in changes if when is not None and when > v.now), default=None)


_MICROSECOND = timedelta(microseconds=1)


def _steps(v: JobView, plan: PlayerPlan, texts: Texts) -> list[s.RunStep]:
    """The steps the agent has reached: planned evenly over the run, cut short if it ends early."""
    run = v.run
    if run is None:
        return []
    completed = run.completed_at
    stop = completed or v.now
    windows = []
    for window in _windows(v, plan):
        if window[0] and window[2] >= stop:
            break
        windows.append(window)
    out: list[s.RunStep] = []
    for index, step, begin, finish in windows:
        last = index == windows[-1][0]
        if completed is not None:
            done_at: datetime | None = (step.end_time or completed) if last else finish
        else:
            done_at = finish if finish <= v.now else None
        out.append(_step(v, plan, index, step, begin, done_at, last, texts))
    return out


def _step(
    v: JobView,
    plan: PlayerPlan,
    index: int,
    step: StepPlan,
    begin: datetime,
    finish: datetime | None,
    last: bool,
    texts: Texts,
) -> s.RunStep:
    run = v.run
    assert run is not None
    key = (plan.number, index)
    result: str | None = None
    if finish is not None:
        if step.result is not None:
            result = step.result
        elif last and run.result is not None:
            result = run.result
        else:
            result = "SUCCESS"
    fields: dict[str, Any] = {
        "step_number": index + 1,
        "start_time": ts(begin),
        "end_time": ts(finish),
        "duration_ms": floor(ms(finish - begin)) if finish is not None else None,
        "run_state": "COMPLETED" if finish is not None else "RUNNING",
        "run_result": result,
        "report": (step.report or texts.reports.get(key)) if finish is not None else None,
        "test": s.StepTest(
            test_step_id=step.test_step_id,
            goal=step.goal or texts.goals.get(key, ""),
            finish_condition=step.finish_condition,
            test_type=v.job.test_type,
        ),
    }
    if v.job.test_type == "verification":
        items = [dict(i) for i in step.items] if step.items is not None else []
        if finish is None:
            items = [{**i, "status": "pending", "comment": None} for i in items]
        return s.VerificationRunStep(**fields, items=items)
    return s.RunStep(**fields)
