from datetime import datetime

from jobmock.testing import MockHandle

JOBS = "/123e4567-e89b-12d3-a456-426614174000/projects/my-project/jobs"


def test_the_sink_retries_a_failing_receiver_on_the_mock_clock(jobmock: MockHandle) -> None:
    inbox = jobmock.webhook_receiver("results")
    inbox.answer(503, times=2)  # the next two deliveries fail: retried 10 s, then 20 s later
    job = {"id": "sink-crawl", "payload": [{"apiName": "list", "parameters": {}}],
           "configuration": {}, "sink": {"type": "webhook", "url": inbox.url}}  # fmt: skip
    with jobmock.client("intuned", headers={"x-api-key": "intuned_test_key"}) as intuned:
        intuned.post(JOBS, json=job)
        intuned.post(f"{JOBS}/sink-crawl/trigger")
    jobmock.advance("5m")

    [delivery] = jobmock.webhooks(kind="sink")
    assert delivery["status"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 200]
    times = [datetime.fromisoformat(a["at"]) for a in delivery["attempts"]]  # mock clock
    assert [(t - times[0]).total_seconds() for t in times] == [0, 10, 30]
    assert inbox.bodies()[0] == inbox.bodies()[2]  # every attempt carries the same payload
