"""Sessions: isolated jobmocks inside one server, under ``/_session/{name}/``.

One container can serve every pytest-xdist worker (or several CI jobs) without their resets and
clocks trampling each other: each session is a whole jobmock of its own (clock, jobs, journal,
faults), built from the same settings and fixtures on its first request, and dropped when told
(``DELETE /_session/{name}/_mock/session``).

With a control token, making a session takes the token (a session is jobmock's, not the
vendor's: the refusal is the control API's 401), so a client that only knows a vendor's key
cannot fill the server's session slots.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from jobmock.control.service import TOKEN_NEEDED, token_matches
from jobmock.core.errors import BadRequest, MockError, NotFound, Unauthorized

if TYPE_CHECKING:
    from starlette.types import Scope

SESSION_PREFIX = "_session"
#: The control path that ends a session: for a session that does not exist, a 404.
END_PATH = "/_mock/session"
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
                held = self.count()
                if name not in self._sessions and held >= self.limit:
                    raise MockError(
                        f"this jobmock holds {held} sessions, its limit "
                        "(--max-sessions); end some with DELETE /_session/NAME/_mock/session",
                        status=503,
                    )
                found = self._sessions[name] = make(name)
            return found

    def count(self) -> int:
        """How many sessions are held (by every process sharing the state)."""
        return len(self._sessions)

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


def refuse_new(scope: Scope, name: str, path: str, token: str | None) -> None:
    """Raise if the request for ``path`` (``/_session/NAME/...``) must not make session
    ``name``: without the control token when there is one, or when it asks to end it."""
    if token:
        sent = next((v for k, v in scope.get("headers", ()) if k == b"authorization"), b"")
        if not token_matches(sent.decode("latin-1"), token):
            raise Unauthorized(f"making session {name!r}: {TOKEN_NEEDED}")
    if scope.get("method") == "DELETE" and path == f"/{SESSION_PREFIX}/{name}{END_PATH}":
        raise NotFound(f"no session {name!r} to end; GET /_mock/sessions lists them")
