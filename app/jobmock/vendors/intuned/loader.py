"""Fixture models -> records. Cross-checks a run against its job, its project and its workspace.

Problems are raised as ``Invalid(loc, message)``; the caller turns them into a ``FixtureError``
naming file and line (at startup) or a 400 (``POST /_mock/jobs/intuned``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from jobmock.core.auth import ApiKey
from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator, Rng
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_models import (
    DEFAULT_KEY,
    DEFAULT_PROJECT,
    DEFAULT_WORKSPACE,
    GenerateFixture,
    IntunedFixtureFile,
    JobFixture,
    ProjectFixture,
    RateLimitFixture,
    RunFixture,
    RunStepFixture,
    WorkspaceFixture,
)
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

VENDOR = "intuned"
#: API names for payloads a fixture leaves out.
API_NAMES = ("get-product", "list-products", "scrape-page", "extract-details")

JobKey = tuple[str, str, str]
RunKey = tuple[str, str]


@dataclass
class IntunedData:
    """Everything the Intuned fixtures define, indexed for O(1) lookups."""

    workspaces: dict[str, WorkspaceFixture] = field(default_factory=dict)
    projects: dict[tuple[str, str], Project] = field(default_factory=dict)
    jobs: dict[JobKey, IntunedJob] = field(default_factory=dict)
    runs: dict[RunKey, RunRecord] = field(default_factory=dict)
    run_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rate_limit: RateLimitFixture | None = None
    generate: list[tuple[LoadedFile, int, GenerateFixture]] = field(default_factory=list)
    """The ``generate:`` blocks, with where they were written (built by ``generated.py``)."""

    @property
    def default_workspace(self) -> str:
        return next(iter(self.workspaces), DEFAULT_WORKSPACE)

    def api_keys(self) -> list[ApiKey]:
        return [
            ApiKey(key=key, id=key, scope=workspace.id)
            for workspace in self.workspaces.values()
            for key in workspace.keys
        ]

    def add(self, job: IntunedJob, runs: Sequence[RunRecord]) -> None:
        self.jobs[job.key] = job
        self.run_ids[job.uid] = tuple(run.id for run in runs)
        for run in runs:
            self.runs[(job.uid, run.id)] = run


# --- loading -------------------------------------------------------------------------------------


def load(files: Sequence[LoadedFile], generator: Generator) -> IntunedData:
    data = IntunedData()
    problems: list[FixtureProblem] = []
    parsed: list[tuple[LoadedFile, IntunedFixtureFile]] = []
    for f in files:
        try:
            doc = f.validate(IntunedFixtureFile)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        unknown = [
            f.problem(loc, "unknown field (check its spelling and indentation)")
            for loc in s.unknown_keys(doc)
        ]
        problems.extend(unknown)
        if not unknown:
            parsed.append((f, doc))
    if problems:
        raise FixtureError(problems)
    seen: dict[tuple[str, ...], str] = {}

    def unique(kind: str, key: tuple[str, ...], f: LoadedFile, loc: Loc, shown: str) -> bool:
        where = f"{f.name}:{f.line_of(loc)}"
        if (kind, *key) in seen:
            first = seen[(kind, *key)]
            problems.append(
                f.problem(loc, f"duplicate {kind} {shown!r} (first defined at {first})")
            )
            return False
        seen[(kind, *key)] = where
        return True

    for f, doc in parsed:
        for i, workspace in enumerate(doc.workspaces):
            if unique("workspace", (workspace.id,), f, ("workspaces", i, "id"), workspace.id):
                data.workspaces[workspace.id] = workspace
        if doc.rate_limit is not None:
            if data.rate_limit is not None:
                problems.append(f.problem(("rate_limit",), "rate_limit is set in two files"))
            data.rate_limit = doc.rate_limit
        data.generate.extend((f, i, spec) for i, spec in enumerate(doc.generate))
    if not data.workspaces:
        default = WorkspaceFixture(id=DEFAULT_WORKSPACE, keys=[DEFAULT_KEY])
        data.workspaces[DEFAULT_WORKSPACE] = default
    for f, doc in parsed:
        for i, project in enumerate(doc.projects):
            try:
                record = project_record(project, data, generator)
            except Invalid as exc:
                problems.append(f.problem(("projects", i, *exc.loc), exc.message))
                continue
            loc = ("projects", i, "name")
            if unique("project", (record.workspace_id, record.name), f, loc, record.name):
                data.projects[(record.workspace_id, record.name)] = record
    if not data.projects:
        fallback = project_record(ProjectFixture(name=DEFAULT_PROJECT), data, generator)
        data.projects[(fallback.workspace_id, fallback.name)] = fallback
    for f, doc in parsed:
        for i, fx in enumerate(doc.jobs):
            try:
                job, runs = job_record(fx, data, generator, id_key=(f.name, i))
            except Invalid as exc:
                problems.append(f.problem(("jobs", i, *exc.loc), exc.message))
                continue
            if not unique("job", job.key, f, ("jobs", i, "id"), f"{job.project.name}/{job.id}"):
                continue
            ok = True
            for j, run in enumerate(runs):
                ok = unique("run", (run.id,), f, ("jobs", i, "runs", j, "id"), run.id) and ok
            if ok:
                data.add(job, runs)
    if problems:
        raise FixtureError(problems)
    return data


def project_record(fx: ProjectFixture, data: IntunedData, generator: Generator) -> Project:
    workspace = fx.workspace or data.default_workspace
    if workspace not in data.workspaces:
        raise Invalid(("workspace",), f"unknown workspace {workspace!r}")
    project_id = fx.id or generator.rng(VENDOR, "project", workspace, fx.name).uuid4()
    return Project(name=fx.name, id=project_id.lower(), workspace_id=workspace)


# --- one job -------------------------------------------------------------------------------------


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
