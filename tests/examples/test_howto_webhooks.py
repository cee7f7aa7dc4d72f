from jobmock.testing import MockHandle

JOBS = "/123e4567-e89b-12d3-a456-426614174000/projects/my-project/jobs"


def test_a_notification_arrives_when_the_run_ends(jobmock: MockHandle) -> None:
    inbox = jobmock.webhook_receiver()  # built into jobmock: no server of your own
    hook = {"type": "webhook", "url": inbox.url}
    job = {"id": "nightly-crawl", "payload": [{"apiName": "list", "parameters": {}}],
           "configuration": {}, "notifications": [hook]}  # fmt: skip
    with jobmock.client("intuned", headers={"x-api-key": "intuned_test_key"}) as intuned:
        intuned.post(JOBS, json=job)
        intuned.post(f"{JOBS}/nightly-crawl/trigger")
    jobmock.advance("1m")  # the run ends: its notification is delivered before this returns
    assert inbox.bodies()[0]["jobRun"]["status"] == "SUCCESS"
