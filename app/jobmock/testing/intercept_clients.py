"""The HTTP client libraries ``intercept()`` covers, one adapter each.

- httpx (``Client`` and ``AsyncClient``): respx patches httpcore's connection pools, so every
  client on httpx's default transport is covered, whenever it was made. A client given a
  transport of its own (``httpx.MockTransport``, jobmock's) keeps it.
- requests: responses patches ``HTTPAdapter.send``, so every ``Session`` is covered.

To cover another library, add a ``patch_<library>(interceptor)`` here that sends the requests
for which ``interceptor.target(url)`` returns a URL to ``interceptor.serve`` (or ``aserve``),
lets the others through (``target`` returns None) and stops with the interceptor.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx

from jobmock.testing.intercept import METHODS, InterceptBlocked

if TYPE_CHECKING:
    import responses
    import respx

    from jobmock.testing.intercept import Interceptor

INSTALL = "intercept() needs {0}: pip install 'jobmock[intercept]'"

try:
    import requests as _requests
except ImportError:  # pragma: no cover - requests is optional: nothing to cover then
    _requests = None  # type: ignore[assignment]
else:

    class InterceptBlockedRequests(_requests.ConnectionError):
        """``InterceptBlocked`` for a ``requests`` client: a ``requests.ConnectionError``."""


def patch_httpx(interceptor: Interceptor) -> respx.MockRouter:
    try:
        import respx
    except ImportError:  # pragma: no cover - the intercept extra installs it
        raise ImportError(INSTALL.format("respx")) from None

    class Router(respx.MockRouter):
        """Vendor hosts to jobmock, before respx's routes (one: let everything else through)."""

        def handler(self, request: httpx.Request) -> httpx.Response:
            try:
                response = interceptor.serve(request)
            except httpx.TransportError as exc:
                raise type(exc)(str(exc), request=request) from None
            return response if response is not None else super().handler(request)

        async def async_handler(self, request: httpx.Request) -> httpx.Response:
            try:
                response = await interceptor.aserve(request)
            except httpx.TransportError as exc:
                raise type(exc)(str(exc), request=request) from None
            if response is not None:
                return response
            return await super().async_handler(request)

    router = Router(assert_all_called=False, assert_all_mocked=True)
    router.route().pass_through()
    router.start()
    return router


def patch_requests(interceptor: Interceptor) -> responses.RequestsMock | None:
    """None when ``requests`` is not installed (nothing to cover)."""
    if _requests is None:  # pragma: no cover
        return None
    requests = _requests
    try:
        import responses
    except ImportError:  # pragma: no cover - the intercept extra installs it
        raise ImportError(INSTALL.format("responses")) from None

    def to_httpx(prepared: requests.PreparedRequest) -> httpx.Request:
        body: Any = prepared.body
        if body is not None and not isinstance(body, str | bytes):
            body = b"".join(part.encode() if isinstance(part, str) else part for part in body)
        headers = [
            (name, value if isinstance(value, str) else value.decode("latin-1"))
            for name, value in prepared.headers.items()
        ]
        return httpx.Request(str(prepared.method), str(prepared.url), headers=headers, content=body)

    def serve(prepared: requests.PreparedRequest) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            response = interceptor.serve(to_httpx(prepared))
        except InterceptBlocked as exc:
            raise InterceptBlockedRequests(str(exc), request=prepared) from None
        except httpx.RemoteProtocolError as exc:
            # What requests raises for a real dropped connection or a body cut short.
            if str(exc).startswith("peer closed"):
                raise requests.exceptions.ChunkedEncodingError(str(exc)) from None
            raise requests.ConnectionError(str(exc), request=prepared) from None
        assert response is not None  # only the vendors' hosts are routed here
        return response.status_code, list(response.headers.multi_items()), response.content

    # responses takes headers as a list too (its types say a mapping): repeated ones survive.
    callback: Any = serve
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for host in interceptor.hosts.values():
        pattern = interceptor.origin_pattern(host)
        for method in METHODS:
            mock.add_callback(method, pattern, callback, content_type=None)
    if interceptor.block_other_hosts:
        for method in METHODS:
            mock.add_callback(method, re.compile(".*"), callback, content_type=None)
    else:
        mock.add_passthru(re.compile(".*"))
    mock.start()
    return mock
