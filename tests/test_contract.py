"""What every vendor owes the rest of jobmock, checked for each registered vendor: its detail
read is journaled as a poll (so ``assert_polled`` works), injected faults answer in its own
envelope, no FastAPI default shape ever leaks, and its OpenAPI document is the vendor's.

A new vendor adds its sample detail request to SAMPLES; the test below fails until it does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest

from jobmock.core.errors import Injected
from jobmock.core.vendor import TokenRequest
from jobmock.main import JobmockApp
from jobmock.settings import known_vendors, packaged_fixtures
from jobmock.testing import InProcessHandle
from jobmock.vendors import get_vendor
from tests.conftest import START


def token(slug: str) -> dict[str, str]:
    mint = get_vendor(slug).mint_token
    assert mint is not None
    signed = mint(packaged_fixtures() / slug, TokenRequest(now=START, expires_in=3600))
    return {"Authorization": f"Bearer {signed}"}


SAMPLES: dict[str, tuple[str, str, Callable[[], dict[str, str]]]] = {
    "nunu": (
        "/nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e",
        "f80f6230-3a4f-431a-9d55-d11b867fed4e",
        lambda: {"X-Api-Key": "nunu_test_key"},
    ),
    "intuned": (
        "/intuned/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/"
        "my-project/jobs/my-sample-job/runs/jr_abc123def456ghi789xyz",
        "jr_abc123def456ghi789xyz",
        lambda: {"x-api-key": "intuned_test_key"},
    ),
    "prunner": (
        "/prunner/job/detail?id=52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8",
        "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8",
        lambda: token("prunner"),
    ),
    "osapi": (
        "/osapi/job/3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        lambda: token("osapi"),
    ),
}
VENDORS = known_vendors()


def test_every_vendor_has_a_sample() -> None:
    assert set(SAMPLES) == set(VENDORS)


@pytest.mark.parametrize("slug", VENDORS)
def test_detail_reads_are_polls(slug: str, client: httpx.Client, handle: InProcessHandle) -> None:
    path, job, headers = SAMPLES[slug]
    for _ in range(2):
        assert client.get(path, headers=headers()).status_code == 200
    polls = handle.polls(slug, job)
    assert len(polls) == 2
    assert all(p.state and p.terminal is not None for p in polls)
    check = handle.assert_polled(slug, job, times=2, stops_when_terminal=False)
    assert check.ok


@pytest.mark.parametrize("slug", VENDORS)
def test_injected_fault_in_the_vendors_envelope(
    slug: str, app: JobmockApp, client: httpx.Client, handle: InProcessHandle
) -> None:
    path, _, headers = SAMPLES[slug]
    handle.fail_next(slug, status=503, retry_after=7)
    response = client.get(path, headers=headers())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    rendered = app.runtime.vendors[slug].render_error(Injected(503, "", retry_after=7))
    assert response.headers["content-type"] == rendered.headers["content-type"]
    if "json" not in response.headers["content-type"]:
        assert response.content == rendered.body
        return
    got, expected = response.json(), json.loads(bytes(rendered.body))
    for fresh in ("correlationId",):  # a new id on every error (Intuned)
        got.pop(fresh, None)
        expected.pop(fresh, None)
    assert got == expected


@pytest.mark.parametrize("slug", VENDORS)
@pytest.mark.parametrize("method", ["GET", "DELETE", "PATCH"])
def test_no_framework_shapes_leak(slug: str, method: str, client: httpx.Client) -> None:
    path, _, headers = SAMPLES[slug]
    base = path.split("?")[0].rsplit("/", 1)[0]
    for url in (path, base + "/no/such/route", base + "/%ZZ"):
        response = client.request(method, url, headers=headers(), content=b"{not json")
        assert response.status_code != 422, (method, url)
        if response.content and "json" in response.headers.get("content-type", ""):
            assert "detail" not in response.json(), (method, url, response.text)


@pytest.mark.parametrize("slug", VENDORS)
def test_openapi_is_the_vendors(slug: str, app: JobmockApp, client: httpx.Client) -> None:
    document = client.get(f"/{slug}/openapi.json").json()
    assert document["paths"]
    text = str(document)
    assert "'422'" not in text and "HTTPValidationError" not in text
    assert document["paths"] == app.runtime.vendors[slug].openapi()["paths"]
    assert document["servers"][0] == {"url": f"/{slug}"}, "jobmock's mount comes first"


@pytest.mark.parametrize("slug", VENDORS)
def test_openapi_declares_every_path_parameter(slug: str, app: JobmockApp) -> None:
    """Codegen, Prism and Schemathesis refuse a template parameter the operation does not
    declare (nunu's project-scoped routes once left out their ``projectId``)."""
    document = app.runtime.vendors[slug].openapi()
    for path, item in document["paths"].items():
        in_template = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"}
            assert declared == in_template, (method.upper(), path)
