"""An OSAPI job as the control API inspects it (``core.inspection``): its state is the
document's ``status`` at each of its events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core import golang
from jobmock.core.clock import from_micros
from jobmock.core.inspection import JobInspection, from_moments
from jobmock.vendors.osapi import render

if TYPE_CHECKING:
    from datetime import datetime

    from jobmock.vendors.osapi.backend import OsapiBackend


def _time(ns: int) -> datetime:
    # Rounded up to the clock's microsecond: the event has happened at the time shown.
    return from_micros(-(-ns // 1000))


def inspect(backend: OsapiBackend, job_id: str) -> JobInspection | None:
    now = backend.now()
    found = backend._visible(job_id, now)
    if found is None:
        return None
    job, anchor = found

    def state_at(when: datetime) -> str:
        return render.snapshot(job, anchor, golang.to_ns(when)).status

    snapshot = render.snapshot(job, anchor, now)
    moments = [_time(anchor + event.offset) for event in job.events]
    return JobInspection(
        job_id,
        snapshot.status,
        _time(anchor),
        from_moments(_time(anchor), moments, state_at),
        lambda: golang.body(render.detail(job, anchor, snapshot)),
    )
