"""Which store and sessions an app gets: in memory, or Redis's when ``--state`` names a URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from jobmock.core.store import Store
from jobmock.sessions import Sessions

if TYPE_CHECKING:
    from jobmock.core.clock import AppClock
    from jobmock.settings import Settings

T = TypeVar("T")


def new_store(settings: Settings, clock: AppClock, session: str | None) -> Store:
    if settings.state == "memory":
        return Store(clock, settings.journal_size, settings.max_created_jobs)
    from jobmock.shared.link import link_for
    from jobmock.shared.store import RedisStore

    link = link_for(settings.state)
    return RedisStore(clock, link, session, settings.journal_size, settings.max_created_jobs)


def open_store(store: Store, fresh: bool) -> None:
    """Adopt the shared state (or start it, when ``fresh``), once every part is registered."""
    if store.shared:
        from jobmock.shared.store import RedisStore

        assert isinstance(store, RedisStore)
        store.open(fresh)


def new_sessions(make: Callable[[str], T], settings: Settings) -> Sessions[T]:
    if settings.state == "memory":
        return Sessions(make, settings.max_sessions)
    from jobmock.shared.link import link_for
    from jobmock.shared.sessions import SharedSessions

    return SharedSessions(make, settings.max_sessions, link_for(settings.state))
