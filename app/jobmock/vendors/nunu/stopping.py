"""Stopping nunu runs (``POST .../runs/stop``): each listed job of the caller's project frozen where
it stands and moved to STOPPING, with a per-job result (404 unknown, 409 already stopping, 500
already completed) and 207 when not every job stopped. The backend's ``stop_runs`` is this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.bodies import parse_body
from jobmock.core.errors import NotFound
from jobmock.core.lifecycle import Timeline
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.access import Caller, authorize
from jobmock.vendors.nunu.records import OPERATE_RUNS, NunuJob

if TYPE_CHECKING:
    from jobmock.vendors.nunu.backend import NunuBackend


def stop_runs(
    backend: NunuBackend, api_key: str | None, raw_body: bytes, project: str | None = None
) -> tuple[int, s.StopRunsResponse]:
    caller = authorize(backend.auth, backend.data, api_key, project, OPERATE_RUNS)
    body = parse_body(raw_body, s.StopRunsRequest)
    found = {
        job_id: job
        for job_id in body.job_ids
        if (job := backend.lookup(job_id.lower())) is not None and job.project_id == caller.project
    }
    if not found:
        raise NotFound("no jobs found in your project matching the provided IDs", reason="stop")
    results = []
    for job_id in body.job_ids:
        job = found.get(job_id)
        if job is None:
            results.append(s.StopResult(job_id=job_id, ok=False, status=404, error="Job not found"))
            continue
        results.append(_stop_one(backend, caller, job))
    stopped = sum(1 for r in results if r.ok)
    status = 200 if stopped == len(results) else 207
    return status, s.StopRunsResponse(
        ok=stopped > 0,
        message=f"Successfully stopped {stopped} job(s)",
        received_count=len(body.job_ids),
        stopped_count=stopped,
        results=results,
    )


def _stop_one(backend: NunuBackend, caller: Caller, job: NunuJob) -> s.StopResult:
    with backend.store.lock:
        view = backend.view(job)
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
        backend.put(job.stopped(frozen, at, by))
    return s.StopResult(job_id=job.job_id, ok=True, status=200, message="Job stopped")
