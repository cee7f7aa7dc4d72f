"""A hot read, answered by the gate from its operation's handler without FastAPI, answers
exactly what the vendor's FastAPI route answers: for every hot operation of every vendor's
table, and for the cases below (auth failures, malformed ids)."""

from __future__ import annotations

import asyncio
import importlib
import re
from dataclasses import replace
from typing import Any

import httpx
import pytest

from jobmock.core.faults import FaultBook
from jobmock.core.gate import VendorGate
from jobmock.core.operations import Operation
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

    from jobmock.vendors.osapi.jwt.minting import mint

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


def _credentials() -> dict[str, dict[str, str]]:
    return {
        "nunu": {"X-Api-Key": "nunu_test_key"},
        "intuned": {"x-api-key": "intuned_test_key"},
        "prunner": {"Authorization": f"Bearer {_prunner_token()}"},
        "osapi": _osapi(),
    }


def _filled(op: Operation) -> str:
    """The operation's path with each parameter's documented example (the bundled fixtures')."""
    path = op.template
    for param in op.params:
        path = path.replace("{" + param.name + "}", param.examples[0] if param.examples else "x")
    return path


def _table_cases() -> list[Any]:
    cases = []
    for slug, headers in _credentials().items():
        table = importlib.import_module(f"jobmock.vendors.{slug}.operations").OPERATIONS
        for op in table.hot:
            for given in (headers, {}):
                name = f"{slug}-{op.operation_id}-{'key' if given else 'none'}"
                cases.append(pytest.param(slug, _filled(op), given, id=name))
    return cases


CASES_FROM_TABLES = _table_cases()


def test_every_vendor_declares_hot_reads() -> None:
    assert {case.values[0] for case in CASES_FROM_TABLES} == {"nunu", "intuned", "prunner", "osapi"}


@pytest.mark.parametrize("slug, path, headers", [*CASES_FROM_TABLES, *VENDOR_CASES])
def test_hot_read_answers_like_the_vendor_app(
    app: JobmockApp, slug: str, path: str, headers: dict[str, str]
) -> None:
    runtime = app.runtime
    vendor = runtime.vendors[slug]

    async def unreachable(scope: object, receive: object, send: object) -> None:
        raise AssertionError(f"{path} reached the vendor app: not answered as a hot read")

    # The vendor app behind this gate fails if called: the gate must answer alone.
    alone = replace(vendor, asgi=unreachable)
    gate = VendorGate(alone, runtime.store, runtime.crashes, FaultBook())
    fast = _through(gate, path, headers)
    slow = _through(vendor.asgi, path, headers)  # the vendor app alone: no gate, no hot path
    drop = {"x-request-id", "date"}
    assert (fast.status_code, _stable(fast.content)) == (slow.status_code, _stable(slow.content))
    assert [(k, v) for k, v in fast.headers.multi_items() if k not in drop] == [
        (k, v) for k, v in slow.headers.multi_items() if k not in drop
    ]
    (entry,) = [entry for entry in runtime.store.journal if entry.vendor == slug]
    assert entry.operation in {op.operation_id for op in vendor.operations.hot}


@pytest.mark.parametrize("slug, path, headers", VENDOR_CASES[:1])
def test_hot_read_is_served_and_journaled_through_the_app(
    app: JobmockApp, handle: InProcessHandle, slug: str, path: str, headers: dict[str, str]
) -> None:
    with handle.client() as client:
        answer = client.get(f"/{slug}{path}", headers=headers)
    assert answer.status_code == 200
    (entry,) = handle.requests(vendor=slug)
    assert entry.operation == "getJobDetails"


def _stable(body: bytes) -> bytes:
    """The body without the one field that is new on every error (Intuned's correlationId)."""
    return re.sub(rb'"correlationId":"[0-9a-f-]{36}"', b'"correlationId":"*"', body)


def _through(asgi: Any, path: str, headers: dict[str, str]) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())
