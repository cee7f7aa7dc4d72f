from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

BASE = "/nunu/api/v1"
KEY = {"X-Api-Key": "nunu_test_key"}
SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
SEED_RUN = "lkkg6t5612m"


class Nunu:
    """A tiny nunu client over the in-process transport."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, path: str, key: str | None = "nunu_test_key", **params: Any) -> httpx.Response:
        headers = {"X-Api-Key": key} if key is not None else {}
        return self.client.get(BASE + path, headers=headers, params=params)

    def post(
        self,
        path: str,
        body: Any = None,
        key: str | None = "nunu_test_key",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"X-Api-Key": key} if key is not None else {}
        all_headers.update(headers or {})
        return self.client.post(BASE + path, json=body, headers=all_headers)


@pytest.fixture
def nunu(client: httpx.Client) -> Iterator[Nunu]:
    yield Nunu(client)
