"""Stubs answer the next matching calls: replaced, or jobmock's own answer patched; counted,
queued oldest first, journaled; a patch that does not fit fails the test that made the call."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle
from tests.stubs.conftest import TARGETS, VENDORS


@pytest.mark.parametrize("vendor", VENDORS)
def test_replaced_answer_then_jobmock_again(
    vendor: str, client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS[vendor]
    real = target.get(client)
    stub = handle.stub_next(vendor, target.operation, json={"status": "NEXT_YEARS_ENUM"})
    assert stub == {
        "id": 1,
        "vendor": vendor,
        "operation": target.operation,
        "json": {"status": "NEXT_YEARS_ENUM"},
        "times": 1,
        "hits": 0,
        "exhausted": False,
    }
    stubbed = target.get(client)
    assert stubbed.status_code == 200
    assert stubbed.content == b'{"status": "NEXT_YEARS_ENUM"}'
    assert stubbed.headers["content-type"] == "application/json"
    assert stubbed.headers["content-length"] == "29"
    again = target.get(client)
    assert (again.status_code, again.content) == (real.status_code, real.content)
    entries = handle.requests(vendor=vendor)
    assert [(e.status, e.stub, e.notes) for e in entries] == [
        (200, None, []),
        (200, 1, ["stub 1: replaced"]),
        (200, None, []),
    ]
    assert entries[1].operation == target.operation
    assert handle.stubs()[0]["hits"] == 1 and handle.stubs()[0]["exhausted"] is True


def test_html_page_from_a_proxy(client: httpx.Client, handle: InProcessHandle) -> None:
    target = TARGETS["nunu"]
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    handle.stub_next("nunu", status=502, body=page, headers={"Content-Type": "text/html"})
    response = target.get(client)
    assert response.status_code == 502
    assert response.text == page
    assert response.headers["content-type"] == "text/html"
    assert response.headers.get_list("content-type") == ["text/html"]


def test_null_body_status_only_and_headers_only(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS["osapi"]
    handle.stub_next("osapi", target.operation, json=None)
    handle.stub_next("osapi", target.operation, status=204)
    handle.stub_next("osapi", target.operation, headers={"Retry-After": "7"})
    null = target.get(client)
    assert (null.status_code, null.content) == (200, b"null")
    empty = target.get(client)
    assert (empty.status_code, empty.content) == (204, b"")
    with_header = target.get(client)
    assert (with_header.status_code, with_header.content, with_header.headers["retry-after"]) == (
        200,
        b"",
        "7",
    )
    # OSAPI's server adds X-Request-Id to every answer, stubbed ones too.
    assert with_header.headers["x-request-id"]


def test_times_and_order(client: httpx.Client, handle: InProcessHandle) -> None:
    target = TARGETS["nunu"]
    first = handle.stub_next("nunu", target.operation, status=503, json={"n": 1}, times=2)
    second = handle.stub_next("nunu", json={"n": 2})
    forever = handle.stub_next("nunu", "listJobs", json=[], times=None)
    seen = [(r.status_code, r.json()) for r in (target.get(client) for _ in range(3))]
    assert seen == [(503, {"n": 1}), (503, {"n": 1}), (200, {"n": 2})]
    assert target.get(client).json()["job_id"] == target.poll.rsplit("/", 1)[1]
    for _ in range(3):
        assert client.get("/nunu/api/v1/jobs", headers=target.headers).json() == []
    counts = [(s["id"], s["hits"], s["exhausted"]) for s in handle.stubs()]
    assert counts == [(first["id"], 2, True), (second["id"], 1, True), (forever["id"], 3, False)]
    handle.remove_stub(forever["id"])
    assert client.get("/nunu/api/v1/jobs", headers=target.headers).json() != []
    handle.clear_stubs()
    assert handle.stubs() == []


def test_job_and_path_match(client: httpx.Client, handle: InProcessHandle) -> None:
    target = TARGETS["nunu"]
    handle.stub_next("nunu", job="11111111-1111-4111-8111-111111111111", json={"other": 1})
    handle.stub_next("nunu", path="/jobs/*", json={"by": "path"})
    assert target.get(client).json() == {"by": "path"}
    assert [s["hits"] for s in handle.stubs()] == [0, 1]


def _patched(document: dict[str, Any], vendor: str) -> tuple[list[dict[str, Any]], Any]:
    """A patch that sets, deletes and replaces, and the document it should give."""
    keys = list(document)
    gone, changed = keys[0], keys[1]
    patch: list[dict[str, Any]] = [
        {"op": "add", "path": "/added_next_year", "value": {"nested": [1, None]}},
        {"op": "remove", "path": f"/{gone}"},
        {"op": "replace", "path": f"/{changed}", "value": None},
    ]
    expected = {k: v for k, v in document.items() if k != gone}
    expected[changed] = None
    expected["added_next_year"] = {"nested": [1, None]}
    return patch, expected


@pytest.mark.parametrize("vendor", VENDORS)
def test_patch_sets_deletes_and_replaces(
    vendor: str, client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS[vendor]
    real = target.get(client)
    patch, expected = _patched(real.json(), vendor)
    handle.stub_next(vendor, target.operation, patch=patch)
    patched = target.get(client)
    assert patched.status_code == 200
    assert patched.json() == expected
    assert patched.headers["content-type"] == real.headers["content-type"]
    assert int(patched.headers["content-length"]) == len(patched.content)
    # Written as the vendor writes JSON: compact, and ending in a newline for the Go servers.
    text = json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    tail = "\n" if real.content.endswith(b"\n") else ""
    assert patched.content == (text + tail).encode()
    entry = handle.requests(vendor=vendor)[-1]
    assert (entry.stub, entry.notes) == (1, ["stub 1: patched"])


def test_patch_of_a_list_with_status(client: httpx.Client, handle: InProcessHandle) -> None:
    target = TARGETS["intuned"]
    real = target.get(client).json()
    patch = [
        {"op": "test", "path": "/jobRun/id", "value": "jr_abc123def456ghi789xyz"},
        {"op": "copy", "from": "/jobRun/id", "path": "/copied"},
        {"op": "move", "from": "/jobRun/status", "path": "/jobRun/state~1new"},
    ]
    handle.stub_next("intuned", target.operation, patch=patch, status=203)
    patched = target.get(client)
    assert patched.status_code == 203
    run = dict(real["jobRun"])
    status = run.pop("status")
    assert patched.json() == {**real, "jobRun": {**run, "state/new": status}, "copied": run["id"]}


def test_patch_that_does_not_fit_fails_the_test(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS["nunu"]
    handle.stub_next("nunu", target.operation, patch=[{"op": "remove", "path": "/no_such"}])
    response = target.get(client)
    assert (response.status_code, response.json()) == (500, {"error": "Internal server error"})
    (crash,) = handle.crashes
    assert str(crash) == (
        "stub 1: the patch does not apply: op 0 (remove '/no_such'): there is no member 'no_such'"
    )
    handle.crashes.clear()  # the plugin would fail the test with it


def test_reset_removes_stubs(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.stub_next("nunu", json={}, times=None)
    handle.reset()
    assert handle.stubs() == []
    assert TARGETS["nunu"].get(client).json()["status"] == "COMPLETED"
