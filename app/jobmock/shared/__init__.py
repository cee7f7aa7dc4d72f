"""Shared state: the store that lets many jobmock processes be one (``--state redis://...``).

The in-memory ``core.store.Store`` stays the default and is untouched by this package. With a
Redis URL, ``RedisStore`` keeps every piece of mutable state in Redis and each process holds a
local copy that it re-reads only where a revision counter says another process changed it;
docs/state.md states the consistency contract. redis-py is imported only here, and only when a
Redis store is configured.
"""
