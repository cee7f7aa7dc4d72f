"""Minting tokens in the shape ``osapi token generate`` writes them."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from jobmock.vendors.osapi.jwt.tokens import HMAC_HASHES


def b64_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def add_months(when: datetime, months: int) -> datetime:
    """Go's ``AddDate(0, months, 0)``: an overflowing day rolls into the next month."""
    index = when.month - 1 + months
    first = when.replace(year=when.year + index // 12, month=index % 12 + 1, day=1)
    return first + timedelta(days=when.day - 1)


def mint(
    key: bytes,
    *,
    roles: tuple[str, ...],
    permissions: tuple[str, ...] = (),
    subject: str,
    issued_at: datetime,
    expires_at: datetime,
    extra: Mapping[str, Any] | None = None,
    algorithm: str = "HS256",
) -> str:
    """A token in the shape ``osapi token generate`` writes (claims in Go's field order)."""
    claims: dict[str, Any] = {"roles": list(roles)}
    if permissions:
        claims["permissions"] = list(permissions)
    claims.update(
        {
            "iss": "osapi",
            "sub": subject,
            "aud": ["https://localhost", "http://localhost"],
            "exp": int(expires_at.timestamp()),
            "iat": int(issued_at.timestamp()),
        }
    )
    claims.update(extra or {})
    header = b64_encode(
        json.dumps({"alg": algorithm, "typ": "JWT"}, separators=(",", ":")).encode()
    )
    payload = b64_encode(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), HMAC_HASHES[algorithm]).digest()
    return f"{header}.{payload}.{b64_encode(signature)}"
