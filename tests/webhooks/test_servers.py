"""Deliveries from a jobmock on a real port: on a running clock (real and scaled) the scheduler
delivers on time; a client's own receiver works as the built-in one does; deliveries belong to
their session; the receiver and downloads need no control token; a slow receiver never holds
up the vendor API."""

from __future__ import annotations

import json

import httpx

from jobmock.testing.handle import RemoteHandle
from jobmock.testing.server import MockServer
from tests.conftest import START
from tests.webhooks.helpers import BASE, KEY, job, start
from tests.webhooks.receivers import own_receiver, wait_for

QUICK = json.dumps([{"status": "PENDING", "at": "0s"}, {"status": "SUCCESS", "at": "200ms"}])


def hook(url: str) -> list[dict[str, str]]:
    return [{"type": "webhook", "url": url}]


def test_a_real_clock_delivers_when_the_run_ends() -> None:
    with MockServer(clock="real", vendors=("intuned",)) as server:
        receiver = server.handle.webhook_receiver("real")
        with httpx.Client(base_url=server.url) as client:
            start(client, job(notifications=hook(receiver.url)), timeline=QUICK)
            wait_for(lambda: len(receiver.requests()) == 1)
        # The receiver records the POST before the sender has read its answer.
        wait_for(lambda: server.handle.webhooks()[0]["status"] != "pending")
        [delivery] = server.handle.webhooks()
        assert delivery["status"] == "delivered"
        ended = delivery["event_at"]
        assert delivery["attempts"][0]["at"] >= ended, "not before the run ended"
        assert receiver.bodies()[0]["jobRun"]["status"] == "SUCCESS"
        server.check()


def test_a_scaled_clock_plays_a_minute_long_run_in_a_tenth_of_a_second() -> None:
    with MockServer(
        clock="real", clock_scale=600, start_time=START, vendors=("intuned",)
    ) as server:
        receiver = server.handle.webhook_receiver("fast")
        with httpx.Client(base_url=server.url) as client:
            sink = {"type": "webhook", "url": receiver.url}
            start(client, job(sink=sink, notifications=hook(receiver.url)))
            wait_for(lambda: len(receiver.requests()) == 5)
        kinds = [d["kind"] for d in server.handle.webhooks()]
        assert kinds == ["sink", "sink", "sink", "sink", "notification"]
        server.check()


def test_the_clients_own_receiver_gets_deliveries_on_a_manual_clock() -> None:
    with own_receiver() as mine, MockServer(vendors=("intuned",)) as server:
        with httpx.Client(base_url=server.url) as client:
            sink = {"type": "webhook", "url": mine.url, "headers": {"X-Token": "t0k"}}
            start(client, job(sink=sink))
        server.handle.advance("15s")
        [first] = mine.received
        assert first["headers"]["X-Token"] == "t0k"
        assert first["body"]["apiInfo"]["name"] == "get-product"
        assert server.handle.webhooks()[0]["receiver_status"] == 204


def test_deliveries_belong_to_their_session() -> None:
    with MockServer(vendors=("intuned",)) as server:
        server.handle.open_session("s1", clock="manual")
        session = RemoteHandle(f"{server.url}/_session/s1")
        try:
            receiver = session.webhook_receiver("mine")
            assert receiver.url == f"{server.url}/_session/s1/_mock/webhooks/receiver/mine"
            with httpx.Client(base_url=f"{server.url}/_session/s1") as client:
                start(client, job(notifications=hook(receiver.url)))
            session.advance("1m")
            assert [d["status"] for d in session.webhooks()] == ["delivered"]
            assert server.handle.webhooks() == [], "the root saw nothing"
            assert len(receiver.requests()) == 1
        finally:
            session.close()


def test_the_receiver_and_downloads_need_no_control_token() -> None:
    with MockServer(vendors=("intuned",), control_token="tok") as server:
        admin = RemoteHandle(server.url, token="tok")
        try:
            receiver = admin.webhook_receiver("open")
            with httpx.Client(base_url=server.url) as client:
                run_id = start(client, job(notifications=hook(receiver.url)))
                admin.advance("1m")
                assert [d["status"] for d in admin.webhooks()] == ["delivered"]
                document = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY)
                download = client.get(document.json()["results"]["signed_url"])
                assert download.status_code == 200
                refused = client.get("/_mock/webhooks")
                assert refused.status_code == 401, "reading deliveries takes the token"
        finally:
            admin.close()


def test_a_slow_receiver_never_holds_up_the_vendor_api() -> None:
    with MockServer(clock="real", vendors=("intuned",)) as server:
        receiver = server.handle.webhook_receiver("slow")
        receiver.answer(200, times=None, delay=2.0)
        with httpx.Client(base_url=server.url) as client:
            run_id = start(client, job(notifications=hook(receiver.url)), timeline=QUICK)
            wait_for(lambda: len(receiver.requests()) == 1)
            answer = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY)
            assert answer.status_code == 200
            in_flight = server.handle.webhooks()[0]
            assert (in_flight["status"], in_flight["attempts"]) == ("pending", []), (
                "the vendor answered while the delivery still waited for its receiver"
            )
