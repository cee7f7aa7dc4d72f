"""Sessions many processes share: each is a key prefix in Redis, listed in one hash, so any
process serves any session and the limit counts them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from jobmock.sessions import Sessions
from jobmock.shared.link import Link
from jobmock.shared.store import SESSIONS_KEY

T = TypeVar("T")


class SharedSessions(Sessions[T]):
    def __init__(self, make: Callable[[str], T], limit: int, link: Link) -> None:
        super().__init__(make, limit)
        self._link = link

    def find(self, name: str) -> T | None:
        """A session another process made is this one's too: built here on first use."""
        found = super().find(name)
        if found is None and self._link.run(lambda c: c.hexists(SESSIONS_KEY, name)):
            return self.get(name)
        return found

    def count(self) -> int:
        return int(self._link.run(lambda c: c.hlen(SESSIONS_KEY)))

    def names(self) -> list[str]:
        return sorted(n.decode() for n in self._link.run(lambda c: c.hkeys(SESSIONS_KEY)))
