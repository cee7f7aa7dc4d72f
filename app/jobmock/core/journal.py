"""A bounded record of what clients sent and what they got back, newest last."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

from jobmock.core.paths import PathPattern, matches, split

#: What the vendor backend says about the request being served (the job it read, the state it
#: showed, whether that state is terminal); the gate folds it into the journal entry.
_served: ContextVar[dict[str, Any] | None] = ContextVar("jobmock_served", default=None)


def note_served(job: str, state: str, terminal: bool) -> None:
    """Called by a vendor backend when it serves a job's state: makes the request a *poll*."""
    info = _served.get()
    if info is not None:
        info.update(job=job, state=state, terminal=terminal)


def serving() -> dict[str, Any]:
    """Start collecting ``note_served`` for the current request; returns the dict it fills."""
    info: dict[str, Any] = {}
    _served.set(info)
    return info


@dataclass(slots=True)
class JournalEntry:
    seq: int
    vendor: str | None
    method: str
    path: str
    """The path as the vendor sees it (its real API path)."""
    raw_path: str
    """The path as the client sent it, with jobmock's vendor prefix."""
    query: dict[str, str]
    query_string: str
    headers: dict[str, str]
    body: str
    at: str
    """When the request arrived, on the mock clock (ISO 8601)."""
    wall: float = 0.0
    """When the request arrived, in real time (seconds since the epoch)."""
    status: int = 0
    operation: str | None = None
    job: str | None = None
    duration_ms: float = 0.0
    error: str | None = None
    state: str | None = None
    """The job state the response showed, when the request read a job (a poll)."""
    terminal: bool | None = None
    retry_after: str | None = None
    """The ``Retry-After`` the response carried, if any."""
    fault: int | None = None
    """The id of the injected fault that answered, if one did."""
    suggestion: str | None = None
    """For a request that hit no route or an unknown job: the nearest valid path or id."""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _matches_path(pattern: PathPattern, entry: JournalEntry, bases: Mapping[str, str]) -> bool:
    if entry.vendor is None:  # served by no vendor: only the whole path as sent can match
        parts = split(entry.raw_path)
        return matches(pattern.segments, parts, len(parts))
    return pattern.matches(entry.vendor, split(entry.path), bases.get(entry.vendor, ""))


class Journal:
    """A ring buffer: memory stays bounded however long the server runs."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=max(1, size))
        self._lock = threading.Lock()
        self._seq = 0
        self.listener: Callable[[JournalEntry], None] | None = None
        """Told of every entry as it is added (``jobmock serve`` prints them)."""

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def add(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)
        if self.listener is not None:
            self.listener(entry)

    async def written(self) -> None:
        """Until what was added is where every reader finds it: at once, in memory."""

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __iter__(self) -> Iterator[JournalEntry]:
        with self._lock:
            return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def find(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        operation: str | None = None,
        base_paths: Mapping[str, str] | None = None,
    ) -> list[JournalEntry]:
        """``path`` is a pattern of ``core.paths``; ``base_paths`` (each vendor's) say where the
        client's own path starts."""
        method = method.upper() if method else None
        pattern = PathPattern(path) if path is not None else None
        bases = base_paths or {}
        return [
            entry
            for entry in self
            if (vendor is None or entry.vendor == vendor)
            and (method is None or entry.method == method)
            and (pattern is None or _matches_path(pattern, entry, bases))
            and (job is None or entry.job == job)
            and (operation is None or entry.operation == operation)
        ]
