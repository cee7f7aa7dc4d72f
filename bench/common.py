"""Helpers shared by the benchmarks: free ports, servers in subprocesses, a throwaway Redis,
medians."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
SEED_PATH = "/nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e"
HEADERS = {"X-Api-Key": "nunu_test_key"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jobmock_cmd() -> list[str]:
    script = Path(sys.executable).with_name("jobmock")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jobmock"]


def bare_cmd(port: int) -> list[str]:
    """The bare app launched by uvicorn's command line: the floor for start-up figures."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(BENCH),
        "bare_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def bare_server_cmd(port: int) -> list[str]:
    """The bare app on the server configuration ``jobmock serve`` uses: the floor for
    request figures (``bare_server.py``)."""
    return [sys.executable, str(BENCH / "bare_server.py"), str(port)]


def wait_until(url: str, headers: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds until ``url`` answers 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            request = urllib.request.Request(url, headers=headers)
            if urllib.request.urlopen(request, timeout=1).status == 200:
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.002)
    raise TimeoutError(url)


@contextmanager
def server(cmd: Sequence[str], url: str, env: dict[str, str] | None = None) -> Iterator[float]:
    """Start ``cmd``; yields the seconds it took to answer ``url``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    try:
        wait_until(url, HEADERS)
        yield time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Redis:
    url: str
    pid: int


@contextmanager
def redis_server() -> Iterator[Redis]:
    """A ``redis-server`` of its own: a free port of 127.0.0.1, a throwaway directory, nothing
    written to disk (a benchmark measures jobmock's round trips, not Redis's fsync); stopped by
    its process id."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is needed: apt-get install redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="jobmock-bench-redis-") as directory:
        process = subprocess.Popen(
            [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
             "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for_pong(port, process)
            yield Redis(f"redis://127.0.0.1:{port}/0", process.pid)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


def _wait_for_pong(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.02)
    raise SystemExit(f"redis-server did not start on port {port}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def report(name: str, results: dict[str, float]) -> None:
    """Print flat results and keep them in ``bench/results/<name>.json``."""
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        print(f"{key:<36} {value:10.2f}")
