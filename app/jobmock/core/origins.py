"""Web pages on other sites cannot change a jobmock.

Any page a developer opens can send a "simple" request (a form POST, a ``no-cors`` fetch) to
``http://localhost:8000``: the browser sends it without asking first and only hides the answer. So
the root app refuses, with 403, a request that could change state when a browser sends it for a
page of another origin: any method but GET, HEAD and OPTIONS, and any request that would create a
session. Reads stay open to every page (a link to ``/nunu/docs`` from anywhere works): without
CORS headers a page elsewhere cannot read the answer.

A request comes from a page of this origin when the browser says so (``Sec-Fetch-Site:
same-origin``, or ``none`` for one the user typed), or, from browsers that do not send
``Sec-Fetch-Site``, when its ``Origin`` names the host and port of its ``Host``. A request with
neither header is not from a browser page (curl, httpx, SDKs) and is never refused.

Origins given to ``--allow-origin`` are let through, and their requests get CORS headers, so an
app on another port can call jobmock from the browser.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Scope

#: Methods that never change state here; only other methods pay for the header check.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SAME = (b"same-origin", b"none")
ANY = "*"


def check_origin(origin: str) -> str:
    """``origin`` as browsers send it in ``Origin`` (lower case, no path); ValueError if it is
    not one."""
    origin = origin.strip().rstrip("/").lower()
    if origin == ANY:
        return origin
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ValueError(
            f"invalid origin {origin!r}: give scheme://host[:port] as a browser sends it "
            "(http://localhost:3000), or * for any"
        )
    return origin


class OriginPolicy:
    def __init__(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        self.any = ANY in allowed
        self.allowed = frozenset(o.encode("latin-1") for o in allowed if o != ANY)

    def _headers(self, scope: Scope) -> tuple[bytes | None, bytes | None, bytes | None]:
        origin = site = host = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"sec-fetch-site":
                site = value
            elif name == b"host":
                host = value
        return origin, site, host

    def foreign(self, scope: Scope) -> str | None:
        """Where a browser request from a page of another origin comes from (its ``Origin``, or
        ``"another site"``); None when it is from this origin, an allowed one, or no browser."""
        if self.any:
            return None
        origin, site, host = self._headers(scope)
        if site in _SAME:
            return None
        if origin is None:
            return None if site is None else "another site"
        origin = origin.lower()
        if origin in self.allowed:
            return None
        if site is None and host is not None and origin.partition(b"://")[2] == host.lower():
            return None
        return origin.decode("latin-1")

    def listed(self, scope: Scope) -> bool:
        """Whether the request comes from an origin ``--allow-origin`` names."""
        origin = self._headers(scope)[0]
        return origin is not None and (self.any or origin.lower() in self.allowed)


def refusal(origin: str, what: str) -> str:
    """Why ``what`` (``POST /_mock/reset``) was refused to a page on ``origin``, and the way out."""
    named = origin if "://" in origin else "ORIGIN"
    return (
        f"jobmock refuses {what} from a web page on {origin}: pages of other origins may only "
        f"read. To let them change state, start jobmock with --allow-origin {named} "
        "(or JOBMOCK_ALLOW_ORIGINS)"
    )


def with_cors(app: ASGIApp, allowed: Iterable[str]) -> ASGIApp:
    """``app`` answering preflights and adding CORS headers, for requests of ``allowed`` origins
    only (the caller sends no others: Starlette answers a refused preflight in plain text)."""
    return CORSMiddleware(
        app,
        allow_origins=list(allowed),
        allow_methods=["*"],
        allow_headers=["*"],
        # Retry-After, X-Request-Id, ...: a browser app sees only the safelisted ones otherwise.
        expose_headers=["*"],
    )
