"""A pipeline's history, generated from an index (a ``generate:`` block).

Job ``i`` of a set is created about ``every`` before job ``i - 1`` (jittered within its slot by
``core.generated_sets.Schedule``), the newest exactly ``until`` before the server starts. Its
outcome (succeeded, failed, canceled) comes from an exact weighted mix (``BlockMix``); its task
durations, exit codes, user and cancel time from a generator seeded by (app seed, set, ``i``).
Its id is a keyed bijection of ``i`` (``IdCodec``): a detail request decodes it back in O(1).

Generated jobs never wait for each other: a set is refused unless its spacing lets every job run
the moment prunner's rules allow it, alone (at most ``concurrency`` at once, none scheduled while
another waits out its ``start_delay``). A generated job's fate is then what ``simulate`` makes of
its own record, computed when asked for; where fixture or client jobs meet generated ones,
``state.py`` simulates them together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jobmock.core.cache import LRU
from jobmock.core.clock import micros
from jobmock.core.durations import format_duration
from jobmock.core.export import Span
from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator, derive_seed
from jobmock.core.generated_sets import BlockMix, IdCodec, Schedule
from jobmock.vendors.prunner import fixture_models as fx
from jobmock.vendors.prunner.graph import run_job
from jobmock.vendors.prunner.loader import (
    GENERATED_SECONDS,
    PrunnerData,
    json_value,
    to_micros,
)
from jobmock.vendors.prunner.records import (
    NEVER,
    ON_ERROR,
    SECOND,
    Outcome,
    Pipeline,
    PrunnerJob,
    TaskDef,
)
from jobmock.vendors.prunner.schedule import JobFate, simulate
from jobmock.vendors.prunner.texts import generated_output

#: Generated fates kept computed (bounded: memory stays flat whatever the set's size).
CACHED_FATES = 512
#: How often an ``allow_failure`` task fails (exit code 1) in a generated job.
ALLOWED_FAILURE_RATE = 0.2
#: Exit codes of the task that fails a job, as often as they appear here.
EXIT_CODES = (1, 1, 1, 1, 1, 2, 2, 127)
#: ``core.generated_sets.Schedule`` creates a job up to this share of ``every`` after its slot
#: starts.
JITTER = 0.9
#: The shortest run a canceled job can have: a cancel request lands a whole second inside it.
CANCELABLE = 2 * SECOND


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """How long a task of the set's jobs runs: ``shortest`` to ``longest`` microseconds."""

    task: TaskDef
    shortest: int
    longest: int

    def draw(self, rng: Any) -> int:
        if self.shortest == self.longest:
            return self.shortest
        return int(rng.randint(-(-self.shortest // SECOND), self.longest // SECOND)) * SECOND


class GeneratedSet:
    def __init__(
        self,
        spec: fx.GenerateFixture,
        pipeline: Pipeline,
        plans: tuple[TaskPlan, ...],
        on_error: TaskPlan | None,
        outcomes: list[tuple[str, int]],
        generator: Generator,
    ) -> None:
        self.spec = spec
        self.pipeline = pipeline
        self.plans = plans
        self.on_error = on_error
        self.generator = generator
        key = ("prunner", generator.seed, spec.seed, pipeline.name, spec.name)
        self.key = key
        self.codec = IdCodec(*key)
        self.outcomes = [name for name, _ in outcomes]
        self.mix = BlockMix([weight for _, weight in outcomes], *key)
        self.schedule = Schedule(datetime.min, spec.every, key=derive_seed(*key) & 0xFFFFFFFF)
        self.until = to_micros(spec.until)
        self.every = to_micros(spec.every)
        self._newest = round(self.schedule.age(0) * SECOND)
        self.failable = [
            i for i, p in enumerate(plans) if p.task.scripted and not p.task.allow_failure
        ]
        # A task the pipeline itself makes fail is the one that fails a generated job.
        self.preferred = [i for i in self.failable if plans[i].task.exit_code] or self.failable
        self.variables = (
            json_value(spec.variables, ("variables",)) if spec.variables is not None else None
        )
        self.longest = longest_run(pipeline, plans, on_error)
        self.origin: tuple[LoadedFile, Loc] = (LoadedFile(Path("generate"), None, {}), ())
        """Where the block is written (for errors)."""
        self._fates: LRU[tuple[int, int], JobFate] = LRU(CACHED_FATES)

    @property
    def count(self) -> int:
        return self.spec.count

    # --- ids and times -------------------------------------------------------------------------

    def job_id(self, index: int) -> str:
        return self.codec.uuid(index)

    def index_of(self, job_id: str) -> int | None:
        index = self.codec.index_of_uuid(job_id)
        return index if index is not None and index < self.count else None

    def ago(self, index: int) -> int:
        """Microseconds from the job's creation to the epoch (server start): exactly ``until``
        for the newest, then ``every`` more for each next one, jittered within its slot."""
        return self.until + round(self.schedule.age(index) * SECOND) - self._newest

    def created(self, index: int, epoch: int) -> int:
        return epoch - self.ago(index)

    def first_at_or_before(self, when: int, epoch: int) -> int:
        """The smallest index created at or before ``when`` (``count`` if none is)."""
        gap = epoch - when
        index = max(0, (gap - self.until) // self.every - 1)
        while index > 0 and self.ago(index - 1) >= gap:
            index -= 1
        while index < self.count and self.ago(index) < gap:
            index += 1
        return min(index, self.count)

    # --- one job -------------------------------------------------------------------------------

    def outcome(self, index: int) -> str:
        return self.outcomes[self.mix.category(index)]

    def record(self, index: int) -> PrunnerJob:
        """Job ``index``: what was decided when it was scheduled, from (app seed, set, index)."""
        rng = self.generator.rng(*self.key, index)
        outcome = self.outcome(index)
        durations = [plan.draw(rng) for plan in self.plans]
        codes = []
        for plan in self.plans:
            fails = rng.random() < ALLOWED_FAILURE_RATE
            allowed = plan.task.allow_failure and plan.task.scripted
            codes.append((plan.task.exit_code or (1 if fails else 0)) if allowed else 0)
        user = self.spec.users[rng.randrange(len(self.spec.users))]
        if outcome == "failed":
            failing = rng.choice(self.preferred)
            codes[failing] = self.plans[failing].task.exit_code or rng.choice(EXIT_CODES)
        outcomes = tuple(
            _outcome(plan.task, duration, code)
            for plan, duration, code in zip(self.plans, durations, codes, strict=True)
        )
        on_error = None
        if self.on_error is not None:
            on_error = _outcome(self.on_error.task, self.on_error.draw(rng), 0)
        cancel_after = None
        if outcome == "canceled":
            main = run_job(self.pipeline, outcomes, None, 0).main_end
            cancel_after = self.pipeline.start_delay + rng.randint(1, main // SECOND - 1) * SECOND
        return PrunnerJob(
            job_id=self.job_id(index),
            pipeline=self.pipeline.name,
            seq=-1 - index,
            outcomes=outcomes,
            on_error=on_error,
            ago=self.ago(index),
            user=user,
            variables=self.variables,
            cancel_after=cancel_after,
        )

    def fate(self, index: int, epoch: int) -> JobFate:
        """Job ``index`` on its own: started the moment it was scheduled (or its delay ended)."""
        return self._fates.get((index, epoch), lambda: self.compute(index, epoch))

    def compute(self, index: int, epoch: int) -> JobFate:
        job = self.record(index)
        return simulate(self.pipeline, [job], epoch).fates[job.job_id]

    def fixture(self, index: int) -> dict[str, Any]:
        """Job ``index`` as a plain fixture job: loading it renders the same documents."""
        job = self.record(index)
        tasks: dict[str, dict[str, Any]] = {}
        pairs = list(zip(self.pipeline.tasks, job.outcomes, strict=True))
        if self.pipeline.on_error is not None and job.on_error is not None:
            pairs.append((self.pipeline.on_error, job.on_error))
        for task, outcome in pairs:
            if not task.scripted:
                continue
            entry: dict[str, Any] = {"duration": _seconds(outcome.duration)}
            if outcome.exit_code != task.exit_code:
                entry["exit_code"] = outcome.exit_code
                if task.stdout is not None or task.stderr is not None:
                    # The pipeline's text was written for its own exit code: this job's is
                    # generated, and spelled out so the fixture does not inherit the pipeline's.
                    out = generated_output(self.generator, job.job_id, task.name, outcome.exit_code)
                    entry["stdout"], entry["stderr"] = out
            tasks[task.name] = entry
        doc: dict[str, Any] = {
            "id": job.job_id,
            "pipeline": job.pipeline,
            "created_ago": _seconds(job.ago),
            "user": job.user,
        }
        if self.spec.variables is not None:
            doc["variables"] = self.spec.variables
        if job.cancel_after is not None:
            doc["cancel_after"] = _seconds(job.cancel_after)
        if tasks:
            doc["tasks"] = tasks
        return doc


def _outcome(task: TaskDef, duration: int, exit_code: int) -> Outcome:
    # The pipeline's output was written for its own exit code; another one gets generated text.
    same = exit_code == task.exit_code
    return Outcome(
        duration if task.scripted else 0,
        exit_code,
        task.stdout if same else None,
        task.stderr if same else None,
    )


def _seconds(micros: int) -> Span:
    return Span(micros / SECOND)


def _main_run(pipeline: Pipeline, plans: tuple[TaskPlan, ...], longest: bool) -> int:
    outcomes = [
        Outcome(p.longest if longest else p.shortest, 0, None, None)
        if p.task.scripted
        else Outcome(0, 0, None, None)
        for p in plans
    ]
    return run_job(pipeline, outcomes, None, 0).main_end


def longest_run(pipeline: Pipeline, plans: tuple[TaskPlan, ...], on_error: TaskPlan | None) -> int:
    """The longest a generated job of the set can take, from scheduled to completed."""
    handler = on_error.longest if on_error is not None and on_error.task.scripted else 0
    return pipeline.start_delay + _main_run(pipeline, plans, longest=True) + handler


# --- building sets -----------------------------------------------------------------------------


def _plan(task: TaskDef, spec: fx.GenerateFixture) -> TaskPlan:
    if task.name in spec.durations:
        if not task.scripted:
            raise Invalid(("durations", task.name), "a task without script finishes at once")
        shortest, longest = spec.durations[task.name]
        return TaskPlan(task, to_micros(math.ceil(shortest)), to_micros(math.floor(longest)))
    if not task.scripted:
        return TaskPlan(task, 0, 0)
    if task.duration is None:
        low, high = GENERATED_SECONDS
        return TaskPlan(task, low * SECOND, high * SECOND)
    if task.duration >= NEVER:
        raise Invalid(
            ("durations",),
            f"task {task.name!r} never ends (duration: never): give it a range here, "
            f"e.g. {task.name}: [1m, 10m]",
        )
    return TaskPlan(task, task.duration, task.duration)


def _outcomes(
    spec: fx.GenerateFixture, pipeline: Pipeline, plans: tuple[TaskPlan, ...]
) -> list[tuple[str, int]]:
    impossible = {}
    if not any(p.task.scripted and not p.task.allow_failure for p in plans):
        impossible["failed"] = "the pipeline has no task that can fail it"
    if _main_run(pipeline, plans, longest=False) < CANCELABLE:
        impossible["canceled"] = "its jobs can run under 2s, too short to cancel"
    given = "outcomes" in spec.model_fields_set
    chosen: list[tuple[str, int]] = []
    for name, weight in spec.outcomes.items():
        if weight and name in impossible:
            if given:
                reason = impossible[name]
                raise Invalid(("outcomes", name), f"impossible for {pipeline.name}: {reason}")
            continue
        if weight:
            chosen.append((name, weight))
    if not chosen:
        raise Invalid(("outcomes",), "no outcome left that the pipeline's jobs can have")
    return chosen


def _check_spacing(spec: fx.GenerateFixture, pipeline: Pipeline, longest: int, epoch: int) -> None:
    # n jobs run at once only if the oldest and newest were created less than `longest` apart,
    # and they are at least (n - 1 - JITTER) * every apart: `concurrency + 1` never do when
    # longest <= (concurrency - JITTER) * every.
    # In tenths, exactly: JITTER is 0.9.
    needed = -(-longest * 10 // (pipeline.concurrency * 10 - 9))
    # A job scheduled while another waits out its delay would queue behind it (or replace it):
    # the next one comes at least (1 - JITTER) * every later.
    needed = max(needed, pipeline.start_delay * 10)
    if to_micros(spec.every) < needed:
        raise Invalid(
            ("every",),
            f"must be at least {format_duration(math.ceil(needed / SECOND))} for pipeline "
            f"{pipeline.name}: its jobs take up to {format_duration(longest / SECOND)} "
            f"(start_delay included), {pipeline.concurrency} may run at once, and generated "
            "jobs never wait for each other",
        )
    oldest = spec.until + (spec.count + 1) * spec.every
    if spec.count and oldest * SECOND >= epoch:
        raise Invalid(
            ("count",),
            f"{spec.count} jobs every {format_duration(spec.every)} reach back before 1970: "
            "lower 'count' or 'every'",
        )


def build_set(
    spec: fx.GenerateFixture, data: PrunnerData, generator: Generator, epoch: int
) -> GeneratedSet:
    """One set; ``Invalid`` names the field that is wrong."""
    pipeline = data.pipelines.get(spec.pipeline)
    if pipeline is None:
        known = ", ".join(sorted(data.pipelines)) or "none"
        message = f'pipeline "{spec.pipeline}" is not defined (defined: {known})'
        raise Invalid(("pipeline",), message)
    names = {task.name for task in pipeline.tasks}
    for name in spec.durations:
        if name not in names and not (name == ON_ERROR and pipeline.on_error is not None):
            raise Invalid(("durations", name), f"pipeline {pipeline.name} has no task {name!r}")
    plans = tuple(_plan(task, spec) for task in pipeline.tasks)
    on_error = _plan(pipeline.on_error, spec) if pipeline.on_error is not None else None
    outcomes = _outcomes(spec, pipeline, plans)
    _check_spacing(spec, pipeline, longest_run(pipeline, plans, on_error), epoch)
    return GeneratedSet(spec, pipeline, plans, on_error, outcomes, generator)


def load_sets(data: PrunnerData, generator: Generator, epoch: datetime) -> list[GeneratedSet]:
    """The sets of the fixtures' ``generate:`` blocks; problems name file, line and field."""
    sets: list[GeneratedSet] = []
    problems: list[FixtureProblem] = []
    seen: dict[str, str] = {}
    start = micros(epoch)
    for file, i, spec in data.generate:
        loc: Loc = ("generate", i)
        try:
            generated = build_set(spec, data, generator, start)
        except Invalid as exc:
            problems.append(file.problem((*loc, *exc.loc), exc.message))
            continue
        if spec.pipeline in seen:
            problems.append(
                file.problem(
                    (*loc, "pipeline"),
                    f"pipeline {spec.pipeline} already has a generated set (at "
                    f"{seen[spec.pipeline]}): one set per pipeline",
                )
            )
            continue
        seen[spec.pipeline] = f"{file.name}:{file.line_of(loc)}"
        generated.origin = (file, loc)
        sets.append(generated)
    if problems:
        raise FixtureError(problems)
    return sets
