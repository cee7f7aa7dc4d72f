"""What only a shared store gives, against a real ``redis-server``: worker processes on one
port, the store lost and found again while serving, jobs kept across a restart of jobmock, and
the refusals when there is no store to share."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock.cli import main
from jobmock.settings import Settings
from jobmock.testing.handle import RemoteHandle
from jobmock.testing.server import MockServer
from tests.conftest import START
from tests.helpers import serving
from tests.shared.conftest import NUNU_KEY
from tests.shared.redis_server import NO_REDIS, REDIS_SERVER, RedisServer, free_port
from tests.shared.test_store_behaviour import GEOLOCATION_TEST, PIXEL_8, POLL_DRIVEN, SEED_JOB

needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason=NO_REDIS)
RUN = {"multiplayer_test_id": GEOLOCATION_TEST, "deployment_config_id": PIXEL_8}


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of this test's own: the tests stop and restart it."""
    if REDIS_SERVER is None:
        pytest.skip(NO_REDIS)
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def nunu_client(server: MockServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url("nunu"), headers=NUNU_KEY, timeout=30)


def test_a_store_not_answering_at_start_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"

    assert main(["serve", "--state", url, "--port", "0"]) == 2

    assert capsys.readouterr().err == (
        f"jobmock: cannot start: jobmock's state store at {url} is not answering "
        "(ConnectionError); retry once it is back\n"
    )


def test_workers_without_a_shared_store_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "2", "--port", "0"]) == 2

    assert capsys.readouterr().err == (
        "jobmock: invalid settings: --workers 2 needs a shared state: each worker would hold "
        "its own jobs, clock and journal; add --state redis://HOST:6379/0 (docs/state.md)\n"
    )


def test_a_state_that_is_no_redis_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--state", "postgres://db/1", "--port", "0"]) == 2

    assert capsys.readouterr().err == (
        "jobmock: invalid settings: state: --state takes memory (the default) or a Redis URL "
        "such as redis://HOST:6379/0 (redis://, rediss://, unix://), got 'postgres://db/1'\n"
    )


def test_a_restarted_jobmock_keeps_every_client_made_job(redis: RedisServer) -> None:
    settings = Settings(clock="manual", start_time=START, state=redis.url)
    with MockServer(settings) as first, nunu_client(first) as nunu:
        job_id = nunu.post("/runs", json=RUN).json()["job_ids"][0]
        first.handle.advance("2m")
        before = nunu.get(f"/jobs/{job_id}").json()

    with MockServer(settings) as second, nunu_client(second) as nunu:
        after = nunu.get(f"/jobs/{job_id}")
        assert (after.status_code, after.json()) == (200, before)
        assert before["status"] == "RUNNING"
        assert second.handle.now() == START.replace(minute=2)
        second.check()


def test_a_lost_store_is_each_vendors_503_until_it_is_back(redis: RedisServer) -> None:
    settings = Settings(clock="manual", start_time=START, state=redis.url)
    with MockServer(settings) as server, nunu_client(server) as nunu:
        job_id = nunu.post("/runs", json=RUN).json()["job_ids"][0]
        intuned = httpx.Client(
            base_url=server.base_url("intuned"), headers={"x-api-key": "intuned_test_key"}
        )
        kept = [nunu.get(f"/jobs/{SEED_JOB}").status_code for _ in range(2)]  # answered again
        assert kept == [200, 200]
        redis.stop()

        assert nunu.get(f"/jobs/{SEED_JOB}").status_code == 503  # its journal entry cannot be kept
        lost = nunu.get(f"/jobs/{job_id}")
        message = (
            f"jobmock's state store at {redis.url} is not answering (ConnectionError); "
            "retry once it is back"
        )
        assert (lost.status_code, lost.json()) == (503, {"error": message})
        vendor = intuned.get("/projects")
        assert vendor.status_code == 503
        assert vendor.json()["message"] == message
        control = httpx.get(f"{server.url}/_mock/clock", timeout=30)
        assert (control.status_code, control.json()) == (503, {"error": message})

        redis.start()  # the same port and directory: it reads back what it had written

        back = nunu.get(f"/jobs/{job_id}")
        assert (back.status_code, back.json()["status"]) == (200, "QUEUED")
        intuned.close()
        server.check()


def test_a_store_that_hangs_is_a_503_after_the_socket_timeout(redis: RedisServer) -> None:
    settings = Settings(clock="manual", start_time=START, state=redis.url)
    with MockServer(settings) as server, nunu_client(server) as nunu:
        redis.signal(signal.SIGSTOP)
        try:
            hung = nunu.get(f"/jobs/{POLL_DRIVEN}")
        finally:
            redis.signal(signal.SIGCONT)

        assert hung.status_code == 503
        assert hung.json() == {
            "error": f"jobmock's state store at {redis.url} is not answering (TimeoutError); "
            "retry once it is back"
        }
        assert nunu.get(f"/jobs/{POLL_DRIVEN}").json()["status"] == "QUEUED"
        server.check()


@needs_redis
def test_worker_processes_on_one_port_are_one_jobmock(redis: RedisServer) -> None:
    args = ["--workers", "2", "--state", redis.url, "--port", "0", "--clock", "manual"]
    with serving(args) as served:
        handle = RemoteHandle(served.url, timeout=30)
        base = f"{served.url}/nunu/api/v1"
        made = httpx.post(f"{base}/runs", json=RUN, headers=NUNU_KEY, timeout=30)
        job_id = made.json()["job_ids"][0]
        handle.advance("30s")

        # A new connection for each read: the kernel spreads them over both workers.
        statuses = {
            httpx.get(f"{base}/jobs/{job_id}", headers=NUNU_KEY, timeout=30).json()["status"]
            for _ in range(20)
        }

        assert statuses == {"RUNNING"}
        polls = handle.requests(vendor="nunu", job=job_id)
        assert [entry.method for entry in polls] == ["GET"] * 20
        handle.close()


def test_state_another_jobmock_wrote_is_refused_at_start_never_misread(
    redis: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer(Settings(clock="manual", state=redis.url)) as every_vendor:
        assert every_vendor.app.runtime.vendors  # it wrote the state of all four vendors

    code = main(["serve", "--state", redis.url, "--port", "0", "--vendors", "nunu"])

    assert code == 2
    assert capsys.readouterr().err == (
        f"jobmock: cannot start: jobmock's state store at {redis.url} holds state another "
        "jobmock wrote (another version, or other vendors served): run the same jobmock "
        "everywhere, or start on an empty database (FLUSHDB, or another database number in "
        "the URL)\n"
    )
    same = Settings(clock="manual", state=redis.url)
    with MockServer(same) as server, nunu_client(server) as nunu:  # the same jobmock adopts it
        assert nunu.get(f"/jobs/{SEED_JOB}").status_code == 200
