"""A poller's repeated hot read is answered again from the whole answer kept (``core.replays``):
byte for byte what the full path answers, journaled as the full path journals it, and never
once anything could answer it differently (a credential's expiry, the clock, a change, a fault,
a stub, the rate limit, a steering header)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.core.gate import VendorGate
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from jobmock.testing.transport import JobmockTransport
from tests.core.test_kept_documents import (
    INTUNED,
    INTUNED_KEY,
    NUNU,
    NUNU_KEY,
    NUNU_POLL_DRIVEN,
    NUNU_SEED,
    OSAPI_KEY,
    OSAPI_SEED,
    PRUNNER_KEY,
    forget,
    prunner_seed,
)

HOT_READS = [
    pytest.param("nunu", f"{NUNU}/jobs/{NUNU_SEED}", NUNU_KEY, id="nunu-job"),
    pytest.param("nunu", f"{NUNU}/runs/lkkg6t5612m", NUNU_KEY, id="nunu-run"),
    pytest.param("intuned", f"{INTUNED}/jobs/my-sample-job", INTUNED_KEY, id="intuned-job"),
    pytest.param(
        "intuned",
        f"{INTUNED}/jobs/my-sample-job/runs/jr_abc123def456ghi789xyz",
        INTUNED_KEY,
        id="intuned-run",
    ),
    pytest.param(
        "prunner", f"/prunner/job/detail?id={prunner_seed()}", PRUNNER_KEY, id="prunner-detail"
    ),
    pytest.param("osapi", f"/osapi/job/{OSAPI_SEED}", OSAPI_KEY, id="osapi-job"),
    pytest.param("nunu", f"{NUNU}/jobs?page_size=20", NUNU_KEY, id="nunu-list-jobs"),
    pytest.param("nunu", f"{NUNU}/runs?state=completed", NUNU_KEY, id="nunu-list-runs"),
    pytest.param("osapi", "/osapi/job?limit=20", OSAPI_KEY, id="osapi-list"),
    pytest.param(
        "intuned",
        f"{INTUNED}/jobs/my-sample-job/runs?pageSize=20",
        INTUNED_KEY,
        id="intuned-list-runs",
    ),
]
#: What differs between two answers to the same request (a new request id each time).
PER_ANSWER = {"x-request-id"}


def gate(app: JobmockApp, slug: str) -> VendorGate:
    found = app.gates()[slug]
    assert isinstance(found, VendorGate)
    return found


def journaled(handle: InProcessHandle, slug: str) -> list[tuple[object, ...]]:
    return [
        (e.method, e.path, e.query, e.headers, e.status, e.operation, e.job, e.state, e.terminal)
        for e in handle.requests(vendor=slug)
    ]


@pytest.mark.parametrize("slug, url, headers", HOT_READS)
def test_a_repeated_read_is_answered_from_the_kept_answer_as_the_full_path_answers(
    app: JobmockApp, client: httpx.Client, handle: InProcessHandle, slug: str, url: str,
    headers: dict[str, str],
) -> None:  # fmt: skip
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    assert len(gate(app, slug).replays) == 1, "the answer was not kept"
    again = client.get(url, headers=headers)
    forget(app)
    full = client.get(url, headers=headers)  # the full path again: nothing kept to answer it
    for answer in (again, full):
        assert answer.content == first.content
        assert [(k, v) for k, v in answer.headers.multi_items() if k not in PER_ANSWER] == [
            (k, v) for k, v in first.headers.multi_items() if k not in PER_ANSWER
        ]
    entries = journaled(handle, slug)
    assert len(entries) == 3 and entries[0] == entries[1] == entries[2]


def test_a_list_moves_on_when_a_poll_driven_job_it_shows_is_polled(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    listed = f"{NUNU}/jobs?page_size=50"

    def shown() -> str:
        (job,) = [j for j in client.get(listed, headers=NUNU_KEY).json()["data"]
                  if j["job_id"] == NUNU_POLL_DRIVEN]  # fmt: skip
        return str(job["status"])

    before = shown()
    assert shown() == before
    for _ in range(10):  # until a poll moves it on
        polled = client.get(f"{NUNU}/jobs/{NUNU_POLL_DRIVEN}", headers=NUNU_KEY).json()["status"]
        if polled != before:
            break
    assert polled != before
    assert shown() == polled


def test_each_kept_answer_gets_its_own_request_id_and_the_date_of_the_clock(
    app: JobmockApp, client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"/osapi/job/{OSAPI_SEED}"
    ids = {client.get(url, headers=OSAPI_KEY).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    echoed = client.get(url, headers={**OSAPI_KEY, "X-Request-Id": "trace-1"})
    assert echoed.headers["x-request-id"] == "trace-1"
    nunu = f"{NUNU}/jobs/{NUNU_SEED}"
    before = client.get(nunu, headers=NUNU_KEY).headers["date"]
    handle.advance("1h")
    after = client.get(nunu, headers=NUNU_KEY)
    assert (before, after.headers["date"]) == (
        "Sun, 01 Nov 2026 12:00:00 GMT",
        "Sun, 01 Nov 2026 13:00:00 GMT",
    )


def test_another_header_is_another_request(app: JobmockApp, client: httpx.Client) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    assert client.get(url, headers=NUNU_KEY).status_code == 200
    other = client.get(url, headers={"X-Api-Key": "nunu_monopoly_key"})
    assert (other.status_code, other.json()) == (404, {"error": "Job not found"})
    assert client.get(url, headers={**NUNU_KEY, "Accept": "text/plain"}).status_code == 200
    assert len(gate(app, "nunu").replays) == 2


def test_a_stub_set_after_a_read_answers_the_next_read(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    assert client.get(url, headers=NUNU_KEY).status_code == 200
    handle.stub_next("nunu", "getJobDetails", status=500, json={"error": "stubbed"})
    stubbed = client.get(url, headers=NUNU_KEY)
    assert (stubbed.status_code, stubbed.json()) == (500, {"error": "stubbed"})
    assert client.get(url, headers=NUNU_KEY).status_code == 200


def test_a_prefer_header_is_never_answered_from_a_kept_answer(
    app: JobmockApp, client: httpx.Client
) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    preferring = {**NUNU_KEY, "Prefer": "code=404"}
    assert client.get(url, headers=preferring).status_code == 404
    assert client.get(url, headers=NUNU_KEY).status_code == 200
    assert client.get(url, headers=preferring).status_code == 404
    assert len(gate(app, "nunu").replays) == 1


def test_the_rate_limit_switched_on_after_a_read_counts_every_read(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"{INTUNED}/jobs/my-sample-job"
    assert client.get(url, headers=INTUNED_KEY).status_code == 200
    handle.set_rate_limits(True, vendor="intuned")
    statuses = [client.get(url, headers=INTUNED_KEY).status_code for _ in range(21)]
    handle.set_rate_limits(False, vendor="intuned")
    assert statuses == [200] * 20 + [429]


@pytest.fixture
def before_new_year() -> Iterator[tuple[JobmockApp, httpx.Client]]:
    """An app whose clock starts an hour before the bundled ``nunu_expired_key`` expires."""
    start = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    app = create_app(Settings(clock="manual", start_time=start))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        yield app, client


def test_an_api_key_expiring_on_the_clock_ends_the_kept_answer(
    before_new_year: tuple[JobmockApp, httpx.Client],
) -> None:
    app, client = before_new_year
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    expiring = {"X-Api-Key": "nunu_expired_key"}
    first = client.get(url, headers=expiring)
    assert first.status_code == 200
    assert client.get(url, headers=expiring).content == first.content
    InProcessHandle(app).advance("59m59s")
    assert client.get(url, headers=expiring).status_code == 200
    InProcessHandle(app).advance("1s")
    expired = client.get(url, headers=expiring)
    assert (expired.status_code, expired.json()) == (403, {"error": "API key expired"})
