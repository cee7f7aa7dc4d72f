"""``create_app``: one self-contained jobmock, with every vendor under its slug or one vendor at
the root with its real paths, the control API under ``/_mock`` in both layouts."""

from __future__ import annotations

import httpx

from jobmock import Settings, create_app
from jobmock.core.journal import JournalEntry
from jobmock.testing.handle import InProcessHandle
from tests.conftest import START
from tests.vendors.helpers import build_app, http_client

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
NUNU_AUTH = {"X-Api-Key": "nunu_test_key"}


def test_a_path_under_no_vendor_is_a_404_naming_the_base_paths(client: httpx.Client) -> None:
    response = client.get("/nunuu/api/v1/jobs")
    assert response.status_code == 404
    assert response.content == (
        b'{"error": "jobmock serves no vendor at \'/nunuu/api/v1/jobs\'. Base paths: '
        b'/nunu/api/v1, /intuned/api/v1/workspace, /prunner, /osapi; control API: /_mock"}'
    )
    [entry] = client.get("/_mock/requests").json()["requests"]
    assert (entry["vendor"], entry["status"], entry["suggestion"]) == (None, 404, "/nunu/api/v1")


def test_only_the_chosen_vendors_are_served() -> None:
    with http_client(build_app(vendors=("osapi", "nunu"))) as client:
        assert client.get("/_mock/health").json()["vendors"] == ["osapi", "nunu"]
        assert client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=NUNU_AUTH).status_code == 200
        missing = client.get("/prunner/pipelines/")
    assert missing.status_code == 404
    assert missing.json()["error"].endswith("Base paths: /osapi, /nunu/api/v1; control API: /_mock")


def test_one_vendor_at_the_root_answers_on_its_real_paths() -> None:
    with http_client(build_app(vendor="nunu")) as client:
        assert client.get(f"/api/v1/jobs/{SEED_JOB}", headers=NUNU_AUTH).json()["job_id"] == (
            SEED_JOB
        )
        assert client.get("/_mock/health").json()["base_paths"] == {"nunu": "/api/v1"}
        slugged = client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=NUNU_AUTH)
    assert (slugged.status_code, slugged.content) == (404, b'{"error": "Not found"}')


def test_every_request_is_told_to_the_listener_in_every_session() -> None:
    app = create_app(Settings(clock="manual", start_time=START))
    seen: list[JournalEntry] = []
    app.on_request(seen.append)
    with http_client(app) as client:
        client.get("/nowhere")
        client.get("/_session/one/nunu/api/v1/jobs", headers=NUNU_AUTH)
        app.reload()
        client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=NUNU_AUTH)
    assert [(e.vendor, e.path, e.status) for e in seen] == [
        (None, "/nowhere", 404),
        ("nunu", "/api/v1/jobs", 200),
        ("nunu", f"/api/v1/jobs/{SEED_JOB}", 200),
    ]
    app.on_request(None)
    with http_client(app) as client:
        client.get("/nowhere")
    assert len(seen) == 3


def test_every_answer_is_dated_by_the_mock_clock(client: httpx.Client) -> None:
    for path in (f"/nunu/api/v1/jobs/{SEED_JOB}", "/_mock/health", "/nowhere"):
        assert client.get(path, headers=NUNU_AUTH).headers["date"] == (
            "Sun, 01 Nov 2026 12:00:00 GMT"
        )
    client.post("/_mock/clock", json={"advance": "1d90s"})
    assert client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=NUNU_AUTH).headers.get_list(
        "date"
    ) == ["Mon, 02 Nov 2026 12:01:30 GMT"]
    session = client.get("/_session/dated/_mock/health")
    assert session.headers["date"] == "Sun, 01 Nov 2026 12:00:00 GMT"  # a clock of its own


def test_two_apps_never_share_state() -> None:
    first = create_app(Settings(clock="manual", start_time=START))
    second = create_app(Settings(clock="manual", start_time=START))
    InProcessHandle(first).advance("1h")
    InProcessHandle(first).add_job("nunu", {"status": "QUEUED"})
    assert InProcessHandle(second).now() == START
    assert (
        len(InProcessHandle(second).job_ids("nunu"))
        == len(InProcessHandle(first).job_ids("nunu")) - 1
    )
