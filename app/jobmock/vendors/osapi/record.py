"""Recording OSAPI jobs: each ``GET /job/{id}`` document as a fixture job whose events are
given exactly.

OSAPI shows an event's time in whole seconds, but a host's ``duration`` (its start to its end)
and ``updated_at`` (the last event) to the nanosecond. A recording gives each event the moment
that satisfies all of them at once: inside the second it shows, in the order it is listed,
each host's end its duration after its start, the last event at ``updated_at`` (and, for a
followed job, the last event each poll saw at the ``updated_at`` it saw). That is a set
of difference constraints, solved exactly (Bellman-Ford over a handful of events); the document
the fixture then renders is the recorded one. Everything else the document says follows from
those events, or is given as recorded (replies' data, errors, the operation).
"""

from __future__ import annotations

from typing import Any

from jobmock.core import golang
from jobmock.core.recording.api import VendorApi
from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.options import required, unused
from jobmock.core.recording.vendor import Progress, RecordedJob, RecordOptions, Seen
from jobmock.vendors.osapi import SPEC
from jobmock.vendors.osapi.records import API_HOST

SLUG = SPEC.slug
PAGE = 100
SECOND = golang.NS_PER_SECOND
FINAL = frozenset({"completed", "failed", "partial_failure", "skipped"})
TERMINAL_EVENTS = frozenset({"completed", "failed", "skipped"})
#: Kept from the document as they are; the rest the fixtures derive from the events.
#: What a followed job's polls note beside its status.
EVENTS = "events"
GIVEN = ("id", "status", "created", "operation", "result", "changed", "error", "hostname")


class OsapiRecorder:
    personal: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Any]] = {}

    def connect(self, options: RecordOptions) -> VendorApi:
        unused(options, SLUG, "jwt_secret", "workspace", "project")
        token = required(
            options.credential, SLUG, "a JWT (sent as Authorization: Bearer) as --credential"
        )
        return VendorApi(
            SPEC.title, options.base_url, {"Authorization": f"Bearer {token}"}, options.timeout
        )

    def job_ids(self, api: VendorApi) -> list[str]:
        ids: list[str] = []
        while True:
            params = {"limit": PAGE, "offset": len(ids)}
            body = api.get("/job", params, about="the job list").body
            ids += [item["id"] for item in body["items"]]
            if not body["items"] or len(ids) >= body["total_items"]:
                return ids[::-1]

    def record(self, api: VendorApi, job_id: str) -> RecordedJob:
        doc = api.get(f"/job/{job_id}", about=f"job {job_id}").body
        self._docs[doc["id"]] = doc
        job = {name: doc[name] for name in GIVEN if name in doc}
        if doc.get("responses"):
            job["responses"] = {
                key: {name: value for name, value in reply.items() if name in ("data", "error")}
                for key, reply in doc["responses"].items()
            }
        if doc.get("timeline"):
            job["timeline"] = _timeline(doc)
        return RecordedJob(doc["id"], job)

    def progress(self, api: VendorApi, job_id: str) -> Progress:
        answer = api.get(f"/job/{job_id}", about=f"job {job_id}")
        doc = answer.body
        states = {"job": doc["status"]}
        if doc.get("updated_at"):
            # How many events there were, and the last one's exact time (see with_timeline).
            states[EVENTS] = f"{len(doc.get('timeline') or [])} {doc['updated_at']}"
        return Progress(states, doc["status"] in FINAL, answer.at)

    def with_timeline(self, recorded: RecordedJob, seen: list[Seen]) -> RecordedJob:
        """The final document pins only its last event to the nanosecond; each poll pinned
        the last event it saw, so a followed job replays exactly at every moment seen."""
        doc = self._docs[recorded.job_id]
        if not doc.get("timeline"):
            return recorded
        created = _ns(doc["created"], doc["id"])
        pins: dict[int, int] = {}
        for item in seen:
            if item.unit == EVENTS:
                count, updated_at = item.state.split(" ", 1)
                pins[int(count) - 1] = _ns(updated_at, doc["id"]) - created
        job = {**recorded.job, "timeline": _timeline(doc, pins)}
        return RecordedJob(recorded.job_id, job, recorded.sections)

    def definitions(self, _options: RecordOptions, jobs: list[RecordedJob]) -> dict[str, Any]:
        hosts = {
            item["hostname"]
            for job in jobs
            for item in job.job.get("timeline", [])
            if item.get("hostname") not in (None, API_HOST)
        }
        return {"agents": [{"hostname": host} for host in sorted(hosts)]} if hosts else {}


def _timeline(doc: dict[str, Any], pins: dict[int, int] | None = None) -> list[dict[str, Any]]:
    """The document's events, each ``at`` its exact offset; ``pins`` holds offsets known
    besides (event index -> ns from creation)."""
    items = doc["timeline"]
    created = _ns(doc["created"], doc["id"])
    known = dict(pins or {})
    if doc.get("updated_at"):
        # Events are listed in time order: the last is the latest.
        known[len(items) - 1] = _ns(doc["updated_at"], doc["id"]) - created
    offsets = _offsets(doc, items, created, known)
    out = []
    for item, offset in zip(items, offsets, strict=True):
        event = {name: item[name] for name in ("event", "hostname", "error") if name in item}
        event["at"] = f"{offset // SECOND}.{offset % SECOND:09d}s" if offset >= 0 else "0s"
        out.append(event)
    return out


def _ns(text: str, job_id: str) -> int:
    value = golang.parse_rfc3339(text)
    if value is None:
        raise RecordError(f"job {job_id}: {text!r} is not an RFC 3339 time")
    return value


def _offsets(
    doc: dict[str, Any], items: list[dict[str, Any]], created: int, pins: dict[int, int]
) -> list[int]:
    """Each event's offset from ``created`` in ns, meeting every constraint the document
    shows (see the module docstring); ``RecordError`` when none does."""
    n = len(items)
    zero = n
    edges: list[tuple[int, int, int]] = []  # x[j] - x[i] <= w, as (i, j, w)

    def at_most(j: int, i: int, w: int) -> None:
        edges.append((i, j, w))

    for i, item in enumerate(items):
        low = _ns(item["timestamp"], doc["id"]) - created
        at_most(i, zero, low + SECOND - 1)
        at_most(zero, i, -low)
        if i + 1 < n:
            at_most(i, i + 1, 0)
    for host, state in (doc.get("agent_states") or {}).items():
        if "duration" not in state:
            continue
        took = golang.parse_duration(state["duration"])
        start = next(
            i
            for i, it in enumerate(items)
            if it.get("hostname") == host and it["event"] == "started"
        )
        end = max(
            i for i, it in enumerate(items)
            if it.get("hostname") == host and it["event"] in TERMINAL_EVENTS
        )  # fmt: skip
        at_most(end, start, took)
        at_most(start, end, -took)
    for i, offset in pins.items():
        if 0 <= i < n:
            at_most(i, zero, offset)
            at_most(zero, i, -offset)
    distance = [0] * (n + 1)
    # n + 1 nodes: settled after n + 1 passes, unless a negative cycle says it cannot be.
    for _ in range(n + 2):
        changed = False
        for i, j, w in edges:
            if distance[i] + w < distance[j]:
                distance[j] = distance[i] + w
                changed = True
        if not changed:
            return [value - distance[zero] for value in distance[:n]]
    raise RecordError(
        f"job {doc['id']}: its timeline, durations and updated_at do not fit together "
        "(no moment for each event meets them all)"
    )
