"""Polling a running job until it ends, noting when each state was first seen.

The times are the vendor's own (its ``Date`` header), so what is written is the job's pace on
the vendor's clock, whatever the poll interval and however slow this machine is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from jobmock.core.durations import format_duration
from jobmock.core.recording.api import VendorApi
from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.vendor import Seen, VendorRecorder


def follow(
    recorder: VendorRecorder,
    api: VendorApi,
    job_ids: list[str],
    timeout: float,
    interval: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict[str, list[Seen]]:
    """Every state change of each of ``job_ids`` until all have ended, polled together;
    ``RecordError`` naming the first still running after ``timeout`` seconds."""
    deadline = monotonic() + timeout
    seen: dict[str, list[Seen]] = {job_id: [] for job_id in job_ids}
    last: dict[str, dict[str, str]] = {job_id: {} for job_id in job_ids}
    running = list(job_ids)
    while running:
        for job_id in list(running):
            progress = recorder.progress(api, job_id)
            for unit, state in progress.states.items():
                if last[job_id].get(unit) != state:
                    seen[job_id].append(Seen(unit, state, progress.at))
                    last[job_id][unit] = state
            if progress.ended:
                running.remove(job_id)
        if not running:
            break
        if monotonic() >= deadline:
            job_id = running[0]
            states = ", ".join(f"{unit} {state}" for unit, state in last[job_id].items())
            raise RecordError(
                f"job {job_id}: still running after {format_duration(timeout)} of --follow "
                f"({states or 'no state seen'}); give a longer --timeout"
            )
        sleep(interval)
    return seen
