"""The control endpoints the dashboard reads (``control/inspect.py``) and its files
(``control/dashboard.py``), over HTTP: exact bodies, and a 400 naming what is accepted."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.control.dashboard import ui_file
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

KEY = {"X-Api-Key": "nunu_test_key"}
#: nunu's first fixture job: QUEUED 4 s before the start, RUNNING at it, COMPLETED 3 min on.
SEED = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"
#: A nunu fixture job that moves on polls: STARTING after 2, RUNNING after 4, COMPLETED after 6.
POLLED = "ca02135e-92b1-43f2-8ede-0d7ac3baea9e"
SEED_COURSE = [
    {"state": "QUEUED", "at": "2026-11-01T11:59:56+00:00", "after_polls": None, "reached": True},
    {"state": "RUNNING", "at": "2026-11-01T12:00:00+00:00", "after_polls": None, "reached": True},
    {
        "state": "COMPLETED",
        "at": "2026-11-01T12:03:00+00:00",
        "after_polls": None,
        "reached": False,
    },
]


def seed_summary(course: list[dict[str, Any]] = SEED_COURSE) -> dict[str, Any]:
    return {
        "id": SEED,
        "state": "RUNNING",
        "final": False,
        "created": "2026-11-01T11:59:56+00:00",
        "course": course,
        "next": course[2],
    }


def test_jobs_lists_a_page_with_state_and_course(client: httpx.Client) -> None:
    answer = client.get("/_mock/inspect/nunu/jobs", params={"limit": 1})
    assert answer.status_code == 200
    assert answer.json() == {
        "vendor": "nunu",
        "now": "2026-11-01T12:00:00+00:00",
        "total": 60,
        "offset": 0,
        "next_offset": 1,
        "jobs": [seed_summary()],
    }


def test_the_last_page_has_no_next_offset(client: httpx.Client) -> None:
    body = client.get("/_mock/inspect/nunu/jobs", params={"offset": 58, "limit": 5}).json()
    assert (len(body["jobs"]), body["offset"], body["next_offset"]) == (2, 58, None)


def test_a_state_filter_reads_on_until_the_page_is_full(client: httpx.Client) -> None:
    body = client.get("/_mock/inspect/nunu/jobs", params={"state": "COMPLETED", "limit": 2}).json()
    assert [job["state"] for job in body["jobs"]] == ["COMPLETED", "COMPLETED"]
    everything = client.get("/_mock/inspect/nunu/jobs", params={"limit": 200}).json()["jobs"]
    completed = [job["id"] for job in everything if job["state"] == "COMPLETED"]
    assert [job["id"] for job in body["jobs"]] == completed[:2]
    # The next page starts after the last id read, which is the second COMPLETED one.
    ids = [job["id"] for job in everything]
    assert body["next_offset"] == ids.index(completed[1]) + 1
    rest = client.get(
        "/_mock/inspect/nunu/jobs", params={"state": "COMPLETED", "offset": body["next_offset"]}
    ).json()
    assert [job["id"] for job in rest["jobs"]] == completed[2:]
    none = client.get("/_mock/inspect/nunu/jobs", params={"state": "NOPE"}).json()
    assert (none["jobs"], none["next_offset"]) == ([], None)


def test_each_vendor_describes_its_jobs(client: httpx.Client) -> None:
    firsts = {
        slug: client.get(f"/_mock/inspect/{slug}/jobs", params={"limit": 1}).json()["jobs"][0]
        for slug in ("intuned", "prunner", "osapi")
    }
    assert firsts["prunner"] == {
        "id": "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8",
        "state": "canceled",
        "final": True,
        "created": "2025-05-04T09:42:00+00:00",
        "course": [
            {"state": "running", "at": "2025-05-04T09:42:00+00:00", "after_polls": None,
             "reached": True},
            {"state": "canceled", "at": "2025-05-04T09:42:12+00:00", "after_polls": None,
             "reached": True},
        ],
        "next": None,
    }  # fmt: skip
    assert [m["state"] for m in firsts["osapi"]["course"]] == [
        "submitted",
        "processing",
        "completed",
    ]
    assert (firsts["intuned"]["id"], firsts["intuned"]["state"]) == (
        "my-project:every-status-job",
        "PENDING",
    )


def test_a_job_shows_its_document_and_polls_without_counting_as_one(
    client: httpx.Client,
) -> None:
    first = client.get(f"/nunu/api/v1/jobs/{SEED}", headers=KEY)
    client.post("/_mock/clock", json={"advance": "30s"})
    second = client.get(f"/nunu/api/v1/jobs/{SEED}", headers=KEY)
    assert (first.status_code, second.status_code) == (200, 200)
    body = client.get(f"/_mock/inspect/nunu/jobs/{SEED}").json()
    assert body.pop("document") == second.json()
    seq = body["polls"][0]["seq"]  # request numbers keep counting across resets
    assert body == {
        "vendor": "nunu",
        "now": "2026-11-01T12:00:30+00:00",
        **seed_summary(),
        "polls": [
            {"seq": seq, "at": "2026-11-01T12:00:00+00:00", "operation": "getJobDetails",
             "status": 200, "state": "RUNNING", "fault": None, "interval": None},
            {"seq": seq + 1, "at": "2026-11-01T12:00:30+00:00", "operation": "getJobDetails",
             "status": 200, "state": "RUNNING", "fault": None, "interval": 30.0},
        ],
    }  # fmt: skip


def test_inspecting_a_poll_driven_job_leaves_it_where_it_is(client: httpx.Client) -> None:
    for _ in range(3):
        body = client.get(f"/_mock/inspect/nunu/jobs/{POLLED}").json()
    assert body["state"] == "QUEUED"
    assert body["next"] == {"state": "STARTING", "at": None, "after_polls": 2, "reached": False}
    assert client.get("/_mock/requests").json() == {"requests": []}
    assert client.get(f"/nunu/api/v1/jobs/{POLLED}", headers=KEY).json()["status"] == "QUEUED"


def test_a_fired_fault_shows_in_the_polls(client: httpx.Client) -> None:
    client.post("/_mock/faults", json={"vendor": "nunu", "status": 503})
    assert client.get(f"/nunu/api/v1/jobs/{SEED}", headers=KEY).status_code == 503
    (poll,) = client.get(f"/_mock/inspect/nunu/jobs/{SEED}").json()["polls"]
    assert (poll["status"], poll["state"], poll["fault"]) == (503, None, 1)


def test_vendors_lists_base_paths_credentials_and_counts(client: httpx.Client) -> None:
    body = client.get("/_mock/vendors").json()
    assert body["session"] is None
    assert [v["slug"] for v in body["vendors"]] == ["nunu", "intuned", "prunner", "osapi"]
    assert body["vendors"][0] == {
        "slug": "nunu",
        "title": "nunu.ai API",
        "api_version": "1.0.0",
        "real_base_url": "https://nunu.ai/api/v1",
        "base_path": "/nunu/api/v1",
        "docs": "/nunu/docs",
        "credentials": "X-Api-Key: nunu_test_key (project 'test', read and operate runs)",
        "jobs": 60,
    }
    session = client.get("/_session/view/_mock/vendors").json()
    assert (session["session"], session["vendors"][0]["base_path"]) == (
        "view",
        "/_session/view/nunu/api/v1",
    )


def test_operations_lists_the_vendors_operation_ids(client: httpx.Client) -> None:
    body = client.get("/_mock/operations/prunner").json()
    assert body["vendor"] == "prunner"
    assert body["operations"][:2] == [
        {"id": "pipelines", "method": "GET", "path": "/pipelines/"},
        {"id": "pipelinesJobs", "method": "GET", "path": "/pipelines/jobs"},
    ]
    nunu = client.get("/_mock/operations/nunu").json()["operations"]
    assert {"id": "getJobDetails", "method": "GET", "path": "/api/v1/jobs/{jobId}"} in nunu


def test_journal_is_newest_first_and_filters_by_status_and_operation(
    client: httpx.Client,
) -> None:
    client.get(f"/nunu/api/v1/jobs/{SEED}", headers=KEY)
    client.get("/nunu/api/v1/jobz", headers=KEY)
    client.get("/nunu/api/v1/jobs", headers=KEY)
    every = client.get("/_mock/journal").json()
    last = every["last"]  # request numbers keep counting across resets
    assert [(r["seq"], r["status"], r["raw_path"]) for r in every["requests"]] == [
        (last, 200, "/nunu/api/v1/jobs"),
        (last - 1, 404, "/nunu/api/v1/jobz"),
        (last - 2, 200, f"/nunu/api/v1/jobs/{SEED}"),
    ]
    misses = client.get("/_mock/journal", params={"status": "4xx"}).json()["requests"]
    assert [(r["seq"], r["suggestion"]) for r in misses] == [(last - 1, "GET /api/v1/jobs")]
    exact = client.get("/_mock/journal?status=404").json()["requests"]
    assert [r["seq"] for r in exact] == [last - 1]
    ops = client.get("/_mock/journal", params={"operation": "getJobDetails"}).json()["requests"]
    assert [r["seq"] for r in ops] == [last - 2]
    newer = client.get("/_mock/journal", params={"after": last - 2, "limit": 1}).json()
    assert [r["seq"] for r in newer["requests"]] == [last]


def test_changes_answers_a_new_version_when_something_changed(client: httpx.Client) -> None:
    version = client.get("/_mock/changes").json()["version"]
    assert client.get("/_mock/changes", params={"version": version}).json() == {"version": version}
    client.get(f"/nunu/api/v1/jobs/{SEED}", headers=KEY)
    moved = client.get("/_mock/changes", params={"version": version, "wait": 5}).json()
    assert moved["version"] != version
    client.post("/_mock/clock", json={"advance": 1})
    assert client.get("/_mock/changes").json()["version"] != moved["version"]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        (
            "/_mock/inspect/nunu/jobs?limit=0",
            "limit must be a whole number from 1 to 200, not '0'",
        ),
        (
            "/_mock/inspect/nunu/jobs?offset=-1",
            "offset must be a whole number from 0 to 1000000000000, not '-1'",
        ),
        (
            "/_mock/inspect/nunu/jobs?limit=ten",
            "limit must be a whole number from 1 to 200, not 'ten'",
        ),
        (
            "/_mock/inspect/nunu/jobs?page=2",
            "unknown parameter 'page'; this endpoint takes offset, limit, state",
        ),
        (
            "/_mock/journal?status=abc",
            "status must be a code from 100 to 599 or a class like 4xx, not 'abc'",
        ),
        (
            "/_mock/journal?status=600",
            "status must be a code from 100 to 599 or a class like 4xx, not '600'",
        ),
        (
            "/_mock/journal?method=GET",
            "unknown parameter 'method'; this endpoint takes vendor, status, job, operation, "
            "after, limit",
        ),
        ("/_mock/changes?wait=60", "wait must be seconds from 0 to 25, not '60'"),
        ("/_mock/changes?wait=soon", "wait must be seconds from 0 to 25, not 'soon'"),
    ],
)
def test_bad_input_is_a_400_saying_what_is_accepted(
    client: httpx.Client, path: str, error: str
) -> None:
    answer = client.get(path)
    assert (answer.status_code, answer.json()) == (400, {"error": error})


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        (
            "/_mock/inspect/acme/jobs",
            404,
            "unknown vendor 'acme'; this server emulates: nunu, intuned, prunner, osapi",
        ),
        ("/_mock/inspect/nunu/jobs/nope", 404, "no nunu job 'nope' (or a client can no longer "
         "read it)"),
        (
            "/_mock/journal?vendor=acme",
            404,
            "unknown vendor 'acme'; this server emulates: nunu, intuned, prunner, osapi",
        ),
        (
            "/_mock/ui/other.js",
            404,
            "the dashboard has no file 'other.js'; /_mock serves /ui/, /ui/app.js, /ui/app.css",
        ),
    ],
)  # fmt: skip
def test_unknown_names_are_a_404(client: httpx.Client, path: str, status: int, error: str) -> None:
    answer = client.get(path)
    assert (answer.status_code, answer.json()) == (status, {"error": error})


def test_the_page_is_served_with_its_policy_and_gzipped(client: httpx.Client) -> None:
    page = client.get("/_mock/ui", headers={"accept-encoding": "identity"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src")
    assert '<script src="ui/app.js" defer></script>' in page.text
    raw = client.get("/_mock/ui/app.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert raw.headers["content-type"] == "text/javascript; charset=utf-8"
    again = client.get("/_mock/ui/app.js", headers={"if-none-match": raw.headers["etag"]})
    assert again.status_code == 304


def test_the_files_go_gzipped_to_a_browser_that_takes_it() -> None:
    app = create_app(Settings(clock="manual", start_time=START))
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_mock/ui/app.js",
        "raw_path": b"/_mock/ui/app.js",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"jobmock"), (b"accept-encoding", b"gzip, deflate, br")],
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    headers = dict(sent[0]["headers"])
    assert (sent[0]["status"], headers[b"content-encoding"]) == (200, b"gzip")
    assert gzip.decompress(sent[1]["body"]) == ui_file("app.js").body
    assert len(sent[1]["body"]) < len(ui_file("app.js").body) / 3


def test_with_a_token_the_page_loads_but_its_reads_need_the_token() -> None:
    app = create_app(Settings(clock="manual", start_time=START, control_token="s3cret"))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        assert client.get("/_mock/ui").status_code == 200
        assert client.get("/_mock/ui/app.css").status_code == 200
        refused = client.get("/_mock/inspect/nunu/jobs")
        assert (refused.status_code, refused.json()) == (
            401,
            {"error": "the control API needs 'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>'"},
        )
        allowed = client.get("/_mock/vendors", headers={"authorization": "Bearer s3cret"})
        assert allowed.status_code == 200


def test_a_page_of_another_site_cannot_change_state_through_the_dashboard_either(
    client: httpx.Client,
) -> None:
    refused = client.post(
        "/_mock/clock",
        json={"advance": "5m"},
        headers={"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert refused.status_code == 403
    same = client.post(
        "/_mock/clock", json={"advance": "5m"}, headers={"sec-fetch-site": "same-origin"}
    )
    assert same.json()["now"] == "2026-11-01T12:05:00+00:00"


def test_the_new_endpoints_only_read(client: httpx.Client) -> None:
    answer = client.post("/_mock/journal")
    assert (answer.status_code, answer.headers["allow"], answer.json()) == (
        405,
        "GET",
        {"error": "/_mock/journal takes GET, not POST"},
    )


def test_the_in_process_transport_gives_a_gzipped_answer_decoded_once(client: httpx.Client) -> None:
    script = client.get("/_mock/ui/app.js", headers={"accept-encoding": "gzip"})
    assert script.headers["content-encoding"] == "gzip"
    assert script.content == ui_file("app.js").body


@pytest.mark.parametrize(
    ("path", "dashboard"),
    [("/", "/_mock/ui"), ("/_session/look/", "/_session/look/_mock/ui")],
)
def test_the_root_leads_a_browser_to_the_dashboard(
    client: httpx.Client, path: str, dashboard: str
) -> None:
    answer = client.get(path)
    assert (answer.status_code, answer.headers["location"], answer.content) == (302, dashboard, b"")
    assert client.get("/_mock/requests").json() == {"requests": []}  # not a client's request


@pytest.mark.parametrize(
    ("docs", "dashboard"),
    [
        ("/nunu/docs", "/_mock/ui"),
        ("/_mock/docs", "/_mock/ui"),
        ("/_session/look/osapi/docs", "/_session/look/_mock/ui"),
    ],
)
def test_each_docs_page_links_the_dashboard(
    client: httpx.Client, docs: str, dashboard: str
) -> None:
    page = client.get(docs).text
    assert f'<a href="{dashboard}">jobmock dashboard: jobs, requests, faults</a>' in page
