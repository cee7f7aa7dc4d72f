"""Intuned rules: who may see what, jobs (create, update, delete, pause, resume, trigger) and
their runs (list, read, terminate), runs fired by schedules.

The backend takes plain values (the API key, path ids, query mapping, raw body bytes) and returns
wire models; it never sees a FastAPI request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from jobmock.core.auth import ApiKeyHeader, ApiKeyWording
from jobmock.core.documents import Documents
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fixture_files import Invalid, format_loc
from jobmock.core.generate import Generator
from jobmock.core.lifecycle import Step, Timeline
from jobmock.core.store import Store
from jobmock.vendors.intuned import documents as d
from jobmock.vendors.intuned import reads, render
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_jobs import job_config
from jobmock.vendors.intuned.fixture_models import UUID_RE
from jobmock.vendors.intuned.generated import GeneratedSet
from jobmock.vendors.intuned.loader import VENDOR, IntunedData
from jobmock.vendors.intuned.ordering import Facts, Order, page, sort_by, sort_keys
from jobmock.vendors.intuned.records import (
    ACTIVE,
    PAUSED_BY_USER,
    TERMINATED_BY_USER,
    TRANSITION,
    Era,
    IntunedJob,
    JobConfig,
    Project,
    canceled_run,
    new_run,
)
from jobmock.vendors.intuned.render import RunView
from jobmock.vendors.intuned.requests import page_param, parse_body, parse_timeline_header
from jobmock.vendors.intuned.webhooks import IntunedWebhooks

#: Create Job's rule for ids ("a valid URL slug", at least 7 characters), checked on every path.
SLUG_RE = re.compile(r"[a-zA-Z0-9\-_]{7,}")

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
TRIGGERED = "Job triggered successfully."
TERMINATED = "JobRun terminated successfully."
WORDING = ApiKeyWording(
    missing="API key is missing: send it in the x-api-key header.",
    invalid="Invalid API key.",
)


def facts(view: RunView) -> Facts:
    """What ``view`` sorts by in getJobRuns."""
    payloads, successful, failed = view.counts
    return Facts(
        id=view.run.id,
        start_time=view.start_time,
        end_time=view.end_time,
        created_at=view.anchor,
        updated_at=view.updated_at,
        type=view.run.type,
        status=view.status,
        payloads=payloads,
        successful_runs=successful,
        failed_runs=failed,
    )


class IntunedBackend(IntunedWebhooks):
    def __init__(
        self,
        data: IntunedData,
        store: Store,
        generator: Generator,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        super().__init__(data, store, generator, sets)
        self.auth = ApiKeyHeader("x-api-key", data.api_keys(), store.clock.now, WORDING)
        self.documents = Documents(store)
        """The documents of the hot reads (``reads.py``), kept while they cannot change."""

    # --- who and what ----------------------------------------------------------------------------

    def _project(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str | None = None
    ) -> Project:
        """Checks in the order: key, malformed ids (400), workspace, project (404)."""
        key = self.auth.authenticate(api_key)
        if job_id is not None and not SLUG_RE.fullmatch(job_id):
            raise BadRequest(
                "Invalid jobId: it must be a URL slug of at least 7 letters, digits, '-' or '_'.",
                reason="job_id",
            )
        if not UUID_RE.fullmatch(workspace_id):
            raise BadRequest("Invalid workspaceId: it must be a UUID.", reason="workspace_id")
        if workspace_id.lower() != key.scope.lower():
            # Another workspace is as invisible to this key as one that does not exist.
            raise NotFound(f"Workspace {workspace_id} not found.", reason="workspace")
        project = self.data.projects.get((key.scope, project_name))
        if project is None:
            raise NotFound(f"Project '{project_name}' not found.", reason="project")
        return project

    def _job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> IntunedJob:
        project = self._project(api_key, workspace_id, project_name, job_id)
        job = self._lookup((project.workspace_id, project.name, job_id))
        if job is None:
            raise NotFound(f"Job '{job_id}' not found.", reason="job")
        return job

    def _current(self, job: IntunedJob) -> IntunedJob:
        """``job`` as stored now (read again under the lock before changing it)."""
        current = self._lookup(job.key)
        if current is None or current.uid != job.uid:
            raise NotFound(f"Job '{job.id}' not found.", reason="job")
        return current

    # --- jobs ------------------------------------------------------------------------------------

    get_job = reads.get_job

    def list_jobs(
        self, api_key: str | None, workspace_id: str, project_name: str
    ) -> Iterator[d.JobListItem]:
        """Every job of the project (Intuned does not page this list): fixture and client-made
        jobs, then generated ones by index, each rendered as it is reached."""
        project = self._project(api_key, workspace_id, project_name)
        now = self.store.clock.now()
        explicit = [
            job
            for job in self.jobs.values()
            if job.origin is None
            and job.workspace_id == project.workspace_id
            and job.project.name == project.name
        ]
        return self._job_items(explicit, project, now)

    def _job_items(
        self, explicit: list[IntunedJob], project: Project, now: datetime
    ) -> Iterator[d.JobListItem]:
        epoch = self.store.epoch
        for job in explicit:
            yield render.job_item(job, epoch, *self._run_times(job, now))
        for generated in self._sets_of.get((project.workspace_id, project.name), ()):
            for index in range(generated.count):
                made = self._generated(generated, index)
                if made is not None:
                    yield render.job_item(made, epoch, *self._run_times(made, now))

    @staticmethod
    def _config(body: s.CreateJobRequest | s.UpdateJobRequest) -> JobConfig:
        try:
            return job_config(
                body.payload,
                body.configuration,
                body.schedule,
                body.sink,
                body.proxy,
                body.auth_session,
                body.notifications,
            )
        except Invalid as exc:
            path = list(exc.loc)
            raise BadRequest(
                f"Invalid request body: {format_loc(path)}: {exc.message}",
                reason="body",
                details={"issues": [{"path": path, "message": exc.message}]},
            ) from None

    def create_job(
        self, api_key: str | None, workspace_id: str, project_name: str, raw_body: bytes
    ) -> d.CreateJobResponse:
        project = self._project(api_key, workspace_id, project_name)
        body = parse_body(raw_body, s.CreateJobRequest)
        config = self._config(body)
        key = (project.workspace_id, project.name, body.id)
        with self.store.lock:
            if self._lookup(key) is not None:
                raise BadRequest(
                    f"A job with id '{body.id}' already exists in project '{project.name}'.",
                    reason="duplicate",
                )
            self.store.count_created(VENDOR)
            self._created += 1
            job = IntunedJob(
                workspace_id=project.workspace_id,
                project=project,
                id=body.id,
                uid=f"{project.workspace_id}/{project.name}/{body.id}#{self._created}",
                eras=(Era(0.0, config),),
                created_at=self.store.clock.now(),
            )
            self.jobs.put(key, job)
            self.run_ids.put(job.uid, ())
        return d.CreateJobResponse(id=body.id, message="created")

    def _refuse_code_job(self, job: IntunedJob, action: str) -> None:
        if job.source == "CODE":
            raise BadRequest(
                f"Job '{job.id}' is defined in the project's code and cannot be {action} through "
                "the API: change its file and deploy the project.",
                reason="code_job",
            )

    def _offset(self, job: IntunedJob, now: datetime) -> float:
        at = (now - job.anchor(self.store.epoch)).total_seconds()
        return max(at, job.era.at)

    def update_job(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        raw_body: bytes,
    ) -> d.UpdateJobResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        body = parse_body(raw_body, s.UpdateJobRequest)
        self._refuse_code_job(job, "updated")
        config = self._config(body)
        with self.store.lock:
            job = self._current(job)
            now = self.store.clock.now()
            self.jobs.put(job.key, job.then(self._offset(job, now), config=config))
        return d.UpdateJobResponse(id=job.id, message="updated job successfully")

    def remove_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> None:
        job = self._job(api_key, workspace_id, project_name, job_id)
        self._refuse_code_job(job, "deleted")
        with self.store.lock:
            self._delete(job)

    def pause_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> d.PauseJobResponse:
        """Pausing a paused job changes nothing (Temporal schedules pause idempotently)."""
        job = self._job(api_key, workspace_id, project_name, job_id)
        with self.store.lock:
            job = self._current(job)
            if not job.paused:
                now = self.store.clock.now()
                for view in self.open_views(job, now):
                    if view.status in ("PENDING", "RESUMING"):
                        self._put_override(job, view, self._pausing(view, now))
                reason = s.JobReason(
                    type="paused", message="Job paused by user request.", timestamp=render.ts(now)
                )
                self.jobs.put(job.key, job.then(self._offset(job, now), paused=True, reason=reason))
        return d.PauseJobResponse(message="Paused")

    def resume_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> d.ResumeJobResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        with self.store.lock:
            job = self._current(job)
            if job.paused:
                now = self.store.clock.now()
                for view in self.open_views(job, now):
                    if view.status in ("PAUSING", "PAUSED"):
                        self._put_override(job, view, self._resuming(view, now))
                self.jobs.put(job.key, job.then(self._offset(job, now), paused=False, reason=None))
        return d.ResumeJobResponse(message="Resumed")

    def _put_override(self, job: IntunedJob, view: RunView, timeline: Timeline) -> None:
        self.override(job, replace(view.run, timeline=timeline, polled=False))

    @staticmethod
    def _pausing(view: RunView, now: datetime) -> Timeline:
        at = (now - view.anchor).total_seconds()
        return Timeline.frozen(view.progress, view.anchor).then(
            (
                Step("PAUSING", at=at, data={"reason": PAUSED_BY_USER}),
                Step("PAUSED", at=at + TRANSITION, data={"reason": PAUSED_BY_USER}),
            )
        )

    @staticmethod
    def _resuming(view: RunView, now: datetime) -> Timeline:
        at = (now - view.anchor).total_seconds()
        steps = [Step("RESUMING", at=at), Step("PENDING", at=at + TRANSITION)]
        run = view.run
        if run.ending is not None:
            remaining = max(0.0, (run.work or 0.0) - render.pending_seconds(view.progress, now))
            steps.append(replace(run.ending, at=at + TRANSITION + remaining, after_polls=None))
        return Timeline.frozen(view.progress, view.anchor).then(steps)

    def trigger_job(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        timeline_header: str | None = None,
    ) -> d.TriggerJobResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        timeline = None
        if timeline_header:
            timeline = parse_timeline_header(timeline_header)
        with self.store.lock:
            job = self._current(job)
            if job.paused:
                raise BadRequest(
                    f"Job '{job.id}' is paused: resume it before triggering it.", reason="paused"
                )
            self.store.count_created(VENDOR)
            now = self.store.clock.now()
            busy = any(view.status in ACTIVE for view in self.open_views(job, now))
            run_id = self._run_id(job.uid, "manual", self.run_count(job) + 1)
            if busy:
                run = canceled_run(run_id, job, job.config, "MANUAL", now)
            else:
                run = new_run(run_id, job, job.config, "MANUAL", timeline or job.run_timeline, now)
            self.add_triggered(job, run, started=not busy)
        return d.TriggerJobResponse(jobRunId=run_id, message=TRIGGERED)

    # --- job runs --------------------------------------------------------------------------------

    get_run = reads.get_run

    def list_runs(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        query: Mapping[str, str],
    ) -> d.JobRunList:
        revision = self.store.revision
        job = self._job(api_key, workspace_id, project_name, job_id)
        size = page_param(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        number = page_param(query, "pageNumber", 0, 0, 10**9)
        keys = sort_keys(query.get("sortBy", ""))
        now = self.store.clock.now()
        history = self._history(job, now)
        views = self._views(job, now, history)
        if history is None:
            views.sort(key=lambda v: v.anchor, reverse=True)  # newest first among equals
            ranked = sort_by(views, facts, keys)
            chosen, total = ranked[number * size : (number + 1) * size], len(ranked)
        else:
            tail = history.tail(Order(keys))
            found, total = page([(facts(v), v) for v in views], tail, number * size, size)
            chosen = [
                item if isinstance(item, RunView) else self._view(history.run(item), now)
                for item in found
            ]
        reads.note_runs_window(self, job, revision, now, views)
        return d.JobRunList(jobRuns=[render.job_run(v, job) for v in chosen], totalCount=total)

    def terminate_run(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        run_id: str,
    ) -> d.TerminateJobRunResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        with self.store.lock:
            now = self.store.clock.now()
            view = self._find(job, run_id, now)
            if view.finished:
                raise BadRequest(
                    f"JobRun '{run_id}' has already ended ({view.status}) and cannot be "
                    "terminated.",
                    reason="finished",
                )
            at = (now - view.anchor).total_seconds()
            timeline = Timeline.frozen(view.progress, view.anchor).then(
                (Step("TERMINATED", at=at, data={"reason": TERMINATED_BY_USER}),)
            )
            self._put_override(job, view, timeline)
        return d.TerminateJobRunResponse(message=TERMINATED)
