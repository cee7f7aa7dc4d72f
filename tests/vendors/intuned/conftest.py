from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from intuned_client import IntunedClient

from jobmock.testing.transport import JobmockTransport
from tests.vendors.helpers import DEFAULT, Sent, VendorClient

WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
KEY = "intuned_test_key"
PROJECT = "my-project"
PROJECT_ID = "123e4567-e89b-12d3-a456-426614174000"
SEED_JOB = "my-sample-job"
SEED_RUN = "jr_abc123def456ghi789xyz"
ROOT = "/intuned/api/v1/workspace"
BASE = f"{ROOT}/{WORKSPACE}/projects/{PROJECT}"
SDK_BASE = f"http://jobmock{ROOT}"

#: A Create Job body as a client would send it (the SDK adds requestTimeout and retry defaults).
NEW_JOB: dict[str, Any] = {
    "id": "nightly-crawl",
    "payload": [
        {"apiName": "get-product", "parameters": {"url": "https://shop.example.com/p/1"}},
        {"apiName": "get-product", "parameters": {"url": "https://shop.example.com/p/2"}},
        {"apiName": "get-product", "parameters": {"url": "https://shop.example.com/p/3"}},
        {"apiName": "get-product", "parameters": {"url": "https://shop.example.com/p/4"}},
    ],
    "configuration": {"retry": {"maximumAttempts": 3}, "maxConcurrentRequests": 2},
}


class Intuned(VendorClient):
    """Intuned's API with the bundled key, for what the SDK hides (status codes, headers, raw
    bodies). Its errors carry a fresh correlation id, so tests/vendors/intuned/test_errors.py
    checks them field by field instead of through ``error``."""

    base = BASE

    def credential(self) -> str:
        return KEY

    def credential_headers(self, credential: str) -> dict[str, str]:
        return {"x-api-key": credential}

    def get(self, path: str, key: str | Sent | None = DEFAULT, **params: str) -> httpx.Response:
        return self.request("GET", path, credential=key, params=params)

    def post(self, path: str, json: Any = None, key: str | Sent | None = DEFAULT) -> httpx.Response:
        return self.request("POST", path, credential=key, json=json)


@pytest.fixture
def intuned(client: httpx.Client) -> Iterator[Intuned]:
    yield Intuned(client)


def sdk_over(transport: JobmockTransport, api_key: str | None) -> Iterator[IntunedClient]:
    with (
        httpx.Client(transport=transport) as http,
        IntunedClient(
            api_key=api_key, workspace_id=WORKSPACE, base_url=SDK_BASE, client=http
        ) as intuned_client,
    ):
        yield intuned_client


@pytest.fixture
def sdk(client: httpx.Client, _transport: JobmockTransport) -> Iterator[IntunedClient]:
    """Intuned's own SDK, pointed at jobmock with ``base_url=`` (in-process transport)."""
    yield from sdk_over(_transport, KEY)


@pytest.fixture
def anonymous_sdk(client: httpx.Client, _transport: JobmockTransport) -> Iterator[IntunedClient]:
    """The SDK with ``api_key=None``: it sends no ``x-api-key`` at all."""
    yield from sdk_over(_transport, None)
