"""Intuned rules: who may see what, jobs (create, update, delete, pause, resume, trigger) and
their runs (list, read, terminate), runs fired by schedules.

The backend takes plain values (the API key, path ids, query mapping, raw body bytes) and returns
wire models; it never sees a FastAPI request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jobmock.core.auth import ApiKeyHeader, ApiKeyWording
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fixtures import describe_error, format_loc
from jobmock.core.generate import Generator
from jobmock.core.journal import note_served
from jobmock.core.lifecycle import Step, Timeline
from jobmock.core.store import Store, Table
from jobmock.vendors.intuned import render
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixtures import UUID_RE, JobFixture
from jobmock.vendors.intuned.generated import GeneratedSet
from jobmock.vendors.intuned.history import History
from jobmock.vendors.intuned.loader import (
    VENDOR,
    IntunedData,
    Invalid,
    JobKey,
    RunKey,
    job_config,
    job_record,
    timeline_from,
)
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
    RunRecord,
    canceled_run,
    new_run,
)
from jobmock.vendors.intuned.render import RunView
from jobmock.vendors.intuned.schedule import fire_times, next_fire

M = TypeVar("M", bound=BaseModel)

#: Create Job's rule for ids ("a valid URL slug", at least 7 characters), checked on every path.
SLUG_RE = re.compile(r"[a-zA-Z0-9\-_]{7,}")

#: Computed scheduled runs kept for reuse (a cache: dropped whole when full).
FIRED_KEPT = 100_000
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
TRIGGERED = "Job triggered successfully."
TERMINATED = "JobRun terminated successfully."
WORDING = ApiKeyWording(
    missing="API key is missing: send it in the x-api-key header.",
    invalid="Invalid API key.",
)


def parse_body(raw: bytes, model: type[M]) -> M:
    """``raw`` as ``model``, or a 400 whose ``details`` lists each problem (path and message)."""
    if not raw.strip():
        raise BadRequest("Request body is required.", reason="body")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadRequest("Request body is not valid JSON.", reason="body") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [
            {"path": list(err["loc"]), "message": describe_error(err)}
            for err in exc.errors(include_url=False)
        ]
        summary = "; ".join(f"{format_loc(i['path']) or 'body'}: {i['message']}" for i in issues)
        raise BadRequest(
            f"Invalid request body: {summary}", reason="body", details={"issues": issues}
        ) from None


def _page(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {raw!r}.", reason="query") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}.", reason="query")
    return value


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


class IntunedBackend:
    def __init__(
        self,
        data: IntunedData,
        store: Store,
        generator: Generator,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        self.data = data
        self.store = store
        self.generator = generator
        self.sets = tuple(sets)
        self._sets_of: dict[tuple[str, str], list[GeneratedSet]] = {}
        for generated in self.sets:
            where = (generated.project.workspace_id, generated.project.name)
            self._sets_of.setdefault(where, []).append(generated)
        self.auth = ApiKeyHeader("x-api-key", data.api_keys(), store.clock.now, WORDING)
        self.jobs: Table[JobKey, IntunedJob] = store.table(data.jobs)
        self.runs: Table[RunKey, RunRecord] = store.table(data.runs)
        self.run_ids: Table[str, tuple[str, ...]] = store.table(data.run_ids)
        self._created = 0
        self._fired_ids: dict[tuple[str, int, datetime], str] = {}
        self._fired_runs: dict[tuple[str, int, datetime, bool], RunRecord] = {}
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._created = 0
        self._fired_ids.clear()
        self._fired_runs.clear()

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

    def _lookup(self, key: JobKey) -> IntunedJob | None:
        """A job: fixtures and client changes first, then the generated sets (by id, O(1))."""
        job = self.jobs.get(key)
        if job is not None or self.jobs.is_changed(key):
            return job
        for generated in self._sets_of.get((key[0], key[1]), ()):
            index = generated.index_of(key[2])
            if index is not None:
                return generated.job(index)
        return None

    def _history(self, job: IntunedJob, now: datetime) -> History | None:
        """A generated job's past runs at ``now`` (None for other jobs)."""
        if job.origin is None:
            return None
        number, index = job.origin
        changed = [
            (run_id, run)
            for uid, run_id in self.runs.changed_keys()
            if uid == job.uid and (run := self.runs.get((uid, run_id))) is not None
        ]
        return History(self.sets[number], index, self.store.epoch, now, changed)

    def _current(self, job: IntunedJob) -> IntunedJob:
        """``job`` as stored now (read again under the lock before changing it)."""
        current = self._lookup(job.key)
        if current is None or current.uid != job.uid:
            raise NotFound(f"Job '{job.id}' not found.", reason="job")
        return current

    # --- runs ------------------------------------------------------------------------------------

    def _view(self, run: RunRecord, now: datetime, poll: bool = False) -> RunView:
        polls: list[datetime] = []
        if run.polled:
            name = f"{run.job_uid}/{run.id}"
            if poll:
                self.store.record_poll(VENDOR, name, now)
            polls = self.store.polls(VENDOR, name)
        return render.view(run, self.store.epoch, now, polls)

    def _run_id(self, *key: object) -> str:
        return "jr_" + self.generator.rng(VENDOR, "run", *key).base36(21)

    def _stored(self, job: IntunedJob) -> list[RunRecord]:
        """Runs from fixtures and triggers, oldest first."""
        return [
            run
            for run_id in self.run_ids.get(job.uid) or ()
            if (run := self.runs.get((job.uid, run_id))) is not None
        ]

    def _explicit(
        self, job: IntunedJob, now: datetime, history: History | None = None
    ) -> list[RunRecord]:
        """Runs held in memory: a generated job's past runs still moving or changed by a client,
        then the stored ones; and those its schedule fired since server start."""
        history = history or self._history(job, now)
        stored = (history.live() if history is not None else []) + self._stored(job)
        return stored + self._scheduled(job, now, stored)

    def _views(
        self, job: IntunedJob, now: datetime, history: History | None = None
    ) -> list[RunView]:
        """Every run of ``job`` at ``now`` (of a generated job: those held in memory; its
        settled past runs cannot be active)."""
        return [self._view(run, now) for run in self._explicit(job, now, history)]

    def _until(self, run: RunRecord, now: datetime) -> datetime | None:
        """When ``run`` stops being active; None if it has not ended by ``now`` (nor is planned
        to on the clock)."""
        planned = run.planned_end(self.store.epoch)
        if planned is not None:
            return planned
        view = self._view(run, now)
        return view.progress.since if view.finished else None

    def _scheduled(
        self, job: IntunedJob, now: datetime, stored: list[RunRecord], want: str | None = None
    ) -> list[RunRecord]:
        """Runs fired by the job's schedule since the server started (not before), each era
        with its own configuration; a fire while another run is active is CANCELED. With
        ``want``, stops at that run id."""
        epoch = self.store.epoch
        anchor = job.anchor(epoch)
        busy = [(run.anchor(epoch), self._until(run, now)) for run in stored]
        fired: list[RunRecord] = []
        latest: datetime | None = epoch  # when the last scheduled run ends (None: it does not)
        for index, era in enumerate(job.eras):
            if era.paused or not era.config.intervals:
                continue
            begin = max(anchor + timedelta(seconds=era.at), epoch)
            end = now
            if index + 1 < len(job.eras):
                end = min(now, anchor + timedelta(seconds=job.eras[index + 1].at))
            for fire in fire_times(era.config.intervals, begin, end):
                run = self._fired(job, index, fire, latest, busy)
                fired.append(run)
                if want is not None and run.id == want:
                    return fired
                until = self._until(run, now)
                latest = None if until is None or latest is None else max(latest, until)
        return fired

    def _fired(
        self,
        job: IntunedJob,
        era: int,
        fire: datetime,
        latest: datetime | None,
        busy: list[tuple[datetime, datetime | None]],
    ) -> RunRecord:
        """The run fired at ``fire``: a client's change to it if any, else computed (and kept:
        it is a pure function of the job, the era and the time)."""
        key = (job.uid, era, fire)
        run_id = self._fired_ids.get(key)
        if run_id is None:
            run_id = self._fired_ids[key] = self._run_id(job.uid, "scheduled", fire.isoformat())
        changed = self.runs.get((job.uid, run_id))
        if changed is not None:
            return changed
        active = latest is None or latest > fire
        active = active or any(s <= fire and (u is None or fire < u) for s, u in busy)
        cached = self._fired_runs.get((*key, active))
        if cached is None:
            config = job.eras[era].config
            if active:
                cached = canceled_run(run_id, job, config, "SCHEDULED", fire)
            else:
                cached = new_run(run_id, job, config, "SCHEDULED", job.run_timeline, fire)
            if len(self._fired_runs) >= FIRED_KEPT:
                self._fired_runs.clear()
                self._fired_ids.clear()
            self._fired_runs[(*key, active)] = cached
        return cached

    def _find(self, job: IntunedJob, run_id: str, now: datetime, poll: bool = False) -> RunView:
        run = self.runs.get((job.uid, run_id))
        history = self._history(job, now) if run is None else None
        if history is not None:
            run = history.find(run_id)
        if run is None and run_id.startswith("jr_") and any(e.config.intervals for e in job.eras):
            stored = (history.live() if history is not None else []) + self._stored(job)
            fired = self._scheduled(job, now, stored, want=run_id)
            if fired and fired[-1].id == run_id:
                run = fired[-1]
        if run is None:
            raise NotFound(f"JobRun '{run_id}' not found.", reason="run")
        return self._view(run, now, poll)

    def _run_times(self, job: IntunedJob, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The job's ``next_run_time`` and ``last_run_time``."""
        upcoming = None
        if not job.paused and job.config.intervals:
            upcoming = next_fire(job.config.intervals, max(now, self.store.epoch))
        history = self._history(job, now)
        starts = [v.start_time for v in self._views(job, now, history) if v.start_time <= now]
        newest = history.newest_start() if history is not None else None
        if newest is not None:
            starts.append(newest)
        return upcoming, max(starts, default=None)

    # --- jobs ------------------------------------------------------------------------------------

    def list_jobs(
        self, api_key: str | None, workspace_id: str, project_name: str
    ) -> Iterator[s.JobListItem]:
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
    ) -> Iterator[s.JobListItem]:
        epoch = self.store.epoch
        for job in explicit:
            yield render.job_item(job, epoch, *self._run_times(job, now))
        for generated in self._sets_of.get((project.workspace_id, project.name), ()):
            for index in range(generated.count):
                made = self._generated(generated, index)
                if made is not None:
                    yield render.job_item(made, epoch, *self._run_times(made, now))

    def _generated(self, generated: GeneratedSet, index: int) -> IntunedJob | None:
        """Generated job ``index`` as it stands (changed by a client, deleted, or as made)."""
        project = generated.project
        key = (project.workspace_id, project.name, generated.job_id(index))
        if not self.jobs.is_changed(key):
            return generated.job(index)
        job = self.jobs.get(key)
        return job if job is not None and job.origin == (generated.number, index) else None

    def get_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> s.Job:
        job = self._job(api_key, workspace_id, project_name, job_id)
        now = self.store.clock.now()
        return render.job_document(job, self.store.epoch, *self._run_times(job, now))

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
    ) -> s.CreateJobResponse:
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
        return s.CreateJobResponse(id=body.id, message="created")

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
    ) -> s.UpdateJobResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        body = parse_body(raw_body, s.UpdateJobRequest)
        self._refuse_code_job(job, "updated")
        config = self._config(body)
        with self.store.lock:
            job = self._current(job)
            now = self.store.clock.now()
            self.jobs.put(job.key, job.then(self._offset(job, now), config=config))
        return s.UpdateJobResponse(id=job.id, message="updated job successfully")

    def remove_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> None:
        job = self._job(api_key, workspace_id, project_name, job_id)
        self._refuse_code_job(job, "deleted")
        with self.store.lock:
            self._delete(job)

    def pause_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> s.PauseJobResponse:
        """Pausing a paused job changes nothing (Temporal schedules pause idempotently)."""
        job = self._job(api_key, workspace_id, project_name, job_id)
        with self.store.lock:
            job = self._current(job)
            if not job.paused:
                now = self.store.clock.now()
                for view in self._views(job, now):
                    if view.status in ("PENDING", "RESUMING"):
                        self._put_override(job, view, self._pausing(view, now))
                reason = s.JobReason(
                    type="paused", message="Job paused by user request.", timestamp=render.ts(now)
                )
                self.jobs.put(job.key, job.then(self._offset(job, now), paused=True, reason=reason))
        return s.PauseJobResponse(message="Paused")

    def resume_job(
        self, api_key: str | None, workspace_id: str, project_name: str, job_id: str
    ) -> s.ResumeJobResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        with self.store.lock:
            job = self._current(job)
            if job.paused:
                now = self.store.clock.now()
                for view in self._views(job, now):
                    if view.status in ("PAUSING", "PAUSED"):
                        self._put_override(job, view, self._resuming(view, now))
                self.jobs.put(job.key, job.then(self._offset(job, now), paused=False, reason=None))
        return s.ResumeJobResponse(message="Resumed")

    def _put_override(self, job: IntunedJob, view: RunView, timeline: Timeline) -> None:
        self.runs.put((job.uid, view.run.id), replace(view.run, timeline=timeline, polled=False))

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
    ) -> s.TriggerJobResponse:
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
            now = self.store.clock.now()
            busy = any(view.status in ACTIVE for view in self._views(job, now))
            ids = self.run_ids.get(job.uid) or ()
            run_id = self._run_id(job.uid, "manual", len(ids) + 1)
            if busy:
                run = canceled_run(run_id, job, job.config, "MANUAL", now)
            else:
                run = new_run(run_id, job, job.config, "MANUAL", timeline or job.run_timeline, now)
            self.runs.put((job.uid, run_id), run)
            self.run_ids.put(job.uid, (*ids, run_id))
        return s.TriggerJobResponse(jobRunId=run_id, message=TRIGGERED)

    # --- job runs --------------------------------------------------------------------------------

    def list_runs(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        query: Mapping[str, str],
    ) -> s.JobRunList:
        job = self._job(api_key, workspace_id, project_name, job_id)
        size = _page(query, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        number = _page(query, "pageNumber", 0, 0, 10**9)
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
        return s.JobRunList(jobRuns=[render.job_run(v, job) for v in chosen], totalCount=total)

    def get_run(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        run_id: str,
    ) -> s.GetJobRunResponse:
        job = self._job(api_key, workspace_id, project_name, job_id)
        view = self._find(job, run_id, self.store.clock.now(), poll=True)
        note_served(run_id, view.status, view.finished)
        return render.run_document(view, job)

    def terminate_run(
        self,
        api_key: str | None,
        workspace_id: str,
        project_name: str,
        job_id: str,
        run_id: str,
    ) -> s.TerminateJobRunResponse:
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
        return s.TerminateJobRunResponse(message=TERMINATED)

    # --- control API -----------------------------------------------------------------------------

    def control_id(self, job: IntunedJob) -> str:
        if job.workspace_id == self.data.default_workspace:
            return f"{job.project.name}:{job.id}"
        return f"{job.workspace_id}:{job.project.name}:{job.id}"

    def add_job(self, doc: Mapping[str, Any]) -> str:
        try:
            fx = JobFixture.model_validate(doc)
        except ValidationError as exc:
            raise BadRequest(
                "; ".join(
                    f"{format_loc(err['loc'])}: {describe_error(err)}" for err in exc.errors()
                ),
                reason="fixture",
            ) from None
        unknown = [format_loc(loc) for loc in s.unknown_keys(fx)]
        if unknown:
            raise BadRequest(
                "; ".join(f"{loc}: unknown field" for loc in unknown), reason="fixture"
            )
        with self.store.lock:
            self._created += 1
            try:
                job, runs = job_record(
                    fx,
                    self.data,
                    self.generator,
                    id_key=("control", self._created),
                    now=self.store.clock.now(),
                    uid_suffix=f"#control{self._created}",
                )
            except Invalid as exc:
                raise BadRequest(
                    f"{format_loc(exc.loc)}: {exc.message}", reason="fixture"
                ) from None
            self.jobs.put(job.key, job)
            self.run_ids.put(job.uid, tuple(run.id for run in runs))
            for run in runs:
                self.runs.put((job.uid, run.id), run)
        return self.control_id(job)

    def job_ids(self, offset: int = 0) -> Iterator[str]:
        """Fixture and client-made jobs first, then the generated ones (lazily); ``offset``
        jumps into a generated set by index arithmetic."""
        explicit = [self.control_id(job) for job in self.jobs.values() if job.origin is None]
        yield from explicit[offset:]
        offset = max(0, offset - len(explicit))
        for generated in self.sets:
            if offset >= generated.count:
                offset -= generated.count
                continue
            for index in range(offset, generated.count):
                job = self._generated(generated, index)
                if job is not None:
                    yield self.control_id(job)
            offset = 0

    def job_count(self) -> int:
        explicit = sum(1 for job in self.jobs.values() if job.origin is None)
        gone = 0
        for key in self.jobs.changed_keys():
            job = self.jobs.get(key)
            if job is None or job.origin is None:
                gone += any(g.index_of(key[2]) is not None for g in self._sets_of.get(key[:2], ()))
        return explicit + sum(g.count for g in self.sets) - gone

    def delete_job(self, job_id: str) -> bool:
        """By control id (``project:job``, or ``workspace:project:job``) or bare job id."""
        parts = job_id.split(":")
        with self.store.lock:
            if len(parts) > 1:
                workspace = parts[0] if len(parts) == 3 else self.data.default_workspace
                job = self._lookup((workspace, parts[-2], parts[-1]))
                if job is not None:
                    self._delete(job)
                    return True
            for job in self.jobs.values():
                if job_id in (self.control_id(job), job.id):
                    self._delete(job)
                    return True
        return False

    def _delete(self, job: IntunedJob) -> None:
        self.jobs.delete(job.key, exists=job.origin is not None)
        self.run_ids.delete(job.uid)


def parse_timeline_header(value: str) -> Timeline:
    """A run timeline sent by a client in ``X-Jobmock-Timeline`` (a JSON list of steps)."""
    from pydantic import TypeAdapter

    from jobmock.vendors.intuned.fixtures import RunStepFixture

    loc = ("X-Jobmock-Timeline",)
    try:
        steps = TypeAdapter(list[RunStepFixture]).validate_python(json.loads(value))
    except (ValueError, ValidationError) as exc:
        raise BadRequest(
            f"X-Jobmock-Timeline is not a valid timeline: {exc}", reason="timeline"
        ) from None
    if not steps:
        raise BadRequest("X-Jobmock-Timeline needs at least one step.", reason="timeline")
    try:
        return timeline_from(steps, loc)
    except Invalid as exc:
        raise BadRequest(
            f"X-Jobmock-Timeline: {format_loc(exc.loc)}: {exc.message}", reason="timeline"
        ) from None
