"""One fixture job -> its records: a job's configuration with the vendor's defaults, its runs
moving on a timeline or pinned as written, and the checks of a run against its job, its project
and its workspace. Also used for jobs added at runtime (``POST /_mock/jobs/intuned``) and
generated ones. Problems are raised as ``Invalid(loc, message)``, located by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from jobmock.core.fixture_files import Invalid, Loc
from jobmock.core.generate import Generator, Rng
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_models import JobFixture, RunFixture, RunStepFixture
from jobmock.vendors.intuned.loader import VENDOR, IntunedData
from jobmock.vendors.intuned.records import (
    DEFAULT_RUN_TIMELINE,
    TERMINAL,
    Era,
    IntunedJob,
    JobConfig,
    Project,
    RunRecord,
    default_counts,
    timed_run,
)
from jobmock.vendors.intuned.schedule import interval_seconds

#: API names for payloads a fixture leaves out.
API_NAMES = ("get-product", "list-products", "scrape-page", "extract-details")


def job_config(
    payload: Sequence[s.PayloadItem],
    configuration: s.Configuration,
    schedule: s.Schedule | None,
    sink: s.WebhookSink | s.S3Sink | None,
    proxy: str | None,
    auth_session: s.AuthSession | None,
    notifications: Sequence[s.Notification] | None,
) -> JobConfig:
    """A job's configuration with the vendor's defaults filled in. Raises ``Invalid`` for a
    schedule interval that is not a duration."""
    intervals = []
    if schedule is not None:
        for i, interval in enumerate(schedule.intervals or ()):
            try:
                intervals.append(interval_seconds(interval.every))
            except ValueError as exc:
                raise Invalid(("schedule", "intervals", i, "every"), str(exc)) from None
    return JobConfig(
        payload=tuple(s.settled(item) for item in payload),
        configuration=s.settled(configuration),
        schedule=s.settled(schedule) if schedule is not None else None,
        sink=s.settled(sink) if sink is not None else None,
        proxy=proxy,
        auth_session=s.settled(auth_session) if auth_session is not None else None,
        notifications=tuple(s.settled(n) for n in notifications)
        if notifications is not None
        else None,
        intervals=tuple(intervals),
    )


def _payload(rng: Rng) -> list[s.PayloadItem]:
    return [
        s.PayloadItem(
            apiName=rng.choice(API_NAMES),
            parameters={"url": f"https://example.com/products/{rng.randint(1, 9999)}"},
        )
        for _ in range(rng.randint(1, 4))
    ]


def find_project(data: IntunedData, name: str | None, workspace: str | None) -> Project:
    ws = workspace or data.default_workspace
    if name is None:
        found = [p for (w, _), p in data.projects.items() if w == ws]
        if not found:
            raise Invalid(("project",), f"workspace {ws!r} has no project; name one in 'project'")
        return found[0]
    project = data.projects.get((ws, name))
    if project is None:
        known = ", ".join(sorted(p for (w, p) in data.projects if w == ws)) or "none"
        raise Invalid(("project",), f"unknown project {name!r} (projects: {known})")
    return project


def job_record(
    fx: JobFixture,
    data: IntunedData,
    generator: Generator,
    *,
    id_key: tuple[Any, ...],
    now: datetime | None = None,
    uid_suffix: str = "",
) -> tuple[IntunedJob, list[RunRecord]]:
    """The record of one fixture job and its runs. ``now`` anchors a job added at runtime."""
    project = find_project(data, fx.project, fx.workspace_id)
    for name in ("project_id", "projectId"):
        given = getattr(fx, name)
        if given is not None and given.lower() != project.id:
            raise Invalid((name,), f"{given!r} is not the id of project {project.name!r}")
    job_id = fx.id or "job-" + generator.rng(VENDOR, "job-id", *id_key).base36(8)
    rng = generator.rng(VENDOR, project.workspace_id, project.name, job_id)
    config = job_config(
        fx.payload if fx.payload is not None else _payload(rng),
        fx.configuration or s.Configuration(),
        fx.schedule,
        fx.sink,
        fx.proxy,
        fx.auth_session,
        fx.notifications,
    )
    paused = fx.state == "PAUSED"
    reason = fx.reason
    if reason is None and paused:
        reason = s.JobReason(type="paused", message="Job paused by user request.")
    created_at = fx.created_at
    created_offset = -fx.created_ago if fx.created_ago is not None else 0.0
    if created_at is None and now is not None:
        created_at = now + timedelta(seconds=created_offset)
    job = IntunedJob(
        workspace_id=project.workspace_id,
        project=project,
        id=job_id,
        uid=f"{project.workspace_id}/{project.name}/{job_id}{uid_suffix}",
        eras=(Era(0.0, config, paused=paused, reason=reason),),
        created_at=created_at,
        created_offset=created_offset,
        source=fx.source,
        run_timeline=timeline_from(fx.run_timeline, ("run_timeline",))
        if fx.run_timeline
        else DEFAULT_RUN_TIMELINE,
        schedule_id=fx.schedule_id,
    )
    runs = [run_record(run, job, rng, ("runs", i), now) for i, run in enumerate(fx.runs)]
    return job, runs


def timeline_from(steps: Sequence[RunStepFixture], loc: Loc) -> Timeline:
    out = []
    for i, step in enumerate(steps):
        terminal = step.status in TERMINAL
        if terminal and i != len(steps) - 1:
            raise Invalid(
                (*loc, i, "status"), f"{step.status} ends a run: it must be the last step"
            )
        for name in ("error", "successful_runs", "failed_runs"):
            if getattr(step, name) is not None and not terminal:
                raise Invalid((*loc, i, name), f"'{name}' belongs on the step that ends the run")
        data = {
            k: v
            for k, v in {
                "error": step.error,
                "reason": step.reason,
                "successful_runs": step.successful_runs,
                "failed_runs": step.failed_runs,
            }.items()
            if v is not None
        }
        out.append(Step(step.status, at=step.at, after_polls=step.after_polls, data=data))
    try:
        return Timeline(tuple(out))
    except ValueError as exc:
        raise Invalid(loc, str(exc)) from None


def _check_run_owner(fx: RunFixture, job: IntunedJob, loc: Loc) -> None:
    for name, expected in (
        ("job_id", job.id),
        ("workspace_id", job.workspace_id),
        ("project_id", job.project.id),
    ):
        given = getattr(fx, name)
        if given is not None and given.lower() != expected.lower():
            raise Invalid(
                (*loc, name), f"{given!r} is not the {name} of the job it is under ({expected!r})"
            )


def run_record(
    fx: RunFixture, job: IntunedJob, job_rng: Rng, loc: Loc, now: datetime | None = None
) -> RunRecord:
    _check_run_owner(fx, job, loc)
    run_id = fx.id or "jr_" + job_rng.base36(21)
    rng = job_rng
    config = job.config
    given = fx.model_fields_set
    payloads = fx.payloads if "payloads" in given else len(config.payload)
    if fx.job_configuration_snapshot is not None:
        snap = fx.job_configuration_snapshot
        snapshot = s.JobConfigurationSnapshot(
            configuration=s.settled(snap.configuration),
            sink=s.settled(snap.sink) if snap.sink is not None else None,
            auth_session=s.settled(snap.auth_session) if snap.auth_session is not None else None,
            proxy=s.settled(snap.proxy) if snap.proxy is not None else None,
            notifications=[s.settled(n) for n in snap.notifications]
            if snap.notifications is not None
            else None,
        )
    else:
        snapshot = config.snapshot
    results_given = "results" in given
    common: dict[str, Any] = {
        "id": run_id,
        "job_uid": job.uid,
        "type": fx.type,
        "snapshot": snapshot,
        "payloads": payloads,
        "results": fx.results,
        "results_generated": not results_given,
    }
    if fx.status is None:
        return _moving_run(fx, job, loc, now, common)
    return _static_run(fx, loc, rng, now, common)


def _moving_run(
    fx: RunFixture, job: IntunedJob, loc: Loc, now: datetime | None, common: dict[str, Any]
) -> RunRecord:
    for name in ("end_time", "updated_at", "successful_runs", "failed_runs", "error", "reason"):
        if getattr(fx, name) is not None:
            raise Invalid(
                (*loc, name),
                f"a run with a timeline takes '{name}' from it; give a 'status' for a run "
                "that stays as written",
            )
    timeline = timeline_from(fx.timeline, (*loc, "timeline")) if fx.timeline else job.run_timeline
    anchor = fx.created_at or fx.start_time
    offset = -fx.created_ago if fx.created_ago is not None else 0.0
    if anchor is None and now is not None:
        anchor = now + timedelta(seconds=offset)
    run = timed_run(
        common["id"],
        common["job_uid"],
        common["type"],
        timeline,
        common["snapshot"],
        common["payloads"],
        created_at=anchor,
        created_offset=offset,
        results=common["results"],
        results_generated=common["results_generated"],
    )
    if fx.created_at is not None and fx.start_time is not None:
        run = replace(run, start_time=fx.start_time)
    return run


def _static_run(
    fx: RunFixture, loc: Loc, rng: Rng, now: datetime | None, common: dict[str, Any]
) -> RunRecord:
    status = fx.status
    assert status is not None
    finished = status in TERMINAL
    if fx.end_time is not None and not finished:
        raise Invalid((*loc, "end_time"), f"a {status} run has not ended: leave end_time out")
    if fx.error is not None and not finished:
        raise Invalid((*loc, "error"), f"a {status} run has not failed: errors come at the end")
    if "results" in fx.model_fields_set and fx.results is not None and not finished:
        raise Invalid((*loc, "results"), "results appear once a run has finished")
    if fx.created_ago is not None:
        raise Invalid(
            (*loc, "created_ago"), "'created_ago' anchors a run with a timeline; give 'start_time'"
        )
    start = fx.created_at or fx.start_time
    if start is not None and fx.end_time is not None:
        length = (fx.end_time - start).total_seconds()
        if length < 0:
            raise Invalid((*loc, "end_time"), "must not come before start_time")
    else:
        length = round(rng.uniform(60, 1800), 3) if status != "PENDING" else 0.0
    if start is None and fx.end_time is not None:
        start = fx.end_time - timedelta(seconds=length)
    data = {k: v for k, v in {"error": fx.error, "reason": fx.reason}.items() if v is not None}
    steps: tuple[Step, ...] = (Step("PENDING", at=0.0, data=data),)
    if status != "PENDING":
        steps = (Step("PENDING", at=0.0), Step(status, at=length, data=data))
    payloads = common["payloads"]
    if finished:
        default = default_counts(status, payloads or 0)
    else:
        done = rng.randint(0, payloads or 0)
        default = (done, 0)
    given = fx.model_fields_set
    successful = fx.successful_runs if "successful_runs" in given else default[0]
    failed = fx.failed_runs if "failed_runs" in given else default[1]
    if payloads is not None and (successful or 0) + (failed or 0) > payloads:
        raise Invalid(
            (*loc, "successful_runs"),
            f"successful_runs + failed_runs ({(successful or 0) + (failed or 0)}) is more than "
            f"payloads ({payloads})",
        )
    anchor = start if start is not None else None
    offset = -length
    if anchor is None and now is not None:
        anchor = now + timedelta(seconds=offset)
    return RunRecord(
        **common,
        timeline=Timeline(steps),
        planned=(successful or 0, failed or 0),
        work=None,
        ending=steps[-1] if finished else None,
        created_at=anchor,
        created_offset=offset,
        pinned_counts=(payloads, successful, failed),
        start_time=fx.start_time if fx.created_at is not None else None,
        end_time=fx.end_time,
        updated_at=fx.updated_at,
    )
