"""A run's results, one entry per payload it ran: the body the webhook sink POSTs for each API
run as it completes, and the document ``results.signed_url`` serves once the run has ended
(the same entries, in order, so both agree with the run's ``successful_runs`` and
``failed_runs``). The entry's shape is the documented sink body; its content is jobmock's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobmock.vendors.intuned import render
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.records import IntunedJob, RunRecord
from jobmock.vendors.intuned.render import RunView

FAILED_API_RUN = {
    "status": "failed",
    "error": "script-execution-exception",
    "message": "The API threw an exception while running.",
    "statusCode": 500,
}


@dataclass(frozen=True, slots=True)
class ApiRun:
    """The ``number``-th payload the run processed (from 1)."""

    number: int
    failed: bool
    at: datetime
    """When it completed, on the mock clock."""


def payload_items(job: IntunedJob, run: RunRecord) -> tuple[s.PayloadItem, ...]:
    """The payload of the configuration the run was made with."""
    for era in job.eras:
        if era.config.snapshot is run.snapshot:
            return era.config.payload
    return job.config.payload


def api_runs(view: RunView) -> Iterator[ApiRun]:
    """The payloads ``view``'s run has processed by its moment, in order. They complete evenly
    over its PENDING time, as its counts advance (``render.view``); the ``k``-th fails when the
    failures among the first ``k`` go up by one, so every prefix agrees with the counts."""
    run = view.run
    _, successful, failed = view.counts
    done = (successful or 0) + (failed or 0)
    planned_ok, planned_failed = run.planned
    total = planned_ok + planned_failed
    failures, out_of = ((failed or 0), done) if view.finished else (planned_failed, total)
    segments = render.pending_segments(view.progress, view.now)
    fallback = view.end_time or view.updated_at
    for number in range(1, done + 1):
        at = None
        if run.work and total and run.pinned_counts is None:
            at = render.time_at(segments, run.work * number / total)
        is_failed = bool(out_of) and number * failures // out_of > (number - 1) * failures // out_of
        yield ApiRun(number, is_failed, at if at is not None else fallback)


def sink_body(job: IntunedJob, run: RunRecord, api_run: ApiRun) -> dict[str, Any]:
    items = payload_items(job, run)
    item = items[(api_run.number - 1) % len(items)] if items else None
    name = item.apiName if item is not None else "default"
    run_id = hashlib.sha256(f"{run.id}/{api_run.number}".encode()).hexdigest()[:24]
    if api_run.failed:
        result: dict[str, Any] = dict(FAILED_API_RUN)
    else:
        output = {"jobRun": run.id, "payload": api_run.number, "api": name}
        result = {"status": "completed", "result": output, "statusCode": 200}
    api_info: dict[str, Any] = {"name": name}
    if item is not None:
        api_info["parameters"] = item.parameters
    api_info.update(result=result, runId=run_id)
    body: dict[str, Any] = {
        "apiInfo": api_info,
        "workspaceId": job.workspace_id,
        "project": {"id": job.project.id, "name": job.project.name},
    }
    if run.snapshot.auth_session is not None:
        body["authSession"] = {"id": run.snapshot.auth_session.id}
    body["projectJob"] = {"id": job.id}
    body["projectJobRun"] = {"id": run.id}
    return body


def document(job: IntunedJob, view: RunView) -> bytes:
    """The results file of a finished run: its sink bodies, as one JSON array."""
    bodies = [sink_body(job, view.run, api_run) for api_run in api_runs(view)]
    return json.dumps(bodies, separators=(",", ":")).encode()


def object_key(job: IntunedJob, run_id: str) -> str:
    """Where the results live in storage (``key`` is its last part, as the vendor shows it)."""
    return f"{job.workspace_id}/{job.project.name}/{job.id}/results/{run_id}.json"
