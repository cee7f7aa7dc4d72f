"""Sessions: isolated jobmocks inside one server, under ``/_session/{name}/``.

One container can serve every pytest-xdist worker (or several CI jobs) without their resets and
clocks trampling each other: each session is a whole jobmock of its own (clock, jobs, journal,
faults), built from the same settings and fixtures on its first request, and dropped when told
(``DELETE /_session/{name}/_mock/session``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from jobmock.core.errors import BadRequest, MockError

SESSION_PREFIX = "_session"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

T = TypeVar("T")


class Sessions(Generic[T]):
    """Named sessions, made on first use by ``make(name)``, at most ``limit`` at a time."""

    def __init__(self, make: Callable[[str], T], limit: int) -> None:
        self._make = make
        self.limit = limit
        self._lock = threading.Lock()
        self._sessions: dict[str, T] = {}

    def find(self, name: str) -> T | None:
        return self._sessions.get(name)

    def get(self, name: str) -> T:
        """The session ``name``, made now if it is new; raises MockError when it cannot be."""
        found = self._sessions.get(name)
        if found is not None:
            return found
        return self._add(name, self._make, fresh=False)

    def put(self, name: str, make: Callable[[str], T]) -> T:
        """A new session ``name`` from ``make``, in place of any session of that name."""
        return self._add(name, make, fresh=True)

    def _add(self, name: str, make: Callable[[str], T], fresh: bool) -> T:
        if not NAME.fullmatch(name):
            raise BadRequest(
                f"invalid session name {name!r}: 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        with self._lock:
            found = None if fresh else self._sessions.get(name)
            if found is None:
                if name not in self._sessions and len(self._sessions) >= self.limit:
                    raise MockError(
                        f"this jobmock holds {len(self._sessions)} sessions, its limit "
                        "(--max-sessions); end some with DELETE /_session/NAME/_mock/session",
                        status=503,
                    )
                found = self._sessions[name] = make(name)
            return found

    def replace(self, name: str, session: T) -> None:
        with self._lock:
            self._sessions[name] = session

    def end(self, name: str) -> bool:
        with self._lock:
            return self._sessions.pop(name, None) is not None

    def all(self) -> list[T]:
        with self._lock:
            return list(self._sessions.values())

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._sessions)
