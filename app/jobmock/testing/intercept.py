"""``intercept()``: the vendors' real hosts served by an in-process jobmock, no port, no network.

While an ``Interceptor`` is active, a request that an httpx client (sync or async) or a
``requests`` session sends to a vendor's real base URL (``https://nunu.ai/api/v1/...``) is
answered by the jobmock app in this process, through the same in-process transport as
``handle.client()``: faults, the journal, rate limits and ``assert_polled`` see it as any other
request. Requests to other hosts go to the network untouched, or are refused with
``InterceptBlocked`` when ``block_other_hosts=True``.

The patching is done by the libraries made for it: respx (httpx's connection pools, so clients
made before the intercept started are covered too) and responses (``requests``' HTTPAdapter, so
every session is). A client library joins by being built on one of them; another HTTP library
needs an adapter of its own here (docs/testing.md#intercepting-the-vendors-real-hosts).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from jobmock.testing.transport import AsyncJobmockTransport, JobmockTransport

if TYPE_CHECKING:
    import responses
    import respx

    from jobmock.main import JobmockApp

F = TypeVar("F", bound=Callable[..., Any])

#: Every method a client can send: ``requests``' mock registers callbacks per method.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
DEFAULT_PORTS = {"http": 80, "https": 443}


class InterceptBlocked(httpx.ConnectError):
    """A request to a host that is not a vendor's, under ``intercept(block_other_hosts=True)``;
    or to a vendor this jobmock does not serve. ``requests`` clients get
    ``InterceptBlockedRequests`` (a ``requests.ConnectionError``) with the same message."""


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    scheme = url.scheme.lower()
    return scheme, url.host.lower(), url.port or DEFAULT_PORTS.get(scheme, 0)


def _whole(response: httpx.Response, content: bytes) -> httpx.Response:
    """``response`` with its body in memory: the stream it came on is spent (and its connection
    back in its pool), while the client's transport reads the body again."""
    return httpx.Response(response.status_code, headers=response.headers.raw, content=content)


@dataclass(frozen=True)
class VendorHost:
    """One vendor's real base URL and where its requests land on jobmock."""

    slug: str
    url: httpx.URL
    mount: httpx.URL
    """jobmock's URL for the vendor's root (``http://jobmock/nunu``; no path for a vendor
    served alone)."""
    base_path: str
    """The vendor's own base path (``/api/v1``), which the URL's path stands for."""

    def mock_url(self, url: httpx.URL) -> httpx.URL:
        """jobmock's URL for a URL on the vendor's host. Paths outside the base URL still go to
        the vendor's mount, where jobmock answers the vendor's 404 with the nearest path."""
        path, base = url.path, self.url.path.rstrip("/")
        if base and (path == base or path.startswith(base + "/")):
            path = self.base_path + path[len(base) :]
        return self.mount.copy_with(path=self.mount.path.rstrip("/") + path, query=url.query)


