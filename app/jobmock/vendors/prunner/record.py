"""Recording prunner jobs: each job's detail and its tasks' logs, as a fixture job of a pipeline
rebuilt from what the jobs show.

prunner's API never shows a pipeline's definition, so the recording infers one per pipeline
from its jobs: the tasks and their ``depends_on``; ``allow_failure`` where a task ended ``done``
with a failing exit code; a task without a script where one finished without a start; the
``start_delay`` (the shortest wait of a job that did not queue) and the ``concurrency`` (the
most jobs seen running at once). Scripts are not shown either: each task gets ``[<name>]``.
A job's state is then replayed from its pipeline, exactly as any fixture job: each task runs as
long as it ran, ends with its exit code and writes its logs; a task killed (by a failure or a
cancel) runs until the moment it was killed; a task still running when recorded never ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobmock.core.export import Span
from jobmock.core.recording.api import VendorApi
from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.options import unused
from jobmock.core.recording.vendor import (
    Progress,
    RecordedJob,
    RecordOptions,
    Seen,
    timestamp,
)
from jobmock.vendors.prunner import SPEC
from jobmock.vendors.prunner.records import CONTEXT_CANCELED

SLUG = SPEC.slug
ON_ERROR = "on_error"
#: Past its kill by this much, so a killed task shows all the output it wrote.
KILLED_PAST = 1e-6
#: The subject of a token the recording signs itself.
SUBJECT = "jobmock-record"


class PrunnerRecorder:
    personal = frozenset({"user"})

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Any]] = {}
        self._pipelines: list[str] = []

    def connect(self, options: RecordOptions) -> VendorApi:
        unused(options, SLUG, "workspace", "project")
        if options.credential and options.jwt_secret:
            raise RecordError(f"{SLUG}: give a token (--credential) or --jwt-secret, not both")
        token = options.credential
        if options.jwt_secret:
            from jobmock.core.auth import mint_jwt

            token = mint_jwt(options.jwt_secret, {"sub": SUBJECT})
        if not token:
            raise RecordError(
                f"{SLUG}: give a JWT (sent as Authorization: Bearer) as --credential, or the "
                "HS256 secret of prunner's .prunner.yml as --jwt-secret"
            )
        return VendorApi(
            SPEC.title, options.base_url, {"Authorization": f"Bearer {token}"}, options.timeout
        )

    def job_ids(self, api: VendorApi) -> list[str]:
        body = api.get("/pipelines/jobs", about="the job list").body
        self._pipelines = [item["pipeline"] for item in body["pipelines"]]
        return [job["id"] for job in reversed(body["jobs"])]

    def _detail(self, api: VendorApi, job_id: str) -> Any:
        return api.get("/job/detail", {"id": job_id}, about=f"job {job_id}")

    def record(self, api: VendorApi, job_id: str) -> RecordedJob:
        doc = self._detail(api, job_id).body
        self._docs[doc["id"]] = doc
        job: dict[str, Any] = {"id": doc["id"], "pipeline": doc["pipeline"]}
        job["created"] = doc["created"]
        if doc.get("user"):
            job["user"] = doc["user"]
        if doc.get("variables"):
            job["variables"] = doc["variables"]
        main_end = _main_end(doc)
        if doc["canceled"] and _cancel_requested(doc):
            # Waiting jobs have no start: any moment before they would have started will do.
            ended = doc["start"] is None or main_end is None
            at = 0.0 if ended else _seconds(doc["created"], str(main_end))
            job["cancel_after"] = Span(at)
        tasks: dict[str, Any] = {}
        for task in doc["tasks"] or []:
            outcome = _outcome(task, main_end)
            if task["start"] is not None:
                logs = api.get(
                    "/job/logs",
                    {"id": doc["id"], "task": task["name"]},
                    about=f"the logs of task {task['name']} of job {job_id}",
                ).body
                outcome.update((name, logs[name]) for name in ("stdout", "stderr") if logs[name])
            if outcome:
                tasks[task["name"]] = outcome
        if tasks:
            job["tasks"] = tasks
        return RecordedJob(doc["id"], job)

    def progress(self, api: VendorApi, job_id: str) -> Progress:
        answer = self._detail(api, job_id)
        doc = answer.body
        states = {task["name"]: task["status"] for task in doc["tasks"] or []}
        ended = doc["completed"] or (doc["canceled"] and doc["start"] is None)
        return Progress(states, bool(ended), answer.at)

    def with_timeline(self, recorded: RecordedJob, seen: list[Seen]) -> RecordedJob:
        """A job's pace is in its document (task start and end), except when a failed task
        failed: prunner shows no end for it. The job's end bounds it (exact when the failure
        stopped the job); the poll that first saw it failed may say earlier (a pipeline that
        runs on after a failure)."""
        doc = self._docs[recorded.job_id]
        tasks = recorded.job.get("tasks", {})
        for task in doc["tasks"] or []:
            failed = next((s for s in seen if s.unit == task["name"] and s.state == "error"), None)
            if failed is not None and task["start"] is not None and task["name"] in tasks:
                seen_after = (failed.at - timestamp(task["start"])).total_seconds()
                outcome = tasks[task["name"]]
                # Never past the end the document shows: a poll sees a failure late, if at all.
                outcome["duration"] = Span(min(seen_after, outcome["duration"]))
        return recorded

    def definitions(self, _options: RecordOptions, jobs: list[RecordedJob]) -> dict[str, Any]:
        docs = [self._docs[job.job_id] for job in jobs]
        pipelines: dict[str, Any] = {name: {"tasks": {}} for name in self._pipelines}
        for name in dict.fromkeys(doc["pipeline"] for doc in docs):
            pipelines[name] = _pipeline([doc for doc in docs if doc["pipeline"] == name])
        out: dict[str, Any] = {}
        codes = {
            task["exitCode"]
            for doc in docs
            for task in doc["tasks"] or []
            if task["status"] == "done" and task["start"] is not None
        }
        if 0 in codes and -1 not in codes:
            out["success_exit_code"] = 0
        out["pipelines"] = dict(sorted(pipelines.items()))
        return out


def _seconds(since: str, until: str) -> float:
    return (timestamp(until) - timestamp(since)).total_seconds()


def _main_end(doc: dict[str, Any]) -> str | None:
    """When the task graph finished: when ``on_error`` started, else when the job ended."""
    handler = next((t for t in doc["tasks"] or [] if t["name"] == ON_ERROR), None)
    if handler is not None and handler["start"] is not None:
        return str(handler["start"])
    return None if doc["end"] is None else str(doc["end"])


def _cancel_requested(doc: dict[str, Any]) -> bool:
    """Canceled by a request, not by its own failure (or a start that failed)."""
    if doc["start"] is None:
        return not doc.get("lastError")
    tasks = doc["tasks"] or []
    failed = any(task["status"] == "error" for task in tasks)
    return doc.get("lastError") == CONTEXT_CANCELED and not failed


def _outcome(task: dict[str, Any], main_end: str | None) -> dict[str, Any]:
    status, start = task["status"], task["start"]
    outcome: dict[str, Any] = {}
    if start is None:
        return outcome
    if status == "done":
        outcome["duration"] = Span(_seconds(start, task["end"]))
        if task["exitCode"] not in (-1, 0):
            outcome["exit_code"] = task["exitCode"]
    elif status == "error":
        outcome["duration"] = Span(_seconds(start, main_end) if main_end else 0.0)
        outcome["exit_code"] = task["exitCode"]
    elif status == "canceled" and main_end is not None:
        outcome["duration"] = Span(_seconds(start, main_end) + KILLED_PAST)
    else:  # still running when recorded: it stays so
        outcome["duration"] = "never"
    return outcome


def _pipeline(docs: list[dict[str, Any]]) -> dict[str, Any]:
    tasks: dict[str, dict[str, Any]] = {}
    on_error: dict[str, Any] | None = None
    for doc in docs:
        for task in doc["tasks"] or []:
            name = task["name"]
            scripted = task["start"] is not None or task["status"] != "done"
            if name == ON_ERROR and not task.get("dependsOn"):
                on_error = {"script": [name]} if scripted else {}
                continue
            entry = tasks.setdefault(name, {"script": [name]})
            if task.get("dependsOn"):
                entry["depends_on"] = list(task["dependsOn"])
            if not scripted:
                entry["script"] = []
            if task["status"] == "done" and task["exitCode"] not in (-1, 0):
                entry["allow_failure"] = True
    pipeline: dict[str, Any] = {"concurrency": _concurrency(docs)}
    waits = [_seconds(doc["created"], doc["start"]) for doc in docs if doc["start"] is not None]
    delay = min(waits, default=0.0)
    if delay > 0:
        pipeline["start_delay"] = f"{delay:g}s"
    pipeline["tasks"] = tasks
    if on_error is not None:
        pipeline["on_error"] = on_error
    return pipeline


def _concurrency(docs: list[dict[str, Any]]) -> int:
    """The most of these jobs that ran at once (at least one)."""
    events: list[tuple[datetime, int]] = []
    for doc in docs:
        if doc["start"] is None:
            continue
        events.append((timestamp(doc["start"]), 1))
        if doc["end"] is not None:
            events.append((timestamp(doc["end"]), -1))
    most = running = 0
    for _, step in sorted(events):  # an end sorts before a start at the same second
        running += step
        most = max(most, running)
    return max(1, most)
