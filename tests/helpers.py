"""Running the real ``jobmock`` command in a subprocess, for the CLI, serve and Docker tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


def jobmock_command() -> list[str]:
    """The installed console script, or ``python -m jobmock`` beside this interpreter."""
    script = Path(sys.executable).with_name("jobmock")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jobmock"]


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    banner: list[str]
    output: list[str] = field(default_factory=list)
    """What the server printed after its banner (read as it comes, so the pipe never fills)."""

    def wait_for_output(self, fragment: str, timeout: float = 10.0) -> str:
        """The first line printed after the banner that contains ``fragment``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.output):
                if fragment in line:
                    return line
            time.sleep(0.01)  # waiting for the server's output, not moving a job
        raise AssertionError(f"no line with {fragment!r} in {self.output}")


def _drain(stream: IO[str], into: list[str]) -> None:
    for line in stream:
        into.append(line.rstrip())


@contextmanager
def serving(
    args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 20.0
) -> Iterator[Served]:
    """``jobmock serve ARGS`` on a port the kernel picks; yields once it answers health."""
    process = subprocess.Popen(
        [*jobmock_command(), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        banner: list[str] = []
        url = None
        deadline = time.monotonic() + timeout
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            banner.append(line.rstrip())
            match = re.search(r"(http://[\d.]+:\d+)/_mock", line)
            if match:
                url = match.group(1)
        if url is None:
            process.kill()
            _, err = process.communicate()
            raise AssertionError(f"jobmock serve did not start: {banner} {err}")
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_mock/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.02)
        served = Served(process, url, banner)
        threading.Thread(target=_drain, args=(process.stdout, served.output), daemon=True).start()
        yield served
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def run(args: Sequence[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*jobmock_command(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
