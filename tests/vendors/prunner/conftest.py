from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jobmock.core.auth import mint_jwt
from tests.vendors.helpers import VendorClient

BASE = "/prunner"
SECRET = "jobmock-prunner-secret-0123456789"
SEED_JOB = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"
RUNNING_DIAMOND = "6bd8e2a1-5c2f-4e8e-9a37-0c1f5e2d7b10"
ENDLESS = "6bd8e2a1-5c2f-4e8e-9a37-0c1f5e2d7b11"


def fixture_job(n: int) -> str:
    """The bundled jobs 3f0d2f5e-...-1d01 to -1d0c (see fixtures/prunner/jobs.yaml)."""
    return f"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d{n:02x}"


def token(sub: str | None = "j.doe", **claims: Any) -> str:
    if sub is not None:
        claims["sub"] = sub
    return mint_jwt(SECRET, claims)


class Prunner(VendorClient):
    """A prunner client authenticated as ``j.doe``."""

    base = BASE

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(client)
        self.token = token()

    def credential(self) -> str:
        return self.token

    def credential_headers(self, credential: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {credential}"}

    @staticmethod
    def error_body(message: str) -> bytes:
        """prunner's handler errors (its auth errors are plain text)."""
        return b'{"error":' + json.dumps(message).encode() + b"}\n"

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None, **params: str) -> httpx.Response:
        content = b"" if body is None else json.dumps(body).encode()
        return self.request("POST", path, params=params, content=content)

    def detail(self, job_id: str) -> dict[str, Any]:
        response = self.get("/job/detail", id=job_id)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def schedule(self, pipeline: str, **body: Any) -> str:
        response = self.post("/pipelines/schedule", {"pipeline": pipeline, **body})
        assert response.status_code == 202, response.text
        return str(response.json()["jobId"])

    def cancel(self, job_id: str) -> httpx.Response:
        return self.post("/job/cancel", id=job_id)

    def logs(self, job_id: str, task: str) -> dict[str, str]:
        response = self.get("/job/logs", id=job_id, task=task)
        assert response.status_code == 200, response.text
        result: dict[str, str] = response.json()
        return result


@pytest.fixture
def prunner(client: httpx.Client) -> Iterator[Prunner]:
    yield Prunner(client)


error = Prunner.error
