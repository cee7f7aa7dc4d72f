"""A job's schedule + the clock -> prunner's documents, byte for byte (spec §3, §4, §5).

Field order is prunner's struct order: a job is ``id, pipeline, tasks, completed, canceled,
errored, created, start, end, lastError, variables, user``; a task is ``name, dependsOn, status,
start, end, skipped, exitCode, errored, error``. ``start`` and ``end`` are always present (null
when unset); ``dependsOn``, ``error``, ``lastError`` and ``variables`` are left out when empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jobmock.core.golang import encode, jsoniter_string, rfc3339_micros
from jobmock.vendors.prunner.graph import DONE, ERROR, TaskRun
from jobmock.vendors.prunner.records import NEVER, SECOND, Pipeline, TaskDef
from jobmock.vendors.prunner.schedule import JobFate

#: How often a task that never ends writes a line of its output.
ENDLESS_LINE_EVERY = 10 * SECOND
NULL = "null"


@dataclass(frozen=True, slots=True)
class TaskState:
    status: str
    start: int | None = None
    end: int | None = None
    exit_code: int = 0
    error: str | None = None

    @property
    def errored(self) -> bool:
        return self.error is not None


WAITING = TaskState("waiting")


def task_state(run: TaskRun | None, now: int, success_code: int) -> TaskState:
    if run is None or now < run.start:
        return WAITING
    shown = run.start if run.scripted else None
    if now < run.end:
        return TaskState("running", shown, None, -1)
    if run.final == DONE:
        if not run.scripted:
            return TaskState(DONE)
        return TaskState(DONE, run.start, run.end, run.exit_code or success_code)
    if run.final == ERROR:
        return TaskState(ERROR, shown, None, run.exit_code, f"exit status {run.exit_code}")
    return TaskState("canceled", shown, None, -1 if run.scripted else 0)


def task_runs(fate: JobFate, pipeline: Pipeline, now: int) -> list[tuple[TaskDef, TaskRun | None]]:
    """The job's tasks at ``now``: the pipeline's, plus ``on_error`` once it was appended."""
    run = fate.run
    if run is None or now < run.start:
        return [(task, None) for task in pipeline.tasks]
    pairs = list(zip(pipeline.tasks, run.tasks, strict=True))
    if run.on_error is not None and pipeline.on_error is not None and run.main_end <= now:
        pairs.append((pipeline.on_error, run.on_error))
    return pairs


def _time(micros: int | None) -> str:
    return NULL if micros is None else '"' + rfc3339_micros(micros) + '"'


def _task(task: TaskDef, state: TaskState) -> str:
    parts = ['{"name":', jsoniter_string(task.name)]
    if task.depends_on:
        parts += [',"dependsOn":[', ",".join(jsoniter_string(d) for d in task.depends_on), "]"]
    parts += [
        ',"status":"',
        state.status,
        '","start":',
        _time(state.start),
        ',"end":',
        _time(state.end),
        ',"skipped":false,"exitCode":',
        str(state.exit_code),
        ',"errored":',
        "true" if state.errored else "false",
    ]
    if state.error is not None:
        parts += [',"error":', jsoniter_string(state.error)]
    parts.append("}")
    return "".join(parts)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def job_json(fate: JobFate, pipeline: Pipeline, now: int, success_code: int) -> str:
    job, run = fate.job, fate.run
    states = [
        (task, task_state(task_run, now, success_code))
        for task, task_run in task_runs(fate, pipeline, now)
    ]
    completed = fate.completed(now)
    last_error = None
    if completed and run is not None:
        last_error = run.last_error
    elif fate.start_error is not None and fate.canceled(now):
        last_error = fate.start_error
    tasks = "[" + ",".join(_task(t, s) for t, s in states) + "]" if states else NULL
    parts = [
        '{"id":"',
        job.job_id,
        '","pipeline":',
        jsoniter_string(pipeline.name),
        ',"tasks":',
        tasks,
        ',"completed":',
        _bool(completed),
        ',"canceled":',
        _bool(fate.canceled(now)),
        ',"errored":',
        _bool(any(s.errored for _, s in states)),
        ',"created":',
        _time(fate.created),
        ',"start":',
        _time(run.start if run is not None and fate.started(now) else None),
        ',"end":',
        _time(run.end if run is not None and completed else None),
    ]
    if last_error is not None:
        parts += [',"lastError":', jsoniter_string(last_error)]
    if job.variables:
        parts += [',"variables":', encode(job.variables, jsoniter_string)]
    parts += [',"user":', jsoniter_string(job.user), "}"]
    return "".join(parts)


def document(text: str) -> bytes:
    """What json-iterator's ``Encoder.Encode`` writes: the value and a newline."""
    return (text + "\n").encode()


def error_json(message: str) -> bytes:
    return document('{"error":' + jsoniter_string(message) + "}")


def pipelines_json(pipelines: Iterable[tuple[str, bool, bool]]) -> str:
    """``(name, schedulable, running)`` per pipeline, sorted by name."""
    items = [
        '{"pipeline":'
        + jsoniter_string(name)
        + ',"schedulable":'
        + _bool(schedulable)
        + ',"running":'
        + _bool(running)
        + "}"
        for name, schedulable, running in sorted(pipelines)
    ]
    return "[" + ",".join(items) + "]"


def visible_output(text: str, run: TaskRun, now: int) -> str:
    """The part of a task's output written by ``now``: its lines spread evenly over its run."""
    cutoff = min(now, run.end)
    if cutoff < run.start or not text:
        return ""
    if cutoff >= run.start + run.planned:
        return text
    lines = text.splitlines(keepends=True)
    elapsed = cutoff - run.start
    if run.planned >= NEVER:
        count = elapsed // ENDLESS_LINE_EVERY + 1
    else:
        count = elapsed * len(lines) // run.planned + 1
    return "".join(lines[:count])


def logs_json(stdout: str, stderr: str) -> str:
    return '{"stdout":' + jsoniter_string(stdout) + ',"stderr":' + jsoniter_string(stderr) + "}"


def task_named(
    fate: JobFate, pipeline: Pipeline, name: str, now: int
) -> tuple[TaskDef, TaskRun | None] | None:
    for task, run in task_runs(fate, pipeline, now):
        if task.name == name:
            return task, run
    return None


OutputSource = Callable[[str], tuple[str, str]]
"""task name -> the task's whole (stdout, stderr) for this job."""


def logs(run: TaskRun | None, name: str, now: int, source: OutputSource) -> str:
    if run is None or now < run.start or not run.scripted:
        return logs_json("", "")
    stdout, stderr = source(name)
    return logs_json(visible_output(stdout, run, now), visible_output(stderr, run, now))
