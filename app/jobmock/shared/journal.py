"""``RedisJournal``: the journal as one Redis list that every process appends to.

Entries are numbered by one counter (``INCRBY`` in the script that appends them), so the journal
of many processes is one sequence, in the order the entries were written, and bounded like the
in-memory ring (``LTRIM``). The list holds the newest entries and the counter the ``seq`` of the
last: an entry's ``seq`` is where it stands (both are read in one transaction).

In an event loop, the entries of a loop's turn travel together, with the state's revision read
for the requests that arrived meanwhile (a ``Trip``): one round trip, which the gate awaits before
an answer's last byte leaves. Each entry is kept as a pickle of its plain values
(``JournalEntry.packed``), as the store keeps its state.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
from collections.abc import Iterator
from typing import Any, NamedTuple

from jobmock.core.journal import Journal, JournalEntry
from jobmock.shared.batching import Batches
from jobmock.shared.link import Link, StoreUnavailable

#: KEYS: journal, seq, rev, gen. ARGV: the journal's size; the revision and generation the
#: conditional records expect; how many records are unconditional; those records, then the
#: conditional ones, appended only if the state is still at the revision they expect. Returns
#: the seq of the first record appended (0 if none), the state's revision and generation, and
#: whether the conditional records were appended.
_TRIP = """
local rev, gen = redis.call('GET', KEYS[3]), redis.call('GET', KEYS[4])
local last, taken = #ARGV, 1
if last > 4 + tonumber(ARGV[4]) and (rev ~= ARGV[2] or gen ~= ARGV[3]) then
  last, taken = 4 + tonumber(ARGV[4]), 0
end
local first = 0
if last > 4 then
  first = redis.call('INCRBY', KEYS[2], last - 4) - (last - 4) + 1
  for i = 5, last, 1000 do
    redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, last)))
  end
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
end
return {first, rev, gen, taken}
"""
NOT_KEPT = "not journaled: the state store is not answering"

Revision = tuple[bytes | None, bytes | None]
"""The state's revision and generation (``shared.store``)."""


class Trip(NamedTuple):
    revision: Revision
    """What the state's revision was when the entries were appended."""
    taken: Revision | None
    """The revision the conditional entries appended expected (None: none was appended)."""


#: What a request puts in a trip: an entry to append, an entry to append only if the state is
#: still at a revision, or None (it only needs the revision).
Item = JournalEntry | tuple[JournalEntry, Revision] | None


def record_of(entry: JournalEntry) -> bytes:
    # Undecoded (the headers, the query, the time as read): decoded when the journal is read,
    # as in memory. A pickle of plain values: a fifth of the JSON's cost per request.
    return pickle.dumps(entry.packed(), pickle.HIGHEST_PROTOCOL)


class RedisJournal(Journal):
    def __init__(self, link: Link, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._link = link
        self._keys = [prefix + "journal", prefix + "seq", prefix + "rev", prefix + "gen"]
        self._size = max(1, size)
        self._trips: Batches[Item, Trip] = Batches(self._trip)

    @property
    def size(self) -> int:
        return self._size

    def next_seq(self) -> int:
        return 0  # given when the entry is written: one sequence across processes

    def add(self, entry: JournalEntry) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # off any event loop: one round trip of its own
            try:
                first = int(self._link.call(_TRIP, self._keys, self._args([entry], [], None))[0])
            except StoreUnavailable:
                self._written([entry], None)
            else:
                self._written([entry], first)
        else:
            self._trips.put(entry)

    async def revision(self) -> Revision:
        """The state's revision, read after this call (with the entries of the loop's turn)."""
        trip: Trip = await self._trips.join(None)
        return trip.revision

    async def add_if(self, entry: JournalEntry, expected: Revision) -> bool:
        """Append ``entry`` only if the state is still at ``expected`` (False, and nothing
        appended, if another process changed it or the store is not answering): an answer this
        process holds is what any process would serve if its entry is appended."""
        try:
            trip: Trip = await self._trips.join((entry, expected))
        except StoreUnavailable:
            return False
        return trip.taken == expected

    async def written(self) -> None:
        """Until what this loop added is in Redis; never raises: a client is being answered,
        and its record not being kept must not turn into a crash."""
        pending = self._trips.pending()
        if pending is not None:
            with contextlib.suppress(Exception):
                await pending

    async def _trip(self, items: list[Item]) -> Trip:
        plain: list[JournalEntry] = []
        held: list[JournalEntry] = []
        expected: Revision | None = None
        for item in items:
            if isinstance(item, JournalEntry):
                plain.append(item)
            elif item is not None:
                entry, wanted = item
                # One expected revision per trip (a process's revision moves rarely in a
                # turn); an entry expecting another is not appended, and served anew.
                expected = expected or wanted
                if wanted == expected:
                    held.append(entry)
        try:
            found: list[Any] = await self._link.acall(
                _TRIP, self._keys, self._args(plain, held, expected)
            )
        except StoreUnavailable:
            self._written(plain, None)
            raise
        first = int(found[0])
        self._written(plain, first)
        taken = expected if found[3] else None
        if taken is not None:
            self._written(held, first + len(plain))
        return Trip((found[1], found[2]), taken)

    def _args(
        self, plain: list[JournalEntry], held: list[JournalEntry], expected: Revision | None
    ) -> list[object]:
        rev, gen = expected or (b"", b"")
        return [
            self._size,
            rev or b"",
            gen or b"",
            len(plain),
            *(record_of(entry) for entry in plain),
            *(record_of(entry) for entry in held),
        ]

    def _written(self, entries: list[JournalEntry], first: int | None) -> None:
        for i, entry in enumerate(entries):
            if first is None:
                entry.notes.append(NOT_KEPT)
            else:
                entry.seq = first + i
            if self.listener is not None:
                self.listener(entry)

    def clear(self) -> None:
        key = self._keys[0]
        self._link.run(lambda c: c.delete(key))

    def __iter__(self) -> Iterator[JournalEntry]:
        def read(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=True)
            pipe.lrange(self._keys[0], 0, -1)
            pipe.get(self._keys[1])
            return list(pipe.execute())

        rows, last = self._link.run(read)
        first = int(last or 0) - len(rows) + 1
        return iter(
            [JournalEntry.unpacked(first + i, pickle.loads(row)) for i, row in enumerate(rows)]
        )

    def __len__(self) -> int:
        key = self._keys[0]
        return int(self._link.run(lambda c: c.llen(key)))
