"""``RedisStore``: ``core.store.Store`` with every piece of mutable state in Redis.

Per request a process asks Redis one thing (``sync``: the state's generation and revision) and
re-reads only the components another process changed since; it then serves from its own
objects, exactly as the in-memory store does. Writes to components happen under ``SharedLock``
(a Redis lock around the process's own), which re-reads before and pushes what changed after, so
a read-modify-write is atomic across processes. Poll history and the journal are Redis lists
appended by Lua scripts; in an event loop the revision is read with the journal's appends.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from jobmock import __version__
from jobmock.core.clock import EPOCH, AppClock, micros
from jobmock.core.journal import JournalEntry
from jobmock.core.store import MAX_CREATED, POLL_TIMES_KEPT, PollLog, Store
from jobmock.shared.components import CLOCK_ATTRS, Component
from jobmock.shared.journal import RedisJournal
from jobmock.shared.link import Link, StoreUnavailable

if TYPE_CHECKING:
    from types import TracebackType

#: Where the sessions a Redis holds are listed (name -> 1).
SESSIONS_KEY = "jobmock:sessions"
#: A write section holding the lock longer than this loses it (a process killed mid-write must
#: not wedge the others); the longest wait for it before answering 503.
LOCK_TTL = 10.0
LOCK_WAIT = 5.0

Freshness = Literal["current", "stale", "gone"]

_POLL = """
redis.call('INCR', KEYS[4])
local n = redis.call('HINCRBY', KEYS[3], KEYS[1], 1)
if redis.call('LLEN', KEYS[1]) < tonumber(ARGV[2]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('SADD', KEYS[2], KEYS[1])
return {n, redis.call('LRANGE', KEYS[1], 0, -1)}
"""
_CLEAR_POLLS = """
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1], KEYS[2])
return 0
"""


def _times(values: Sequence[bytes]) -> list[datetime]:
    return [EPOCH + timedelta(microseconds=int(v)) for v in values]


def prefix_of(session: str | None) -> str:
    return "jobmock:root:" if session is None else f"jobmock:s:{session}:"


class SharedLock:
    """Re-entrant in a process like ``threading.RLock``; the outermost holder also holds the
    store's Redis lock, reads what others changed on entry and pushes its changes on exit."""

    def __init__(self, store: RedisStore) -> None:
        self._store = store
        self._local = threading.RLock()
        self._depth = 0
        self._held: Any = None

    def __enter__(self) -> SharedLock:
        self._local.acquire()
        self._depth += 1
        if self._depth == 1:
            try:
                self._held = self._store.begin_write()
            except BaseException:
                self._depth -= 1
                self._local.release()
                raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._depth == 1:
                held, self._held = self._held, None
                self._store.end_write(held)
        finally:
            self._depth -= 1
            self._local.release()


