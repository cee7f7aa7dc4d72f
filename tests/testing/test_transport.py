"""The in-process transports: a plain ``httpx.Client`` (or ``AsyncClient``) talks to a jobmock
app with no port, gets what a socket would give it, and a dropped connection is the error httpx
raises for a real one."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.testing import AsyncJobmockTransport, InProcessHandle, JobmockTransport
from tests.conftest import START

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
JOB_PATH = f"/nunu/api/v1/jobs/{SEED_JOB}"
KEY = {"X-Api-Key": "nunu_test_key"}


def test_a_body_and_headers_go_in_and_come_back_whole(client: httpx.Client) -> None:
    added = client.post("/_mock/jobs/nunu", json={"status": "QUEUED", "test_name": "Sent whole"})
    job = client.get(f"/nunu/api/v1/jobs/{added.json()['id']}", headers=KEY)
    assert job.json()["test_name"] == "Sent whole"
    assert job.headers["content-type"] == "application/json"
    assert int(job.headers["content-length"]) == len(job.content)
    assert job.request.url == f"http://jobmock/nunu/api/v1/jobs/{added.json()['id']}"


def test_a_dropped_connection_is_httpxs_own_error_for_this_request(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    handle.fail_next("nunu", drop=True)
    with pytest.raises(httpx.RemoteProtocolError) as info:
        client.get(JOB_PATH, headers=KEY)
    assert str(info.value) == "Server disconnected without sending a response."
    assert info.value.request.url.path == JOB_PATH
    assert client.get(JOB_PATH, headers=KEY).status_code == 200


def test_a_cut_body_says_how_much_came(client: httpx.Client, handle: InProcessHandle) -> None:
    whole = len(client.get(JOB_PATH, headers=KEY).content)
    handle.add_fault("nunu", truncate=True)
    with pytest.raises(httpx.RemoteProtocolError) as info:
        client.get(JOB_PATH, headers=KEY)
    assert str(info.value) == (
        "peer closed connection without sending complete message body "
        f"(received {whole // 2} bytes, expected {whole})"
    )


def test_threads_can_share_one_client(client: httpx.Client) -> None:
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda _: client.get(JOB_PATH, headers=KEY).status_code, range(20)))
    assert codes == [200] * 20


def test_a_closed_transport_serves_again_when_asked() -> None:
    transport = JobmockTransport(create_app(Settings(clock="manual", start_time=START)))
    for _ in range(2):
        with httpx.Client(transport=transport, base_url="http://jobmock") as client:
            assert client.get(JOB_PATH, headers=KEY).status_code == 200
        transport.close()


def test_the_async_transport_drops_a_connection_the_same_way() -> None:
    app = create_app(Settings(clock="manual", start_time=START))
    InProcessHandle(app).fail_next("nunu", drop=True)

    async def fetch() -> str:
        transport = AsyncJobmockTransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jobmock") as client:
            with pytest.raises(httpx.RemoteProtocolError) as info:
                await client.get(JOB_PATH, headers=KEY)
            return str(info.value)

    assert asyncio.run(fetch()) == "Server disconnected without sending a response."


def test_async_transport() -> None:
    app = create_app(Settings(clock="manual"))

    async def fetch() -> int:
        async with httpx.AsyncClient(
            transport=AsyncJobmockTransport(app), base_url="http://jobmock"
        ) as client:
            response = await client.get(
                f"/nunu/api/v1/jobs/{SEED_JOB}", headers={"X-Api-Key": "nunu_test_key"}
            )
            return response.status_code

    assert asyncio.run(fetch()) == 200
