"""A fault rule's path and a journal filter match the request as the client sees it (after its
base URL), as the vendor documents it, and as jobmock serves it, for every vendor and layout;
a rule no request can match is refused, naming the closest operations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.core.faults import PATH_RULE
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle, JobmockError
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"

#: vendor -> (its path for one request, rule paths as the client, the vendor and jobmock write
#: them, and one that is another route of the vendor's)
REQUESTS = {
    "nunu": (
        "/api/v1/jobs/abc",
        ["/jobs/abc", "/jobs/*", "jobs/*", "/api/v1/jobs/*", "/nunu/api/v1/jobs/abc",
         "/_session/any/nunu/api/v1/jobs/*", "/api/v1/**", "**/jobs/*"],
        "/runs/*",
    ),
    "intuned": (
        f"/api/v1/workspace/{WORKSPACE}/projects/shop/jobs/j1",
        [f"/{WORKSPACE}/projects/shop/jobs/j1", "/*/projects/*/jobs/*",
         "/api/v1/workspace/*/projects/*/jobs/*", "/intuned/api/v1/workspace/*/projects/**"],
        "/*/projects/*/jobs",
    ),
    "prunner": (
        "/job/detail",
        ["/job/detail", "/job/*", "/prunner/job/detail", "/_session/x/prunner/job/*"],
        "/job/logs",
    ),
    "osapi": (
        "/job/abc",
        ["/job/abc", "/job/*", "/osapi/job/*", "**"],
        "/node/*",
    ),
}  # fmt: skip

LAYOUTS = ["all vendors", "all vendors, session", "one vendor", "one vendor, session"]


@cache
def app_for(layout: str, slug: str) -> JobmockApp:
    vendor = slug if layout.startswith("one vendor") else None
    return create_app(Settings(clock="manual", start_time=START, vendor=vendor))


def url(layout: str, slug: str, path: str) -> str:
    prefix = "/_session/s" if layout.endswith("session") else ""
    return prefix + (path if layout.startswith("one vendor") else f"/{slug}{path}")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    "slug, rule",
    [(slug, rule) for slug, (_, rules, _) in REQUESTS.items() for rule in rules],
)
def test_a_rule_path_matches_as_the_client_the_vendor_or_jobmock_writes_it(
    layout: str, slug: str, rule: str
) -> None:
    app = app_for(layout, slug)
    path, _, other = REQUESTS[slug]
    control = "/_session/s/_mock" if layout.endswith("session") else "/_mock"
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        client.post(f"{control}/reset")
        for pattern in (rule, other):
            added = client.post(
                f"{control}/faults",
                json={"vendor": slug, "path": pattern, "status": 418, "times": None},
            )
            assert added.status_code == 201, added.json()
        assert client.get(url(layout, slug, path)).status_code == 418
        faults = client.get(f"{control}/faults").json()["faults"]
        assert [(f["path"], f["fired"]) for f in faults] == [(rule, 1), (other, 0)]
        found = client.get(f"{control}/requests", params={"path": rule}).json()["requests"]
        assert [(r["path"], r["status"]) for r in found] == [(path, 418)]
        assert client.get(f"{control}/requests", params={"path": other}).json() == {"requests": []}


@pytest.mark.parametrize(
    "rule, fires",
    [
        ("/*/projects/*/jobs/*", False),  # * stays within one segment
        ("/*/projects/*/jobs/**", True),
        ("/*/projects/*/jobs/*/pause", True),
        ("/*/projects/*/jobs/*/resume", False),
    ],
)
def test_globs_compare_segment_by_segment(
    client: httpx.Client, handle: InProcessHandle, rule: str, fires: bool
) -> None:
    handle.add_fault("intuned", path=rule, status=418)
    pause = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/p/jobs/abc/pause"
    assert (client.post(pause).status_code == 418) is fires


def test_a_path_must_cover_all_the_client_sends(handle: InProcessHandle) -> None:
    # "/jobs/*/pause" is a tail of the path, but the client's own path starts at the workspace
    with pytest.raises(JobmockError, match=r"^path: '/jobs/\*/pause' matches no intuned route"):
        handle.add_fault("intuned", path="/jobs/*/pause")


def test_the_journal_filters_by_the_clients_path(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    client.get("/nunu/api/v1/jobs/abc")
    client.get("/nunu/api/v1/runs/abc")
    client.get("/nowhere/at/all")
    assert [r.raw_path for r in handle.requests(path="/jobs/abc")] == ["/nunu/api/v1/jobs/abc"]
    assert [r.raw_path for r in handle.requests(path="/*/abc")] == [
        "/nunu/api/v1/jobs/abc",
        "/nunu/api/v1/runs/abc",
    ]
    # a request no vendor served matches only its whole path
    assert [r.raw_path for r in handle.requests(path="/nowhere/**")] == ["/nowhere/at/all"]
    assert handle.requests(path="/at/all") == []


RULE_PATHS = (
    "a rule path is the client's (after its base URL: /jobs/{id}), the vendor's "
    "(/api/v1/jobs/{id}) or jobmock's (/nunu/api/v1/jobs/{id}); * and ? stay within one "
    "segment, ** spans any number"
)


@pytest.mark.parametrize(
    "rule, error",
    [
        (
            {"vendor": "nunu", "operation": "getJob"},
            "operation: nunu has no operation 'getJob'; the closest: getJobDetails, listJobs, "
            "getJobDetailsScoped (`jobmock routes` lists every operation id); the rule could "
            "never fire",
        ),
        (
            {"vendor": "nunu", "path": "/jobz/*"},
            "path: '/jobz/*' matches no nunu route; the closest: GET /api/v1/jobs/{jobId} "
            "(getJobDetails), GET /api/v1/jobs (listJobs), GET /api/v1/runs/{runId} "
            f"(getRunDetails) ({RULE_PATHS}); the rule could never fire",
        ),
        (
            {"vendor": "nunu", "path": "/jobs/*", "method": "POST"},
            "method: no nunu operation is POST and matches path '/jobs/*': the path matches "
            "GET /api/v1/jobs/{jobId} (getJobDetails); the rule could never fire",
        ),
        (
            {"vendor": "nunu", "method": "PATCH"},
            "method: nunu has no PATCH operation; it has GET, POST; the rule could never fire",
        ),
        (
            {"vendor": "nunu", "operation": "getJobDetails", "method": "POST"},
            "method: no nunu operation is POST and is named 'getJobDetails': getJobDetails is "
            "GET /api/v1/jobs/{jobId} (getJobDetails); the rule could never fire",
        ),
        (
            {"vendor": "osapi", "operation": "GetJobByID", "path": "/node/*"},
            "operation: no osapi operation is named 'GetJobByID' and matches path '/node/*': "
            "the path matches GET /node/{hostname} (GetNodeStatus); the rule could never fire",
        ),
    ],
)
def test_a_rule_that_can_never_fire_is_refused(
    client: httpx.Client, rule: dict[str, str], error: str
) -> None:
    assert RULE_PATHS == PATH_RULE
    response = client.post("/_mock/faults", json=rule)
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert client.get("/_mock/faults").json() == {"faults": []}


def test_the_handle_refuses_it_with_the_same_message(handle: InProcessHandle) -> None:
    with pytest.raises(JobmockError) as info:
        handle.fail_next("nunu", operation="getJob")
    assert str(info.value) == (
        "operation: nunu has no operation 'getJob'; the closest: getJobDetails, listJobs, "
        "getJobDetailsScoped (`jobmock routes` lists every operation id); the rule could "
        "never fire"
    )
    assert handle.faults() == []


def test_a_fixture_rule_that_can_never_fire_names_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "osapi"
    folder.mkdir()
    (folder / "faults.yaml").write_text("faults:\n  - status: 503\n    operation: GetJobById\n")
    with pytest.raises(FixtureError) as info:
        create_app(Settings(clock="manual", vendors=("osapi",), fixtures=tmp_path))
    assert str(info.value) == (
        f"{folder}/faults.yaml:3: faults[0].operation: osapi has no operation 'GetJobById'; "
        "the closest: GetJobByID, GetJob, RetryJobByID (`jobmock routes` lists every "
        "operation id)"
    )
