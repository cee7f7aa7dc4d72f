"""The handle's ``intercept()`` verb (kept out of ``handle.py``, which holds the control verbs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.testing.intercept import Interceptor


class InterceptMixin:
    url: str

    if TYPE_CHECKING:

        def health(self) -> dict[str, Any]: ...

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

        A handle on a remote jobmock (``--jobmock-url``) forwards the requests to that server
        over HTTP instead.
        """
        from jobmock.testing.intercept import Interceptor

        served = {slug: f"{self.url}{path}" for slug, path in self.health()["base_paths"].items()}
        app: Any = getattr(self, "app", None)
        return Interceptor(served, app, base_urls, block_other_hosts)
