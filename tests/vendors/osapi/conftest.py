from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from jobmock.vendors.osapi.jwt.minting import b64_encode, mint
from tests.conftest import START
from tests.vendors.helpers import DEFAULT, Sent, VendorClient, assert_answer

BASE = "/osapi"
KEY = b"jobmock-osapi-signing-key"
SEED_JOB = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def token(
    roles: tuple[str, ...] = ("admin",),
    permissions: tuple[str, ...] = (),
    *,
    key: bytes = KEY,
    issued_at: datetime = START,
    lifetime: timedelta = timedelta(days=90),
    algorithm: str = "HS256",
    **extra: Any,
) -> str:
    return mint(
        key,
        roles=roles,
        permissions=permissions,
        subject="tests",
        issued_at=issued_at,
        expires_at=issued_at + lifetime,
        extra=extra,
        algorithm=algorithm,
    )


def raw_token(header: Any, claims: Any, signature: str = "c2ln") -> str:
    """A token from arbitrary header and claims values (unsigned unless ``signature``)."""

    def part(value: Any) -> str:
        return b64_encode(value if isinstance(value, bytes) else json.dumps(value).encode())

    return f"{part(header)}.{part(claims)}.{signature}"


def bearer(value: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {value if value is not None else token()}"}


class Osapi(VendorClient):
    """An OSAPI client with an admin token; ``auth=`` is a whole ``Authorization`` value."""

    base = BASE

    def credential(self) -> str:
        return bearer()["Authorization"]

    def credential_headers(self, credential: str) -> dict[str, str]:
        return {"Authorization": credential}

    @staticmethod
    def error_body(message: str) -> bytes:
        return compact({"error": message})

    def get(self, path: str, auth: str | Sent | None = DEFAULT, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, credential=auth, **kwargs)

    def post(self, path: str, auth: str | Sent | None = DEFAULT, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, credential=auth, **kwargs)

    def delete(self, path: str, auth: str | Sent | None = DEFAULT, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, credential=auth, **kwargs)

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.get(f"/job/{job_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def exact(response: httpx.Response, status: int, body: bytes | str) -> None:
    """Status, content type and the bytes OSAPI writes (compact JSON and a newline)."""
    assert_answer(response, status, body.encode() if isinstance(body, str) else body)


error = Osapi.error


def echo(response: httpx.Response, status: int, message: str) -> None:
    exact(response, status, compact({"message": message}))


@pytest.fixture
def osapi(client: httpx.Client) -> Iterator[Osapi]:
    yield Osapi(client)


def compact(document: Any) -> bytes:
    """What Go's encoder writes for ``document`` (OSAPI's keys are alphabetical everywhere):
    Python's own encoder, as an independent check of the mock's."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode()


def signed(claims: Any, key: bytes = KEY) -> str:
    """A correctly signed HS256 token carrying exactly ``claims``."""
    body = raw_token({"alg": "HS256", "typ": "JWT"}, claims, signature="")[:-1]
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{b64_encode(digest)}"
