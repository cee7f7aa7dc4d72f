"""A job's events and replies reached at request time -> OSAPI's ``JobDetailResponse``.

This is ``GetJobStatus`` and ``computeStatusFromEvents`` (spec/osapi.md §6, §7, §9.1): events
are processed in time order; a host's state is its highest-priority event (HEAD's rule, which
agrees with the seed era on every normal flow); the job's status, ``error``, ``hostname``,
``updated_at``, ``agent_states`` and ``timeline`` follow from the events, ``responses``,
``result`` and ``changed`` from the replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobmock.core import golang
from jobmock.vendors.osapi.records import API_HOST, PRIORITY, OsapiJob, sanitize

MESSAGES = {
    "submitted": "Job submitted to queue",
    "acknowledged": "Job acknowledged by agent {host}",
    "started": "Job processing started on {host}",
    "completed": "Job completed successfully on {host}",
    "failed": "Job failed on {host}",
    "skipped": "Job skipped on {host} (unsupported OS family)",
}
TERMINAL = ("completed", "failed")


def message(kind: str, hostname: str, new_job_id: str | None = None) -> str:
    if kind == "retried":
        return f"Job retried as {new_job_id}" if new_job_id else "Job retried"
    template = MESSAGES.get(kind)
    return template.format(host=hostname) if template else ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The parts of a job's document that depend on how far it has got."""

    status: str
    error: str | None
    hostname: str | None
    updated_at: str | None
    timeline: list[dict[str, Any]]
    agent_states: dict[str, dict[str, Any]]
    responses: dict[str, dict[str, Any]]
    changed: bool | None
    result: Any
    has_result: bool
    events: int
    replies: int


def reached(job: OsapiJob, anchor: int, now: int) -> tuple[int, int]:
    """How many of the job's events and replies have happened at ``now``: all a document
    depends on besides the record, so documents can be cached by it."""
    limit = now - anchor
    events = sum(1 for event in job.events if event.offset <= limit)
    replies = sum(1 for reply in job.replies if reply.offset <= limit)
    return events, replies


def next_change(job: OsapiJob, anchor: int, now: int) -> int | None:
    """The first time after ``now`` (ns) the job's document may read differently: its next
    event or reply, or its key's expiry; None if nothing is left to happen."""
    limit = now - anchor
    offsets = [event.offset for event in job.events if event.offset > limit]
    offsets += [reply.offset for reply in job.replies if reply.offset > limit]
    if job.ttl is not None:
        offsets.append(job.ttl)
    return anchor + min(offsets) if offsets else None


def snapshot(job: OsapiJob, anchor: int, now: int | None) -> Snapshot:
    """The job at ``now`` (ns); ``now=None`` once every event has happened."""
    limit = None if now is None else now - anchor
    states: dict[str, str] = {}
    errors: dict[str, str] = {}
    started: dict[str, int] = {}
    ended: dict[str, int] = {}
    hostname = latest_error = updated_at = None
    latest: int | None = None
    timeline: list[tuple[int, dict[str, Any]]] = []
    reached = 0
    for event in job.events:
        if limit is not None and event.offset > limit:
            break
        reached += 1
        at = anchor + event.offset
        if event.coarse:
            at -= at % golang.NS_PER_SECOND
            raw = golang.rfc3339(at)
        else:
            raw = golang.rfc3339_nano(at)
        host = event.hostname
        item: dict[str, Any] = {
            "event": event.kind,
            "hostname": host,
            "message": message(event.kind, host, event.new_job_id),
            "timestamp": golang.rfc3339(at),
        }
        if event.kind in ("failed", "skipped") and event.error is not None:
            if event.error:
                item["error"] = event.error
            errors[host] = latest_error = event.error
        timeline.append((at, item))
        if host and host != API_HOST:
            if PRIORITY[event.kind] >= PRIORITY.get(states.get(host, ""), -1):
                states[host] = event.kind
            if event.kind == "started":
                started.setdefault(host, at)
            if event.kind in TERMINAL:
                ended[host] = at
                hostname = host
        if latest is None or at > latest:
            latest, updated_at = at, raw
    timeline.sort(key=lambda pair: pair[0])
    status, error = _status(states, latest_error)
    agent_states: dict[str, dict[str, Any]] = {}
    for host, state in states.items():
        entry: dict[str, Any] = {"status": state}
        if errors.get(host):
            entry["error"] = errors[host]
        if host in started and host in ended:
            entry["duration"] = golang.duration(ended[host] - started[host])
        agent_states[host] = entry
    responses: dict[str, dict[str, Any]] = {}
    replies = 0
    for reply in job.replies:
        if limit is not None and reply.offset > limit:
            break
        replies += 1
        body: dict[str, Any] = {
            "changed": reply.changed,
            "hostname": reply.hostname,
            "status": reply.status,
        }
        if reply.has_data:
            body["data"] = reply.data
        if reply.error:
            body["error"] = reply.error
        responses[sanitize(reply.hostname)] = body
    changed: bool | None = None
    result, has_result = None, False
    if len(responses) == 1:
        (only,) = responses.values()
        changed = only["changed"]
        if "data" in only and only["data"] is not None:
            result, has_result = only["data"], True
    elif any(r["changed"] is True for r in responses.values()):
        changed = True
    return Snapshot(
        status=status,
        error=error or None,
        hostname=hostname or None,
        updated_at=updated_at,
        timeline=[item for _, item in timeline],
        agent_states=agent_states,
        responses=responses,
        changed=changed,
        result=result,
        has_result=has_result,
        events=reached,
        replies=replies,
    )


def _status(states: dict[str, str], latest_error: str | None) -> tuple[str, str | None]:
    if not states:
        return "submitted", None
    values = list(states.values())
    if "started" in values or "acknowledged" in values:
        return "processing", None
    completed = values.count("completed")
    failed = values.count("failed")
    skipped = values.count("skipped")
    if completed + failed + skipped != len(values):
        return "submitted", None
    if failed and completed:
        return "partial_failure", None
    if failed:
        return "failed", latest_error
    if skipped and not completed:
        return "skipped", latest_error
    return "completed", None


def created(job: OsapiJob, anchor: int) -> str:
    return job.created_text if job.created_text is not None else golang.rfc3339(anchor)


def detail(job: OsapiJob, anchor: int, snap: Snapshot) -> dict[str, Any]:
    """``GET /job/{id}``: every field OSAPI sets, absent where it leaves them out."""
    doc = list_item(job, anchor, snap)
    doc["changed"] = snap.changed
    if snap.agent_states:
        doc["agent_states"] = snap.agent_states
    if snap.responses:
        doc["responses"] = snap.responses
    if snap.timeline:
        doc["timeline"] = snap.timeline
    return doc


def list_item(job: OsapiJob, anchor: int, snap: Snapshot) -> dict[str, Any]:
    """An item of ``GET /job``: no responses, agent states or timeline, ``changed`` null."""
    doc: dict[str, Any] = {
        "changed": None,
        "created": created(job, anchor),
        "id": job.job_id,
        "status": snap.status,
    }
    if snap.error:
        doc["error"] = snap.error
    if snap.hostname:
        doc["hostname"] = snap.hostname
    if job.operation is not None:
        doc["operation"] = job.operation
    if snap.has_result:
        doc["result"] = snap.result
    if snap.updated_at:
        doc["updated_at"] = snap.updated_at
    return doc
