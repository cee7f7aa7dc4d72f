"""``Prefer: code=`` answers a documented status in the vendor's own envelope (as a fault of
that status would); an undocumented one, ``example=`` and ``dynamic=false`` are the vendor's 400
listing what is documented; other preferences change nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle
from tests.stubs.conftest import TARGETS

#: Each vendor's read, its documented statuses, and the bodies of two of them.
DOCUMENTED = {
    "nunu": (
        "getJobDetails",
        "200, 400, 401, 403, 404",
        {400: b'{"error": "Request failed"}', 404: b'{"error": "Request failed"}'},
    ),
    "intuned": ("getJobRun", "200, 400, 401, 404", {}),
    "prunner": ("jobDetail", "200, 400, 401, 404", {401: b"\n", 404: b'{"error":""}\n'}),
    "osapi": (
        "GetJobByID",
        "200, 400, 401, 403, 404, 500",
        {404: b'{"error":"Not Found"}\n', 500: b'{"error":"Internal Server Error"}\n'},
    ),
}


def _body(response: httpx.Response) -> Any:
    """The body, without Intuned's fresh correlation id."""
    if response.headers["content-type"] != "application/json":
        return response.content
    body = response.json()
    if isinstance(body, dict):
        body.pop("correlationId", None)
    return body


def _statuses(vendor: str) -> list[tuple[str, int]]:
    return [(vendor, int(code)) for code in DOCUMENTED[vendor][1].split(", ")[1:]]


@pytest.mark.parametrize(
    ("vendor", "code"), [pair for vendor in DOCUMENTED for pair in _statuses(vendor)]
)
def test_each_documented_error_status_as_a_fault_would(
    vendor: str, code: int, client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS[vendor]
    preferred = target.get(client, Prefer=f"code={code}")
    handle.fail_next(vendor, operation=target.operation, status=code)
    faulted = target.get(client)
    assert preferred.status_code == code
    assert preferred.headers["content-type"] == faulted.headers["content-type"]
    assert _body(preferred) == _body(faulted)
    exact = DOCUMENTED[vendor][2].get(code)
    if exact is not None:
        assert preferred.content == exact
    entry = handle.requests(vendor=vendor)[0]
    assert (entry.status, entry.notes, entry.operation) == (
        code,
        [f"Prefer: code={code}"],
        target.operation,
    )


def test_intuned_envelope(client: httpx.Client) -> None:
    response = TARGETS["intuned"].get(client, Prefer="code=404")
    assert _body(response) == {
        "code": "not-found",
        "category": "user",
        "message": "The requested resource was not found",
        "retirable": False,
    }


@pytest.mark.parametrize("vendor", list(DOCUMENTED))
def test_undocumented_status_is_the_vendors_400(
    vendor: str, client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS[vendor]
    operation, listed, _ = DOCUMENTED[vendor]
    message = f"Prefer: code=418 is not a status {operation} documents; it documents {listed}"
    response = target.get(client, Prefer="code=418")
    assert response.status_code == 400
    handle.fail_next(vendor, operation=operation, status=400, message=message)
    assert _body(response) == _body(target.get(client))


def test_example_dynamic_and_others(client: httpx.Client) -> None:
    target = TARGETS["nunu"]
    real = target.get(client)
    for prefer in ("dynamic=true", "return=minimal, respond-async", "code=200", "wait=5"):
        same = target.get(client, Prefer=prefer)
        assert (same.status_code, same.content) == (200, real.content)
    example = target.get(client, Prefer='example="done"')
    assert (example.status_code, example.json()) == (
        400,
        {
            "error": "Prefer: example=done: getJobDetails documents no named examples (jobmock "
            "computes every answer from the job's state); it documents the statuses 200, 400, "
            "401, 403, 404 (Prefer: code=...)"
        },
    )
    static = target.get(client, Prefer="dynamic=false")
    assert (static.status_code, static.json()) == (
        400,
        {
            "error": "Prefer: dynamic=false: jobmock has no static examples; every answer is "
            "computed from the job's state (dynamic=true)"
        },
    )
    # Several preferences in one header, as RFC 7240 writes them.
    both = target.get(client, Prefer="respond-async, code=404; q=1")
    assert both.status_code == 404


def test_a_stub_answers_before_prefer(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.stub_next("nunu", json={"stubbed": True})
    response = TARGETS["nunu"].get(client, Prefer="code=404")
    assert (response.status_code, response.json()) == (200, {"stubbed": True})


def test_prefer_on_no_route_changes_nothing(client: httpx.Client) -> None:
    response = client.get("/nunu/api/v1/nowhere", headers={"Prefer": "code=500"})
    assert (response.status_code, response.json()) == (404, {"error": "Not found"})
