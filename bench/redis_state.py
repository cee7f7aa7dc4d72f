"""The job-detail GET with the state in Redis, on one worker and on two, against the in-memory
store on one worker, in one run (wrk, as ``throughput.py``); and where the added time of a
request goes on one worker, measured in-process: each thing it asks of Redis, alone.

    python bench/redis_state.py [--duration 10] [--connections 32]

Starts its own ``redis-server`` (on a free port, no persistence) and stops it by its pid.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from common import SEED_PATH, free_port, jobmock_cmd, report, server
from compare import latency


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", "X-Api-Key: nunu_test_key", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps is not None, out
    return {"rps": float(rps.group(1)), "p50_ms": latency(out, "50"), "p99_ms": latency(out, "99")}


def start_redis(port: int, directory: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.3)
    return process


def served(extra: list[str], duration: int, connections: int) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}{SEED_PATH}"
    command = [*jobmock_cmd(), "serve", "--port", str(port), "--log-level", "warning", *extra]
    with server(command, url):
        wrk(url, 2, connections)  # warm-up: every worker up and its connections open
        return wrk(url, duration, connections)


def round_trips(url: str, rounds: int = 5000) -> dict[str, float]:
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

    def record(_: int) -> str:
        return record_of(new_entry(store, scope, "nunu"))

    # Outside an event loop each call is a round trip of its own; the server groups the ones
    # of a loop turn into one (shared/batching.py).
    return {
        "revision_check_us": per_call(lambda _: store.sync()),
        "journal_record_json_us": per_call(record),
        "journal_append_us": per_call(lambda _: store.journal.add(new_entry(store, scope, "n"))),
        # A poll-driven job's poll: its history comes back with it (10 polls per job here).
        "poll_record_us": per_call(lambda i: store.record_poll("nunu", f"j{i % 500}", when)),
        "commit_nothing_changed_us": per_call(lambda _: store.commit()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install {tool}")
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        redis = start_redis(port, directory)
        try:
            state = f"redis://127.0.0.1:{port}/0"
            rows = {
                "memory_1": served([], args.duration, args.connections),
                "redis_1": served(["--state", state], args.duration, args.connections),
                "redis_2": served(
                    ["--state", state, "--workers", "2"], args.duration, args.connections
                ),
            }
            costs = round_trips(state)
        finally:
            os.kill(redis.pid, signal.SIGTERM)
            redis.wait(timeout=10)
    flat = {f"{name}_{key}": value for name, row in rows.items() for key, value in row.items()}
    memory = rows["memory_1"]
    for name in ("redis_1", "redis_2"):
        flat[f"{name}_vs_memory_rps"] = rows[name]["rps"] / memory["rps"]
        flat[f"{name}_vs_memory_p99"] = rows[name]["p99_ms"] / memory["p99_ms"]
    flat["redis_1_added_us_per_request"] = (1 / rows["redis_1"]["rps"] - 1 / memory["rps"]) * 1e6
    flat.update(costs)
    report("redis_state", flat)


if __name__ == "__main__":
    main()
