"""One nunu fixture job -> its ``NunuJob`` record: the job cross-checked against its run, its
project and its test (nunu keeps job and run fields equal), its status or timeline turned into a
timeline, and its run, players, steps and artifacts planned, with whatever the fixture leaves out
drawn from the job's own seeded random stream. Problems are raised as ``Invalid(loc, message)``;
the caller turns them into a ``FixtureError`` naming file and line (at startup) or a 400
(``POST /_mock/jobs/nunu``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jobmock.core.fixture_files import Invalid, Loc
from jobmock.core.generate import Generator, Rng
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.nunu.fixture_data import DEFAULT_PROJECT, NunuData, unknown_project
from jobmock.vendors.nunu.fixture_models import (
    JobFixture,
    PlayerFixture,
    RunFixture,
    StepFixture,
    TestFixture,
)
from jobmock.vendors.nunu.records import (
    DEFAULT_TIMELINE,
    ArtifactPlan,
    Device,
    NunuJob,
    PlayerPlan,
    RunPlan,
    StepPlan,
    completion_lag,
    timeline_for_status,
)
from jobmock.vendors.nunu.timelines import explicit_times, timeline_from, with_queue_lead_in

DEVICES = (
    Device("android-native", "Pixel 8", "14"),
    Device("android-native", "Galaxy S24", "14"),
    Device("android-native", "Pixel 7a", "13"),
    Device("ios-native", "iPhone 15", "17.4"),
)
RUN_STATE_FOR_STATUS = {
    "STARTING": "INITIALIZING",
    "RUNNING": "RUNNING",
    "STOPPING": "RUNNING",
    "CLEANING_UP": "COMPLETED",
    "COMPLETED": "COMPLETED",
}
STATUS_FOR_RUN_STATE = {"INITIALIZING": "STARTING", "RUNNING": "RUNNING", "COMPLETED": "COMPLETED"}


def _same(loc: Loc, what: str, job_value: Any, run_value: Any) -> None:
    if job_value is not None and run_value is not None and job_value != run_value:
        raise Invalid(
            loc,
            f"{what} {run_value!r} disagrees with the job's {job_value!r} "
            "(nunu keeps job and run equal)",
        )


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def job_record(
    fx: JobFixture,
    data: NunuData,
    generator: Generator,
    *,
    id_key: tuple[Any, ...],
    now: datetime | None = None,
    timeline: Timeline | None = None,
) -> NunuJob:
    """The record for one fixture job. ``now`` anchors a job added at runtime (else the epoch)."""
    job_id = fx.job_id or generator.rng("nunu", "job-id", *id_key).uuid4()
    rng = generator.rng("nunu", job_id)
    run = fx.runs[0] if fx.runs else None
    project = fx.project_id or DEFAULT_PROJECT
    if project not in data.projects:
        raise Invalid(("project_id",), unknown_project(project, data))
    if run is not None:
        _same(("runs", 0, "job_id"), "run job_id", job_id, run.job_id)
        _same(("runs", 0, "project_id"), "run project_id", project, run.project_id)
    test_ref = run.test if run is not None and run.test is not None else None
    test_id = _first(fx.multiplayer_test_id, test_ref.id if test_ref else None)
    test = data.tests.get(test_id) if test_id else None
    test_id = test_id or rng.uuid4()
    _same(
        ("runs", 0, "test", "id"),
        "run test.id",
        fx.multiplayer_test_id,
        test_ref.id if test_ref else None,
    )
    _same(
        ("runs", 0, "test", "name"),
        "run test.name",
        fx.test_name,
        test_ref.name if test_ref else None,
    )
    _same(("runs", 0, "tags"), "run tags", fx.tags, run.tags if run else None)
    _same(
        ("runs", 0, "templating_enabled"),
        "run templating_enabled",
        fx.templating_enabled,
        run.templating_enabled if run else None,
    )
    _same(
        ("runs", 0, "template_data"),
        "run template_data",
        fx.template_data,
        run.template_data if run else None,
    )
    test_name = _first(
        fx.test_name, test_ref.name if test_ref else None, test.name if test else None
    )
    test_type = _first(
        fx.test_type, test_ref.type if test_ref else None, test.type if test else None, "task"
    )
    tags = _first(fx.tags, run.tags if run else None, test.tags if test else None, [])
    templating = _first(
        fx.templating_enabled,
        run.templating_enabled if run else None,
        fx.template_data is not None or (run is not None and run.template_data is not None),
    )
    template_data = _first(fx.template_data, run.template_data if run else None)

    result = run.result if run is not None else None
    rejected = fx.queue_rejection_reason is not None and run is None
    lead_in = 0.0
    if fx.timeline is not None:
        if fx.completed_at is not None:
            raise Invalid(
                ("completed_at",),
                "a job with a 'timeline' takes its timestamps from it; give only 'created_at'",
            )
        line = timeline or timeline_from(fx.timeline)
        static = False
        if fx.created_at is None:
            line, lead_in = with_queue_lead_in(line)
    else:
        status: str | None = fx.status
        if status is None and run is not None and run.state is not None:
            status = STATUS_FOR_RUN_STATE[run.state]
        if run is not None and run.state is not None and status is not None:
            expected = RUN_STATE_FOR_STATUS.get(status)
            if expected != run.state:
                raise Invalid(
                    ("runs", 0, "state"),
                    f"run state {run.state} does not fit job status {status} "
                    f"(expected {expected or 'no run yet'})",
                )
        if result is not None and status not in ("COMPLETED", "CLEANING_UP"):
            raise Invalid(("runs", 0, "result"), "a run has a result only once it is COMPLETED")
        if status == "COMPLETED" and run is not None and run.state is not None and result is None:
            raise Invalid(("runs", 0, "result"), "a COMPLETED run needs its result")
        if fx.completed_at is not None and status != "COMPLETED":
            raise Invalid(("completed_at",), "only a COMPLETED job has completed_at")
        times = explicit_times(fx, run)
        if status is None:
            line, static = timeline or DEFAULT_TIMELINE, False
        elif rejected and status == "COMPLETED":
            line = Timeline(
                (
                    Step("QUEUED", at=0.0),
                    Step(
                        "COMPLETED",
                        at=times.get("completed", rng.uniform(1, 5)),
                        data={"result": None},
                    ),
                )
            )
            static = True
        else:
            line, static = timeline_for_status(status, result, rng, times), True
    run_plan = _run_plan(job_id, fx, run, test, test_type, project, data, rng)
    if fx.created_ago is not None:
        created_offset = -fx.created_ago - lead_in
    else:
        created_offset = -line.duration if static and fx.created_at is None else -lead_in
    created_at = fx.created_at
    if created_at is None and now is not None:
        created_at = now + timedelta(seconds=created_offset)
    retries = fx.retries or {}
    return NunuJob(
        job_id=job_id,
        project_id=project,
        timeline=line,
        test_id=test_id,
        test_type=test_type,
        run=run_plan,
        test_name=test_name,
        created_at=created_at,
        created_offset=created_offset,
        platform=_first(fx.platform, "lt_phone"),
        build_id=fx.build_id,
        test_plan_execution_id=fx.test_plan_execution_id,
        queue_rejection_reason=fx.queue_rejection_reason,
        templating_enabled=bool(templating),
        template_data=template_data if templating else None,
        stopped_by=fx.stopped_by,
        tags=tuple(tags),
        retries_total=retries.get("total", 0),
        retries_remaining=retries.get("remaining", retries.get("total", 0)),
        text_key=job_id,
    )


def _run_plan(
    job_id: str,
    fx: JobFixture,
    run: RunFixture | None,
    test: TestFixture | None,
    test_type: str,
    project: str,
    data: NunuData,
    rng: Rng,
) -> RunPlan:
    run_id = (run.multiplayer_run_id if run else None) or rng.base36(11)
    players_fx: list[PlayerFixture] = []
    count = test.players if test else 1
    if run is not None and isinstance(run.players, list):
        players_fx, count = run.players, len(run.players)
    elif run is not None and isinstance(run.players, int):
        count = run.players
    default_steps: list[StepFixture] | int = test.steps if test else 1
    device = DEVICES[rng.randrange(len(DEVICES))]
    players = tuple(
        player_plan(
            run_id, i, players_fx[i] if i < len(players_fx) else None, default_steps, device, rng
        )
        for i in range(count)
    )
    build = run.build if run is not None else None
    if build is None and fx.build_id is not None:
        known = data.builds.get(fx.build_id)
        build = {"id": fx.build_id, "name": known.name if known else f"Build {fx.build_id[:8]}"}
    elif build is not None:
        _same(("runs", 0, "build", "id"), "run build.id", fx.build_id, build.get("id"))
    bug_info = run.bug_info if run is not None else None
    if bug_info is None and test_type == "verification":
        bugs = test.bugs if test and test.bugs is not None else 0
        bug_info = {"bug_label": "bugs_found" if bugs else "no_bugs", "bug_count": bugs}
    initiator = (run.initiator if run else None) or {
        "type": "api",
        "value": {"key_id": data.initiator_key(project)},
    }
    completed = run.completed_at if run is not None else None
    duration = run.duration_ms if run is not None else None
    if duration is not None and run is not None and run.started_at and run.completed_at:
        actual = (run.completed_at - run.started_at) / timedelta(milliseconds=1)
        if abs(actual - duration) > 0.01:
            raise Invalid(
                ("runs", 0, "duration_ms"),
                f"duration_ms is completed_at - started_at in ms ({actual:.2f})",
            )
    return RunPlan(
        run_id=run_id,
        players=players,
        initiator=initiator,
        bug_info=bug_info,
        build=build,
        completion_lag=completion_lag(job_id),
        completed_at=completed,
        duration_ms=duration,
    )


def player_plan(
    run_id: str,
    index: int,
    fx: PlayerFixture | None,
    default_steps: list[StepFixture] | int,
    device: Device,
    rng: Rng,
) -> PlayerPlan:
    loc: Loc = ("runs", 0, "players", index)
    number = (fx.player_number if fx else None) or index + 1
    if fx is not None and fx.id is not None and fx.id != f"{run_id}-{number}":
        raise Invalid(
            (*loc, "id"),
            f"a player id is '<run id>-<player number>': expected {run_id}-{number!r}",
        )
    if fx is not None and fx.platform is not None:
        config = fx.platform.config or {}
        dev = config.get("device") or {}
        device = Device(
            fx.platform.kind,
            str(dev.get("name", device.name)),
            str(dev.get("os_version", device.os_version)),
        )
    steps_fx: list[StepFixture] | int = default_steps
    if fx is not None and fx.steps is not None:
        steps_fx = fx.steps
    elif fx is not None and fx.step_count is not None:
        steps_fx = fx.step_count
    if isinstance(steps_fx, int):
        steps = tuple(StepPlan(test_step_id=f"step-{i + 1}") for i in range(steps_fx))
    else:
        steps = tuple(_step_plan(i, step) for i, step in enumerate(steps_fx))
    if fx is not None and fx.step_count is not None and fx.step_count != len(steps):
        raise Invalid((*loc, "step_count"), f"step_count is the number of steps ({len(steps)})")
    if fx is not None and fx.artifacts is not None:
        artifacts = tuple(
            ArtifactPlan(
                a.filename,
                a.size if a.size is not None else rng.randint(1000, 10**6),
                a.url,
                a.uploaded_at,
            )
            for a in fx.artifacts
        )
    else:
        artifacts = (
            ArtifactPlan("recording.mp4", rng.randint(5, 40) * 1024 * 1024),
            ArtifactPlan("logs.txt", rng.randint(10_000, 200_000)),
        )
    return PlayerPlan(
        number=number,
        composite_test_id=(fx.composite_test_id if fx else None) or rng.uuid4(),
        device=device,
        steps=steps,
        artifacts=artifacts,
        test_name=fx.test_name if fx else None,
    )


def _step_plan(index: int, fx: StepFixture) -> StepPlan:
    test = fx.test
    return StepPlan(
        test_step_id=(test.test_step_id if test else None) or f"step-{index + 1}",
        goal=_first(fx.goal, test.goal if test else None),
        report=fx.report,
        finish_condition=test.finish_condition if test else "",
        result=fx.run_result,
        items=tuple(i.model_dump() for i in fx.items) if fx.items is not None else None,
        start_time=fx.start_time,
        end_time=fx.end_time,
    )
