"""``RedisJournal``: the journal as one Redis list that every process appends to.

Entries take their ``seq`` from one ``INCRBY`` in the script that appends them, so the journal
of many processes is one sequence, in the order the entries were written, and bounded like the
in-memory ring (``LTRIM``). In an event loop, the entries of one turn are appended in one round
trip (``batching``), which the gate awaits before an answer's last byte leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

from jobmock.core.journal import ENTRY_FIELDS, Journal, JournalEntry
from jobmock.shared.batching import Batches
from jobmock.shared.link import Link, StoreUnavailable

_APPEND = """
local count = #ARGV - 1
local first = redis.call('INCRBY', KEYS[2], count) - count + 1
for i = 1, count do redis.call('RPUSH', KEYS[1], (first + i - 1) .. ' ' .. ARGV[i + 1]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
return first
"""
NOT_KEPT = "not journaled: the state store is not answering"


def record_of(entry: JournalEntry) -> str:
    # A shallow dict: ``to_dict`` (``asdict``) deep-copies, at the cost of a round trip.
    return json.dumps({name: getattr(entry, name) for name in ENTRY_FIELDS}, separators=(",", ":"))


class RedisJournal(Journal):
    def __init__(self, link: Link, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._link = link
        self._keys = [prefix + "journal", prefix + "seq"]
        self._size = max(1, size)
        self._batches: Batches[JournalEntry, None] = Batches(self._append_batch)

    @property
    def size(self) -> int:
        return self._size

    def next_seq(self) -> int:
        return 0  # given when the entry is written: one sequence across processes

    def add(self, entry: JournalEntry) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # off any event loop: one round trip of its own
            self._written([entry], self._append([entry]))
        else:
            self._batches.join(entry)

    async def written(self) -> None:
        """Until what this loop added is in Redis; never raises: a client is being answered,
        and its record not being kept must not turn into a crash."""
        pending = self._batches.pending()
        if pending is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(pending)

    def _append(self, entries: list[JournalEntry]) -> int | None:
        try:
            return int(self._link.call(_APPEND, self._keys, self._args(entries)))
        except StoreUnavailable:
            return None

    async def _append_batch(self, entries: list[JournalEntry]) -> None:
        try:
            first = int(await self._link.acall(_APPEND, self._keys, self._args(entries)))
        except StoreUnavailable:
            self._written(entries, None)
        else:
            self._written(entries, first)

    def _args(self, entries: list[JournalEntry]) -> list[object]:
        return [self._size, *(record_of(entry) for entry in entries)]

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
        key = self._keys[0]
        rows = self._link.run(lambda c: c.lrange(key, 0, -1))
        entries = []
        for row in rows:
            seq, _, record = row.partition(b" ")
            data = json.loads(record)
            data["seq"] = int(seq)
            entries.append(JournalEntry(**data))
        return iter(entries)

    def __len__(self) -> int:
        key = self._keys[0]
        return int(self._link.run(lambda c: c.llen(key)))
