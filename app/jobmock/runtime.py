"""``Runtime``: everything one app instance owns (clock, store, vendors, faults, limiters).

A module of its own so ``main`` (which builds it) and ``control`` (which drives it) both import it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jobmock.core.clock import AppClock
from jobmock.core.faults import FaultBook
from jobmock.core.generate import Generator
from jobmock.core.ratelimit import RateLimiter
from jobmock.core.store import Store
from jobmock.core.vendor import VendorApp
from jobmock.core.webhooks.outbox import Outbox
from jobmock.settings import Settings

if TYPE_CHECKING:
    from jobmock.control.service import Controller
    from jobmock.main import JobmockApp


@dataclass
class Runtime:
    """Everything one app instance owns."""

    settings: Settings
    clock: AppClock
    store: Store
    generator: Generator
    vendors: dict[str, VendorApp] = field(default_factory=dict)
    crashes: list[BaseException] = field(default_factory=list)
    """Exceptions raised inside the mock while serving; the pytest plugin re-raises them."""
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    """Each vendor's rate limiter, for the vendors that document one."""
    faults: FaultBook = field(default_factory=FaultBook)
    controller: Controller | None = None
    webhooks: Outbox | None = None
    """What the vendors deliver to webhooks (``core.webhooks.setup.install``)."""
    host: JobmockApp | None = None
    """The app serving this runtime, which can reload it or end its session."""
    session: str | None = None
    """The session this runtime serves (``/_session/{name}/``); None for the root."""

    @property
    def single_vendor(self) -> str | None:
        """The slug of the one vendor served at the root with its real paths, if any."""
        return self.settings.vendor

    def base_url(self, root: str, slug: str) -> str:
        return self.vendors[slug].spec.base_url(root, single=self.single_vendor == slug)
