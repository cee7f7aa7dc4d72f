"""``Claims`` in Redis: which process sends each webhook delivery, and which one runs the clock.

Keys per store (under its prefix): ``wh:sent:{round}``, the set of event keys claimed in the
current round (``SADD`` says who won); ``wh:lease``, held by one process's scheduler at a time
(``SET NX PX``, renewed while it ticks, free to take once it lapses); ``wh:ids:{round}`` and
``wh:records:{round}``, the deliveries' numbers and their records as JSON (a hash by id), which
the process that sends a delivery updates after each step. A reset starts a new round
(``wh:round``), which every process notices on its next claim or lease check.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from jobmock.shared.link import StoreUnavailable
from jobmock.shared.store import RedisStore

#: How long a lease outlives its holder's last renewal, and how often a process asks Redis
#: about it (holders renew, others look for a lapsed one).
LEASE_TTL = 2.0
CHECK_EVERY = 0.5

_LEASE = """
local r = redis.call('GET', KEYS[2]) or '0'
local h = redis.call('GET', KEYS[1])
if h == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, r}
end
if not h then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, r}
end
return {0, r}
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""
_CLAIM = """
local r = redis.call('GET', KEYS[1]) or '0'
local out = {r}
for i, key in ipairs(ARGV) do out[i + 1] = redis.call('SADD', KEYS[2] .. r, key) end
return out
"""
_CLEAR = """
local r = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('DEL', KEYS[i] .. (r - 1)) end
return r
"""
_NUMBER = """
local r = redis.call('GET', KEYS[1]) or '0'
return {r, redis.call('INCR', KEYS[2] .. r)}
"""
_RECORDS = """
local r = redis.call('GET', KEYS[1]) or '0'
return {r, redis.call('HGETALL', KEYS[2] .. r)}
"""
#: Records of the round they were made in only: a reset elsewhere meanwhile drops them.
_PUBLISH = """
local r = redis.call('GET', KEYS[1]) or '0'
if r == ARGV[1] then
  for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2] .. r, ARGV[i], ARGV[i + 1]) end
end
return r
"""


class SharedClaims:
    def __init__(self, store: RedisStore) -> None:
        self._store = store
        p = store.prefix
        self._lease, self._round, self._sent = p + "wh:lease", p + "wh:round", p + "wh:sent:"
        self._ids, self._records = p + "wh:ids:", p + "wh:records:"
        self._me = uuid.uuid4().hex
        self._held = False
        self._next_check = 0.0
        self.round = 0

    async def leads(self) -> bool:
        now = time.monotonic()
        link = self._store.link
        try:
            if now >= self._next_check:
                ttl = int(LEASE_TTL * 1000)
                held, found = await link.acall(_LEASE, [self._lease, self._round], [self._me, ttl])
                self._held, self.round = bool(held), int(found)
                self._next_check = now + CHECK_EVERY
            if not self._held:
                return False
            if await self._store.synced() == "current":
                return True
            # Another process reloaded the fixtures (or ended this session) and this one has not
            # rebuilt yet: let a current one lead.
            await link.acall(_RELEASE, [self._lease], [self._me])
        except StoreUnavailable:
            pass  # nobody sends while Redis is away; the lease lapses meanwhile
        self._held, self._next_check = False, now + LEASE_TTL
        return False

    def claim(self, keys: list[tuple[str, ...]]) -> list[bool]:
        members = ["\x1f".join(key) for key in keys]
        found = self._store.link.call(_CLAIM, [self._round, self._sent], members)
        self.round = int(found[0])
        return [bool(won) for won in found[1:]]

    def clear(self) -> None:
        keys = [self._round, self._sent, self._ids, self._records]
        self.round = int(self._store.link.call(_CLEAR, keys, []))

    def number(self) -> int:
        found, number = self._store.link.call(_NUMBER, [self._round, self._ids], [])
        self.round = int(found)
        return int(number)

    def publish(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        pairs = [v for r in records for v in (r["id"], json.dumps(r, separators=(",", ":")))]
        found = self._store.link.call(_PUBLISH, [self._round, self._records], [self.round, *pairs])
        self.round = int(found)

    def records(self) -> list[dict[str, Any]]:
        found, rows = self._store.link.call(_RECORDS, [self._round, self._records], [])
        self.round = int(found)
        return sorted((json.loads(row) for row in rows[1::2]), key=lambda r: int(r["id"]))


def claims_for(store: object) -> SharedClaims | None:
    """The claims of a shared store; None in memory."""
    return SharedClaims(store) if isinstance(store, RedisStore) else None
