"""A pipeline's jobs at any moment: its explicit jobs simulated with the generated ones they meet.

prunner decides a job's fate from the other jobs of its pipeline. Generated jobs never meet each
other (``generated.py`` refuses a set whose spacing would let them), so a generated job's fate
is its own unless an explicit job (a fixture, one a client scheduled, added or changed) shares
its time. ``build_state`` simulates the explicit jobs together with the generated jobs whose
lives overlap theirs: the ones created within the longest generated run before an explicit job
was scheduled, up to when it ended. A generated job whose fate changes there (it waited behind
an explicit job, or a newer one replaced it) widens the window in turn, until nothing changes.
That touches a handful of generated jobs, whatever the set's size; every other one is computed
from its index alone when it is read.

Positions among a pipeline's jobs (for ``retention_count``) and the listing merge the
simulated jobs with the rest of the set arithmetically, by creation time.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from jobmock.core.fixture_files import FixtureError, FixtureProblem
from jobmock.vendors.prunner.generated import GeneratedSet
from jobmock.vendors.prunner.loader import PrunnerData
from jobmock.vendors.prunner.records import NEVER, Pipeline, PrunnerJob
from jobmock.vendors.prunner.schedule import Action, JobFate, PipelineSchedule, resolve, simulate

#: The most generated jobs an explicit job may push around before the fixture is refused.
MAX_TOUCHED = 2000


class Tangled(Exception):
    """Explicit jobs would change the fate of too many generated ones (or of one prunner would
    have refused): the set cannot be computed from the index any more."""

    def __init__(self, job_id: str, message: str) -> None:
        super().__init__(message)
        self.job_id = job_id
        self.message = message


def _end(fate: JobFate) -> int:
    """When the job stops holding a slot or a place on the wait list."""
    if fate.run is not None:
        return fate.run.end
    return fate.dequeued if fate.dequeued is not None else NEVER


def _same(a: JobFate, b: JobFate) -> bool:
    return (a.created, a.queued, a.dequeued, a.canceled_at, a.start_error, a.run) == (
        b.created,
        b.queued,
        b.dequeued,
        b.canceled_at,
        b.start_error,
        b.run,
    )


def _key(fate: JobFate) -> tuple[int, int]:
    return fate.created, fate.job.seq


@dataclass
class PipelineState:
    pipeline: Pipeline
    schedule: PipelineSchedule
    """The explicit jobs and the generated jobs simulated with them."""
    generated: GeneratedSet | None
    epoch: int
    special: list[int] = field(default_factory=list)
    """Sorted indices of generated jobs not computed alone: simulated here, or changed by a
    client (canceled, deleted)."""
    _special: frozenset[int] = frozenset()
    _keys: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._special = frozenset(self.special)
        self._keys = sorted(_key(f) for f in self.schedule.fates.values())

    # --- one job -------------------------------------------------------------------------------

    def generated_fate(self, index: int, job_id: str = "") -> JobFate | None:
        """Generated job ``index`` (None if a client changed it: it is explicit, or deleted)."""
        assert self.generated is not None
        fate = self.schedule.fates.get(job_id or self.generated.job_id(index))
        if fate is not None:
            return fate
        if index in self._special:
            return None
        return self.generated.fate(index, self.epoch)

    def _generated_newer(self, created: int, seq: int) -> int:
        """Generated jobs computed alone that are newer than (created, seq)."""
        if self.generated is None:
            return 0
        bound = self.generated.first_at_or_before(created, self.epoch)
        tie = bound < self.generated.count and self.generated.created(bound, self.epoch) == created
        if tie and -1 - bound > seq:  # created at the same microsecond, scheduled later
            bound += 1
        return bound - bisect_left(self.special, bound)

    def rank(self, fate: JobFate) -> int:
        """How many of the pipeline's jobs are newer (``retention_count`` keeps the first N)."""
        key = _key(fate)
        return len(self._keys) - bisect_right(self._keys, key) + self._generated_newer(*key)

    def visible(self, fate: JobFate, now: int, rank: int | None = None) -> bool:
        """False once ``retention_period`` or ``retention_count`` removed a finished job."""
        if not (fate.completed(now) or fate.canceled(now)):
            return True
        pipeline = self.pipeline
        if pipeline.retention_period and now - fate.created > pipeline.retention_period:
            return False
        if not pipeline.retention_count:
            return True
        return (self.rank(fate) if rank is None else rank) < pipeline.retention_count

    # --- the pipeline now ----------------------------------------------------------------------

    def _active_generated(self, now: int) -> Iterator[JobFate]:
        generated = self.generated
        if generated is None:
            return
        first = generated.first_at_or_before(now, self.epoch)
        last = generated.first_at_or_before(now - generated.longest - 1, self.epoch)
        for index in range(first, last):
            if index not in self._special:
                yield generated.fate(index, self.epoch)

    def resolve(self, now: int) -> Action:
        """What prunner would do with a job scheduled at ``now``."""
        fates = [*self.schedule.fates.values(), *self._active_generated(now)]
        running = sum(1 for fate in fates if fate.running(now))
        waiting = sum(1 for fate in fates if fate.waiting(now))
        return resolve(self.pipeline, running, waiting, ignore_delay=False)

    def is_running(self, now: int) -> bool:
        return self.schedule.is_running(now) or any(
            fate.running(now) for fate in self._active_generated(now)
        )

    # --- listing -------------------------------------------------------------------------------

    def jobs(self, now: int) -> Iterator[JobFate]:
        """Every visible job of the pipeline, newest first."""
        explicit = sorted(self.schedule.fates.values(), key=_key, reverse=True)
        streams = [(f for f in explicit if self.visible(f, now)), self._generated_jobs(now)]
        return heapq.merge(*streams, key=lambda f: (-f.created, -f.job.seq))

    def _generated_jobs(self, now: int) -> Iterator[JobFate]:
        generated = self.generated
        if generated is None:
            return
        # From here on every job computed alone has finished, and once one of them is gone by
        # retention, every older one is too.
        settled = generated.first_at_or_before(now - generated.longest, self.epoch)
        special = 0
        for index in range(generated.count):
            if index in self._special:
                special += 1
                continue
            fate = generated.compute(index, self.epoch)
            rank = None
            if self.pipeline.retention_count:
                newer = len(self._keys) - bisect_right(self._keys, _key(fate))
                rank = newer + index - special
            if self.visible(fate, now, rank):
                yield fate
            elif index >= settled:
                return


