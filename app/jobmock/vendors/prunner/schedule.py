"""A pipeline's schedule: which of its jobs start when, wait, get replaced, canceled, or end.

prunner decides a job's fate from the other jobs of its pipeline (concurrency, the wait list,
``queue_limit``, ``queue_strategy``, ``start_delay``). jobmock never runs anything in the
background: ``simulate`` replays the pipeline's client events (schedules and cancel requests,
all in the past) through prunner v1.3.0's rules (prunner.go ``ScheduleAsync``,
``resolveScheduleAction``, ``startJobsOnWaitList``, ``StartDelayedJob``, ``cancelJobInternal``)
and returns every job's whole future until the next client event. A request then reads the
state at its own moment from that plan; the backend recomputes the plan only when a client
changes something.

Events at the same instant: the jobs' own (a job completes, a start delay elapses) come before
client requests, which keep their order of arrival.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from jobmock.vendors.prunner.graph import JobRun, run_job
from jobmock.vendors.prunner.records import RESERVED_VARIABLE, Pipeline, PrunnerJob


class Action(Enum):
    START = "start"
    QUEUE = "queue"
    REPLACE = "replace"
    NO_QUEUE = "concurrency exceeded and queueing disabled for pipeline"
    QUEUE_FULL = "concurrency exceeded and queue limit reached for pipeline"

    @property
    def accepted(self) -> bool:
        return self in (Action.START, Action.QUEUE, Action.REPLACE)


START_ERROR = f"variable name {RESERVED_VARIABLE} is reserved for internal use"


@dataclass(slots=True)
class JobFate:
    """Everything that happens to one job, as times (microseconds)."""

    job: PrunnerJob
    created: int
    index: int = 0
    """Position among the pipeline's jobs, newest first (for ``retention_count``)."""
    queued: int | None = None
    dequeued: int | None = None
    """When it left the wait list; None while it is still there."""
    canceled_at: int | None = None
    """Canceled without running: in the queue, replaced, or failed to start."""
    start_error: str | None = None
    run: JobRun | None = None
    cancels: list[int] = field(default_factory=list)
    timer: bool = False
    """Its start delay has not elapsed (prunner's ``startTimer != nil``)."""
    refused: Action | None = None
    """prunner would have refused it (only possible for fixtures or a clock moved back)."""
    generation: int = 0
    rendered: dict[int, str] = field(default_factory=dict)
    """Its document per span between two changes (see ``span``), rendered once."""
    _changes: tuple[int, ...] | None = None

    def span(self, now: int) -> int:
        """Which stretch of the job's life ``now`` falls in: its document is the same all along
        one stretch, since every field flips at one of these instants."""
        if self._changes is None:
            times = {self.canceled_at} if self.canceled_at is not None else set()
            if self.run is not None:
                times |= {self.run.start, self.run.main_end, self.run.end}
                for task in (*self.run.tasks, self.run.on_error):
                    if task is not None:
                        times |= {task.start, task.end}
            self._changes = tuple(sorted(times))
        return bisect.bisect_right(self._changes, now)

    def started(self, now: int) -> bool:
        return self.run is not None and self.run.start <= now

    def completed(self, now: int) -> bool:
        return self.run is not None and self.run.end <= now

    def canceled(self, now: int) -> bool:
        if self.canceled_at is not None and self.canceled_at <= now:
            return True
        return self.completed(now) and self.run is not None and self.run.canceled

    def running(self, now: int) -> bool:
        return self.run is not None and self.run.start <= now < self.run.end

    def waiting(self, now: int) -> bool:
        return (
            self.queued is not None
            and self.queued <= now
            and (self.dequeued is None or now < self.dequeued)
        )


@dataclass
class PipelineSchedule:
    pipeline: Pipeline
    fates: dict[str, JobFate]

    def is_running(self, now: int) -> bool:
        return any(fate.running(now) for fate in self.fates.values())


def resolve(pipeline: Pipeline, running: int, waiting: int, ignore_delay: bool) -> Action:
    if running >= pipeline.concurrency or (pipeline.start_delay > 0 and not ignore_delay):
        if pipeline.queue_limit == 0:
            return Action.NO_QUEUE
        if pipeline.replace and waiting > 0:
            return Action.REPLACE
        if pipeline.queue_limit is not None and waiting >= pipeline.queue_limit:
            return Action.QUEUE_FULL
        return Action.QUEUE
    return Action.START


_INTERNAL, _CLIENT = 0, 1
_COMPLETE, _TIMER = 0, 1
_SCHEDULE, _CANCEL = 0, 1


