from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.vendors.helpers import DEFAULT, Sent, VendorClient

BASE = "/nunu/api/v1"
KEY = {"X-Api-Key": "nunu_test_key"}
SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
SEED_RUN = "lkkg6t5612m"


class Nunu(VendorClient):
    """nunu's API with the bundled test key in ``X-Api-Key``."""

    base = BASE

    def credential(self) -> str:
        return KEY["X-Api-Key"]

    def credential_headers(self, credential: str) -> dict[str, str]:
        return {"X-Api-Key": credential}

    @staticmethod
    def error_body(message: str) -> bytes:
        return json.dumps({"error": message}).encode()

    def get(self, path: str, key: str | Sent | None = DEFAULT, **params: Any) -> httpx.Response:
        return self.request("GET", path, credential=key, params=params)

    def post(
        self,
        path: str,
        body: Any = None,
        key: str | Sent | None = DEFAULT,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.request("POST", path, credential=key, json=body, headers=headers)


error = Nunu.error


@pytest.fixture
def nunu(client: httpx.Client) -> Iterator[Nunu]:
    yield Nunu(client)
