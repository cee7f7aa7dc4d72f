"""A receiver that fails: retries with exponential backoff on the mock clock (10, 20, 40, 80 s
after each failed attempt, five attempts in all), a timeout for one that does not answer."""

from __future__ import annotations

import httpx

from jobmock.testing.handle import InProcessHandle
from tests.webhooks.helpers import job, start


def hook(url: str) -> list[dict[str, str]]:
    return [{"type": "webhook", "url": url}]


def test_failed_attempts_are_retried_with_backoff_until_one_succeeds(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("flaky")
    receiver.answer(500, times=2)
    start(client, job(notifications=hook(receiver.url)))
    handle.advance("60s")
    [delivery] = handle.webhooks()
    assert (delivery["status"], delivery["due"]) == ("pending", "2026-11-01T12:01:10+00:00")
    handle.advance("9s")
    assert len(receiver.requests()) == 1, "no retry before it is due"
    handle.advance("1m")  # crosses both retries: at 12:01:10 and 12:01:30
    [delivery] = handle.webhooks()
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == [
        {"at": "2026-11-01T12:01:00+00:00", "status": 500, "error": None},
        {"at": "2026-11-01T12:01:10+00:00", "status": 500, "error": None},
        {"at": "2026-11-01T12:01:30+00:00", "status": 200, "error": None},
    ]
    bodies = receiver.bodies()
    assert len(bodies) == 3 and bodies[0] == bodies[2], "each attempt sends the same payload"


def test_a_delivery_fails_after_five_attempts(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("down")
    receiver.answer(503, times=None)
    start(client, job(notifications=hook(receiver.url)))
    handle.advance("1h")
    [delivery] = handle.webhooks()
    assert (delivery["status"], delivery["receiver_status"], delivery["due"]) == (
        "failed",
        503,
        None,
    )
    times = [attempt["at"][11:19] for attempt in delivery["attempts"]]
    assert times == ["12:01:00", "12:01:10", "12:01:30", "12:02:10", "12:03:30"]


def test_an_unreachable_receiver_is_a_failed_attempt_with_the_reason(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    start(client, job(notifications=hook("http://127.0.0.1:9/nobody-listens")))
    handle.advance("61s")
    [delivery] = handle.webhooks()
    [attempt] = delivery["attempts"]
    assert attempt["status"] is None
    assert attempt["error"].startswith("ConnectError")
    assert delivery["status"] == "pending", "retried like any failure"


def test_a_receiver_that_does_not_answer_in_time_times_out(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    handle.set_webhook_timeout(0.05)
    receiver = handle.webhook_receiver("slow")
    receiver.answer(200, times=1, delay=1.0)
    start(client, job(notifications=hook(receiver.url)))
    handle.advance("60s")
    [delivery] = handle.webhooks()
    assert delivery["attempts"] == [
        {"at": "2026-11-01T12:01:00+00:00", "status": None, "error": "no answer within 0.05 s"}
    ]
    handle.advance("10s")
    assert handle.webhooks()[0]["status"] == "delivered", "the retry got its answer"
