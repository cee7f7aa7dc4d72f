"""Auth strategies. A vendor declares which one it uses and with which wording; the strategy
raises ``Unauthorized`` or ``Forbidden`` and the vendor renders them in its own envelope.

- ``ApiKeyHeader``: a key in a header, looked up in the fixture's key table (nunu, Intuned).
- ``BearerJWT``: an HMAC-signed JWT from ``Authorization: Bearer`` or a cookie (prunner, OSAPI).

Times (expiry, ``exp``/``nbf``/``iat``) are checked against the app clock, never the wall clock,
so a test can let a key expire by advancing the clock.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jobmock.core.errors import Forbidden, MockError, Unauthorized
from jobmock.core.journal import note_expiry


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One API key from the fixtures. ``scope`` is what it belongs to (a project, a workspace)."""

    key: str
    id: str
    scope: str
    permissions: frozenset[str] = frozenset()
    expires_at: datetime | None = None
    disabled: bool = False
    kind: str = "project"


@dataclass(frozen=True, slots=True)
class ApiKeyWording:
    """The vendor's messages (and statuses) for each way a key can be refused."""

    missing: str = "API key required"
    invalid: str = "Invalid API key"
    expired: str = "API key expired"
    disabled: str = "API key is disabled"
    missing_permission: str = "API key missing required permission: {permission}"
    expired_status: int = 403
    disabled_status: int = 403


class ApiKeyHeader:
    """A key sent in one header (matched case-insensitively, as HTTP header names are)."""

    def __init__(
        self,
        header: str,
        keys: Iterable[ApiKey],
        clock: Callable[[], datetime],
        wording: ApiKeyWording | None = None,
    ) -> None:
        self.header = header
        self.keys: dict[str, ApiKey] = {k.key: k for k in keys}
        self._now = clock
        self.wording = wording or ApiKeyWording()

    def authenticate(self, value: str | None) -> ApiKey:
        """The key for ``value``, checked in the order: missing, unknown, expired, disabled."""
        words = self.wording
        if not value:
            raise Unauthorized(words.missing, reason="missing")
        key = self.keys.get(value)
        if key is None:
            raise Unauthorized(words.invalid, reason="invalid")
        if key.expires_at is not None:
            if self._now() >= key.expires_at:
                raise MockError(words.expired, status=words.expired_status, reason="expired")
            note_expiry(key.expires_at)
        if key.disabled:
            raise MockError(words.disabled, status=words.disabled_status, reason="disabled")
        return key

    def require(self, key: ApiKey, permission: str) -> None:
        if permission not in key.permissions:
            raise Forbidden(
                self.wording.missing_permission.format(permission=permission),
                reason="missing_permission",
            )


# --- JWT -------------------------------------------------------------------------------------

#: Verified tokens kept at most (a test suite uses a handful).
TOKENS_KEPT = 4096


@contextmanager
def _short_keys_allowed() -> Iterator[None]:
    # The vendors accept HMAC secrets shorter than RFC 7518 recommends, and so must the mock;
    # PyJWT's warning would fail every test suite that turns warnings into errors.
    from jwt.warnings import InsecureKeyLengthWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        yield


@dataclass(frozen=True, slots=True)
class JWTWording:
    missing: str = "no token found"
    invalid: str = "token is unauthorized"
    exp: str = "token is expired"
    nbf: str = "token nbf validation failed"
    iat: str = "token iat validation failed"

    def for_reason(self, reason: str) -> str:
        return str(getattr(self, reason))


class BearerJWT:
    """An HMAC-signed JWT from ``Authorization: Bearer <t>`` (or a cookie), validated on the app
    clock with zero skew. ``time_checks`` gives the order in which ``iat``/``exp``/``nbf`` are
    checked, since vendors report only the first failure.
    """

    def __init__(
        self,
        secret: str,
        clock: Callable[[], datetime],
        *,
        algorithms: tuple[str, ...] = ("HS256",),
        case_insensitive_prefix: bool = True,
        cookie: str | None = None,
        time_checks: tuple[str, ...] = ("iat", "exp", "nbf"),
        wording: JWTWording | None = None,
    ) -> None:
        self.secret = secret
        self.algorithms = algorithms
        self._now = clock
        self.case_insensitive_prefix = case_insensitive_prefix
        self.cookie = cookie
        self.time_checks = time_checks
        self.wording = wording or JWTWording()
        self._verified: dict[str, dict[str, Any] | None] = {}
        """Each token's claims once its signature is checked (None: not a valid token); the
        time claims are checked on every request, so a token still expires on the clock."""

    def token_from(self, authorization: str | None, cookies: Mapping[str, str]) -> str | None:
        if authorization and len(authorization) > 7:
            prefix = authorization[:7]
            if self.case_insensitive_prefix:
                matched = prefix.upper() == "BEARER "
            else:
                matched = prefix == "Bearer "
            if matched:
                return authorization[7:]
        if self.cookie:
            return cookies.get(self.cookie) or None
        return None

    def fail(self, reason: str) -> Unauthorized:
        return Unauthorized(self.wording.for_reason(reason), reason=reason)

    def authenticate(self, authorization: str | None, cookies: Mapping[str, str]) -> dict[str, Any]:
        """The token's claims, or ``Unauthorized`` with the vendor's message for the first check
        that fails."""
        token = self.token_from(authorization, cookies)
        if token is None:
            raise self.fail("missing")
        if token in self._verified:
            claims = self._verified[token]
        else:
            claims = self._verify(token)
            if len(self._verified) >= TOKENS_KEPT:
                self._verified.clear()
            self._verified[token] = claims
        if claims is None:
            raise self.fail("invalid")
        now = int(self._now().timestamp())
        for check in self.time_checks:
            value = claims.get(check)
            if value is None:
                continue
            if not isinstance(value, int | float):
                raise self.fail("invalid")
            if (check == "exp" and now >= int(value)) or (
                check in ("nbf", "iat") and now < int(value)
            ):
                raise self.fail(check)
            if check == "exp":
                with suppress(OverflowError, OSError, ValueError):  # past the last datetime
                    note_expiry(datetime.fromtimestamp(int(value), UTC))
        return claims

    def _verify(self, token: str) -> dict[str, Any] | None:
        import jwt

        try:
            with _short_keys_allowed():
                claims: dict[str, Any] = jwt.decode(
                    token,
                    self.secret,
                    algorithms=list(self.algorithms),
                    options={
                        "verify_exp": False,
                        "verify_nbf": False,
                        "verify_iat": False,
                        "verify_aud": False,
                        "verify_iss": False,
                    },
                )
        except jwt.PyJWTError:
            return None
        return claims


def mint_jwt(secret: str, claims: Mapping[str, Any], algorithm: str = "HS256") -> str:
    """A signed token, for ``jobmock token`` and for tests."""
    import jwt

    with _short_keys_allowed():
        return jwt.encode(dict(claims), secret, algorithm=algorithm)
