"""``RedisJournal``: the journal as one Redis list that every process appends to.

An entry takes its ``seq`` from one ``INCR`` in the same script that appends it, so the journal
of many processes is one sequence, in the order the entries were written, and bounded like the
in-memory ring (``LTRIM``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from jobmock.core.journal import Journal, JournalEntry
from jobmock.shared.link import Link, StoreUnavailable

_APPEND = """
local seq = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], seq .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return seq
"""


class RedisJournal(Journal):
    def __init__(self, link: Link, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._link = link
        self._keys = [prefix + "journal", prefix + "seq"]
        self._size = max(1, size)

    @property
    def size(self) -> int:
        return self._size

    def next_seq(self) -> int:
        return 0  # given when the entry is written: one sequence across processes

    def add(self, entry: JournalEntry) -> None:
        record = json.dumps(entry.to_dict(), separators=(",", ":"))
        try:
            entry.seq = int(self._link.call(_APPEND, self._keys, [record, self._size]))
        except StoreUnavailable:
            # The client is being answered (a 503 when the store is gone): it must not turn
            # into a crash because its record cannot be kept.
            entry.notes.append("not journaled: the state store is not answering")
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
