"""Two replicas on one Redis send each Intuned webhook once: on a running clock only the lease
holder's scheduler sends, and a move of a manual clock through either replica delivers what it
crosses once; the other replica, moved later, sends nothing again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jobmock.settings import Settings
from jobmock.testing.handle import RemoteHandle
from jobmock.testing.server import MockServer
from tests.conftest import START
from tests.shared.conftest import flushed
from tests.shared.redis_server import RedisServer
from tests.webhooks.helpers import job, start
from tests.webhooks.receivers import wait_for

KINDS = ["notification", "sink", "sink", "sink", "sink"]


Pair = list[tuple[MockServer, RemoteHandle]]


@pytest.fixture
def pair(redis_server: RedisServer) -> Iterator[Pair]:
    """Two replicas on a manual clock."""
    yield from replicas(redis_server, clock="manual")


@pytest.fixture
def running(redis_server: RedisServer) -> Iterator[Pair]:
    """Two replicas on a clock running at 600x: a minute-long run takes a tenth of a second."""
    yield from replicas(redis_server, clock="real", clock_scale=600)


def replicas(redis_server: RedisServer, **clock: Any) -> Iterator[Pair]:
    settings = Settings(
        **clock, start_time=START, state=flushed(redis_server), vendors=("intuned",)
    )
    servers = [MockServer(settings).start() for _ in range(2)]
    handles = [RemoteHandle(server.url, timeout=30) for server in servers]
    try:
        yield list(zip(servers, handles, strict=True))
        for server in servers:
            server.check()
    finally:
        for server, handle in zip(servers, handles, strict=True):
            handle.close()
            server.stop()


def deliveries(pair: Pair) -> list[dict[str, Any]]:
    """The deliveries, as every replica lists them: the same, whichever sent them."""
    (_, on_a), (_, on_b) = pair
    listed = on_a.webhooks()
    assert on_b.webhooks() == listed
    return listed


def hooked(url: str) -> dict[str, Any]:
    hook = {"type": "webhook", "url": url}
    return job(sink=hook, notifications=[hook])


def test_a_running_clock_delivers_each_webhook_once_with_two_replicas(running: Pair) -> None:
    pair = running
    (_, on_a), (b, on_b) = pair
    receiver = on_a.webhook_receiver("once")
    with httpx.Client(base_url=b.url) as client:
        start(client, hooked(receiver.url))
    wait_for(lambda: len(receiver.requests()) >= 5)
    wait_for(lambda: all(d["status"] != "pending" for d in deliveries(pair)))
    # Both replicas now look at the whole run from a manual clock: a replica that had not
    # claimed a delivery would send its own copy here.
    on_b.freeze()
    on_b.advance("1h")
    on_a.advance("1h")
    assert sorted(body.get("apiInfo", {}).get("name", "run") for body in receiver.bodies()) == [
        "get-product",
        "get-product",
        "get-product",
        "get-review",
        "run",
    ]
    sent = deliveries(pair)
    assert sorted(d["kind"] for d in sent) == KINDS
    assert [d["status"] for d in sent] == ["delivered"] * 5
    assert len(receiver.requests()) == 5


def test_a_manual_advance_on_one_replica_delivers_once(
    pair: Pair,
) -> None:
    (_, on_a), (b, on_b) = pair
    receiver = on_a.webhook_receiver("manual")
    with httpx.Client(base_url=b.url) as client:
        start(client, hooked(receiver.url))
    on_a.advance("60s")
    assert len(receiver.requests()) == 5
    on_b.advance("1h")
    on_a.advance("1h")
    assert len(receiver.requests()) == 5
    sent = deliveries(pair)  # listed by both replicas, though one sent them all
    assert [d["id"] for d in sent] == [1, 2, 3, 4, 5]
    assert sorted(d["kind"] for d in sent) == KINDS
    assert [d["status"] for d in sent] == ["delivered"] * 5
    assert [d["attempts"][0]["status"] for d in sent] == [200] * 5


def test_after_a_reset_on_the_other_replica_the_same_run_is_delivered_again(
    pair: Pair,
) -> None:
    (_, on_a), (b, on_b) = pair
    with httpx.Client(base_url=b.url) as client:
        start(client, hooked(on_a.webhook_receiver("before").url))
        on_a.advance("60s")
        on_b.reset()
        start(client, hooked(on_a.webhook_receiver("after").url))
    on_a.advance("60s")
    assert len(on_a.webhook_receiver("before").requests()) == 5
    assert len(on_a.webhook_receiver("after").requests()) == 5
    after_reset = deliveries(pair)  # since the reset only, numbered from 1 again
    assert sorted(d["kind"] for d in after_reset) == KINDS
    assert sorted(d["id"] for d in after_reset) == [1, 2, 3, 4, 5]
