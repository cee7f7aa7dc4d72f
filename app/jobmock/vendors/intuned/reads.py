"""Intuned's hot reads, getJob and getJobRun: each document kept (``core.documents``) until
the clock reaches its next change (``render.next_change`` for a run; a job's next fire or the
start of one of its runs), rendered afresh otherwise. Methods of ``IntunedBackend``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from jobmock.core.documents import Fresh, Served
from jobmock.core.journal import note_kept
from jobmock.core.replays import first_change
from jobmock.vendors.intuned import render

if TYPE_CHECKING:
    from jobmock.vendors.intuned.backend import IntunedBackend
    from jobmock.vendors.intuned.records import IntunedJob
    from jobmock.vendors.intuned.render import RunView


def get_job(
    self: IntunedBackend, api_key: str | None, workspace_id: str, project_name: str, job_id: str
) -> bytes:
    scope = self.auth.authenticate(api_key).scope
    now = self.store.clock.now()
    key = ("job", scope, workspace_id, project_name, job_id)
    return self.documents.get(
        key, now, lambda: _job_body(self, api_key, workspace_id, project_name, job_id, now)
    )


def _job_body(
    self: IntunedBackend,
    api_key: str | None,
    workspace_id: str,
    project_name: str,
    job_id: str,
    now: datetime,
) -> Fresh:
    job = self._job(api_key, workspace_id, project_name, job_id)
    upcoming, last = self._run_times(job, now)
    document = render.job_document(job, self.store.epoch, upcoming, last)
    body = document.model_dump_json(exclude_unset=True).encode()
    return Fresh(body, None, _job_changes(self, job, now, upcoming))


def _job_changes(
    self: IntunedBackend,
    job: IntunedJob,
    now: datetime,
    upcoming: datetime | None,
    views: list[RunView] | None = None,
) -> datetime | None:
    """When the job's document next reads differently on the clock alone: at its next
    fire, or when a run of it starts (``views``: its runs at ``now``, when already made); a
    generated job's history moves with the clock."""
    if job.origin is not None:
        return now
    runs = views if views is not None else self._views(job, now)
    starts = [v.start_time for v in runs if v.start_time > now]
    return min((when for when in (upcoming, *starts) if when is not None), default=None)


def get_run(
    self: IntunedBackend,
    api_key: str | None,
    workspace_id: str,
    project_name: str,
    job_id: str,
    run_id: str,
    root: str,
) -> bytes:
    """``root``: this jobmock's URL as the client reached it (results are served there)."""
    scope = self.auth.authenticate(api_key).scope
    now = self.store.clock.now()
    key = ("run", scope, workspace_id, project_name, job_id, run_id, root)
    return self.documents.get(
        key,
        now,
        lambda: _run_body(self, api_key, workspace_id, project_name, job_id, run_id, root, now),
    )


def _run_body(
    self: IntunedBackend,
    api_key: str | None,
    workspace_id: str,
    project_name: str,
    job_id: str,
    run_id: str,
    root: str,
    now: datetime,
) -> Fresh:
    job = self._job(api_key, workspace_id, project_name, job_id)
    view = self._find(job, run_id, now, poll=True)
    document = render.run_document(view, job, self.results_of(view, job, root))
    body = document.model_dump_json(exclude_unset=True).encode()
    served = Served(run_id, view.status, view.finished)
    return Fresh(body, served, render.next_change(view), keep=not view.run.polled)


def note_runs_window(
    self: IntunedBackend, job: IntunedJob, revision: int, now: datetime, views: list[RunView]
) -> None:
    """A list of ``job``'s runs read at ``now`` (any page, any order) holds until the job or
    one of its runs reads differently on the clock alone: kept until then (``core.replays``;
    ``now`` itself: only while the clock stands)."""
    upcoming, _ = self._run_times(job, now)
    changes = [
        _job_changes(self, job, now, upcoming, views),
        *(render.next_change(v) for v in views),
    ]
    note_kept(revision, now, first_change(changes, now))
