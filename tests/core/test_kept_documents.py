"""Hot reads serve kept documents (``core.documents``, OSAPI's and prunner's own, verified
tokens): what a client reads must be exactly what a fresh render gives, at every step of a job's
life and after every change a client, the control API or the clock makes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START
from tests.vendors.intuned.conftest import NEW_JOB
from tests.vendors.osapi.conftest import token as osapi_token
from tests.vendors.prunner.conftest import token as prunner_token

NUNU = "/nunu/api/v1"
NUNU_KEY = {"X-Api-Key": "nunu_test_key"}
NUNU_SEED = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
NUNU_POLL_DRIVEN = "ca02135e-92b1-43f2-8ede-0d7ac3baea9e"
TEST_ID = "a5060a07-d386-4279-98ce-b33fb884201e"
PIXEL = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"
WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
INTUNED = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/my-project"
INTUNED_KEY = {"x-api-key": "intuned_test_key"}
PRUNNER_KEY = {"Authorization": f"Bearer {prunner_token()}"}
OSAPI_KEY = {"Authorization": f"Bearer {osapi_token()}"}
OSAPI_SEED = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

Read = tuple[int, bytes]


def forget(app: JobmockApp) -> None:
    """Drop every rendered document and answer the app keeps, so the next read renders afresh."""
    for gate in app.gates().values():
        gate.replays.clear()
    for vendor in app.runtime.vendors.values():
        backend: Any = vendor.backend
        for kept in ("documents", "_documents"):
            if hasattr(backend, kept):
                getattr(backend, kept).clear()
        if hasattr(backend, "_states"):  # prunner: each job's rendered spans live in its state
            backend._states.clear()


def read(client: httpx.Client, url: str, headers: dict[str, str]) -> Read:
    response = client.get(url, headers=headers)
    return response.status_code, response.content


def fresh(client: httpx.Client, app: JobmockApp, url: str, headers: dict[str, str]) -> Read:
    """What ``url`` reads now (possibly kept), checked against a fresh render."""
    return fresh_all(client, app, [(url, headers)])[0]


def fresh_all(
    client: httpx.Client, app: JobmockApp, urls: list[tuple[str, dict[str, str]]]
) -> list[Read]:
    """What each of ``urls`` reads now (possibly kept), each checked against a fresh render
    (an error's status only: Intuned's carry a new correlation id each time)."""
    kept = [read(client, url, headers) for url, headers in urls]
    forget(app)
    for (url, headers), before in zip(urls, kept, strict=True):
        again = read(client, url, headers)
        if before[0] == 200:
            assert again == before, f"a stale document for {url}"
        else:
            assert again[0] == before[0], f"a stale answer for {url}"
    return kept


def status_of(answer: Read, field: str) -> Any:
    return json.loads(answer[1])[field]


@pytest.fixture
def own_app() -> Iterator[tuple[JobmockApp, httpx.Client]]:
    """An app of this test's own, for reloads and sessions."""
    app = create_app(Settings(clock="manual", start_time=START))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        yield app, client


# --- the clock crosses every change of a job's life ---------------------------------------------


