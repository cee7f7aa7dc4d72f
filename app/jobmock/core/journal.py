"""A bounded record of what clients sent and what they got back, newest last."""

from __future__ import annotations

import itertools
import operator
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from jobmock.core.clock import EPOCH, micros
from jobmock.core.paths import PathPattern, matches, split

#: What the vendor backend says about the request being served (the job it read, the state it
#: showed, whether that state is terminal); the gate folds it into the journal entry.
_served: ContextVar[dict[str, Any] | None] = ContextVar("jobmock_served", default=None)


def note_served(job: str, state: str, terminal: bool) -> None:
    """Called by a vendor backend when it serves a job's state: makes the request a *poll*."""
    info = _served.get()
    if info is not None:
        info.update(job=job, state=state, terminal=terminal)


def note_kept(revision: int, since: datetime, until: datetime | None) -> None:
    """Called for what an answer read that reads the same while the store stays at
    ``revision`` and the clock from ``since`` until before ``until`` (a kept document, a list):
    ``core.replays`` answers it again inside the narrowest of them."""
    info = _served.get()
    if info is None:
        return
    kept = info.get("kept")
    if kept is None:
        info["kept"] = (revision, since, until)
        return
    if kept[0] != revision:
        info["volatile"] = True
    info["kept"] = (revision, max(since, kept[1]), earlier(until, kept[2]))


def note_expiry(until: datetime) -> None:
    """Called where an answer holds only until a time on the clock (a key's or token's expiry)."""
    info = _served.get()
    if info is not None:
        info["expires"] = earlier(until, info.get("expires"))


def note_volatile() -> None:
    """Called for an answer the next identical request may not get (a poll-driven job's)."""
    info = _served.get()
    if info is not None:
        info["volatile"] = True


def earlier(one: datetime | None, other: datetime | None) -> datetime | None:
    """The earlier of two times, None standing for never."""
    if one is None:
        return other
    return one if other is None or one < other else other


def serving() -> dict[str, Any]:
    """Start collecting ``note_served`` for the current request; returns the dict it fills."""
    info: dict[str, Any] = {}
    _served.set(info)
    return info


#: What a journal entry says, in the order of its JSON (``to_dict``).
ENTRY_FIELDS = (
    "seq", "vendor", "method", "path", "raw_path", "query", "query_string", "headers", "body",
    "at", "wall", "status", "operation", "job", "duration_ms", "error", "state", "terminal",
    "retry_after", "fault", "stub", "suggestion", "notes",
)  # fmt: skip
_UNSET: Any = object()
#: An entry's parts decoded only when read (``_UNSET`` until then), but its arrival time.
_LAZY = (
    "_at", "_body", "_headers", "_query", "_query_string", "_raw_body", "_raw_headers",
    "_raw_query",
)  # fmt: skip
_lazy_values = operator.attrgetter(*_LAZY)
RawHeaders = Iterable[tuple[bytes, bytes]]


