from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from intuned_client import IntunedClient

from jobmock.testing.transport import JobmockTransport

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


class Intuned:
    """A tiny Intuned client over the in-process transport, for what the SDK hides (status
    codes, headers, raw bodies)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def request(
        self,
        method: str,
        path: str,
        key: str | None = KEY,
        json: Any = None,
        content: bytes | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"x-api-key": key} if key is not None else {}
        all_headers.update(headers or {})
        return self.client.request(
            method, BASE + path, json=json, content=content, params=params, headers=all_headers
        )

    def get(self, path: str, key: str | None = KEY, **params: str) -> httpx.Response:
        return self.request("GET", path, key=key, params=params)

    def post(self, path: str, json: Any = None, key: str | None = KEY) -> httpx.Response:
        return self.request("POST", path, key=key, json=json)


@pytest.fixture
def intuned(client: httpx.Client) -> Iterator[Intuned]:
    yield Intuned(client)


@pytest.fixture
def sdk(client: httpx.Client, _transport: JobmockTransport) -> Iterator[IntunedClient]:
    """Intuned's own SDK, pointed at jobmock with ``base_url=`` (in-process transport)."""
    http = httpx.Client(transport=_transport)
    with IntunedClient(
        api_key=KEY, workspace_id=WORKSPACE, base_url=SDK_BASE, client=http
    ) as intuned_client:
        yield intuned_client
    http.close()


@pytest.fixture
def anonymous_sdk(client: httpx.Client, _transport: JobmockTransport) -> Iterator[IntunedClient]:
    """The SDK with ``api_key=None``: it sends no ``x-api-key`` at all."""
    http = httpx.Client(transport=_transport)
    with IntunedClient(
        api_key=None, workspace_id=WORKSPACE, base_url=SDK_BASE, client=http
    ) as intuned_client:
        yield intuned_client
    http.close()
