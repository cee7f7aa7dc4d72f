"""Listing nunu jobs and runs: the query parameters checked (paging, status or state, UUID-shaped
id filters, tags, bugs), the project's fixture and runtime jobs filtered and ordered newest first,
and the generated sets asked for the jobs that match, all merged into one page. The backend's
``list_jobs`` and ``list_runs`` are these functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from jobmock.core.clock import micros
from jobmock.core.errors import BadRequest
from jobmock.core.paging import ListSource, Source, merged_page
from jobmock.vendors.nunu import render
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.access import authorize
from jobmock.vendors.nunu.fixture_models import UUID_RE
from jobmock.vendors.nunu.generated import Category, GeneratedSet
from jobmock.vendors.nunu.records import READ_RUNS, NunuJob

if TYPE_CHECKING:
    from jobmock.vendors.nunu.backend import NunuBackend

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


def _matching(
    backend: NunuBackend, project: str, query: Mapping[str, str], filters: tuple[str, ...]
) -> list[NunuJob]:
    """The project's jobs that pass the record-level filters named in ``filters``."""
    tags = _tags(query)
    wanted = [(FIELD_FILTERS[name], query[name]) for name in filters if name in query]
    candidates: Iterable[NunuJob] = backend.jobs.values()
    if "job_id" in filters and "job_id" in query:
        found = backend.lookup(query["job_id"].lower())
        candidates = [found] if found is not None else []
    return [
        job
        for job in candidates
        if job.project_id == project
        and tags <= set(job.tags)
        and all(get(job) == value for get, value in wanted)
    ]


def list_jobs(
    backend: NunuBackend, api_key: str | None, query: Mapping[str, str], project: str | None = None
) -> s.JobList:
    revision, now = backend.store.revision, backend.store.clock.now()
    caller = authorize(backend.auth, backend.data, api_key, project, READ_RUNS)
    status = _choice(query, "status", JOB_STATUS_FILTERS)
    _uuids(query, JOB_LIST_FILTERS)
    page, size = _page(query)

    def wanted(state: str) -> bool:
        return status == "all" or state in JOB_STATUS_FILTERS[status]

    explicit = []
    for job in _matching(backend, caller.project, query, JOB_LIST_FILTERS):
        view = backend.view(job)
        if wanted(view.status):
            explicit.append((micros(view.anchor), view))
    sources: list[Source] = [_explicit(explicit)]
    if "test_plan_execution_id" not in query:
        sources += _generated(
            backend,
            caller.project,
            query,
            fresh_ok=lambda job: wanted(backend.view(job).status),
            tail_ok=wanted("COMPLETED"),
            key=lambda _set, _index, created: created,
        )
    views, total = merged_page(sources, page * size, size)
    backend.note_list_window(caller.project, revision, now)
    return s.JobList(
        data=[render.job_document(v, backend.texts(v.job)) for v in views],
        pagination=pagination(page, size, total),
    )


def list_runs(
    backend: NunuBackend, api_key: str | None, query: Mapping[str, str], project: str | None = None
) -> s.RunList:
    revision, now = backend.store.revision, backend.store.clock.now()
    caller = authorize(backend.auth, backend.data, api_key, project, READ_RUNS)
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
    for job in _matching(backend, caller.project, query, RUN_LIST_FILTERS):
        if bugs is not None and _found_bugs(job) != (bugs == "true"):
            continue
        view = backend.view(job)
        if wanted(view) and view.run is not None:
            explicit.append((micros(view.run.created_at), view))
    sources: list[Source] = [_explicit(explicit)]
    if not {"job_id", "test_plan_execution_id"} & set(query):
        sources += _generated(
            backend,
            caller.project,
            query,
            fresh_ok=lambda job: wanted(backend.view(job)),
            tail_ok=state in ("all", "completed"),
            key=lambda generated, i, created: (
                created + timedelta(seconds=generated.job(i).timeline.offset_of("STARTING") or 0.0)
            ),
            bugs=bugs,
        )
    views, total = merged_page(sources, page * size, size)
    backend.note_list_window(caller.project, revision, now)
    return s.RunList(
        data=[render.run_item(v, backend.texts(v.job)) for v in views],
        pagination=pagination(page, size, total),
    )


def _explicit(items: list[tuple[int, render.JobView]]) -> ListSource:
    # Newest first; among equal times, the larger id first (stable for every page).
    items.sort(key=lambda pair: (pair[0], pair[1].job.job_id), reverse=True)
    return ListSource(items)


def _generated(
    backend: NunuBackend,
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
    now, epoch = backend.store.clock.now(), backend.store.epoch
    changed = backend.jobs.changed_keys()
    sources: list[Source] = []
    for generated in backend.sets:
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
                backend.view,
                excluded,
                partial(key, generated),
            )
        )
    return sources