def decode_headers(raw: RawHeaders) -> dict[str, str]:
    """Header names lowercased; a repeated header's values joined with ``", "``."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


class JournalEntry:
    """One request and its answer. The request's query, headers, body and mock-clock time are
    kept as the server gave them and decoded the first time they are read (most entries are
    never read), so journaling costs a poll almost nothing; readers see plain attributes."""

    __slots__ = (
        "_at", "_body", "_headers", "_query", "_query_string", "_raw_body", "_raw_headers",
        "_raw_query", "_when", "duration_ms", "error", "fault", "job", "method", "notes",
        "operation", "path", "raw_path", "retry_after", "seq", "state", "status", "stub",
        "suggestion", "terminal", "vendor", "wall",
    )  # fmt: skip

    def __init__(
        self,
        seq: int,
        vendor: str | None,
        method: str,
        path: str,
        raw_path: str,
        query: dict[str, str],
        query_string: str,
        headers: dict[str, str],
        body: str,
        at: str,
        wall: float = 0.0,
        status: int = 0,
        operation: str | None = None,
        job: str | None = None,
        duration_ms: float = 0.0,
        error: str | None = None,
        state: str | None = None,
        terminal: bool | None = None,
        retry_after: str | None = None,
        fault: int | None = None,
        stub: int | None = None,
        suggestion: str | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.seq = seq
        self.vendor = vendor
        self.method = method
        self.path = path
        """The path as the vendor sees it (its real API path)."""
        self.raw_path = raw_path
        """The path as the client sent it, with jobmock's vendor prefix."""
        self._query, self._query_string, self._headers = query, query_string, headers
        self._body, self._at = body, at
        self._raw_query = self._raw_headers = self._raw_body = self._when = _UNSET
        self.wall = wall
        """When the request arrived, in real time (seconds since the epoch)."""
        self.status = status
        self.operation = operation
        self.job = job
        self.duration_ms = duration_ms
        self.error = error
        self.state = state
        """The job state the response showed, when the request read a job (a poll)."""
        self.terminal = terminal
        self.retry_after = retry_after
        """The ``Retry-After`` the response carried, if any."""
        self.fault = fault
        """The id of the injected fault that answered, if one did."""
        self.stub = stub
        """The id of the stub that answered, if one did (``core.stubs``)."""
        self.suggestion = suggestion
        """For a request that hit no route or an unknown job: the nearest valid path or id."""
        self.notes: list[str] = notes if notes is not None else []

    @classmethod
    def arriving(
        cls,
        seq: int,
        vendor: str | None,
        method: str,
        path: str,
        raw_path: str,
        raw_query: bytes,
        raw_headers: RawHeaders,
        when: datetime,
        wall: float,
    ) -> JournalEntry:
        """An entry for a request as it arrives, from the server's raw values."""
        entry = cls.__new__(cls)
        entry.seq, entry.vendor, entry.method = seq, vendor, method
        entry.path, entry.raw_path = path, raw_path
        entry._raw_query, entry._raw_headers, entry._raw_body = raw_query, raw_headers, b""
        entry._query = entry._query_string = entry._headers = entry._body = entry._at = _UNSET
        entry._when, entry.wall = when, wall
        entry.status, entry.operation, entry.job, entry.duration_ms = 0, None, None, 0.0
        entry.error = entry.state = entry.terminal = entry.retry_after = None
        entry.fault = entry.stub = entry.suggestion = None
        entry.notes = []
        return entry

    @property
    def arrived(self) -> datetime:
        """When the request arrived, on the mock clock."""
        if self._when is _UNSET:
            return datetime.fromisoformat(self.at)
        when: datetime = self._when
        return when

    @property
    def query_string(self) -> str:
        if self._query_string is _UNSET:
            self._query_string = self._raw_query.decode("latin-1")
        return str(self._query_string)

    @query_string.setter
    def query_string(self, value: str) -> None:
        self._query_string = value

    @property
    def query(self) -> dict[str, str]:
        if self._query is _UNSET:
            self._query = dict(parse_qsl(self.query_string, keep_blank_values=True))
        return self._query

    @query.setter
    def query(self, value: dict[str, str]) -> None:
        self._query = value

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is _UNSET:
            self._headers = decode_headers(self._raw_headers)
        return self._headers

    @headers.setter
    def headers(self, value: dict[str, str]) -> None:
        self._headers = value

    @property
    def body(self) -> str:
        if self._body is _UNSET:
            self._body = bytes(self._raw_body).decode("utf-8", "replace")
        return str(self._body)

    @body.setter
    def body(self, value: str) -> None:
        self._body = value

    def keep_body(self, raw: bytes | bytearray) -> None:
        """The body as received, decoded when read."""
        self._raw_body, self._body = raw, _UNSET

    @property
    def at(self) -> str:
        """When the request arrived, on the mock clock (ISO 8601)."""
        if self._at is _UNSET:
            self._at = self._when.isoformat()
        return str(self._at)

    @at.setter
    def at(self, value: str) -> None:
        self._at = value

    def packed(self) -> tuple[Any, ...]:
        """The entry as it stands, what is decoded only when read left undecoded, in plain
        values (cheap to pickle: ``jobmock.shared`` keeps the journal in Redis); not ``seq``."""
        when = self._when
        return (
            self.vendor, self.method, self.path, self.raw_path, self.wall, self.status,
            self.operation, self.job, self.duration_ms, self.error, self.state, self.terminal,
            self.retry_after, self.fault, self.stub, self.suggestion, self.notes,
            *[None if value is _UNSET else value for value in _lazy_values(self)],
            None if when is _UNSET else micros(when),
        )  # fmt: skip

    @classmethod
    def unpacked(cls, seq: int, packed: tuple[Any, ...]) -> JournalEntry:
        """The entry ``packed`` made."""
        entry = cls.__new__(cls)
        entry.seq = seq
        (
            entry.vendor, entry.method, entry.path, entry.raw_path, entry.wall, entry.status,
            entry.operation, entry.job, entry.duration_ms, entry.error, entry.state,
            entry.terminal, entry.retry_after, entry.fault, entry.stub, entry.suggestion,
            entry.notes,
        ) = packed[:17]  # fmt: skip
        for name, value in zip(_LAZY, packed[17:-1], strict=True):
            setattr(entry, name, _UNSET if value is None else value)
        when = packed[-1]
        entry._when = _UNSET if when is None else EPOCH + timedelta(microseconds=when)
        return entry

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in ENTRY_FIELDS}
        data["query"], data["headers"] = dict(data["query"]), dict(data["headers"])
        data["notes"] = list(self.notes)
        return data

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JournalEntry):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.to_dict().items())
        return f"JournalEntry({fields})"


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
        # next() on a count is atomic under the GIL: numbering needs no lock.
        self._seq = itertools.count(1)
        self._last = 0
        self.listener: Callable[[JournalEntry], None] | None = None
        """Told of every entry as it is added (``jobmock serve`` prints them)."""

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    @property
    def seq(self) -> int:
        """The number of the latest request (numbers keep counting across a clear)."""
        return self._last

    def next_seq(self) -> int:
        self._last = number = next(self._seq)
        return number

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
