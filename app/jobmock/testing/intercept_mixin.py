"""The handle's ``intercept()`` verb (kept out of ``handle.py``, which holds the control verbs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.testing.intercept import Interceptor


class InterceptMixin:
    url: str

    def intercept(
        self,
        *,
        base_urls: Mapping[str, str | Sequence[str]] | None = None,
        block_other_hosts: bool = False,
    ) -> Interceptor:
        """Serve the vendors' real hosts (``https://nunu.ai/api/v1``...) from this jobmock, in
        process: ``with jobmock.intercept(): ...`` or ``@jobmock.intercept()``.

        ``base_urls``: a vendor's real base URL(s) where they differ from the documented ones
        (prunner and OSAPI are self-hosted: ``{"prunner": "http://prunner.ci:9009"}``).
        ``block_other_hosts``: refuse every other host with ``InterceptBlocked`` instead of
        letting the request through to the network.
        """
        from jobmock.testing.handle import JobmockError
        from jobmock.testing.intercept import Interceptor

        app: Any = getattr(self, "app", None)
        if app is None:
            raise JobmockError(
                f"intercept() serves the vendors' hosts from a jobmock in this process; this "
                f"handle drives the server at {self.url}: give your client base_url(vendor)"
            )
        return Interceptor(app, base_urls, block_other_hosts)
