"""nunu rules: who may see what, job and run lookups, listing, starting and stopping runs.

The backend takes plain values (the API key, ids, parsed query and body) and returns wire models;
it never sees a FastAPI request, so the hot read paths can be served by any ASGI front.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from jobmock.core.auth import ApiKey, ApiKeyHeader
from jobmock.core.bodies import parse_body
from jobmock.core.cache import LRU
from jobmock.core.catalogue import BuildsJobs, Catalogue
from jobmock.core.clock import micros
from jobmock.core.errors import BadRequest, Forbidden, NotFound, Unauthorized
from jobmock.core.fixture_files import Invalid, validate_document
from jobmock.core.generate import Generator
from jobmock.core.journal import note_served
from jobmock.core.lifecycle import Timeline
from jobmock.core.limits import loads
from jobmock.core.paging import ListSource, Source, merged_page
from jobmock.core.store import Store, Table
from jobmock.vendors.nunu import render
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.fixture_models import UUID_RE, JobFixture, TestFixture
from jobmock.vendors.nunu.generated import Category, GeneratedSet
from jobmock.vendors.nunu.loader import (
    NunuData,
    job_record,
    parse_timeline_header,
    test_timeline,
)
from jobmock.vendors.nunu.records import OPERATE_RUNS, READ_RUNS, NunuJob
from jobmock.vendors.nunu.texts import fill_texts

VENDOR = "nunu"
#: Jobs whose generated free text is kept (bounded: a million generated jobs must not grow it).
TEXTS_CACHED = 1024
JOB_STATUS_FILTERS = {
    "queued": {"QUEUED"},
    "running": {"STARTING", "RUNNING", "STOPPING", "CLEANING_UP"},
    "completed": {"COMPLETED"},
}
RUN_STATE_FILTERS = {"running": {"INITIALIZING", "RUNNING"}, "completed": {"COMPLETED"}}
#: Query parameters that compare one field of a job record, by name.
FIELD_FILTERS: dict[str, Callable[[NunuJob], str | None]] = {
    "multiplayer_test_id": lambda job: job.test_id,
    "test_plan_execution_id": lambda job: job.test_plan_execution_id,
    "job_id": lambda job: job.job_id,
    "test_type": lambda job: job.test_type,
}
JOB_LIST_FILTERS = ("multiplayer_test_id", "test_plan_execution_id")
RUN_LIST_FILTERS = ("multiplayer_test_id", "test_plan_execution_id", "job_id", "test_type")


@dataclass(frozen=True, slots=True)
class Caller:
    key: ApiKey
    project: str


def _page(query: Mapping[str, str]) -> tuple[int, int]:
    try:
        page = int(query.get("page", "0"))
        size = int(query.get("page_size", "20"))
    except ValueError:
        raise BadRequest(
            "Invalid query parameters: page and page_size must be integers", reason="query"
        ) from None
    if page < 0:
        raise BadRequest("Invalid query parameters: page must be 0 or more", reason="query")
    if not 1 <= size <= 100:
        raise BadRequest(
            "Invalid query parameters: page_size must be between 1 and 100", reason="query"
        )
    return page, size


def _choice(query: Mapping[str, str], name: str, options: Mapping[str, Any]) -> str:
    value = query.get(name, "all").lower()
    if value != "all" and value not in options:
        allowed = ", ".join([*options, "all"])
        raise BadRequest(
            f"Invalid query parameters: {name} must be one of {allowed}", reason="query"
        )
    return value


def _uuids(query: Mapping[str, str], names: Iterable[str]) -> None:
    """listJobs declares its id filters ``format: uuid`` and a 400 for invalid parameters."""
    for name in names:
        if name in query and not UUID_RE.match(query[name].lower()):
            raise BadRequest(f"Invalid query parameters: {name} must be a UUID", reason="query")


def _tags(query: Mapping[str, str]) -> set[str]:
    return {t.strip() for t in query.get("tags", "").split(",") if t.strip()}


def pagination(page: int, size: int, total: int) -> s.Pagination:
    return s.Pagination(
        page=page, page_size=size, total_count=total, total_pages=math.ceil(total / size)
    )


def _found_bugs(job: NunuJob) -> bool:
    return bool(job.run.bug_info and job.run.bug_info.get("bug_count", 0) > 0)


def _check_players_covered(body: s.StartRunRequest, test: TestFixture) -> None:
    """Without a default ``deployment_config_id``, every player needs its own entry: nunu
    answers a partial map with a 400."""
    if body.deployment_config_id is not None:
        return
    given = body.player_deployment_configs or {}
    missing = [str(n) for n in range(1, test.players + 1) if str(n) not in given]
    if missing:
        raise BadRequest(
            "deployment_config_id is required: player_deployment_configs has no entry for "
            f"player {', '.join(missing)}",
            reason="body",
        )


class NunuBackend:
    def __init__(
        self, data: NunuData, store: Store, generator: Generator, sets: Sequence[GeneratedSet] = ()
    ) -> None:
        self.data = data
        self.sets = tuple(sets)
        self.store = store
        self.generator = generator
        self.auth = ApiKeyHeader("X-Api-Key", data.api_keys(), store.clock.now)
        self.jobs: Table[str, NunuJob] = store.table(data.jobs)
        self.catalogue: Catalogue[NunuJob, BuildsJobs[NunuJob]]
        self.catalogue = Catalogue(self.jobs, self.sets, self, store.lock)
        self.lookup = self.catalogue.lookup
        self.run_index: Table[str, str] = store.table(
            {job.run.run_id: job.job_id for job in data.jobs.values()}
        )
        self._texts: LRU[tuple[str, str], render.Texts] = LRU(TEXTS_CACHED)
        self._started = 0
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._started = 0

    # --- auth ----------------------------------------------------------------------------------

    def authorize(self, api_key: str | None, project: str | None, permission: str) -> Caller:
        """spec/nunu.md §3 check order: key, then route style, then project, then permission."""
        key = self.auth.authenticate(api_key)
        if project is None:
            if key.kind == "organization":
                # Organization keys work on project-scoped routes only.
                raise Unauthorized(self.auth.wording.invalid, reason="org_key_legacy_route")
            project = key.scope
        elif key.kind == "organization":
            if project not in self.data.projects_of(key.scope):
                raise Forbidden(
                    "API key does not match the requested project", reason="project_mismatch"
                )
        elif key.scope != project:
            raise Forbidden(
                "API key does not match the requested project", reason="project_mismatch"
            )
        self.auth.require(key, permission)
        return Caller(key, project)

    # --- reads ---------------------------------------------------------------------------------

    def texts(self, job: NunuJob) -> render.Texts:
        cache_key = (job.job_id, job.text_key)
        return self._texts.get(cache_key, lambda: fill_texts(job, self.generator))

    def _view(self, job: NunuJob, poll: bool = False) -> render.JobView:
        """The job as it stands now; ``poll`` counts this read towards poll-driven steps."""
        now = self.store.clock.now()
        polls: list[datetime] = []
        # Only poll-driven jobs keep a poll log: every other read would make memory grow with
        # the number of jobs read (the journal already records each read).
        if any(step.after_polls is not None for step in job.timeline.steps):
            if poll:
                self.store.record_poll(VENDOR, job.job_id, now)
            polls = self.store.polls(VENDOR, job.job_id)
        return render.view(job, self.store.epoch, now, polls)

    def lookup_run(self, run_id: str) -> NunuJob | None:
        job_id = self.run_index.get(run_id)
        if job_id is not None:
            return self.jobs.get(job_id)
        if self.run_index.is_changed(run_id):
            return None
        for generated in self.sets:
            index = generated.index_of_run(run_id)
            if index is not None:
                return self.lookup(generated.codec.uuid(index))
        return None

    def _job_in(self, project: str, job_id: str) -> NunuJob:
        job = self.lookup(job_id.lower())
        if job is None or job.project_id != project:
            raise NotFound("Job not found", reason="job")
        return job

    def get_job(self, api_key: str | None, job_id: str, project: str | None = None) -> s.Job:
        caller = self.authorize(api_key, project, READ_RUNS)
        if not UUID_RE.match(job_id.lower()):
            raise BadRequest("Invalid job ID", reason="job_id")
        job = self._job_in(caller.project, job_id)
        view = self._view(job, poll=True)
        note_served(job.job_id, view.status, view.status == "COMPLETED")
        return render.job_document(view, self.texts(job))

    def get_run(self, api_key: str | None, run_id: str, project: str | None = None) -> s.RunDetails:
        caller = self.authorize(api_key, project, READ_RUNS)
        job = self.lookup_run(run_id)
        if job is None or job.project_id != caller.project:
            raise NotFound("Run not found", reason="run")
        view = self._view(job, poll=True)
        if view.run is None:
            raise NotFound("Run not found", reason="run")  # the job has not started it yet
        note_served(job.job_id, view.run.state, view.run.state == "COMPLETED")
        return render.run_document(view, self.texts(job))

    def _matching(
        self, project: str, query: Mapping[str, str], filters: tuple[str, ...]
    ) -> list[NunuJob]:
        """The project's jobs that pass the record-level filters named in ``filters``."""
        tags = _tags(query)
        wanted = [(FIELD_FILTERS[name], query[name]) for name in filters if name in query]
        candidates: Iterable[NunuJob] = self.jobs.values()
        if "job_id" in filters and "job_id" in query:
            found = self.lookup(query["job_id"].lower())
            candidates = [found] if found is not None else []
        return [
            job
            for job in candidates
            if job.project_id == project
            and tags <= set(job.tags)
            and all(get(job) == value for get, value in wanted)
        ]

    def list_jobs(
        self, api_key: str | None, query: Mapping[str, str], project: str | None = None
    ) -> s.JobList:
        caller = self.authorize(api_key, project, READ_RUNS)
        status = _choice(query, "status", JOB_STATUS_FILTERS)
        _uuids(query, JOB_LIST_FILTERS)
        page, size = _page(query)

        def wanted(state: str) -> bool:
            return status == "all" or state in JOB_STATUS_FILTERS[status]

        explicit = []
        for job in self._matching(caller.project, query, JOB_LIST_FILTERS):
            view = self._view(job)
            if wanted(view.status):
                explicit.append((micros(view.anchor), view))
        sources: list[Source] = [self._explicit(explicit)]
        if "test_plan_execution_id" not in query:
            sources += self._generated(
                caller.project,
                query,
                fresh_ok=lambda job: wanted(self._view(job).status),
                tail_ok=wanted("COMPLETED"),
                key=lambda _set, _index, created: created,
            )
        views, total = merged_page(sources, page * size, size)
        return s.JobList(
            data=[render.job_document(v, self.texts(v.job)) for v in views],
            pagination=pagination(page, size, total),
        )

    def list_runs(
        self, api_key: str | None, query: Mapping[str, str], project: str | None = None
    ) -> s.RunList:
        caller = self.authorize(api_key, project, READ_RUNS)
        state = _choice(query, "state", RUN_STATE_FILTERS)
        page, size = _page(query)
        bugs = query.get("bugs", "").lower() or None
        if bugs not in (None, "true", "false"):
            raise BadRequest("Invalid query parameters: bugs must be true or false", reason="query")

        def wanted(view: render.JobView) -> bool:
            return view.run is not None and (
                state == "all" or view.run.state in RUN_STATE_FILTERS[state]
            )

        explicit = []
        for job in self._matching(caller.project, query, RUN_LIST_FILTERS):
            if bugs is not None and _found_bugs(job) != (bugs == "true"):
                continue
            view = self._view(job)
            if wanted(view) and view.run is not None:
                explicit.append((micros(view.run.created_at), view))
        sources: list[Source] = [self._explicit(explicit)]
        if not {"job_id", "test_plan_execution_id"} & set(query):
            sources += self._generated(
                caller.project,
                query,
                fresh_ok=lambda job: wanted(self._view(job)),
                tail_ok=state in ("all", "completed"),
                key=lambda generated, i, created: (
                    created
                    + timedelta(seconds=generated.job(i).timeline.offset_of("STARTING") or 0.0)
                ),
                bugs=bugs,
            )
        views, total = merged_page(sources, page * size, size)
        return s.RunList(
            data=[render.run_item(v, self.texts(v.job)) for v in views],
            pagination=pagination(page, size, total),
        )

    @staticmethod
    def _explicit(items: list[tuple[int, render.JobView]]) -> ListSource:
        # Newest first; among equal times, the larger id first (stable for every page).
        items.sort(key=lambda pair: (pair[0], pair[1].job.job_id), reverse=True)
        return ListSource(items)

    def _generated(
        self,
        project: str,
        query: Mapping[str, str],
        fresh_ok: Callable[[NunuJob], bool],
        tail_ok: bool,
        key: Callable[[GeneratedSet, int, datetime], datetime],
        bugs: str | None = None,
    ) -> list[Source]:
        """The project's generated sets, filtered by what the query asks of a job's test."""
        tags = _tags(query)
        test_id, test_type = query.get("multiplayer_test_id"), query.get("test_type")
        now, epoch = self.store.clock.now(), self.store.epoch
        changed = self.jobs.changed_keys()
        sources: list[Source] = []
        for generated in self.sets:
            if generated.project != project:
                continue

            def category_ok(
                category: Category, extra: tuple[str, ...] = tuple(generated.spec.tags)
            ) -> bool:
                test = category.test
                return (
                    (test_id is None or test.id == test_id)
                    and (test_type is None or test.type == test_type)
                    and tags <= {*test.tags, *extra}
                    and (
                        bugs is None
                        or (test.type == "verification" and category.result == "FAILED")
                        == (bugs == "true")
                    )
                )

            excluded = frozenset(
                i for job_id in changed if (i := generated.index_of(job_id)) is not None
            )
            sources.append(
                generated.source(
                    epoch,
                    now,
                    category_ok,
                    fresh_ok,
                    tail_ok,
                    self._view,
                    excluded,
                    partial(key, generated),
                )
            )
        return sources

    # --- writes --------------------------------------------------------------------------------

    def start_run(
        self,
        api_key: str | None,
        raw_body: bytes,
        project: str | None = None,
        timeline_header: str | None = None,
    ) -> s.StartRunResponse:
        caller = self.authorize(api_key, project, OPERATE_RUNS)
        body = parse_body(raw_body, s.StartRunRequest)
        chosen = [
            k
            for k in ("multiplayer_test_id", "test_plan_id", "instructions")
            if getattr(body, k) is not None
        ]
        if len(chosen) != 1:
            raise BadRequest(
                "Provide exactly one of multiplayer_test_id, test_plan_id or instructions",
                reason="body",
            )
        if body.deployment_config_id is None and (
            body.multiplayer_test_id is None or not body.player_deployment_configs
        ):
            raise BadRequest("deployment_config_id is required", reason="body")
        if body.build_id is not None and body.deployment_config_id is None:
            raise BadRequest("build_id requires deployment_config_id", reason="body")
        config_id = body.deployment_config_id
        if config_id is None and body.player_deployment_configs:
            config_id = next(iter(body.player_deployment_configs.values())).deployment_config_id
        config = self.data.configs.get(config_id or "")
        if config is None or config.project not in (None, caller.project):
            raise NotFound("deployment config not found", reason="deployment_config")
        build = None
        if body.build_id is not None:
            build = self.data.builds.get(body.build_id)
            if build is None or build.project not in (None, caller.project):
                raise NotFound("build not found", reason="build")
        timeline = None
        if timeline_header:
            try:
                timeline = parse_timeline_header(timeline_header, loads)
            except Invalid as exc:
                raise BadRequest(exc.message, reason="timeline") from None
        plan_execution = None
        tests: list[TestFixture]
        if body.test_plan_id is not None:
            plan = self.data.plans.get(body.test_plan_id)
            if plan is None or plan.project not in (None, caller.project):
                raise NotFound("test plan not found", reason="test_plan")
            tests = [self.data.tests[t] for t in plan.tests]
            plan_execution = self._new_id("test-plan-execution")
        elif body.multiplayer_test_id is not None:
            test = self.data.tests.get(body.multiplayer_test_id)
            if test is None or test.project not in (None, caller.project):
                raise NotFound("multiplayer test not found", reason="test")
            _check_players_covered(body, test)
            tests = [test]
        else:
            tests = [
                TestFixture(
                    id=self._new_id("ephemeral-test"),
                    name=body.name or "[api] ephemeral test",
                    tags=["api"],
                    steps=[{"goal": body.instructions}],
                )
            ]
        instances = body.instances if body.test_plan_id is None else 1
        self.store.count_created(VENDOR, len(tests) * instances)
        job_ids = []
        for test in tests:
            for _ in range(instances):
                job = self._start_one(caller, test, body, config, build, plan_execution, timeline)
                job_ids.append(job.job_id)
        if body.instructions is not None:
            return s.StartRunResponse(test_id=tests[0].id, job_ids=job_ids)
        return s.StartRunResponse(
            message="successfully queued test plan!"
            if plan_execution
            else "successfully queued test!",
            build_id=build.id if build else None,
            test_plan_execution_id=plan_execution,
            job_ids=job_ids,
        )

    def _new_id(self, kind: str) -> str:
        self._started += 1
        return self.generator.rng(VENDOR, kind, self._started).uuid4()

    def _start_one(
        self,
        caller: Caller,
        test: TestFixture,
        body: s.StartRunRequest,
        config: Any,
        build: Any,
        plan_execution: str | None,
        timeline: Timeline | None,
    ) -> NunuJob:
        job_id = self._new_id("job")
        templating = body.render_templates
        fx = JobFixture.model_validate(
            {
                "job_id": job_id,
                "project_id": caller.project,
                "multiplayer_test_id": test.id,
                "test_name": test.name,
                "test_type": test.type,
                "platform": config.platform,
                "build_id": build.id if build else None,
                "test_plan_execution_id": plan_execution,
                "templating_enabled": templating,
                "template_data": (body.template_data or {}) if templating else None,
                "tags": [*test.tags, *(t for t in body.additional_tags if t not in test.tags)],
                "retries": {"total": body.retries, "remaining": body.retries},
                "runs": [
                    {
                        "initiator": {"type": "api", "value": {"key_id": caller.key.id}},
                        "players": [
                            {
                                "platform": {
                                    "kind": config.kind,
                                    "config": {"device": config.device.model_dump()},
                                }
                            }
                            for _ in range(test.players)
                        ],
                    }
                ],
            }
        )
        job = job_record(
            fx,
            self.data,
            self.generator,
            id_key=(job_id,),
            now=self.store.clock.now(),
            timeline=timeline or test_timeline(test),
        )
        self._put(job)
        return job

    def _put(self, job: NunuJob) -> None:
        with self.store.lock:
            self.jobs.put(job.job_id, job)
            self.run_index.put(job.run.run_id, job.job_id)

    def stop_runs(
        self, api_key: str | None, raw_body: bytes, project: str | None = None
    ) -> tuple[int, s.StopRunsResponse]:
        caller = self.authorize(api_key, project, OPERATE_RUNS)
        body = parse_body(raw_body, s.StopRunsRequest)
        found = {
            job_id: job
            for job_id in body.job_ids
            if (job := self.lookup(job_id.lower())) is not None and job.project_id == caller.project
        }
        if not found:
            raise NotFound("no jobs found in your project matching the provided IDs", reason="stop")
        results = []
        for job_id in body.job_ids:
            job = found.get(job_id)
            if job is None:
                results.append(
                    s.StopResult(job_id=job_id, ok=False, status=404, error="Job not found")
                )
                continue
            results.append(self._stop_one(caller, job))
        stopped = sum(1 for r in results if r.ok)
        status = 200 if stopped == len(results) else 207
        return status, s.StopRunsResponse(
            ok=stopped > 0,
            message=f"Successfully stopped {stopped} job(s)",
            received_count=len(body.job_ids),
            stopped_count=stopped,
            results=results,
        )

    def _stop_one(self, caller: Caller, job: NunuJob) -> s.StopResult:
        with self.store.lock:
            view = self._view(job)
            if view.status == "COMPLETED":
                return s.StopResult(
                    job_id=job.job_id, ok=False, status=500, error="Job already completed"
                )
            if view.status in ("STOPPING", "CLEANING_UP"):
                return s.StopResult(
                    job_id=job.job_id, ok=False, status=409, error="Job is already stopping"
                )
            at = (view.now - view.anchor).total_seconds()
            frozen = Timeline.frozen(view.progress, view.anchor)
            by = {"type": "api", "value": {"key_id": caller.key.id}}
            self._put(job.stopped(frozen, at, by))
        return s.StopResult(job_id=job.job_id, ok=True, status=200, message="Job stopped")

    # --- control API ---------------------------------------------------------------------------

    def find_job(self, job_id: str) -> NunuJob | None:
        return self.lookup(job_id)

    def record_job(self, doc: Mapping[str, Any]) -> NunuJob:
        fx = validate_document(JobFixture, doc)
        now = self.store.clock.now()
        return job_record(
            fx, self.data, self.generator, id_key=("control", len(self.jobs)), now=now
        )

    def keep_job(self, job: NunuJob) -> None:
        self._put(job)

    def drop_job(self, job: NunuJob) -> None:
        self.jobs.delete(job.job_id, exists=True)
        self.run_index.delete(job.run.run_id, exists=True)