class _Replay:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.heap: list[tuple[int, int, int, int, int, str, JobFate]] = []
        self.counter = itertools.count()
        self.running: dict[str, JobFate] = {}
        self.waiting: list[JobFate] = []

    def push(self, when: int, phase: int, order: int, sub: int, kind: str, fate: JobFate) -> None:
        heapq.heappush(self.heap, (when, phase, order, sub, next(self.counter), kind, fate))

    def run(self) -> None:
        while self.heap:
            when, _, _, _, generation, kind, fate = heapq.heappop(self.heap)
            if kind == "schedule":
                self.schedule(fate, when)
            elif kind == "cancel":
                self.cancel(fate, when)
            elif kind == "timer":
                self.timer(fate, when)
            elif kind == "complete" and generation == fate.generation:
                self.complete(fate, when)

    def resolve(self, ignore_delay: bool) -> Action:
        return resolve(self.pipeline, len(self.running), len(self.waiting), ignore_delay)

    def schedule(self, fate: JobFate, now: int) -> None:
        action = self.resolve(ignore_delay=False)
        if not action.accepted:
            fate.refused, action = action, Action.QUEUE
        if self.pipeline.start_delay > 0:
            fate.timer = True
            self.push(
                now + self.pipeline.start_delay, _INTERNAL, fate.job.seq, _TIMER, "timer", fate
            )
        if action is Action.START:
            self.start(fate, now)
            return
        fate.queued = now
        if action is Action.REPLACE:
            previous = self.waiting[-1]
            if previous.canceled_at is None:
                previous.canceled_at = now
            previous.timer = False
            previous.dequeued = now
            self.waiting[-1] = fate
        else:
            self.waiting.append(fate)

    def start(self, fate: JobFate, now: int) -> None:
        if fate.canceled_at is not None:
            return
        variables = fate.job.variables or {}
        if self.pipeline.tasks and RESERVED_VARIABLE in variables:
            fate.start_error, fate.canceled_at = START_ERROR, now
            self.start_waiting(now)
            return
        self.running[fate.job.job_id] = fate
        self.plan(fate, now)

    def plan(self, fate: JobFate, start: int) -> None:
        job = fate.job
        fate.run = run_job(self.pipeline, job.outcomes, job.on_error, start, fate.cancels)
        fate.generation = next(self.counter)
        # The completion event carries the generation it was planned with (see ``run``).
        heapq.heappush(
            self.heap,
            (fate.run.end, _INTERNAL, job.seq, _COMPLETE, fate.generation, "complete", fate),
        )

    def complete(self, fate: JobFate, now: int) -> None:
        self.running.pop(fate.job.job_id, None)
        self.start_waiting(now)

    def timer(self, fate: JobFate, now: int) -> None:
        if not fate.timer or fate.canceled_at is not None:
            # A canceled job keeps its pending timer, so a canceled delayed job at the head of
            # the wait list holds the queue (prunner.go StartDelayedJob returns early).
            return
        fate.timer = False
        self.start_waiting(now)

    def start_waiting(self, now: int) -> None:
        while self.waiting:
            head = self.waiting[0]
            ignore_delay = self.pipeline.start_delay > 0 and not head.timer
            if self.resolve(ignore_delay) is not Action.START or head.timer:
                break
            self.waiting.pop(0)
            head.dequeued = now
            self.start(head, now)

    def cancel(self, fate: JobFate, now: int) -> None:
        if fate.canceled(now) or fate.completed(now):
            return
        if fate.run is None:
            fate.canceled_at = now  # queued: marked canceled, stays on the wait list
            return
        fate.cancels.append(now)
        self.plan(fate, fate.run.start)


def simulate(pipeline: Pipeline, jobs: Iterable[PrunnerJob], epoch: int) -> PipelineSchedule:
    replay = _Replay(pipeline)
    fates: dict[str, JobFate] = {}
    for job in jobs:
        created = job.created_at(epoch)
        fate = fates[job.job_id] = JobFate(job, created)
        replay.push(created, _CLIENT, job.seq, _SCHEDULE, "schedule", fate)
        if job.cancel_after is not None:
            replay.push(created + job.cancel_after, _CLIENT, job.seq, _CANCEL, "cancel", fate)
        for when, seq in job.cancels:
            replay.push(when, _CLIENT, seq, _CANCEL, "cancel", fate)
    replay.run()
    newest_first = sorted(fates.values(), key=lambda f: (f.created, f.job.seq), reverse=True)
    for index, fate in enumerate(newest_first):
        fate.index = index
    return PipelineSchedule(pipeline, fates)
