"""``jobmock serve --watch``: serve edited fixtures without a restart.

It polls the fixture files' sizes and modification times instead of waiting for file events,
because events do not cross into a container from the bind mounts of Docker Desktop (macOS,
Windows), which is where users edit fixtures for a running jobmock. A change is reloaded once it
has held still for one interval, so an editor's multi-step save is read once, whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from jobmock.core.fixture_files import fixture_files

Fingerprint = frozenset[tuple[str, int, int]]


def fingerprint(directories: Iterable[Path]) -> Fingerprint:
    """Every fixture file under ``directories`` with its size and modification time."""
    seen: set[tuple[str, int, int]] = set()
    for directory in directories:
        for path in fixture_files(directory):
            try:
                stat = path.stat()
            except OSError:  # deleted between listing and stat: the next poll sees it gone
                continue
            seen.add((str(path), stat.st_size, stat.st_mtime_ns))
    return frozenset(seen)


class FixtureWatcher:
    """Calls ``on_change`` when the fixture files under ``directories`` changed and settled."""

    def __init__(
        self,
        directories: Iterable[Path],
        on_change: Callable[[], None],
        interval: float = 0.5,
    ) -> None:
        self.directories = tuple(directories)
        self.on_change = on_change
        self.interval = interval
        self._loaded = self._seen = fingerprint(self.directories)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """One poll; True when it called ``on_change``."""
        current = fingerprint(self.directories)
        settled = current == self._seen
        self._seen = current
        if not settled or current == self._loaded:
            return False
        self._loaded = current
        self.on_change()
        return True

    def start(self) -> FixtureWatcher:
        self._thread = threading.Thread(target=self._run, name="jobmock-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()
