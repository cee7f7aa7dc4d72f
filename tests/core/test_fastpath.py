"""The lean path for hot reads answers exactly what the FastAPI route answers."""

from __future__ import annotations

import httpx
import pytest

from jobmock.core.fastpath import FastResponse, FastRoute, FastRouter
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
CASES = [
    (f"/api/v1/jobs/{SEED_JOB}", "nunu_test_key"),
    (f"/api/v1/project/test/jobs/{SEED_JOB}", "nunu_test_key"),
    (f"/api/v1/project/test/jobs/{SEED_JOB}", "nunu_org_acme_key"),
    (f"/api/v1/jobs/{SEED_JOB}", "nunu_org_acme_key"),
    (f"/api/v1/jobs/{SEED_JOB}", None),
    (f"/api/v1/jobs/{SEED_JOB}", "nunu_expired_key"),
    ("/api/v1/jobs/not-a-uuid", "nunu_test_key"),
    ("/api/v1/jobs/00000000-0000-4000-8000-000000000000", "nunu_test_key"),
    (f"/api/v1/project/monopoly-go/jobs/{SEED_JOB}", "nunu_test_key"),
    ("/api/v1/runs/lkkg6t5612m", "nunu_test_key"),
    ("/api/v1/project/test/runs/lkkg6t5612m", "nunu_read_only_key"),
    ("/api/v1/runs/nope", "nunu_build_upload_key"),
    ("/api/v1/runs/6bf46c69", "nunu_test_key"),
]


@pytest.mark.parametrize("path, key", CASES)
def test_fast_path_answers_like_fastapi(
    app: JobmockApp, handle: InProcessHandle, path: str, key: str | None
) -> None:
    headers = {"X-Api-Key": key} if key else {}
    with handle.client() as client:
        fast = client.get("/nunu" + path, headers=headers)
    vendor = app.runtime.vendors["nunu"].asgi  # FastAPI alone, without the gate's fast path
    slow = _through(vendor, path, headers)
    assert (fast.status_code, fast.headers["content-type"], fast.content) == (
        slow.status_code,
        slow.headers["content-type"],
        slow.content,
    )
    (entry,) = handle.requests(vendor="nunu")
    assert entry["operation"].startswith(("getJobDetails", "getRunDetails"))


def _through(asgi: object, path: str, headers: dict[str, str]) -> httpx.Response:
    import asyncio

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=asgi)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())


def test_router_matches_methods_and_templates() -> None:
    def handler(params: object, scope: object) -> FastResponse:
        return FastResponse(200, b"{}")

    router = FastRouter([FastRoute("GET", "/a/{x}/b/{y}", "op", handler)])
    hit = router.match("GET", "/a/1/b/2")
    assert hit is not None and hit[1] == {"x": "1", "y": "2"}
    assert router.match("POST", "/a/1/b/2") is None
    assert router.match("GET", "/a/1/b/2/") is None
    assert router.match("GET", "/a//b/2") is None
