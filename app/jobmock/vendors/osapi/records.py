"""What the OSAPI backend stores: agents, and jobs as timelines of agent events.

A job is what OSAPI keeps in its KV bucket: the immutable definition (id, creation time,
operation) plus append-only ``status.<id>.<event>.<host>`` events and ``responses.<id>.<host>``
replies, each at a time after the job's creation. Nothing here depends on "now": a request
renders the events and replies reached at its time (``render.py``), so a job moves on the clock
with no background work. Times are integers in nanoseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

EventKind = Literal[
    "submitted", "acknowledged", "started", "completed", "failed", "skipped", "retried"
]
ReplyStatus = Literal["completed", "failed", "skipped"]
JOB_STATUSES = ("submitted", "processing", "completed", "failed", "partial_failure", "skipped")
#: ``GET /job?status=`` accepts these (``skipped`` is refused, spec/osapi.md §8).
LIST_FILTERS = ("submitted", "processing", "completed", "failed", "partial_failure")
AGENT_EVENTS = ("acknowledged", "started", "completed", "failed", "skipped")
API_HOST = "_api"
#: HEAD's per-host rule (1cae4c725): the highest-priority event is the host's state.
PRIORITY = {
    "submitted": 0,
    "acknowledged": 1,
    "started": 2,
    "failed": 3,
    "skipped": 3,
    "completed": 4,
    "retried": 4,
}
SKIPPED_ERROR = "operation not supported on this OS family"
_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def sanitize(hostname: str) -> str:
    """How OSAPI turns a hostname into a KV key segment (and a ``responses`` key)."""
    return _UNSAFE.sub("_", hostname)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an agent does with one operation: complete it, fail it or skip it."""

    status: ReplyStatus = "completed"
    error: str | None = None
    failures: int | None = None
    """With redelivery on, how many deliveries fail before one completes (None: every one)."""


@dataclass(frozen=True, slots=True)
class Agent:
    hostname: str
    labels: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    distribution: str = "Ubuntu"
    version: str = "24.04"
    outcomes: Mapping[str, Outcome] = field(default_factory=lambda: _EMPTY)
    responds: bool = True
    """False: registered, but never picks up a job (the controller times out waiting)."""

    def outcome(self, operation: str) -> Outcome:
        return self.outcomes.get(operation) or self.outcomes.get("*") or Outcome()

    def matches_label(self, key: str, value: str) -> bool:
        """Hierarchical label match: ``group:web`` matches ``group=web.dev.us-east``."""
        own = self.labels.get(key)
        return own is not None and (own == value or own.startswith(value + "."))


@dataclass(frozen=True, slots=True)
class Event:
    """One ``status.<id>.<event>.<host>.<nanos>`` key, ``offset`` ns after the job's creation."""

    offset: int
    kind: EventKind
    hostname: str
    error: str | None = None
    new_job_id: str | None = None
    """For ``retried``: the job the retry created."""
    coarse: bool = False
    """Stored as RFC 3339 with whole seconds (``submitted`` carries the job's ``created``)."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One ``responses.<id>.<host>.<nanos>`` key: what an agent answered."""

    offset: int
    hostname: str
    status: ReplyStatus
    data: Any = None
    has_data: bool = False
    error: str | None = None
    changed: bool | None = None


@dataclass(frozen=True, slots=True)
class OsapiJob:
    job_id: str
    operation: Mapping[str, Any] | None
    events: tuple[Event, ...]
    """In time order."""
    replies: tuple[Reply, ...]
    """In time order."""
    target: str = "_any"
    created_at: int | None = None
    """Absolute creation time (ns); None: the app's epoch plus ``created_offset``."""
    created_offset: int = 0
    ttl: int | None = None
    """Nanoseconds after creation at which the job's key expires; None: never."""
    created_text: str | None = None
    """A fixture's ``created`` string when it is not what OSAPI would write (kept verbatim)."""

    def anchor(self, epoch: int) -> int:
        return self.created_at if self.created_at is not None else epoch + self.created_offset

    @property
    def operation_type(self) -> str | None:
        kind = self.operation.get("type") if self.operation is not None else None
        return kind if isinstance(kind, str) else None

    def with_event(self, event: Event) -> OsapiJob:
        events = tuple(sorted((*self.events, event), key=lambda e: e.offset))
        return replace(self, events=events)


def is_query(operation: str) -> bool:
    """Whether a domain endpoint publishes ``operation`` as a query (spec/osapi.md §7.3)."""
    return (
        operation.endswith((".get", ".list", ".listUpdates"))
        or operation.startswith("node.log.")
        or operation in ("network.ping.do", "file.status.get")
    )


def is_query_on_retry(operation: str) -> bool:
    """How ``CreateJob`` (retry) routes by name instead (spec/osapi.md §7.3)."""
    return operation.endswith((".get", ".query", ".read", ".status", ".do")) or (
        operation.startswith("node.")
    )
