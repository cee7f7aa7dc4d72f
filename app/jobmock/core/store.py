"""The state of one app instance: job tables, poll history, the request journal, the epoch.

Fixture records form an immutable base; what clients change (started, stopped, deleted jobs) goes
into an overlay. Reset drops the overlay and re-anchors the epoch, so it costs nothing however
many jobs were loaded, and YAML is never re-read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Generic, TypeVar

from jobmock.core.clock import AppClock
from jobmock.core.errors import RateLimited
from jobmock.core.journal import Journal, JournalEntry

K = TypeVar("K")
V = TypeVar("V")


class _Deleted:
    """What a deleted key maps to in the changes; one object, also when unpickled."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "_DELETED"


_DELETED = _Deleted()

#: How many poll times are kept per job: enough for any ``after_polls`` step a fixture declares.
POLL_TIMES_KEPT = 1024
#: How many jobs and runs clients may create in one vendor between resets (``max_created_jobs``).
MAX_CREATED = 10_000


class Table(Generic[K, V]):
    """Records by id: the loaded base plus the changes since the last reset. O(1) lookups."""

    def __init__(
        self, base: Mapping[K, V] | None = None, on_change: Callable[[], None] | None = None
    ) -> None:
        self._base: dict[K, V] = dict(base or {})
        self._changes: dict[K, object] = {}
        self._on_change = on_change

    def get(self, key: K) -> V | None:
        value = self._changes.get(key, self._base.get(key))
        if value is None or value is _DELETED:
            return None
        return value  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def put(self, key: K, value: V) -> None:
        self._changes[key] = value
        if self._on_change is not None:
            self._on_change()

    def delete(self, key: K, exists: bool = False) -> bool:
        """Remove ``key``; ``exists`` says it lives outside the table (a generated job)."""
        if not exists and self.get(key) is None:
            return False
        self._changes[key] = _DELETED
        if self._on_change is not None:
            self._on_change()
        return True

    def is_changed(self, key: K) -> bool:
        return key in self._changes

    def changed_keys(self) -> list[K]:
        """Keys changed or deleted since the last reset."""
        return list(self._changes)

    def reset(self) -> None:
        self._changes.clear()

    def keys(self) -> Iterator[K]:
        """Base keys in their order (changed ones in place), then keys added since reset."""
        changes = self._changes
        for key in self._base:
            if changes.get(key) is not _DELETED:
                yield key
        for key, value in list(changes.items()):
            if value is not _DELETED and key not in self._base:
                yield key

    def values(self) -> Iterator[V]:
        for key in self.keys():
            value = self.get(key)
            if value is not None:
                yield value

    def __len__(self) -> int:
        return sum(1 for _ in self.keys())


class PollLog:
    """How often a job was read, and when (the first POLL_TIMES_KEPT reads)."""

    __slots__ = ("count", "times")

    def __init__(self) -> None:
        self.count = 0
        self.times: list[datetime] = []

    def add(self, when: datetime) -> None:
        self.count += 1
        if len(self.times) < POLL_TIMES_KEPT:
            self.times.append(when)


#: What ``Store.lock`` is: a re-entrant lock (``jobmock.shared`` holds one across processes).
Lock = AbstractContextManager[Any]


class Store:
    """Everything one app instance remembers. Built by ``create_app``; never a module global.

    This is the in-memory store; ``jobmock.shared.store.RedisStore`` is the one many processes
    share, and ``share``, ``commit`` and ``drop`` are where the two differ."""

    shared = False
    """Whether other processes see this state (then the app syncs it per request)."""

    def __init__(
        self, clock: AppClock, journal_size: int = 1000, max_created: int = MAX_CREATED
    ) -> None:
        self.clock = clock
        self.lock: Lock = threading.RLock()
        self.journal = Journal(journal_size)
        self.epoch: datetime = clock.now()
        self.max_created = max_created
        self._created: dict[str, int] = {}
        self._tables: list[Table[object, object]] = []
        self._polls: dict[tuple[str, str], PollLog] = {}
        self._reset_hooks: list[Callable[[], None]] = []
        self.revision = 0
        """Moves on whenever a job may have changed other than by the clock (a client's or the
        control API's change, a reset): documents rendered before are not served again."""

    def changed(self) -> None:
        self.revision += 1

    def table(self, base: Mapping[K, V] | None = None) -> Table[K, V]:
        table: Table[K, V] = Table(base, self.changed)
        self._tables.append(table)  # type: ignore[arg-type]
        self.share(table, ("_changes",))
        return table

    def share(self, owner: object, attrs: Sequence[str], caches: Sequence[str] = ()) -> None:
        """Declare ``attrs`` of ``owner`` mutable state and ``caches`` (each with ``clear()``)
        derived from it; in memory there is nothing to do."""

    def sync(self) -> str:
        """Take in what other processes changed: ``current``, ``stale`` (they reloaded the
        fixtures) or ``gone`` (they dropped it). Called only when ``shared``."""
        return "current"

    async def synced(self) -> str:
        """``sync`` from an event loop, which it does not block."""
        return self.sync()

    async def journaled_if_current(self, entry: JournalEntry) -> bool:
        """Journal ``entry`` if what this process holds is still the state: in memory it is
        (a shared store checks, ``jobmock.shared``)."""
        self.journal.add(entry)
        return True

    async def aclose(self) -> None:
        """Close what the running event loop opened to the store (its server stops)."""

    def commit(self) -> None:
        """Make what this request changed visible to other processes; in memory it is."""

    def drop(self) -> None:
        """Forget this state for good (a session ended); in memory the garbage collector does."""

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def record_poll(self, vendor: str, job_id: str, when: datetime) -> PollLog:
        """A read of a poll-driven job: it moves on, so what was read before (a list showing
        it) is not answered again."""
        self.changed()
        with self.lock:
            log = self._polls.get((vendor, job_id))
            if log is None:
                log = self._polls[(vendor, job_id)] = PollLog()
            log.add(when)
            return log

    def count_created(self, vendor: str, count: int = 1) -> None:
        """Count ``count`` jobs or runs a client is about to create in ``vendor``, or refuse them
        all: what clients create is held until reset, so without a cap a long-running server
        grows without end. Refused with 429 and no ``Retry-After`` (waiting does not help: a
        reset, or a higher cap, does); nothing is dropped, so every id a client was given
        stays readable."""
        with self.lock:
            used = self._created.get(vendor, 0)
            if used + count > self.max_created:
                raise RateLimited(
                    f"jobmock holds at most {self.max_created} jobs and runs created by clients "
                    f"per vendor ({used} so far); reset it (POST /_mock/reset) or raise "
                    "--max-created-jobs",
                    reason="created_cap",
                )
            self._created[vendor] = used + count

    def polls(self, vendor: str, job_id: str) -> list[datetime]:
        log = self._polls.get((vendor, job_id))
        return log.times if log is not None else []

    def reset(self) -> datetime:
        with self.lock:
            self.epoch = self.clock.reset()
            for table in self._tables:
                table.reset()
            self._polls.clear()
            self._created.clear()
            self.journal.clear()
            for hook in self._reset_hooks:
                hook()
            self.changed()
            return self.epoch
