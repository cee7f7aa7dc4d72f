"""A nunu job as the control API inspects it (``core.inspection``): never counted as a poll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.inspection import JobInspection, from_timeline
from jobmock.vendors.nunu import render

if TYPE_CHECKING:
    from jobmock.vendors.nunu.backend import NunuBackend


def inspect(backend: NunuBackend, job_id: str) -> JobInspection | None:
    job = backend.lookup(job_id.lower())
    if job is None:
        return None
    view = backend.view(job)
    return JobInspection(
        job.job_id,
        view.status,
        view.anchor,
        from_timeline(job.timeline, view.anchor, view.progress),
        lambda: render.job_document(view, backend.texts(job)).model_dump_json().encode(),
    )
