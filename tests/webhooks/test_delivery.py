"""Intuned's sink and notifications delivered on a manual clock: each POST at its moment, in
timeline order, with the vendor's payload, before the ``advance`` that crosses it returns."""

from __future__ import annotations

import json

import httpx

from jobmock.testing.handle import InProcessHandle
from tests.webhooks.helpers import WORKSPACE, job, run, start

FAILING = json.dumps([{"status": "PENDING", "at": "0s"}, {"status": "FAILURE", "at": "60s"}])


def sink(url: str, **options: object) -> dict[str, object]:
    return {"type": "webhook", "url": url, "headers": {"Authorization": "Bearer s3cret"}, **options}


def test_each_api_run_is_posted_to_the_sink_as_it_completes(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("sink")
    run_id = start(client, job(sink=sink(receiver.url)))

    handle.advance("14s")
    assert receiver.requests() == [], "the first of four payloads completes at 15 s"
    handle.advance("1s")
    [first] = receiver.requests()
    assert first["headers"]["authorization"] == "Bearer s3cret"
    assert first["headers"]["content-type"] == "application/json"
    body = first["body"]
    assert list(body) == ["apiInfo", "workspaceId", "project", "projectJob", "projectJobRun"]
    assert body["workspaceId"] == WORKSPACE
    assert body["project"] == {"id": WORKSPACE, "name": "my-project"}
    assert body["projectJob"] == {"id": "hooked-job"}
    assert body["projectJobRun"] == {"id": run_id}
    info = body["apiInfo"]
    assert list(info) == ["name", "parameters", "result", "runId"]
    assert info["name"] == "get-product"
    assert info["parameters"] == {"url": "https://shop.example.com/p/1"}
    assert info["result"] == {
        "status": "completed",
        "result": {"jobRun": run_id, "payload": 1, "api": "get-product"},
        "statusCode": 200,
    }

    handle.advance("1h")
    names = [r["body"]["apiInfo"]["name"] for r in receiver.requests()]
    assert names == ["get-product", "get-product", "get-review", "get-product"]
    deliveries = handle.webhooks(kind="sink")
    assert [d["event_at"][11:19] for d in deliveries] == [
        "12:00:15",
        "12:00:30",
        "12:00:45",
        "12:01:00",
    ]
    assert [d["attempts"] for d in deliveries][1] == [
        {"at": "2026-11-01T12:00:30+00:00", "status": 200, "error": None}
    ]
    assert {(d["status"], d["receiver_status"], d["url"]) for d in deliveries} == {
        ("delivered", 200, receiver.url)
    }


def test_a_notification_carries_the_run_as_get_job_run_shows_it_when_it_ends(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("done")
    hook = {"type": "webhook", "url": receiver.url, "headers": {"X-Team": "crawl"}}
    run_id = start(client, job(notifications=[hook]))
    handle.advance("59s")
    assert receiver.requests() == []
    handle.advance("1s")
    [note] = receiver.requests()
    assert note["headers"]["x-team"] == "crawl"
    body = note["body"]
    assert body["jobRun"] == run(client, "hooked-job", run_id)["jobRun"]
    assert (body["jobRun"]["status"], body["jobRun"]["end_time"]) == (
        "SUCCESS",
        "2026-11-01T12:01:00Z",
    )
    assert body["results"]["signed_url_expiration"] == "2026-11-01T13:01:00Z"
    [delivery] = handle.webhooks()
    assert (delivery["kind"], delivery["event_at"]) == (
        "notification",
        "2026-11-01T12:01:00+00:00",
    )


def test_deliveries_of_several_runs_go_out_in_timeline_order(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("all")
    hook = [{"type": "webhook", "url": receiver.url}]
    start(client, job("first-job", sink=sink(receiver.url), notifications=hook))
    handle.advance("20s")
    start(client, job("second-job", sink=sink(receiver.url), notifications=hook))
    handle.advance("5m")  # one move crosses all ten moments
    seen = [
        (d["job"], d["kind"], d["event_at"][14:19]) for d in handle.webhooks(status="delivered")
    ]
    assert seen == [
        ("first-job", "sink", "00:15"),
        ("first-job", "sink", "00:30"),
        ("second-job", "sink", "00:35"),
        ("first-job", "sink", "00:45"),
        ("second-job", "sink", "00:50"),
        ("first-job", "sink", "01:00"),
        ("first-job", "notification", "01:00"),
        ("second-job", "sink", "01:05"),
        ("second-job", "sink", "01:20"),
        ("second-job", "notification", "01:20"),
    ]
    sent = [d["payload"] for d in handle.webhooks()]
    assert receiver.bodies() == sent, "the receiver got them in that order too"


def test_apis_to_send_keeps_only_those_apis(client: httpx.Client, handle: InProcessHandle) -> None:
    receiver = handle.webhook_receiver("reviews")
    start(client, job(sink=sink(receiver.url, apisToSend=["get-review"])))
    handle.advance("2m")
    [only] = receiver.bodies()
    assert only["apiInfo"]["name"] == "get-review"
    assert only["apiInfo"]["parameters"] == {"url": "https://shop.example.com/p/3"}


def test_failed_api_runs_are_sent_unless_skip_on_fail(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    every = handle.webhook_receiver("every")
    some = handle.webhook_receiver("some")
    start(client, job("all-results", sink=sink(every.url)), timeline=FAILING)
    start(client, job("ok-results", sink=sink(some.url, skipOnFail=True)), timeline=FAILING)
    handle.advance("2m")
    results = [b["apiInfo"]["result"] for b in every.bodies()]
    assert [r["status"] for r in results] == ["completed", "failed", "completed", "failed"]
    assert results[1] == {
        "status": "failed",
        "error": "script-execution-exception",
        "message": "The API threw an exception while running.",
        "statusCode": 500,
    }
    kept = [b["apiInfo"]["parameters"]["url"][-3:] for b in some.bodies()]
    assert kept == ["p/1", "p/3"], "the two failed API runs are skipped"


def test_a_terminated_run_sends_what_it_completed_and_its_notification(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("stop")
    hook = [{"type": "webhook", "url": receiver.url}]
    run_id = start(client, job(sink=sink(receiver.url), notifications=hook))
    handle.advance("35s")
    path = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/my-project/jobs/hooked-job"
    stopped = client.post(
        f"{path}/runs/{run_id}/terminate", headers={"x-api-key": "intuned_test_key"}
    )
    assert stopped.status_code == 200
    handle.advance("5m")
    kinds = [d["kind"] for d in handle.webhooks()]
    assert kinds == ["sink", "sink", "notification"]
    note = receiver.bodies()[-1]
    assert (note["jobRun"]["status"], note["jobRun"]["successful_runs"]) == ("TERMINATED", 2)
    assert "results" not in note, "a terminated run has no results"


def test_reset_forgets_deliveries_pending_ones_too(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("reset")
    receiver.answer(503, times=None)
    start(client, job(sink=sink(receiver.url)))
    handle.advance("15s")
    assert [d["status"] for d in handle.webhooks()] == ["pending"], "a retry is due"
    handle.reset()
    assert handle.webhooks() == []
    assert receiver.requests() == []
    handle.advance("1h")
    assert handle.webhooks() == [], "the job went with the reset: nothing is left to send"


def test_setting_the_clock_past_a_moment_delivers_it_too(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    receiver = handle.webhook_receiver("set")
    start(client, job(notifications=[{"type": "webhook", "url": receiver.url}]))
    handle.set_time("2026-11-01T12:00:59Z")
    assert receiver.requests() == []
    handle.set_time("2026-11-01T13:00:00Z")
    assert [r["at"] for r in receiver.requests()] == ["2026-11-01T13:00:00+00:00"]
    handle.set_time("2026-11-01T12:00:00Z")
    handle.set_time("2026-11-01T14:00:00Z")
    assert len(receiver.requests()) == 1, "passing the moment again delivers nothing new"
