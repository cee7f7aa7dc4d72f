from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobmock.core.auth import ApiKey, ApiKeyHeader, BearerJWT, mint_jwt
from jobmock.core.errors import MockError, Unauthorized

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECRET = "a-secret-of-enough-length"


def clock() -> datetime:
    return NOW


def test_api_key_checks_in_order() -> None:
    keys = [
        ApiKey("good", "1", "p"),
        ApiKey("old", "2", "p", expires_at=NOW),
        ApiKey("off", "3", "p", disabled=True),
    ]
    auth = ApiKeyHeader("X-Api-Key", keys, clock)
    assert auth.authenticate("good").id == "1"
    for value, status, message in (
        (None, 401, "API key required"),
        ("", 401, "API key required"),
        ("bad", 401, "Invalid API key"),
        ("old", 403, "API key expired"),
        ("off", 403, "API key is disabled"),
    ):
        with pytest.raises(MockError) as info:
            auth.authenticate(value)
        assert (info.value.status, info.value.message) == (status, message)


def test_bearer_jwt_reasons_in_check_order() -> None:
    auth = BearerJWT(SECRET, clock, cookie="jwt")
    ts = int(NOW.timestamp())
    good = mint_jwt(SECRET, {"sub": "j.doe"})
    assert auth.authenticate(f"Bearer {good}", {})["sub"] == "j.doe"
    assert auth.authenticate(f"bEaReR {good}", {})["sub"] == "j.doe"
    assert auth.authenticate(None, {"jwt": good})["sub"] == "j.doe"
    cases = [
        (None, "missing"),
        ("Basic abc", "missing"),
        ("Bearer ", "missing"),
        ("Bearer not.a.token", "invalid"),
        (f"Bearer {mint_jwt('another-secret-value', {})}", "invalid"),
        (f"Bearer {mint_jwt(SECRET, {'exp': ts})}", "exp"),
        (f"Bearer {mint_jwt(SECRET, {'nbf': ts + 1})}", "nbf"),
        (f"Bearer {mint_jwt(SECRET, {'iat': ts + 1, 'exp': ts})}", "iat"),
    ]
    for header, reason in cases:
        with pytest.raises(Unauthorized) as info:
            auth.authenticate(header, {})
        assert info.value.reason == reason, header


def test_bearer_prefix_case_sensitive_when_asked() -> None:
    auth = BearerJWT(SECRET, clock, case_insensitive_prefix=False)
    token = mint_jwt(SECRET, {"exp": int((NOW + timedelta(hours=1)).timestamp())})
    assert auth.authenticate(f"Bearer {token}", {})
    with pytest.raises(Unauthorized):
        auth.authenticate(f"bearer {token}", {})
