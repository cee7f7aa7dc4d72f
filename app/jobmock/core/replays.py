"""Hot reads answered again, whole, while the same request cannot be answered differently.

``core.documents`` keeps a rendered body; this keeps the whole answer (status, headers, body,
and what the journal says of it) under everything the request says: its path, query and every
header exactly as sent. A poller repeating a request then costs a dictionary lookup, a check of
the window (``core.documents.holds``, as for a kept document), a journal entry and the answer:
no routing, no credential check, no handler.

An answer is kept only when each step it went through says for how long it holds: every
document it read was kept (``note_kept``: the store's revision, the clock's next change), and
the credential's expiry on the clock (``note_expiry``). It is kept from the request's time on
the clock: a clock set back before it, the store's revision moving on, or the clock reaching the
first expiry ends it. Nothing that can steer a request differently is ever skipped: a request
with a body or with the steering headers of ``core.stubs`` is never kept, and no kept answer is
served while fault rules, stubs or the rate limit are on. On a shared store (``jobmock.shared``)
a kept answer is served only if the round trip that journals it finds the state as this process
last read it (``Store.journaled_if_current``): no other process changed anything since.

The journal entry of a kept answer is the one the full path would write (operation, job, state
served, status), as are the ``Date`` and the vendor's own headers, made for every request.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from jobmock.core.documents import holds
from jobmock.core.journal import JournalEntry, RawHeaders, earlier

if TYPE_CHECKING:
    from starlette.types import Scope, Send

    from jobmock.core.gate import Exchange, VendorGate

#: Whole answers kept per vendor and session (each about as large as its document).
ANSWERS_KEPT = 1024
#: Headers that make a request's answer more than its path, query and headers: a body, or
#: the stub step's steering (``core.stub_step``).
_NOT_KEPT = frozenset((b"content-length", b"transfer-encoding", b"prefer", b"x-jobmock-scenario"))

#: Generated jobs under way at most for a list of them to be answered again (each is rendered to
#: find when it moves on; more, and the list is rendered for every read).
IN_FLIGHT_KEPT = 64


Time = TypeVar("Time", datetime, int)


def first_change(times: Iterable[Time | None], now: Time) -> Time | None:
    """The earliest of ``times`` at or after ``now`` (what a list's window ends at; ``now``
    itself: it holds only while the clock stands), None if there is none."""
    return min((when for when in times if when is not None and when >= now), default=None)


Key = tuple[str, bytes, tuple[tuple[bytes, bytes], ...]]


class Kept(NamedTuple):
    path: str
    """The path as the vendor sees it (the journal's ``path``)."""
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    said: tuple[str | None, str | None, str | None, bool | None, str | None]
    """What the journal said of it: operation, job, state, terminal, retry_after."""
    since: datetime
    until: datetime | None
    """The first time on the clock it may read differently (None: not on the clock alone)."""
    revision: int


class Replays:
    """The kept answers of one gate (one vendor of one store)."""

    __slots__ = ("_gate", "_items", "_size", "asked_in_front")

    def __init__(self, gate: VendorGate, size: int = ANSWERS_KEPT) -> None:
        self._gate = gate
        self._size = size
        self._items: dict[Key, Kept] = {}
        self.asked_in_front = False
        """Whether the root app asks before routing (``main``): the gate need not ask again."""

    def _on(self) -> bool:
        gate = self._gate
        limiter = gate.limiter
        return not (
            gate.faults or gate.stubs.book.live or (limiter is not None and limiter.enabled)
        )

    async def answer(self, scope: Scope, send: Send) -> bool:
        """Answer ``scope`` from a kept answer (True), or leave it to the gate's steps."""
        if scope["method"] != "GET":
            return False
        try:
            kept = self._items.get((scope["path"], scope["query_string"], tuple(scope["headers"])))
        except TypeError:  # headers as lists (a server may give them so): never kept
            return False
        if kept is None or not self._on():
            return False
        gate = self._gate
        store = gate.store
        now = store.clock.now()
        if not holds(kept.since, kept.until, kept.revision, now, store.revision):
            return False
        started = time.perf_counter()
        entry = JournalEntry.arriving(
            store.journal.next_seq(),
            gate.slug,
            "GET",
            kept.path,
            scope["path"],
            scope["query_string"],
            scope["headers"],
            now,
            time.time(),
        )
        entry.status = kept.status
        entry.operation, entry.job, entry.state, entry.terminal, entry.retry_after = kept.said
        own = gate.vendor.own_headers
        date = gate.date.at(now)
        headers = [*kept.headers, *own(scope), date] if own is not None else [*kept.headers, date]
        entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        # Journaled before the answer leaves, as on the full path. On a shared store, only if
        # no other process changed the state since this one last read it; else the request is
        # served anew (one round trip either way: the journal's).
        if not gate.shared:
            store.journal.add(entry)
        elif not await store.journaled_if_current(entry):
            return False
        await send({"type": "http.response.start", "status": kept.status, "headers": headers})
        await send({"type": "http.response.body", "body": kept.body})
        return True

    def offer(self, exchange: Exchange, status: int, headers: RawHeaders, body: bytes) -> None:
        """Keep a hot read's answer (once answered and journaled), when each step it went
        through said how long it holds."""
        served: dict[str, Any] = exchange.served
        kept = served.get("kept")
        scope = exchange.scope
        if (
            kept is None
            or "volatile" in served
            or not 200 <= status < 300
            or scope["method"] != "GET"
            or not self._on()
            or any(name in _NOT_KEPT for name, _ in scope["headers"])
        ):
            return
        revision, since, until = kept
        since = max(since, exchange.entry.arrived)  # the credential was checked after it came
        until = earlier(until, served.get("expires"))
        entry = exchange.entry
        items = self._items
        key: Key = (scope["path"], scope["query_string"], tuple(scope["headers"]))
        try:
            hash(key)
        except TypeError:
            return
        if len(items) >= self._size and key not in items:
            with suppress(KeyError, RuntimeError, StopIteration):
                del items[next(iter(items))]
        headers = tuple(headers)
        items[key] = Kept(
            entry.path,
            status,
            headers,
            body,
            (entry.operation, entry.job, entry.state, entry.terminal, entry.retry_after),
            since,
            until,
            revision,
        )

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
