"""Helpers shared by the benchmarks: free ports, servers in subprocesses, medians."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def report(name: str, results: dict[str, float]) -> None:
    """Print flat results and keep them in ``bench/results/<name>.json``."""
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        print(f"{key:<36} {value:10.2f}")
