"""Where the added time of a request on the Redis store goes, on one worker: each thing a
job-detail read asks of Redis, alone, in this process (microseconds per call), and the read a
poller repeats (a kept answer) served by the app in an event loop, ``AT_ONCE`` requests at a
time, in memory and on Redis (CPU microseconds per request).

    python bench/redis_state.py [--rounds 5000]

The detail read over HTTP with the Redis store on one worker and on two, against the in-memory
store and WireMock, is ``compare.py --redis``; this script breaks down what it adds. It starts
its own ``redis-server`` (``common.redis_server``: a free port, nothing on disk) and stops it by
its process id.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from common import SEED_PATH, redis_server, report


def round_trips(url: str, rounds: int) -> dict[str, float]:
    """Microseconds per call of what a detail GET adds on Redis, alone, in this process."""
    from jobmock.core.gate import new_entry
    from jobmock.main import create_app
    from jobmock.settings import Settings
    from jobmock.shared.journal import record_of

    app = create_app(Settings(clock="manual", state=url))
    store = app.runtime.store
    scope = {"type": "http", "method": "GET", "path": SEED_PATH, "headers": []}
    when = datetime(2026, 11, 1, tzinfo=UTC)

    def per_call(work: Callable[[int], object]) -> float:
        start = time.perf_counter()
        for i in range(rounds):
            work(i)
        return (time.perf_counter() - start) / rounds * 1e6

    def record(_: int) -> bytes:
        return record_of(new_entry(store, scope, "nunu"))

    # Outside an event loop each call is a round trip of its own; the server groups the ones
    # of a loop turn into one (shared/batching.py).
    return {
        "revision_check_us": per_call(lambda _: store.sync()),
        "journal_record_us": per_call(record),
        "journal_append_us": per_call(lambda _: store.journal.add(new_entry(store, scope, "n"))),
        # A poll-driven job's poll: its history comes back with it (500 jobs polled in turn).
        "poll_record_us": per_call(lambda i: store.record_poll("nunu", f"j{i % 500}", when)),
        "commit_nothing_changed_us": per_call(lambda _: store.commit()),
    }


#: Requests served together in the event loop: they share one round trip to Redis.
AT_ONCE = (1, 4, 16)


def kept_reads(url: str, rounds: int) -> dict[str, float]:
    """CPU per kept nunu read, the app called in an event loop, on each store."""
    import asyncio

    from jobmock.main import create_app
    from jobmock.settings import Settings

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: object) -> None:
        return None

    def scope() -> dict[str, object]:
        headers = [(b"host", b"127.0.0.1"), (b"x-api-key", b"nunu_test_key")]
        return {"type": "http", "method": "GET", "path": SEED_PATH, "raw_path": SEED_PATH.encode(),
                "query_string": b"", "root_path": "", "headers": headers}  # fmt: skip

    async def measure(state: str) -> dict[str, float]:
        app = create_app(Settings(state=state))
        costs = {}
        for at_once in AT_ONCE:
            calls = rounds // at_once
            for _pass in ("warm-up, keeps the answer", "timed"):
                start = time.process_time()
                for _ in range(calls):
                    await asyncio.gather(*(app(scope(), receive, send) for _ in range(at_once)))
            name = "memory" if state == "memory" else "redis"
            costs[f"kept_read_{name}_{at_once}_at_once_cpu_us"] = (
                (time.process_time() - start) / (calls * at_once) * 1e6
            )
        await app.runtime.store.aclose()
        return costs

    async def both() -> dict[str, float]:
        return {**await measure("memory"), **await measure(url)}

    return asyncio.run(both())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5000, help="calls of each, timed together")
    args = parser.parse_args()
    with redis_server() as redis:
        costs = {**round_trips(redis.url, args.rounds), **kept_reads(redis.url, args.rounds)}
    report("redis_state", costs)


if __name__ == "__main__":
    main()
