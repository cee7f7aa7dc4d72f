"""A small nunu.ai client, standing in for the code under test in the how-to examples."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

TERMINAL = "COMPLETED"


class NunuClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        sleep: Callable[[float], object] = time.sleep,
        retries: int = 5,
    ) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"X-Api-Key": api_key}, timeout=10)
        self.sleep = sleep
        self.retries = retries

    def __enter__(self) -> NunuClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def _get(self, path: str) -> dict[str, Any]:
        for attempt in range(self.retries + 1):
            try:
                response = self.http.get(path)
            except httpx.TransportError:
                if attempt == self.retries:
                    raise
                self.sleep(1)
                continue
            if response.status_code in (429, 500, 502, 503) and attempt < self.retries:
                self.sleep(float(response.headers.get("Retry-After", 1)))
                continue
            response.raise_for_status()
            return dict(response.json())
        raise RuntimeError("unreachable")

    def start_run(self, test_id: str, deployment_config_id: str) -> str:
        response = self.http.post(
            "/runs",
            json={"multiplayer_test_id": test_id, "deployment_config_id": deployment_config_id},
        )
        response.raise_for_status()
        return str(response.json()["job_ids"][0])

    def job(self, job_id: str) -> dict[str, Any]:
        return self._get(f"/jobs/{job_id}")

    def wait(self, job_id: str, interval: float = 30.0) -> dict[str, Any]:
        """Poll the job every ``interval`` seconds until it is COMPLETED (nunu's own loop)."""
        while True:
            job = self.job(job_id)
            if job["status"] == TERMINAL:
                return job
            self.sleep(interval)
