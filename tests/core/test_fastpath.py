"""The lean path for hot reads answers exactly what the FastAPI route answers."""

from __future__ import annotations

import re

import httpx
import pytest

from jobmock.core.fastpath import FastResponse, FastRoute, FastRouter
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests.conftest import START

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


def _prunner_token(**claims: object) -> str:
    from jobmock.core.auth import mint_jwt

    return mint_jwt("jobmock-prunner-secret-0123456789", claims)


WORKSPACE = "/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/my-project"
SEED_RUN = "/jobs/my-sample-job/runs/jr_abc123def456ghi789xyz"
PRUNNER_JOB = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"
EXPIRED = int(START.timestamp()) - 1
OSAPI_JOB = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _osapi(token: str | None = None, **claims: object) -> dict[str, str]:
    """Bearer headers for OSAPI (an admin token unless told), with a fixed request id so both
    paths echo the same one."""
    from datetime import timedelta

    from jobmock.vendors.osapi.minting import mint

    roles = claims.pop("roles", ("admin",))
    if token is None:
        token = mint(
            b"jobmock-osapi-signing-key",
            roles=roles,  # type: ignore[arg-type]
            permissions=(),
            subject="tests",
            issued_at=START,
            expires_at=START + timedelta(days=1),
            extra=claims,
        )
    return {"Authorization": f"Bearer {token}", "X-Request-Id": "fast-path-check"}


VENDOR_CASES: list[tuple[str, str, dict[str, str]]] = [
    *[("nunu", path, {"X-Api-Key": key} if key else {}) for path, key in CASES],
    ("intuned", WORKSPACE + SEED_RUN, {"x-api-key": "intuned_test_key"}),
    ("intuned", WORKSPACE + SEED_RUN, {}),
    ("intuned", WORKSPACE + SEED_RUN, {"x-api-key": "wrong"}),
    ("intuned", WORKSPACE + "/jobs/my-sample-job/runs/jr_nope", {"x-api-key": "intuned_test_key"}),
    ("intuned", WORKSPACE + "/jobs/Not A Slug/runs/jr_x", {"x-api-key": "intuned_test_key"}),
    (
        "intuned",
        "/api/v1/workspace/not-a-uuid/projects/my-project" + SEED_RUN,
        {"x-api-key": "intuned_test_key"},
    ),
    ("prunner", f"/job/detail?id={PRUNNER_JOB}", {"Authorization": f"Bearer {_prunner_token()}"}),
    ("prunner", f"/job/detail?id={PRUNNER_JOB}", {"Cookie": f"jwt={_prunner_token()}"}),
    ("prunner", f"/job/detail?id={PRUNNER_JOB}", {}),
    ("prunner", f"/job/detail?id={PRUNNER_JOB}", {"Authorization": "Bearer not.a.token"}),
    (
        "prunner",
        f"/job/detail?id={PRUNNER_JOB}",
        {"Authorization": f"bearer {_prunner_token(exp=EXPIRED)}"},
    ),
    ("prunner", "/job/detail?id=nope", {"Authorization": f"Bearer {_prunner_token()}"}),
    ("prunner", "/job/detail", {"Authorization": f"Bearer {_prunner_token()}"}),
    (
        "prunner",
        "/job/detail?id=00000000-0000-4000-8000-000000000000",
        {"Authorization": f"Bearer {_prunner_token()}"},
    ),
    ("osapi", f"/job/{OSAPI_JOB}", _osapi()),
    ("osapi", f"/api/job/{OSAPI_JOB}", _osapi()),
    ("osapi", f"/job/{OSAPI_JOB.replace('-', '').upper()}", _osapi()),
    ("osapi", f"/job/urn:uuid:{OSAPI_JOB}", _osapi()),
    ("osapi", "/job/not-a-uuid", _osapi()),
    ("osapi", "/job/not-a-uuid", {}),
    ("osapi", f"/job/{OSAPI_JOB}", {}),
    ("osapi", f"/job/{OSAPI_JOB}", _osapi("not.a.token")),
    ("osapi", f"/job/{OSAPI_JOB}", _osapi(roles=("nobody",))),
    ("osapi", f"/job/{OSAPI_JOB}", _osapi(roles=("read",), permissions=["node:read"])),
    ("osapi", "/job/00000000-0000-4000-8000-000000000000", _osapi()),
    ("osapi", f"/api/job/{OSAPI_JOB}", {"Authorization": "bearer x"}),
]


@pytest.mark.parametrize("slug, path, headers", VENDOR_CASES)
def test_fast_path_answers_like_the_vendor_app(
    app: JobmockApp, handle: InProcessHandle, slug: str, path: str, headers: dict[str, str]
) -> None:
    vendor = app.runtime.vendors[slug]
    assert vendor.fast_routes, f"{slug} declares its hot reads"
    with handle.client() as client:
        fast = client.get(f"/{slug}{path}", headers=headers)
    slow = _through(vendor.asgi, path, headers)  # the vendor app alone: no gate, no fast path
    drop = {"x-request-id", "date"}
    assert (fast.status_code, _stable(fast.content)) == (slow.status_code, _stable(slow.content))
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {
        k: v for k, v in slow.headers.items() if k not in drop
    }
    (entry,) = handle.requests(vendor=slug)
    assert entry["operation"] in (
        "getJobDetails",
        "getJobDetailsScoped",
        "getRunDetails",
        "getRunDetailsScoped",
        "getJobRun",
        "jobDetail",
        "GetJobByID",
    )


def _stable(body: bytes) -> bytes:
    """The body without the one field that is new on every error (Intuned's correlationId)."""
    return re.sub(rb'"correlationId":"[0-9a-f-]{36}"', b'"correlationId":"*"', body)


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
