"""Hot reads' rendered documents, kept while they cannot read differently.

A detail read renders the same bytes until one of three things happens: the mock clock crosses
the job's next change (a timeline step, a step of a run reached), a client or the control API
changes a job (the store's ``revision``), or the clock is set back before the time the document
was rendered. A document is kept with the clock window it holds for and the revision it was
rendered at, and served again only inside both; what a poller sees is exactly what a fresh
render would give, at a fraction of its cost. The key is everything else the document depends
on (the operation, the job, the caller's scope, the query), chosen by the vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from jobmock.core.journal import note_kept, note_served, note_volatile

if TYPE_CHECKING:
    from jobmock.core.store import Store

#: Documents kept per vendor (each a few kB; bounded, however many jobs are read).
DOCUMENTS_KEPT = 1024


class Served(NamedTuple):
    """What ``note_served`` says of the read: the job, the state it showed, whether final."""

    job: str
    state: str
    terminal: bool


class Fresh(NamedTuple):
    """A document just rendered."""

    body: bytes
    served: Served | None
    until: datetime | None
    """The first time after now it may read differently (None: not on the clock alone)."""
    keep: bool = True
    """False for a document every read changes (a poll-driven job's): never served again."""


class Rendered(NamedTuple):
    body: bytes
    served: Served | None
    since: datetime
    """The clock's time when rendered."""
    until: datetime | None
    """The first time it may read differently (None: not on the clock alone); equal to
    ``since``, it holds only while the clock stands at ``since`` (a manual clock)."""
    revision: int


def holds(
    since: datetime, until: datetime | None, revision: int, now: datetime, current: int
) -> bool:
    """Whether what was read at ``since`` with the store at ``revision`` reads the same at ``now``
    with it at ``current``: the revision stands, the clock is not set back before ``since``,
    and it is before ``until`` (or, for ``until == since``, still standing at ``since``)."""
    return revision == current and since <= now and (until is None or now < until or now == since)


class Documents:
    """Rendered bodies by key, for one vendor of one store."""

    def __init__(self, store: Store, size: int = DOCUMENTS_KEPT) -> None:
        self._store = store
        self._size = size
        self._items: dict[Hashable, Rendered] = {}

    def get(self, key: Hashable, now: datetime, render: Callable[[], Fresh]) -> bytes:
        """The body for ``key`` at ``now``: the one kept, else ``render``'s (kept if it may)."""
        store = self._store
        kept = self._items.get(key)
        if kept is not None and holds(kept.since, kept.until, kept.revision, now, store.revision):
            if kept.served is not None:
                note_served(*kept.served)
            note_kept(kept.revision, kept.since, kept.until)
            return kept.body
        revision = store.revision  # read first: a change while rendering discards the result
        body, served, until, keep = render()
        if served is not None:
            note_served(*served)
        if not keep:
            note_volatile()
        else:
            note_kept(revision, now, until)
            items = self._items
            if len(items) >= self._size and key not in items:
                # The oldest kept (unless a read on a worker thread made room first).
                with suppress(KeyError, RuntimeError, StopIteration):
                    del items[next(iter(items))]
            items[key] = Rendered(body, served, now, until, revision)
        return body

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
