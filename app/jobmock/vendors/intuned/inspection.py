"""An Intuned job as the control API inspects it (``core.inspection``): a job's state is its
newest run's (what a client polls), or the job's own ``ACTIVE``/``PAUSED`` before any run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.inspection import JobInspection, Milestone, from_timeline
from jobmock.vendors.intuned import render

if TYPE_CHECKING:
    from jobmock.vendors.intuned.records import IntunedJob
    from jobmock.vendors.intuned.webhooks import IntunedWebhooks


def find(state: IntunedWebhooks, job_id: str) -> IntunedJob | None:
    """By control id (``project:job`` or ``workspace:project:job``), as the catalogue lists it."""
    parts = job_id.split(":")
    if len(parts) not in (2, 3):
        return None
    workspace = parts[0] if len(parts) == 3 else state.data.default_workspace
    return state._lookup((workspace, parts[-2], parts[-1]))


def inspect(state: IntunedWebhooks, job_id: str) -> JobInspection | None:
    job = find(state, job_id)
    if job is None:
        return None
    now = state.store.clock.now()
    created = job.anchor(state.store.epoch)
    views = state._views(job, now)
    if not views:
        own = "PAUSED" if job.paused else "ACTIVE"
        times = state._run_times(job, now)
        return JobInspection(
            job_id,
            own,
            created,
            (Milestone(own, created),),
            lambda: (
                render.job_document(job, state.store.epoch, *times)
                .model_dump_json(exclude_unset=True)
                .encode()
            ),
            (job.id,),
        )
    view = max(views, key=lambda v: v.anchor)
    return JobInspection(
        job_id,
        view.status,
        created,
        from_timeline(view.run.timeline, view.anchor, view.progress),
        lambda: (
            render.run_document(view, job, state.results_of(view, job, state.public_root))
            .model_dump_json(exclude_unset=True)
            .encode()
        ),
        (job.id, *(v.run.id for v in views)),
    )
