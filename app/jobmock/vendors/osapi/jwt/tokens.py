"""OSAPI's bearer tokens: golang-jwt v4.5.2 parsing and OSAPI's claim rules, with their texts.

The order of checks and the message each one produces follow ``jwt.ParseWithClaims``: split,
decode the header, decode the claims, look up ``alg``, the key function (HMAC only), the
registered time claims (``exp``, then ``iat``, then ``nbf``: the last failure is reported), then
the signature, whose failure replaces any claim failure. OSAPI then validates ``roles``
(``required,dive,oneof=read write admin``) and resolves permissions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from jobmock.core import golang
from jobmock.core.golang.jsondec import Node
from jobmock.vendors.osapi.jwt.claims import TokenRejected, decode_claims, decode_header

HMAC_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
#: Every method golang-jwt v4 registers; any other ``alg`` is "unavailable".
KNOWN_METHODS = frozenset(HMAC_HASHES) | {
    *(f"{family}{bits}" for family in ("RS", "PS", "ES") for bits in (256, 384, 512)),
    "EdDSA",
    "none",
}
VALID_ROLES = ("read", "write", "admin")
_B64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_VALUE = {c: i for i, c in enumerate(_B64URL)}
_CLEAN_B64 = re.compile("[A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class Claims:
    roles: tuple[str, ...]
    permissions: tuple[str, ...]
    subject: str | None


def b64_decode(segment: str) -> bytes:
    """``base64.RawURLEncoding.DecodeString`` (non-strict: CR and LF are skipped)."""
    if _CLEAN_B64.fullmatch(segment) and len(segment) % 4 != 1:
        # the common case at C speed; the loop below finds the byte Go would complain about
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    src = segment.encode("latin-1", "replace")
    out = bytearray()
    si = 0
    while True:
        quantum: list[int] = []
        while len(quantum) < 4:
            if si == len(src):
                if len(quantum) == 1:
                    raise TokenRejected(f"illegal base64 data at input byte {si - 1}")
                break
            c = src[si]
            si += 1
            if c in (0x0A, 0x0D):
                continue
            value = _B64_VALUE.get(c)
            if value is None:
                raise TokenRejected(f"illegal base64 data at input byte {si - 1}")
            quantum.append(value)
        if not quantum:
            return bytes(out)
        bits = 0
        for value in quantum:
            bits = bits << 6 | value
        bits <<= 6 * (4 - len(quantum))
        out.extend(bits.to_bytes(3, "big")[: len(quantum) - 1])
        if len(quantum) < 4:
            return bytes(out)


# --- claims decoding ----------------------------------------------------------------------------


def _seconds(node: Node | None) -> int | None:
    if node is None:
        return None
    value = float(node.text if node.kind == "number" else node.value)
    return math.floor(value)  # NumericDate keeps whole seconds


def _time_problem(parsed: Parsed, now_ns: int) -> str | None:
    """``RegisteredClaims.Valid``: exp, iat, nbf in that order; the last failure wins."""
    problem = None
    second = golang.NS_PER_SECOND
    if parsed.exp is not None and now_ns >= parsed.exp * second:
        problem = f"token is expired by {golang.duration(now_ns - parsed.exp * second)}"
    if parsed.iat is not None and now_ns < parsed.iat * second:
        problem = "token used before issued"
    if parsed.nbf is not None and now_ns < parsed.nbf * second:
        problem = "token is not valid yet"
    return problem


def _strings(node: Node | None) -> tuple[str, ...] | None:
    if node is None:
        return None
    return tuple(item.value if item.kind == "string" else "" for item in node.value)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything about a token that does not depend on the time: what the checks before the
    time claims found, the time claims, and what the checks after them found."""

    rejected: str | None = None
    """Set when a check before the time claims failed (nothing else counts then)."""
    exp: int | None = None
    iat: int | None = None
    nbf: int | None = None
    after: str | None = None
    """A signature failure (which replaces a time failure), else a roles failure."""
    signature_failed: bool = False
    claims: Claims | None = None


def parse(token: str, key: bytes) -> Parsed:
    """Parse and verify ``token`` once; ``check(parsed, now)`` finishes the job per request."""
    try:
        return _parse(token, key)
    except TokenRejected as exc:
        return Parsed(rejected=exc.message)


def _parse(token: str, key: bytes) -> Parsed:
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRejected("token contains an invalid number of segments")
    try:
        header_bytes = b64_decode(parts[0])
    except TokenRejected:
        if token.lower().startswith("bearer "):
            raise TokenRejected("tokenstring should not contain 'bearer '") from None
        raise
    header = decode_header(header_bytes)
    claims = decode_claims(b64_decode(parts[1]))
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise TokenRejected("signing method (alg) is unspecified.")
    if alg not in KNOWN_METHODS:
        raise TokenRejected("signing method (alg) is unavailable.")
    if alg not in HMAC_HASHES:
        raise TokenRejected("unexpected signing method")
    times = Parsed(
        exp=_seconds(claims.get("exp")),
        iat=_seconds(claims.get("iat")),
        nbf=_seconds(claims.get("nbf")),
    )
    try:
        signature = b64_decode(parts[2])
    except TokenRejected as exc:
        return replace(times, after=exc.message, signature_failed=True)
    signing_input = f"{parts[0]}.{parts[1]}".encode("latin-1", "replace")
    expected = hmac.new(key, signing_input, HMAC_HASHES[alg]).digest()
    if not hmac.compare_digest(signature, expected):
        return replace(times, after="signature is invalid", signature_failed=True)
    roles = _strings(claims.get("roles"))
    if roles is None:
        return replace(
            times,
            after="Key: 'CustomClaims.Roles' Error:Field validation for 'Roles' failed on the "
            "'required' tag",
        )
    bad = [
        f"Key: 'CustomClaims.Roles[{i}]' Error:Field validation for 'Roles[{i}]' failed on "
        "the 'oneof' tag"
        for i, role in enumerate(roles)
        if role not in VALID_ROLES
    ]
    if bad:
        return replace(times, after="\n".join(bad))
    subject = claims.get("sub")
    found = Claims(
        roles=roles,
        permissions=_strings(claims.get("permissions")) or (),
        subject=subject.value if subject is not None else None,
    )
    return replace(times, claims=found)


def check(parsed: Parsed, now_ns: int) -> Claims:
    """The claims of a parsed token at ``now_ns``, or ``TokenRejected`` with OSAPI's reason."""
    if parsed.rejected is not None:
        raise TokenRejected(parsed.rejected)
    if parsed.signature_failed:
        raise TokenRejected(parsed.after or "signature is invalid")
    problem = _time_problem(parsed, now_ns)
    if problem is not None:
        raise TokenRejected(problem)
    if parsed.claims is None:
        raise TokenRejected(parsed.after or "token is invalid")
    return parsed.claims


def validate(token: str, key: bytes, now_ns: int) -> Claims:
    """The claims of a token OSAPI accepts, or ``TokenRejected`` with OSAPI's reason."""
    return check(parse(token, key), now_ns)


def resolve(claims: Claims, roles: Mapping[str, frozenset[str]]) -> dict[str, bool]:
    """``authtoken.ResolvePermissions``: explicit permissions win; otherwise the roles' union."""
    if claims.permissions:
        return dict.fromkeys(claims.permissions, True)
    resolved: dict[str, bool] = {}
    for role in claims.roles:
        resolved.update(dict.fromkeys(roles.get(role, ()), True))
    return resolved


__all__ = [
    "Claims",
    "Parsed",
    "TokenRejected",
    "b64_decode",
    "check",
    "parse",
    "resolve",
    "validate",
]