def build_state(
    pipeline: Pipeline,
    explicit: list[PrunnerJob],
    generated: GeneratedSet | None,
    changed: frozenset[int],
    epoch: int,
) -> PipelineState:
    """Simulate the explicit jobs with the generated jobs they meet (see the module's doc)."""
    included: dict[str, int] = {}
    records: list[PrunnerJob] = []
    while True:
        schedule = simulate(pipeline, [*explicit, *records], epoch)
        if generated is None:
            return PipelineState(pipeline, schedule, None, epoch)
        taken = {*included.values(), *changed}
        wanted: set[int] = set()
        for fate in schedule.fates.values():
            index = included.get(fate.job.job_id)
            if index is not None:
                if fate.refused is not None:
                    raise Tangled(
                        fate.job.job_id,
                        f"prunner would have refused generated job {fate.job.job_id}: "
                        f"{fate.refused.value}",
                    )
                if _same(fate, generated.fate(index, epoch)):
                    continue
            first = generated.first_at_or_before(_end(fate), epoch)
            last = generated.first_at_or_before(fate.created - generated.longest - 1, epoch)
            last = min(last, first + MAX_TOUCHED + 1)
            wanted.update(i for i in range(first, last) if i not in taken)
            if len(included) + len(wanted) > MAX_TOUCHED:
                raise Tangled(
                    fate.job.job_id,
                    f"job {fate.job.job_id} runs alongside more than {MAX_TOUCHED} generated "
                    f"jobs of pipeline {pipeline.name} (jobmock simulates at most that many "
                    "with it): move it, or end it sooner",
                )
        if not wanted:
            return PipelineState(pipeline, schedule, generated, epoch, sorted(taken))
        for index in sorted(wanted):
            job = generated.record(index)
            included[job.job_id] = index
            records.append(job)


def check_sets(data: PrunnerData, sets: Sequence[GeneratedSet], epoch: int) -> None:
    """Fixture jobs that share their time with generated ones: a FixtureError when prunner
    would have refused one of them, or they push back too many generated jobs."""
    problems = []
    for generated in sets:
        pipeline = generated.pipeline
        jobs = [job for job in data.jobs.values() if job.pipeline == pipeline.name]
        if not jobs:
            continue
        try:
            state = build_state(pipeline, jobs, generated, frozenset(), epoch)
        except Tangled as exc:
            problems.append(_problem(data, generated, exc.job_id, exc.message))
            continue
        for fate in state.schedule.fates.values():
            if fate.refused is not None and fate.job.job_id in data.origins:
                message = (
                    f"prunner would refuse this job when it is scheduled: {fate.refused.value} "
                    f"(generated jobs of pipeline {pipeline.name} run then)"
                )
                problems.append(_problem(data, generated, fate.job.job_id, message))
    if problems:
        raise FixtureError(problems)


def _problem(
    data: PrunnerData, generated: GeneratedSet, job_id: str, message: str
) -> FixtureProblem:
    file, loc = data.origins.get(job_id) or generated.origin
    return file.problem(loc, message)
