"""One job's task graph on the clock, as prunner's scheduler and task runner execute it.

``run_job`` is a pure function of the pipeline, the job's outcomes, its start time and the cancel
requests it got: it returns when every task starts and how it ends. The rules (spec §4.3, §6,
prunner.go, taskctl/scheduler.go and runner.go):

- a task starts when every dependency is done (an ``allow_failure`` task that failed is done);
  every ready task starts at once, there is no per-job concurrency limit;
- a failed task (non-zero exit, no ``allow_failure``) ends ``error``; its dependants never start
  and stay ``waiting``. Unless ``continue_running_tasks_after_failure``, the failure cancels the
  job: running tasks are killed (``canceled``) and nothing else starts;
- a cancel request kills the running tasks the same way;
- ``lastError`` is the last error a stage without ``allow_failure`` reported: ``exit status N``
  for a failure, ``context canceled`` for a killed task, which is reported after the failure
  that caused the kill. The job ends ``canceled`` when that last error is ``context canceled``;
- with a ``lastError`` and an ``on_error`` handler, a task ``on_error`` is appended and run
  before the job completes (a later cancel request kills it).

At one instant, the tasks' own events (ends, then the starts they allow) come before a client's
request, so a cancel at the second a task ends finds it done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from jobmock.vendors.prunner.records import CONTEXT_CANCELED, Outcome, Pipeline, TaskDef

DONE, ERROR, CANCELED = "done", "error", "canceled"


@dataclass(frozen=True, slots=True)
class TaskRun:
    """A task that started: when, until when, and how it ended (or will end)."""

    start: int
    end: int
    """When it reaches ``final``: its planned end, or when it was killed."""
    final: str
    exit_code: int
    scripted: bool
    planned: int
    """Its planned run time, over which its output is spread."""


@dataclass(frozen=True, slots=True)
class JobRun:
    start: int
    tasks: tuple[TaskRun | None, ...]
    """Per task of the pipeline; None for a task that never starts."""
    main_end: int
    """When the task graph finished (``on_error`` is appended then)."""
    end: int
    """When the job completes."""
    last_error: str | None
    on_error: TaskRun | None = None

    @property
    def canceled(self) -> bool:
        return self.last_error == CONTEXT_CANCELED


def task_order(dependencies: Mapping[str, Iterable[str]]) -> list[str] | None:
    """prunner's display order (``sortTasksByDependencies``): Kahn's algorithm taking the
    smallest name first, i.e. the lexicographically smallest topological order. None if the
    graph has a cycle."""
    incoming = {name: set(deps) for name, deps in dependencies.items()}
    ready = sorted(name for name, deps in incoming.items() if not deps)
    order: list[str] = []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for other, deps in incoming.items():
            if name in deps:
                deps.discard(name)
                if not deps:
                    ready.append(other)
        ready.sort()
    return order if len(order) == len(incoming) else None


def _finish(task: TaskDef, outcome: Outcome, start: int, end: int) -> TaskRun:
    code = outcome.exit_code if task.scripted else 0
    final = DONE if code == 0 or task.allow_failure else ERROR
    return TaskRun(start, end, final, code, task.scripted, end - start)


def _killed(run: TaskRun, when: int) -> TaskRun:
    return TaskRun(run.start, when, CANCELED, -1, run.scripted, run.planned)


def run_job(
    pipeline: Pipeline,
    outcomes: Sequence[Outcome],
    on_error: Outcome | None,
    start: int,
    cancels: Iterable[int] = (),
) -> JobRun:
    tasks = pipeline.tasks
    index = {task.name: i for i, task in enumerate(tasks)}
    deps = [tuple(index[d] for d in task.depends_on) for task in tasks]
    runs: list[TaskRun | None] = [None] * len(tasks)
    ok = [False] * len(tasks)
    running: dict[int, TaskRun] = {}
    errors: list[str] = []
    pending = deque(sorted(cancels))

    def start_ready(now: int) -> None:
        for i, task in enumerate(tasks):
            if runs[i] is None and i not in running and all(ok[d] for d in deps[i]):
                duration = outcomes[i].duration if task.scripted else 0
                running[i] = TaskRun(
                    start=now,
                    end=now + duration,
                    final="",
                    exit_code=-1,
                    scripted=task.scripted,
                    planned=duration,
                )

    def kill_all(now: int) -> None:
        for i in sorted(running):
            runs[i] = _killed(running[i], now)
            if not tasks[i].allow_failure:
                errors.append(CONTEXT_CANCELED)
        running.clear()

    now = start
    start_ready(now)
    while running:
        next_end = min(run.end for run in running.values())
        if pending and pending[0] < next_end:
            now = max(pending.popleft(), now)
            kill_all(now)
            break
        now = next_end
        failed = False
        for i in sorted(i for i, run in running.items() if run.end == now):
            planned = running.pop(i)
            runs[i] = finished = _finish(tasks[i], outcomes[i], planned.start, now)
            if finished.final == ERROR:
                errors.append(f"exit status {finished.exit_code}")
                failed = True
            else:
                ok[i] = True
        if failed and pipeline.fail_fast:
            kill_all(now)
            break
        start_ready(now)
    main_end = now
    last_error = errors[-1] if errors else None
    handler = None
    end = main_end
    if last_error is not None and pipeline.on_error is not None and on_error is not None:
        handler = _handler_run(pipeline.on_error, on_error, main_end, pending)
        end = handler.end
    return JobRun(start, tuple(runs), main_end, end, last_error, handler)


def _handler_run(task: TaskDef, outcome: Outcome, start: int, pending: deque[int]) -> TaskRun:
    duration = outcome.duration if task.scripted else 0
    planned = TaskRun(start, start + duration, "", -1, task.scripted, duration)
    while pending and pending[0] < start:
        pending.popleft()
    if pending and pending[0] < planned.end:
        return _killed(planned, pending[0])
    return _finish(task, outcome, start, planned.end)
