"""An Intuned job whose webhooks go where a test says, and the run it triggers."""

from __future__ import annotations

from typing import Any

import httpx

WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
PROJECT = "my-project"
BASE = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/{PROJECT}"
KEY = {"x-api-key": "intuned_test_key"}


def job(
    job_id: str = "hooked-job",
    sink: dict[str, Any] | None = None,
    notifications: list[dict[str, Any]] | None = None,
    apis: tuple[str, ...] = ("get-product", "get-product", "get-review", "get-product"),
) -> dict[str, Any]:
    """A Create Job body: one payload per API name (four run over 60 s: one each 15 s)."""
    body: dict[str, Any] = {
        "id": job_id,
        "payload": [
            {"apiName": name, "parameters": {"url": f"https://shop.example.com/p/{n}"}}
            for n, name in enumerate(apis, 1)
        ],
        "configuration": {"retry": {"maximumAttempts": 3}},
    }
    if sink is not None:
        body["sink"] = sink
    if notifications is not None:
        body["notifications"] = notifications
    return body


def start(client: httpx.Client, body: dict[str, Any], timeline: str | None = None) -> str:
    """Create the job and trigger it; the run's id."""
    created = client.post(f"{BASE}/jobs", json=body, headers=KEY)
    assert created.status_code == 201, created.text
    headers = dict(KEY)
    if timeline is not None:
        headers["x-jobmock-timeline"] = timeline
    triggered = client.post(f"{BASE}/jobs/{body['id']}/trigger", headers=headers)
    assert triggered.status_code == 200, triggered.text
    return str(triggered.json()["jobRunId"])


def run(client: httpx.Client, job_id: str, run_id: str) -> dict[str, Any]:
    answer = client.get(f"{BASE}/jobs/{job_id}/runs/{run_id}", headers=KEY)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())
