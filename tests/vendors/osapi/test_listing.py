"""GET /job: status filter, limit and offset, status_counts, and their errors (spec §9.5),
over the hand-written fixture jobs (the bundled generated set is left out here; the lists that
mix both are tested in test_generated.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from tests.helpers import ROOT
from tests.vendors.helpers import build_app, http_client
from tests.vendors.osapi.conftest import Osapi, bearer, echo, error, exact

NEWEST_FIRST = [
    "c51ce410-c124-4a10-8e8f-9d6b5a4c3e68",  # both created at the start time: ids descending
    "c20ad4d7-6fe9-4759-aa27-0c5b8a9d1e57",
    "4a6d1f0e-6c1b-4a55-9a39-0e9a6f3f6a11",
    "6512bd43-d9ca-4b4e-9c8d-3e2f1a0b7d46",
    "8f14e45f-ceea-467a-9e36-2b7f3c1d5a02",
    "d3d94468-02a4-4e9d-a8c2-7b1e5f3a6c35",
    "45c48cce-2e2d-4fbd-b6a5-0f4d2c8e9a24",
    "c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
]
COUNTS = {
    "completed": 2,
    "failed": 1,
    "partial_failure": 1,
    "processing": 1,
    "skipped": 1,
    "submitted": 3,
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> JobmockApp:
    """An app on the bundled OSAPI fixtures without their generated set."""
    folder = tmp_path_factory.mktemp("fixtures") / "osapi"
    folder.mkdir()
    for name in ("agents.yaml", "jobs.yaml", "seed.yaml"):
        shutil.copy(ROOT / "fixtures" / "osapi" / name, folder)
    return build_app(vendors="osapi", fixtures=folder.parent)


@pytest.fixture
def osapi(written: JobmockApp) -> Iterator[Osapi]:
    written.runtime.store.reset()
    with http_client(written) as client:
        yield Osapi(client)


@pytest.fixture
def handle(written: JobmockApp) -> InProcessHandle:
    return InProcessHandle(written)


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_default_page(osapi: Osapi) -> None:
    response = osapi.get("/job")
    assert ids(response) == NEWEST_FIRST
    body = response.json()
    assert list(body) == ["items", "status_counts", "total_items"]
    assert body["status_counts"] == COUNTS
    assert list(body["status_counts"]) == sorted(COUNTS)
    assert body["total_items"] == 9


def test_item_shape_byte_for_byte(osapi: Osapi) -> None:
    exact(
        osapi.get("/job", params={"limit": "1", "offset": "4"}),
        200,
        b'{"items":[{"changed":null,"created":"2026-11-01T11:10:21Z",'
        b'"error":"command execution failed: fork/exec /bin/sh: permission denied",'
        b'"hostname":"db-01","id":"8f14e45f-ceea-467a-9e36-2b7f3c1d5a02",'
        b'"operation":{"data":{"command":"systemctl restart nginx"},'
        b'"type":"command.shell.execute"},"status":"failed",'
        b'"updated_at":"2026-11-01T11:10:21.162184824Z"}],'
        b'"status_counts":{"completed":2,"failed":1,"partial_failure":1,"processing":1,'
        b'"skipped":1,"submitted":3},"total_items":9}\n',
    )


def test_items_carry_the_result_but_never_responses_or_timeline(osapi: Osapi) -> None:
    (item,) = osapi.get("/job", params={"limit": "1", "offset": "8"}).json()["items"]
    assert item["id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert item["changed"] is None  # the list never sets it, even for a changed job
    assert item["result"]["exit_code"] == 0
    assert not {"responses", "agent_states", "timeline"} & set(item)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"limit": "2"}, NEWEST_FIRST[:2]),
        ({"limit": "2", "offset": "2"}, NEWEST_FIRST[2:4]),
        ({"offset": "7"}, NEWEST_FIRST[7:]),
        ({"offset": "50"}, []),
        ({"limit": "100"}, NEWEST_FIRST),
    ],
)
def test_paging(osapi: Osapi, params: dict[str, str], expected: list[str]) -> None:
    response = osapi.get("/job", params=params)
    assert ids(response) == expected
    assert response.json()["total_items"] == 9


@pytest.mark.parametrize(
    "status, expected",
    [
        ("submitted", [*NEWEST_FIRST[:2], NEWEST_FIRST[3]]),
        ("completed", [NEWEST_FIRST[2], NEWEST_FIRST[8]]),
        ("failed", [NEWEST_FIRST[4]]),
        ("partial_failure", [NEWEST_FIRST[7]]),
        ("processing", [NEWEST_FIRST[5]]),
    ],
)
def test_status_filter(osapi: Osapi, status: str, expected: list[str]) -> None:
    response = osapi.get("/job", params={"status": status})
    assert ids(response) == expected
    body = response.json()
    assert body["total_items"] == len(expected)  # matches, not the page
    assert body["status_counts"] == COUNTS  # every job, whatever the filter


def test_counts_follow_the_clock(osapi: Osapi, handle: InProcessHandle) -> None:
    handle.advance("91s")
    counts = osapi.get("/job").json()["status_counts"]
    assert counts == {**COUNTS, "completed": 3, "submitted": 2}


def test_skipped_is_counted_only_when_present(osapi: Osapi) -> None:
    osapi.delete("/job/45c48cce-2e2d-4fbd-b6a5-0f4d2c8e9a24")
    counts = osapi.get("/job").json()["status_counts"]
    assert "skipped" not in counts
    assert counts["failed"] == 1


def test_filter_matching_nothing(osapi: Osapi) -> None:
    osapi.delete("/job/8f14e45f-ceea-467a-9e36-2b7f3c1d5a02")
    exact(
        osapi.get("/job", params={"status": "failed"}),
        200,
        b'{"items":[],"status_counts":{"completed":2,"failed":0,"partial_failure":1,'
        b'"processing":1,"skipped":1,"submitted":3},"total_items":0}\n',
    )


def test_empty_bucket_has_null_counts(tmp_path: Path) -> None:
    (tmp_path / "osapi").mkdir()
    (tmp_path / "osapi" / "agents.yaml").write_text("agents: [{hostname: web-01}]\n")
    app = build_app(fixtures=tmp_path)
    with http_client(app, base_url="http://x") as client:
        response = client.get("/osapi/job", headers=bearer())
    exact(response, 200, b'{"items":[],"status_counts":null,"total_items":0}\n')


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"status": "skipped"},
            "Key: 'GetJobParams.Status' Error:Field validation for 'Status' failed on the "
            "'oneof' tag",
        ),
        (
            {"status": ""},
            "Key: 'GetJobParams.Status' Error:Field validation for 'Status' failed on the "
            "'oneof' tag",
        ),
        (
            {"limit": "0"},
            "Key: 'GetJobParams.Limit' Error:Field validation for 'Limit' failed on the 'min' tag",
        ),
        (
            {"limit": "101"},
            "Key: 'GetJobParams.Limit' Error:Field validation for 'Limit' failed on the 'max' tag",
        ),
        (
            {"offset": "-1"},
            "Key: 'GetJobParams.Offset' Error:Field validation for 'Offset' failed on the "
            "'min' tag",
        ),
        (
            {"status": "done", "limit": "-5", "offset": "-1"},
            "Key: 'GetJobParams.Status' Error:Field validation for 'Status' failed on the "
            "'oneof' tag; Key: 'GetJobParams.Limit' Error:Field validation for 'Limit' failed "
            "on the 'min' tag; Key: 'GetJobParams.Offset' Error:Field validation for 'Offset' "
            "failed on the 'min' tag",
        ),
    ],
)
def test_validation_errors(osapi: Osapi, params: dict[str, str], message: str) -> None:
    error(osapi.get("/job", params=params), 400, message)
    # The later /api paths name the later Go type (spec/osapi.md §9.5).
    later = message.replace("'GetJobParams.", "'GetJobsParams.")
    error(osapi.get("/api/job", params=params), 400, later)


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "limit=abc",
            "Invalid format for parameter limit: error binding string parameter: "
            'strconv.ParseInt: parsing "abc": invalid syntax',
        ),
        (
            "offset=1.5",
            "Invalid format for parameter offset: error binding string parameter: "
            'strconv.ParseInt: parsing "1.5": invalid syntax',
        ),
        (
            "limit=",
            "Invalid format for parameter limit: error binding string parameter: "
            'strconv.ParseInt: parsing "": invalid syntax',
        ),
        (
            "limit=99999999999999999999",
            "Invalid format for parameter limit: error binding string parameter: "
            'strconv.ParseInt: parsing "99999999999999999999": value out of range',
        ),
        (
            # strconv.Quote names \a \b \v \f, and writes the other controls as \xXX
            "limit=%07%08%0B%0C%01%7F",
            "Invalid format for parameter limit: error binding string parameter: "
            'strconv.ParseInt: parsing "\\a\\b\\v\\f\\x01\\x7f": invalid syntax',
        ),
        (
            "limit=1&limit=2",
            "Invalid format for parameter limit: multiple values for single value parameter "
            "'limit'",
        ),
        (
            "status=failed&status=completed",
            "Invalid format for parameter status: multiple values for single value parameter "
            "'status'",
        ),
    ],
)
def test_binding_errors_are_echos(osapi: Osapi, query: str, message: str) -> None:
    echo(osapi.get(f"/job?{query}", auth=None), 400, message)
