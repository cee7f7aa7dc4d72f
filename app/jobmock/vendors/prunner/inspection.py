"""A prunner job as the control API inspects it (``core.inspection``): its state is what the
job's document says (``start``, ``end``, ``completed``, ``canceled``), in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.clock import from_micros, micros
from jobmock.core.inspection import JobInspection, from_moments
from jobmock.vendors.prunner import render

if TYPE_CHECKING:
    from datetime import datetime

    from jobmock.vendors.prunner.backend import PrunnerBackend
    from jobmock.vendors.prunner.schedule import JobFate


def state_at(fate: JobFate, now: int) -> str:
    if fate.canceled(now):
        return "canceled"
    if fate.completed(now):
        return "failed" if fate.run is not None and fate.run.last_error else "completed"
    if fate.running(now):
        return "running"
    return "waiting" if fate.waiting(now) else "queued"


def inspect(backend: PrunnerBackend, job_id: str) -> JobInspection | None:
    found = backend._lookup(job_id)
    if found is None:
        return None
    pipeline_state, fate = found
    now = micros(backend.store.clock.now())
    if not pipeline_state.visible(fate, now):
        return None  # removed by the pipeline's retention, as prunner's 404 says
    moments = [fate.canceled_at, fate.queued, fate.dequeued]
    if fate.run is not None:
        moments += [fate.run.start, fate.run.end]

    def at(when: datetime) -> str:
        return state_at(fate, micros(when))

    pipeline = pipeline_state.pipeline
    return JobInspection(
        job_id,
        state_at(fate, now),
        from_micros(fate.created),
        from_moments(from_micros(fate.created), (from_micros(m) for m in moments if m), at),
        lambda: render.document(backend.job_json(fate, pipeline, now)),
    )