class Interceptor:
    """Active between ``start()`` and ``stop()``, or in ``with``; also a decorator."""

    def __init__(
        self,
        served: Mapping[str, str],
        app: JobmockApp | None = None,
        base_urls: Mapping[str, str | Sequence[str]] | None = None,
        block_other_hosts: bool = False,
    ) -> None:
        """``served``: each vendor jobmock serves, to the base URL a client of it sets
        (``handle.base_url``). With ``app``, requests go into it in process; without, over HTTP
        to that server (a container in remote mode), whose host is then never blocked."""
        from jobmock.vendors import VENDORS

        self.block_other_hosts = block_other_hosts
        known = {vendor.spec.slug: vendor.spec for vendor in VENDORS}
        unknown = sorted(set(base_urls or ()) - set(known))
        if unknown:
            raise ValueError(
                f"base_urls: unknown vendor(s) {', '.join(unknown)}; jobmock emulates: "
                f"{', '.join(known)}"
            )
        self.served = list(served)
        self.hosts: dict[tuple[str, str, int], VendorHost] = {}
        for slug, spec in known.items():
            given = (base_urls or {}).get(slug, spec.real_base_url)
            mock = httpx.URL(served.get(slug, "http://jobmock"))
            for url in [given] if isinstance(given, str) else given:
                parsed = httpx.URL(url)
                if parsed.scheme not in DEFAULT_PORTS or not parsed.host:
                    raise ValueError(f"base_urls[{slug!r}]: {url!r} is not an http(s) URL")
                mount = mock.copy_with(path=mock.path.removesuffix(spec.base_path))
                self.hosts[_origin(parsed)] = VendorHost(slug, parsed, mount, spec.base_path)
        self._sync: httpx.BaseTransport
        self._async: AsyncJobmockTransport | None = None
        self.exempt: set[tuple[str, str, int]] = {
            _origin(httpx.URL(url)) for url in served.values()
        }
        """jobmock's own host (a served one, or a container), never blocked."""
        if app is not None:
            self._sync, self._async = JobmockTransport(app), AsyncJobmockTransport(app)
        else:
            self._sync = httpx.HTTPTransport()
        self._respx: respx.MockRouter | None = None
        self._responses: responses.RequestsMock | None = None

    # --- routing -----------------------------------------------------------------------------

    def target(self, url: httpx.URL) -> httpx.URL | None:
        """Where a request to ``url`` goes on jobmock; None for a host to leave alone. Raises
        InterceptBlocked for a request that must not leave the process."""
        origin = _origin(url)
        host = self.hosts.get(origin)
        if host is not None:
            if host.slug not in self.served:
                served = ", ".join(self.served)
                raise InterceptBlocked(
                    f"jobmock.intercept(): {url} is {host.slug}'s, which this jobmock does not "
                    f"serve (it serves {served}); the request was not sent to the real {host.slug}"
                )
            return host.mock_url(url)
        if self.block_other_hosts and origin not in self.exempt:
            hosts = ", ".join(str(h.url) for h in self.hosts.values())
            raise InterceptBlocked(
                f"jobmock.intercept(block_other_hosts=True) refused {url}: only the vendors' "
                f"hosts are served ({hosts}); nothing else may leave the test"
            )
        return None

    def _inner(self, request: httpx.Request, url: httpx.URL) -> httpx.Request:
        return httpx.Request(
            request.method,
            url,
            headers=request.headers,
            content=request.content,
            extensions=request.extensions,
        )

    def serve(self, request: httpx.Request) -> httpx.Response | None:
        """The app's answer to ``request`` (a sync client), or None to let it through."""
        url = self.target(request.url)
        if url is None:
            return None
        response = self._sync.handle_request(self._inner(request, url))
        return _whole(response, response.read())

    async def aserve(self, request: httpx.Request) -> httpx.Response | None:
        url = self.target(request.url)
        if url is None:
            return None
        if self._async is not None:
            response = await self._async.handle_async_request(self._inner(request, url))
            return _whole(response, await response.aread())
        # A connection pool belongs to the event loop it was made on: one per request here,
        # as a test may run several loops (asyncio.run) under one intercept.
        async with httpx.AsyncHTTPTransport() as remote:
            response = await remote.handle_async_request(self._inner(request, url))
            return _whole(response, await response.aread())

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._respx is not None

    def start(self) -> Interceptor:
        if self.active:
            raise RuntimeError("this intercept() is already active")
        from jobmock.testing.intercept_clients import patch_httpx, patch_requests

        self._respx = patch_httpx(self)
        self._responses = patch_requests(self)
        return self

    def stop(self) -> None:
        if self._respx is not None:
            self._respx.stop(quiet=True)
            self._respx = None
        if self._responses is not None:
            self._responses.stop()
            self._responses.reset()
            self._responses = None
        self._sync.close()

    def __enter__(self) -> Interceptor:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        """As a decorator: the intercept is active while ``func`` runs (sync or async)."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]

    def origin_pattern(self, host: VendorHost) -> re.Pattern[str]:
        """A regex for every URL on ``host``'s origin (``requests``' mock matches URLs)."""
        scheme, name, port = _origin(host.url)
        default = DEFAULT_PORTS[scheme] == port
        port_part = f"(?::{port})?" if default else f":{port}"
        return re.compile(rf"^{scheme}://{re.escape(name)}{port_part}(?=[/?#]|$)", re.IGNORECASE)