def test_nunu_job_and_run_read_as_rendered_at_every_step(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    started = client.post(
        f"{NUNU}/runs",
        json={"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers=NUNU_KEY,
    )
    (job_id,) = started.json()["job_ids"]
    seen: set[str] = set()
    run_url = None
    lists = [
        (f"{NUNU}/jobs?page_size=5", NUNU_KEY),
        (f"{NUNU}/jobs?status=running", NUNU_KEY),
        (f"{NUNU}/jobs?status=completed&page=1&page_size=3", NUNU_KEY),
        (f"{NUNU}/runs?page_size=5", NUNU_KEY),
        (f"{NUNU}/runs?state=running", NUNU_KEY),
    ]
    for _ in range(180):  # 6 minutes in 2-second steps: every state and every run step
        urls = [(f"{NUNU}/jobs/{job_id}", NUNU_KEY), *lists]
        if run_url is not None:
            urls.append((run_url, NUNU_KEY))
        job = fresh_all(client, app, urls)[0]
        seen.add(status_of(job, "status"))
        runs = status_of(job, "runs")
        if runs:
            run_url = f"{NUNU}/runs/{runs[0]['multiplayer_run_id']}"
        handle.advance("2s")
    assert run_url is not None
    assert {"QUEUED", "STARTING", "RUNNING", "COMPLETED"} <= seen


def test_intuned_run_and_job_read_as_rendered_at_every_step(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    assert client.post(f"{INTUNED}/jobs", json=NEW_JOB, headers=INTUNED_KEY).status_code == 201
    triggered = client.post(f"{INTUNED}/jobs/nightly-crawl/trigger", headers=INTUNED_KEY)
    run_url = f"{INTUNED}/jobs/nightly-crawl/runs/{triggered.json()['jobRunId']}"
    statuses = set()
    for _ in range(50):  # two payloads, then the run's end and its results
        urls = [
            (run_url, INTUNED_KEY),
            (f"{INTUNED}/jobs/nightly-crawl", INTUNED_KEY),
            (f"{INTUNED}/jobs/nightly-crawl/runs", INTUNED_KEY),
            (f"{INTUNED}/jobs/nightly-crawl/runs?sortBy=status,asc&pageSize=1", INTUNED_KEY),
            (f"{INTUNED}/jobs/my-sample-job/runs?pageSize=20", INTUNED_KEY),
        ]
        run = fresh_all(client, app, urls)[0]
        statuses.add(status_of(run, "jobRun")["status"])
        handle.advance("2s")
    assert {"PENDING", "SUCCESS"} <= statuses


def test_intuned_schedule_fires_move_the_job_document(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    url = f"{INTUNED}/jobs/my-sample-job"
    before = fresh(client, app, url, INTUNED_KEY)
    handle.advance("12h")  # past midnight: the daily schedule fires
    after = fresh(client, app, url, INTUNED_KEY)
    assert status_of(after, "next_run_time") != status_of(before, "next_run_time")
    assert status_of(after, "last_run_time") != status_of(before, "last_run_time")


def test_prunner_detail_reads_as_rendered_at_every_step(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    scheduled = client.post(
        "/prunner/pipelines/schedule",
        content=json.dumps({"pipeline": "diamond", "variables": {"n": 1}}),
        headers=PRUNNER_KEY,
    )
    url = f"/prunner/job/detail?id={scheduled.json()['jobId']}"
    for _ in range(40):
        fresh(client, app, url, PRUNNER_KEY)
        handle.advance("1s")
    assert status_of(fresh(client, app, url, PRUNNER_KEY), "completed") is True


def test_osapi_job_reads_as_rendered_at_every_step(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    created = client.post(
        "/osapi/node/web-01/command/shell", json={"command": "echo hi"}, headers=OSAPI_KEY
    )
    url = f"/osapi/job/{created.json()['job_id']}"
    lists = ["/osapi/job?limit=5", "/osapi/job?status=completed", "/osapi/job?status=processing"]
    for _ in range(30):
        fresh_all(client, app, [(u, OSAPI_KEY) for u in (url, *lists)])
        handle.advance(0.002)
    assert status_of(fresh(client, app, url, OSAPI_KEY), "status") == "completed"


# --- what clients and the control API change is seen at once ------------------------------------


def test_a_stopped_nunu_run_is_seen_at_once(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    started = client.post(
        f"{NUNU}/runs",
        json={"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers=NUNU_KEY,
    )
    (job_id,) = started.json()["job_ids"]
    handle.advance("30s")
    url = f"{NUNU}/jobs/{job_id}"
    assert status_of(read(client, url, NUNU_KEY), "status") == "RUNNING"
    stopped = client.post(f"{NUNU}/runs/stop", json={"job_ids": [job_id]}, headers=NUNU_KEY)
    assert stopped.status_code == 200, stopped.text
    assert status_of(fresh(client, app, url, NUNU_KEY), "status") == "STOPPING"


def test_a_terminated_intuned_run_and_a_paused_job_are_seen_at_once(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    client.post(f"{INTUNED}/jobs", json=NEW_JOB, headers=INTUNED_KEY)
    triggered = client.post(f"{INTUNED}/jobs/nightly-crawl/trigger", headers=INTUNED_KEY)
    run_url = f"{INTUNED}/jobs/nightly-crawl/runs/{triggered.json()['jobRunId']}"
    job_url = f"{INTUNED}/jobs/nightly-crawl"
    handle.advance("5s")
    assert status_of(read(client, run_url, INTUNED_KEY), "jobRun")["status"] == "PENDING"
    assert status_of(read(client, job_url, INTUNED_KEY), "state") == "ACTIVE"
    client.post(f"{run_url}/terminate", headers=INTUNED_KEY)
    run = fresh(client, app, run_url, INTUNED_KEY)
    assert status_of(run, "jobRun")["status"] == "TERMINATED"
    client.post(f"{job_url}/pause", headers=INTUNED_KEY)
    assert status_of(fresh(client, app, job_url, INTUNED_KEY), "state") == "PAUSED"
    client.delete(job_url, headers=INTUNED_KEY)
    assert fresh(client, app, job_url, INTUNED_KEY)[0] == 404


def test_a_canceled_prunner_job_is_seen_at_once(client: httpx.Client, app: JobmockApp) -> None:
    scheduled = client.post(
        "/prunner/pipelines/schedule",
        content=json.dumps({"pipeline": "diamond", "variables": {"n": 1}}),
        headers=PRUNNER_KEY,
    )
    job_id = scheduled.json()["jobId"]
    url = f"/prunner/job/detail?id={job_id}"
    assert status_of(read(client, url, PRUNNER_KEY), "canceled") is False
    client.post(f"/prunner/job/cancel?id={job_id}", headers=PRUNNER_KEY)
    assert status_of(fresh(client, app, url, PRUNNER_KEY), "canceled") is True


def test_a_deleted_osapi_job_and_a_control_deleted_nunu_job_are_gone_at_once(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    url = f"/osapi/job/{OSAPI_SEED}"
    assert read(client, url, OSAPI_KEY)[0] == 200
    assert client.delete(url, headers=OSAPI_KEY).status_code == 204
    assert fresh(client, app, url, OSAPI_KEY)[0] == 404
    nunu_url = f"{NUNU}/jobs/{NUNU_SEED}"
    assert read(client, nunu_url, NUNU_KEY)[0] == 200
    handle.delete_job("nunu", NUNU_SEED)
    assert fresh(client, app, nunu_url, NUNU_KEY)[0] == 404


def test_reset_serves_the_documents_of_the_start_again(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    started = client.post(
        f"{NUNU}/runs",
        json={"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers=NUNU_KEY,
    )
    (job_id,) = started.json()["job_ids"]
    url = f"{NUNU}/jobs/{job_id}"
    first = read(client, url, NUNU_KEY)
    handle.advance("10m")
    assert read(client, url, NUNU_KEY) != first
    handle.reset()
    assert fresh(client, app, url, NUNU_KEY)[0] == 404  # a client's job is gone with the reset
    prunner = f"/prunner/job/detail?id={prunner_seed()}"
    before = read(client, prunner, PRUNNER_KEY)
    handle.advance("1h")
    handle.reset()
    assert fresh(client, app, prunner, PRUNNER_KEY) == before


def test_a_clock_set_back_reads_the_earlier_document(
    client: httpx.Client, app: JobmockApp, handle: InProcessHandle
) -> None:
    started = client.post(
        f"{NUNU}/runs",
        json={"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers=NUNU_KEY,
    )
    (job_id,) = started.json()["job_ids"]
    url = f"{NUNU}/jobs/{job_id}"
    handle.advance("10s")
    early = read(client, url, NUNU_KEY)
    handle.advance("10m")
    late = read(client, url, NUNU_KEY)
    handle.set_time(START + timedelta(seconds=10))
    assert fresh(client, app, url, NUNU_KEY) == early != late


def prunner_seed() -> str:
    return "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"


def test_reload_and_sessions_keep_documents_apart(
    own_app: tuple[JobmockApp, httpx.Client],
) -> None:
    app, client = own_app
    url = f"{NUNU}/jobs/{NUNU_POLL_DRIVEN}"
    intuned = f"{INTUNED}/jobs/my-sample-job"
    root = read(client, intuned, INTUNED_KEY)
    app.open_session("other", "manual")
    app.sessions.get("other").runtime.clock.advance(timedelta(hours=13).total_seconds())
    session = read(client, f"/_session/other{intuned}", INTUNED_KEY)
    assert session != root
    assert read(client, intuned, INTUNED_KEY) == root
    app.runtime.clock.advance(timedelta(hours=13).total_seconds())
    moved = read(client, intuned, INTUNED_KEY)
    app.reload()
    assert fresh(client, app, intuned, INTUNED_KEY) == root != moved
    assert read(client, url, NUNU_KEY)[0] == 200


# --- the key says whose document it is ------------------------------------------------------


def test_another_callers_scope_is_never_served_a_kept_document(
    client: httpx.Client, app: JobmockApp
) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    assert read(client, url, NUNU_KEY)[0] == 200
    other = read(client, url, {"X-Api-Key": "nunu_monopoly_key"})
    assert other == (404, b'{"error": "Job not found"}')
    assert read(client, url, {"X-Api-Key": "nunu_expired_key"})[0] == 403
    scoped = read(client, f"{NUNU}/project/test/jobs/{NUNU_SEED}", NUNU_KEY)
    assert scoped == read(client, url, NUNU_KEY)
    assert read(client, f"{NUNU}/project/monopoly-go/jobs/{NUNU_SEED}", NUNU_KEY)[0] == 403
    intuned = f"{INTUNED}/jobs/my-sample-job"
    assert read(client, intuned, INTUNED_KEY)[0] == 200
    elsewhere = intuned.replace(WORKSPACE, "00000000-0000-0000-0000-000000000000")
    assert read(client, elsewhere, INTUNED_KEY)[0] == 404
    assert read(client, intuned.replace("my-project", "nope-project"), INTUNED_KEY)[0] == 404


def test_another_query_reads_another_job(client: httpx.Client) -> None:
    seed = read(client, f"/prunner/job/detail?id={prunner_seed()}", PRUNNER_KEY)
    other = "3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d01"
    second = read(client, f"/prunner/job/detail?id={other}", PRUNNER_KEY)
    assert status_of(seed, "id") == prunner_seed()
    assert status_of(second, "id") == other


# --- tokens, faults, the journal and poll-driven jobs --------------------------------------------


def test_a_verified_token_still_expires_on_the_clock(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    short = prunner_token(exp=int((START + timedelta(minutes=1)).timestamp()))
    url = f"/prunner/job/detail?id={prunner_seed()}"
    assert read(client, url, {"Authorization": f"Bearer {short}"})[0] == 200
    osapi_short = osapi_token(lifetime=timedelta(minutes=1))
    osapi_url = f"/osapi/job/{OSAPI_SEED}"
    assert read(client, osapi_url, {"Authorization": f"Bearer {osapi_short}"})[0] == 200
    handle.advance("2m")
    assert read(client, url, {"Authorization": f"Bearer {short}"}) == (401, b"token is expired\n")
    expired = read(client, osapi_url, {"Authorization": f"Bearer {osapi_short}"})
    assert expired == (401, b'{"error":"Invalid token: token is expired by 1m0s"}\n')
    forged = short[:-2] + ("AA" if not short.endswith("AA") else "BB")
    for _ in range(2):
        answer = read(client, url, {"Authorization": f"Bearer {forged}"})
        assert answer == (401, b"token is unauthorized\n")


def test_a_fault_added_after_a_read_answers_the_next_read(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    assert read(client, url, NUNU_KEY)[0] == 200
    handle.add_fault("nunu", job=NUNU_SEED, status=503, times=1)
    assert read(client, url, NUNU_KEY)[0] == 503
    assert read(client, url, NUNU_KEY)[0] == 200


def test_every_kept_read_is_journaled_with_the_state_it_showed(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"{NUNU}/jobs/{NUNU_SEED}"
    for _ in range(3):
        assert read(client, url, NUNU_KEY)[0] == 200
    polls = handle.requests(vendor="nunu", job=NUNU_SEED)
    assert [(p.status, p.state, p.terminal) for p in polls] == [(200, "COMPLETED", True)] * 3


def test_a_poll_driven_job_still_moves_with_every_read(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    url = f"{NUNU}/jobs/{NUNU_POLL_DRIVEN}"
    states = [status_of(read(client, url, NUNU_KEY), "status") for _ in range(8)]
    assert len(set(states)) > 1, states
    journaled = [p.state for p in handle.requests(vendor="nunu", job=NUNU_POLL_DRIVEN)]
    assert journaled == states
