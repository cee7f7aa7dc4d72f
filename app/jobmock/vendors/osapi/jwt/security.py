"""OSAPI's ScopeMiddleware: a ``Bearer`` JWT, then the permission the operation needs.

A token is parsed and verified once (``tokens.parse``); its time claims are checked against the
app clock on every request, so a token can expire while a test advances the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress

from jobmock.core import golang
from jobmock.core.clock import from_micros
from jobmock.core.errors import Forbidden, Unauthorized
from jobmock.core.journal import note_expiry
from jobmock.vendors.osapi.jwt import tokens

#: Parsed tokens kept at most (a test suite uses a handful).
CACHE_LIMIT = 4096


class Scopes:
    def __init__(
        self, key: bytes, roles: Mapping[str, frozenset[str]], now: Callable[[], int]
    ) -> None:
        self.key = key
        self.roles = roles
        self.now = now
        self._parsed: dict[str, tokens.Parsed] = {}
        self._resolved: dict[tokens.Claims, dict[str, bool]] = {}

    def authorize(self, authorization: str | None, permission: str) -> tokens.Claims:
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("Bearer token required", reason="missing")
        token = authorization[7:]
        parsed = self._parsed.get(token)
        if parsed is None:
            if len(self._parsed) >= CACHE_LIMIT:
                self._parsed.clear()
            parsed = self._parsed[token] = tokens.parse(token, self.key)
        try:
            claims = tokens.check(parsed, self.now())
        except tokens.TokenRejected as exc:
            raise Unauthorized(f"Invalid token: {exc.message}", reason="invalid") from None
        if parsed.exp is not None:
            with suppress(OverflowError):  # past the last datetime: it never expires
                note_expiry(from_micros(parsed.exp * 1_000_000))
        resolved = self._resolved.get(claims)
        if resolved is None:
            if len(self._resolved) >= CACHE_LIMIT:
                self._resolved.clear()
            resolved = self._resolved[claims] = tokens.resolve(claims, self.roles)
        if not resolved.get(permission):
            raise Forbidden(
                f"Insufficient permissions. Required: [{permission}], resolved: "
                f"{golang.bool_map(resolved)}",
                reason="permission",
            )
        return claims
