"""Two jobmocks on one state: the same app twice in memory (one process is one jobmock), two apps
on different ports sharing a real Redis otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jobmock.settings import Settings
from jobmock.testing.handle import RemoteHandle
from jobmock.testing.server import MockServer
from tests.conftest import START
from tests.shared.redis_server import NO_REDIS, REDIS_SERVER, RedisServer

NUNU_KEY = {"X-Api-Key": "nunu_test_key"}
INTUNED_KEY = {"x-api-key": "intuned_test_key"}
#: The bundled fixtures' Intuned workspace and project.
INTUNED_PROJECT = "/123e4567-e89b-12d3-a456-426614174000/projects/my-project"


@dataclass
class Replica:
    server: MockServer
    handle: RemoteHandle
    nunu: httpx.Client
    intuned: httpx.Client

    def check(self) -> None:
        self.server.check()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip(NO_REDIS)
    server = RedisServer(Path(tmp_path_factory.mktemp("redis"))).start()
    yield server
    server.stop()


def flushed(server: RedisServer) -> str:
    import redis

    with redis.Redis.from_url(server.url) as client:
        client.flushall()
    return server.url


@pytest.fixture(params=["memory", "redis"])
def state(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory"
    return flushed(request.getfixturevalue("redis_server"))


def replica(server: MockServer) -> Replica:
    nunu = httpx.Client(base_url=server.base_url("nunu"), headers=NUNU_KEY, timeout=30)
    intuned = httpx.Client(
        base_url=server.base_url("intuned") + INTUNED_PROJECT, headers=INTUNED_KEY, timeout=30
    )
    return Replica(server, RemoteHandle(server.url, timeout=30), nunu, intuned)


@pytest.fixture
def replicas(state: str) -> Iterator[list[Replica]]:
    """Two replicas: requests alternate between them as a load balancer would send them."""
    settings = Settings(clock="manual", start_time=START, state=state)
    count = 1 if state == "memory" else 2
    servers = [MockServer(settings).start() for _ in range(count)]
    pair = [replica(server) for server in servers]
    try:
        yield pair * (2 // count)
        for one in pair:
            one.check()
    finally:
        for one in pair:
            one.nunu.close()
            one.intuned.close()
            one.handle.close()
            one.server.stop()