class RedisStore(Store):
    shared = True
    journal: RedisJournal

    def __init__(
        self,
        clock: AppClock,
        link: Link,
        session: str | None = None,
        journal_size: int = 1000,
        max_created: int = MAX_CREATED,
    ) -> None:
        self._components: list[Component] = []
        super().__init__(clock, journal_size, max_created)
        self.link = link
        self.session = session
        self.prefix = p = prefix_of(session)
        self.keys = {n: p + n for n in ("gen", "layout", "rev", "revs", "lock", "polls", "pcount")}
        self.journal = RedisJournal(link, p, journal_size)
        self.lock = SharedLock(self)
        self._gen: bytes | None = None
        self._rev: bytes | None = None
        self._force = False
        self._recent = threading.local()
        self.share(clock, CLOCK_ATTRS)
        self.share(self, ("epoch", "_created"))

    def share(self, owner: object, attrs: Sequence[str], caches: Sequence[str] = ()) -> None:
        # Named by registration order, which the same version and fixtures make the same in
        # every process.
        self._components.append(Component(str(len(self._components)), owner, attrs, caches))

    # --- opening, freshness ---------------------------------------------------------------------

    def open(self, fresh: bool) -> None:
        """Adopt the state Redis holds for this store (a restart keeps it), or, when ``fresh``
        or there is none, start it from this process's freshly loaded one."""
        lock = self._redis_lock()
        try:
            gen, layout = self.link.run(lambda c: c.mget(self.keys["gen"], self.keys["layout"]))
            if fresh or gen is None:
                self._wipe()
                self.commit(force=True)
                gen = uuid.uuid4().hex.encode()
                mine = self.layout()
                self.link.run(lambda c: c.mset({self.keys["gen"]: gen, self.keys["layout"]: mine}))
                self._gen = gen
            else:
                if layout != self.layout():
                    raise StoreUnavailable(
                        f"jobmock's state store at {self.link.shown} holds state another jobmock "
                        "wrote (another version, or other vendors served): run the same jobmock "
                        "everywhere, or start on an empty database (FLUSHDB, or another database "
                        "number in the URL)",
                        reason="store",
                    )
                self._gen = gen
                self._pull(self.link.run(lambda c: c.get(self.keys["rev"])))
            if self.session is not None:
                self.link.run(lambda c: c.hset(SESSIONS_KEY, self.session, 1))
        finally:
            self._release(lock)

    def layout(self) -> bytes:
        """What this process's parts are (their owners and attributes, in the order they were
        registered, and jobmock's version): state written by parts of another layout would be
        read into the wrong ones."""
        parts = ";".join(f"{type(c.owner).__name__}:{','.join(c.attrs)}" for c in self._components)
        return hashlib.sha256(f"{__version__}|{parts}".encode()).hexdigest().encode()

    def sync(self) -> Freshness:
        """One round trip: ``gone`` when the state was dropped (an ended session), ``stale`` when
        another process reloaded the fixtures; else re-read what others changed."""
        return self._take(self.link.run(lambda c: c.mget(self.keys["rev"], self.keys["gen"])))

    async def synced(self) -> Freshness:
        """``sync`` in an event loop: one round trip for the requests of the loop's turn, which
        also carries their journal entries (``shared.journal``)."""
        return self._take(await self.journal.revision())

    async def journaled_if_current(self, entry: JournalEntry) -> bool:
        """Journal ``entry`` if what this process holds is still the state (True): in the
        round trip that appends it, Redis checks that no process changed it since this one
        last read it. False, with nothing journaled, if one did: the request is served anew."""
        if self._rev is None:
            return False
        return await self.journal.add_if(entry, (self._rev, self._gen))

    def _take(self, revision: Sequence[bytes | None]) -> Freshness:
        rev, gen = revision
        if gen is None:
            return "gone"
        if gen != self._gen:
            return "stale"
        if rev != self._rev:
            self._pull(rev)
        return "current"

    async def aclose(self) -> None:
        await self.link.aclose()

    def drop(self) -> None:
        """Forget this store's state everywhere (a session ended)."""
        self._wipe(everything=True)
        if self.session is not None:
            self.link.run(lambda c: c.hdel(SESSIONS_KEY, str(self.session)))

    # --- components -----------------------------------------------------------------------------

    def _pull(self, rev: bytes | None) -> None:
        revs = self.link.run(lambda c: c.hgetall(self.keys["revs"]))
        stale = [c for c in self._components if int(revs.get(c.name.encode(), 0)) != c.rev]
        if stale:
            names = [self.prefix + "c:" + c.name for c in stale]
            blobs = self.link.run(lambda c: c.mget(names))
            for component, blob in zip(stale, blobs, strict=True):
                if blob is not None:
                    component.load(blob, int(revs[component.name.encode()]))
        # No kept document or answer (core.documents, core.replays) outlives a change made
        # elsewhere, be it to a component or to a job's polls.
        self.changed()
        self._rev = rev

    def commit(self, force: bool = False) -> None:
        """Push every component that changed here (all of them when ``force``)."""
        force = force or self._force
        changes = [
            (c, blob)
            for c in self._components
            if (blob := c.dump() if force else c.changed()) is not None
        ]
        self._force = False
        if not changes:
            return

        def push(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=True)
            for component, blob in changes:
                pipe.set(self.prefix + "c:" + component.name, blob)
                pipe.hincrby(self.keys["revs"], component.name, 1)
            pipe.incr(self.keys["rev"])
            return list(pipe.execute())

        results = self.link.run(push)
        for i, (component, blob) in enumerate(changes):
            component.known, component.rev = blob, int(results[2 * i + 1])

    # --- the write lock -------------------------------------------------------------------------

    def _redis_lock(self) -> Any:
        lock = self.link.client.lock(
            self.keys["lock"],
            timeout=LOCK_TTL,
            blocking_timeout=LOCK_WAIT,
            sleep=0.002,
            thread_local=False,
        )
        if not self.link.run(lambda _c: lock.acquire()):
            raise StoreUnavailable(
                f"jobmock's state store at {self.link.shown} stayed locked for {LOCK_WAIT:g} s",
                reason="store",
            )
        return lock

    def _release(self, lock: Any) -> None:
        # Expired, or the store is gone: its TTL frees it.
        with contextlib.suppress(Exception):
            lock.release()

    def begin_write(self) -> Any:
        lock = self._redis_lock()
        try:
            rev = self.link.run(lambda c: c.get(self.keys["rev"]))
            if rev != self._rev:
                self._pull(rev)
        except BaseException:
            self._release(lock)
            raise
        return lock

    def end_write(self, lock: Any) -> None:
        try:
            self.commit()
        finally:
            self._release(lock)

    # --- polls, reset ---------------------------------------------------------------------------

    def _poll_key(self, vendor: str, job_id: str) -> str:
        return f"{self.prefix}p:{vendor}:{job_id}"

    def record_poll(self, vendor: str, job_id: str, when: datetime) -> PollLog:
        # A poll moves the revision: what every process kept of the job (a list showing it)
        # is read anew.
        keys = [self._poll_key(vendor, job_id), *(self.keys[k] for k in ("polls", "pcount", "rev"))]
        count, times = self.link.call(_POLL, keys, [micros(when), POLL_TIMES_KEPT])
        log = PollLog()
        log.count, log.times = int(count), _times(times)
        # The read that follows (``polls``) needs no second round trip.
        self._recent.log = (vendor, job_id, log)
        return log

    def polls(self, vendor: str, job_id: str) -> list[datetime]:
        recent = getattr(self._recent, "log", None)
        if recent is not None and recent[:2] == (vendor, job_id):
            self._recent.log = None
            times: list[datetime] = recent[2].times
            return times
        key = self._poll_key(vendor, job_id)
        return _times(self.link.run(lambda c: c.lrange(key, 0, -1)))

    def reset(self) -> datetime:
        with self.lock:
            epoch = super().reset()
            self.link.call(_CLEAR_POLLS, [self.keys["polls"], self.keys["pcount"]], [])
            # Every process drops its caches: each one pulls every component.
            self._force = True
        return epoch

    def _wipe(self, everything: bool = False) -> None:
        """Delete this store's keys (all but its lock, unless ``everything``)."""
        keep = b"" if everything else self.keys["lock"].encode()

        def wipe(client: Any) -> None:
            doomed = [k for k in client.scan_iter(match=self.prefix + "*", count=1000) if k != keep]
            for start in range(0, len(doomed), 500):
                client.delete(*doomed[start : start + 500])

        self.link.run(wipe)
        for component in self._components:
            component.known, component.rev = b"", 0
        self._rev = None
