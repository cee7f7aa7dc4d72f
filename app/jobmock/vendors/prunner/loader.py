"""Fixture models -> records, with prunner's own checks and the mock's cross-checks.

Problems are raised as ``Invalid(loc, message)``; the caller turns them into a ``FixtureError``
naming file and line (at startup) or a 400 (``POST /_mock/jobs/prunner``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobmock.core.clock import micros
from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator, Rng
from jobmock.vendors.prunner import fixture_models as fx
from jobmock.vendors.prunner.graph import task_order
from jobmock.vendors.prunner.records import (
    NEVER,
    ON_ERROR,
    SECOND,
    Outcome,
    Pipeline,
    PrunnerJob,
    TaskDef,
)
from jobmock.vendors.prunner.schedule import simulate

#: Run time of a task whose fixture gives none: seeded per job, in whole seconds.
GENERATED_SECONDS = (2, 20)


@dataclass
class PrunnerData:
    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    jobs: dict[str, PrunnerJob] = field(default_factory=dict)
    jwt_secret: str | None = None
    success_exit_code: int = -1
    generate: list[tuple[LoadedFile, int, fx.GenerateFixture]] = field(default_factory=list)
    """The ``generate:`` blocks: file, position, block."""
    origins: dict[str, tuple[LoadedFile, Loc]] = field(default_factory=dict)
    """Where each fixture job is written."""


def to_micros(seconds: float) -> int:
    return NEVER if math.isinf(seconds) else round(seconds * SECOND)


# --- pipelines ---------------------------------------------------------------------------------


def _task_def(name: str, task: fx.TaskFixture | fx.OnErrorFixture, loc: Loc) -> TaskDef:
    scripted = bool(task.script)
    if not scripted and task.given():
        raise Invalid(
            (*loc, task.given()[0]),
            "a task without 'script' finishes at once with exit code 0 (prunner runs nothing); "
            "give it a script to set how it runs",
        )
    depends_on = tuple(task.depends_on) if isinstance(task, fx.TaskFixture) else ()
    allow_failure = task.allow_failure if isinstance(task, fx.TaskFixture) else False
    return TaskDef(
        name=name,
        depends_on=depends_on,
        allow_failure=allow_failure,
        scripted=scripted,
        duration=to_micros(task.duration) if task.duration is not None else None,
        exit_code=task.exit_code or 0,
        stdout=task.stdout,
        stderr=task.stderr,
    )


def pipeline_record(name: str, p: fx.PipelineFixture, loc: Loc) -> Pipeline:
    order = task_order({n: t.depends_on for n, t in p.tasks.items()})
    if order is None:
        raise Invalid((*loc, "tasks"), "the tasks' depends_on form a cycle")
    if p.on_error is not None and ON_ERROR in p.tasks:
        raise Invalid(
            (*loc, "tasks", ON_ERROR),
            "a pipeline with an on_error handler cannot also have a task named on_error",
        )
    tasks = tuple(_task_def(n, p.tasks[n], (*loc, "tasks", n)) for n in order)
    on_error = _task_def(ON_ERROR, p.on_error, (*loc, ON_ERROR)) if p.on_error else None
    return Pipeline(
        name=name,
        concurrency=p.concurrency or 1,
        queue_limit=p.queue_limit,
        replace=p.queue_strategy == "replace",
        start_delay=to_micros(p.start_delay),
        fail_fast=not p.continue_running_tasks_after_failure,
        retention_period=to_micros(p.retention_period),
        retention_count=p.retention_count,
        tasks=tasks,
        on_error=on_error,
    )


# --- jobs --------------------------------------------------------------------------------------


def _outcome(task: TaskDef, override: fx.Outcome | None, rng: Rng) -> Outcome:
    duration = task.duration
    exit_code, stdout, stderr = task.exit_code, task.stdout, task.stderr
    if override is not None:
        if override.duration is not None:
            duration = to_micros(override.duration)
        if override.exit_code is not None:
            exit_code = override.exit_code
        stdout = override.stdout if override.stdout is not None else stdout
        stderr = override.stderr if override.stderr is not None else stderr
    if duration is None:
        duration = rng.randint(*GENERATED_SECONDS) * SECOND
    return Outcome(duration, exit_code, stdout, stderr)


def json_value(value: Any, loc: Loc) -> Any:
    """A YAML value as prunner would hold it after a JSON round trip (numbers are float64)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise Invalid(loc, "not a JSON number")
        return number
    if isinstance(value, list):
        return [json_value(v, (*loc, i)) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise Invalid(loc, f"keys must be strings (got {key!r})")
            out[key] = json_value(item, (*loc, key))
        return out
    raise Invalid(loc, f"not a JSON value ({type(value).__name__}); quote it to make it a string")


def job_record(
    job: fx.JobFixture,
    pipelines: Mapping[str, Pipeline],
    generator: Generator,
    *,
    id_key: tuple[Any, ...],
    seq: int,
    created: datetime | None = None,
) -> PrunnerJob:
    """The record for one fixture job; ``created`` anchors one added at runtime (unless it says
    ``created_ago``)."""
    pipeline = pipelines.get(job.pipeline)
    if pipeline is None:
        known = ", ".join(sorted(pipelines)) or "none"
        raise Invalid(("pipeline",), f'pipeline "{job.pipeline}" is not defined (defined: {known})')
    job_id = job.id or generator.rng("prunner", "job-id", *id_key).uuid4()
    by_name = {task.name: task for task in pipeline.tasks}
    for name in job.tasks:
        if name not in by_name and not (name == ON_ERROR and pipeline.on_error is not None):
            raise Invalid(("tasks", name), f"pipeline {pipeline.name} has no task {name!r}")
        task = by_name.get(name) or pipeline.on_error
        if task is not None and not task.scripted:
            raise Invalid(("tasks", name), "a task without script finishes at once")
    outcomes = tuple(
        _outcome(task, job.tasks.get(task.name), generator.rng("prunner", job_id, task.name))
        for task in pipeline.tasks
    )
    on_error = None
    if pipeline.on_error is not None:
        rng = generator.rng("prunner", job_id, ON_ERROR)
        on_error = _outcome(pipeline.on_error, job.tasks.get(ON_ERROR), rng)
    when = job.created or (created if job.created_ago is None else None)
    variables = json_value(job.variables, ("variables",)) if job.variables is not None else None
    return PrunnerJob(
        job_id=job_id,
        pipeline=pipeline.name,
        seq=seq,
        outcomes=outcomes,
        on_error=on_error,
        created=micros(when) if when is not None else None,
        ago=to_micros(job.created_ago) if job.created_ago is not None else 0,
        user=job.user,
        variables=variables,
        cancel_after=to_micros(job.cancel_after) if job.cancel_after is not None else None,
    )


def refusals(pipeline: Pipeline, jobs: Sequence[PrunnerJob], epoch: int) -> dict[str, str]:
    """Jobs prunner would have refused when they were scheduled, with its reason."""
    schedule = simulate(pipeline, jobs, epoch)
    return {
        job_id: fate.refused.value
        for job_id, fate in schedule.fates.items()
        if fate.refused is not None
    }


# --- files -------------------------------------------------------------------------------------


def load(files: Sequence[LoadedFile], generator: Generator, epoch: datetime) -> PrunnerData:
    data = PrunnerData()
    problems: list[FixtureProblem] = []
    parsed: list[tuple[LoadedFile, fx.PrunnerFixtureFile]] = []
    for f in files:
        try:
            parsed.append((f, f.validate(fx.PrunnerFixtureFile)))
        except FixtureError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FixtureError(problems)
    seen: dict[tuple[str, str], str] = {}

    def unique(kind: str, key: str, f: LoadedFile, loc: Loc) -> bool:
        if (kind, key) in seen:
            first = seen[(kind, key)]
            problems.append(f.problem(loc, f"duplicate {kind} {key!r} (first defined at {first})"))
            return False
        seen[(kind, key)] = f"{f.name}:{f.line_of(loc)}"
        return True

    for f, doc in parsed:
        if doc.jwt_secret is not None and unique("setting", "jwt_secret", f, ("jwt_secret",)):
            data.jwt_secret = doc.jwt_secret
        if doc.success_exit_code is not None and unique(
            "setting", "success_exit_code", f, ("success_exit_code",)
        ):
            data.success_exit_code = doc.success_exit_code
        for name, p in doc.pipelines.items():
            loc: Loc = ("pipelines", name)
            if not unique("pipeline", name, f, loc):
                continue
            try:
                data.pipelines[name] = pipeline_record(name, p, loc)
            except Invalid as exc:
                problems.append(f.problem(exc.loc, exc.message))
    if problems:
        raise FixtureError(problems)
    where: dict[str, tuple[LoadedFile, Loc]] = {}
    for f, doc in parsed:
        for i, job_fx in enumerate(doc.jobs):
            base: Loc = ("jobs", i)
            try:
                job = job_record(
                    job_fx, data.pipelines, generator, id_key=(f.name, i), seq=len(where)
                )
            except Invalid as exc:
                problems.append(f.problem(base + exc.loc, exc.message))
                continue
            if unique("job", job.job_id, f, (*base, "id")):
                data.jobs[job.job_id] = job
                where[job.job_id] = (f, base)
        data.generate.extend((f, i, block) for i, block in enumerate(doc.generate))
    if problems:
        raise FixtureError(problems)
    by_pipeline: dict[str, list[PrunnerJob]] = {}
    for job in data.jobs.values():
        by_pipeline.setdefault(job.pipeline, []).append(job)
    for name, jobs in by_pipeline.items():
        for job_id, reason in refusals(data.pipelines[name], jobs, micros(epoch)).items():
            f, base = where[job_id]
            problems.append(
                f.problem(base, f"prunner would refuse this job when it is scheduled: {reason}")
            )
    if problems:
        raise FixtureError(problems)
    data.origins = where
    return data
