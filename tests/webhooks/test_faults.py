"""Delivery faults a client's receiver must survive (delay, drop, duplicate, out of order), set
through the control API like fault rules; and what the webhook control API refuses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle
from tests.webhooks.helpers import job, start


def sink(url: str) -> dict[str, str]:
    return {"type": "webhook", "url": url}


def numbers(bodies: list[dict[str, Any]]) -> list[int]:
    return [body["apiInfo"]["result"]["result"]["payload"] for body in bodies]


def test_delay_postpones_a_delivery_on_the_mock_clock(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("late")
    fault = handle.add_webhook_fault("delay", seconds=40)
    start(client, job(sink=sink(receiver.url)))
    handle.advance("50s")
    assert numbers(receiver.bodies()) == [2, 3], "the first is 40 s late: due at 12:00:55"
    handle.advance("5s")
    assert numbers(receiver.bodies()) == [2, 3, 1]
    first = handle.webhooks()[0]
    assert (first["faults"], first["attempts"][0]["at"]) == (
        ["delay"],
        "2026-11-01T12:00:55+00:00",
    )
    assert handle.webhook_faults() == [
        {
            "id": fault,
            "fault": "delay",
            "seconds": 40.0,
            "url": None,
            "kind": None,
            "times": 1,
            "fired": 1,
        }
    ]


def test_drop_loses_a_delivery(client: httpx.Client, handle: InProcessHandle) -> None:
    receiver = handle.webhook_receiver("lossy")
    handle.add_webhook_fault("drop", url="/lossy", times=2)
    start(client, job(sink=sink(receiver.url)))
    handle.advance("2m")
    assert numbers(receiver.bodies()) == [3, 4]
    statuses = [(d["status"], d["attempts"], d["note"]) for d in handle.webhooks()][:2]
    assert statuses == [("dropped", [], "dropped by delivery fault 1")] * 2


def test_duplicate_sends_a_delivery_twice(client: httpx.Client, handle: InProcessHandle) -> None:
    receiver = handle.webhook_receiver("twice")
    handle.add_webhook_fault("duplicate", kind="sink")
    start(client, job(sink=sink(receiver.url)))
    handle.advance("2m")
    assert numbers(receiver.bodies()) == [1, 1, 2, 3, 4]
    [copy] = [d for d in handle.webhooks() if d["copy_of"] is not None]
    assert (copy["copy_of"], copy["faults"], copy["status"]) == (1, ["duplicate"], "delivered")
    assert copy["attempts"] == handle.webhooks()[0]["attempts"], "right after the original"


def test_reorder_holds_a_delivery_until_the_next_one_has_gone(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("shuffled")
    handle.add_webhook_fault("reorder")
    start(client, job(sink=sink(receiver.url)))
    handle.advance("20s")
    assert receiver.bodies() == [], "held back"
    handle.advance("10s")
    assert numbers(receiver.bodies()) == [2, 1]
    handle.advance("1m")
    assert numbers(receiver.bodies()) == [2, 1, 3, 4]


def test_a_target_other_than_loopback_is_refused_not_called(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    start(client, job(sink=sink("https://hooks.example.com/in")))
    handle.advance("20s")
    [delivery] = handle.webhooks()
    assert (delivery["status"], delivery["attempts"]) == ("refused", [])
    assert delivery["note"] == (
        "hooks.example.com is not a loopback host; jobmock delivers elsewhere only to the hosts "
        "listed with --webhook-target (JOBMOCK_WEBHOOK_TARGETS)"
    )


@pytest.mark.parametrize(
    ("path", "body", "error"),
    [
        (
            "/_mock/webhooks/faults",
            {"fault": "explode"},
            "fault: Input should be 'delay', 'drop', 'duplicate' or 'reorder'",
        ),
        ("/_mock/webhooks/faults", {"fault": "delay"}, "a delay needs 'seconds'"),
        ("/_mock/webhooks/faults", {"fault": "drop", "seconds": 3}, "'seconds' means nothing"),
        ("/_mock/webhooks/faults", {"fault": "drop", "times": 0}, "times: Input should be"),
        ("/_mock/webhooks/faults", {"fault": "drop", "when": 1}, "when: unknown field"),
        ("/_mock/webhooks/config", {"timeout": 0}, "timeout: Input should be greater than 0"),
        ("/_mock/webhooks/config", {}, "timeout: this field is required"),
    ],
)
def test_bad_webhook_control_requests_are_refused_with_what_is_accepted(
    client: httpx.Client, path: str, body: dict[str, Any], error: str
) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert error in message
    assert "(expected " in message, message


def test_a_receiver_answer_out_of_range_is_refused(client: httpx.Client) -> None:
    answer = client.put("/_mock/webhooks/receiver/x", json={"status": 700})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("status: Input should be less than or equal to 599")


def test_the_control_api_lists_deliveries_and_faults_over_http(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("http")
    created = client.post("/_mock/webhooks/faults", json={"fault": "drop", "kind": "notification"})
    assert created.status_code == 201
    assert created.json() == {
        "id": 1,
        "fault": "drop",
        "seconds": None,
        "url": None,
        "kind": "notification",
        "times": 1,
        "fired": 0,
    }
    start(client, job(notifications=[{"type": "webhook", "url": receiver.url}]))
    assert client.post("/_mock/clock", json={"advance": "1m"}).status_code == 200
    [dropped] = client.get("/_mock/webhooks").json()["deliveries"]
    assert (dropped["kind"], dropped["status"]) == ("notification", "dropped")
    assert client.delete("/_mock/webhooks/faults").status_code == 204
    assert client.get("/_mock/webhooks/faults").json() == {"faults": []}
