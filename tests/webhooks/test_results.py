"""A finished run's ``results.signed_url`` downloads from jobmock itself, the whole flow through
Intuned's own SDK; past ``signed_url_expiration`` on the mock clock it answers as S3 does."""

from __future__ import annotations

import json
from collections import Counter

import httpx
from intuned_client import IntunedClient
from intuned_client.models import JobsCreateRequestBody

from jobmock.testing.server import MockServer
from tests.conftest import START
from tests.webhooks.helpers import BASE, KEY, WORKSPACE, job, start

TERMINAL = {"SUCCESS", "FAILURE", "COMPLETED", "CANCELED", "TERMINATED"}
FAILING = json.dumps(
    [
        {"status": "PENDING", "at": "0s"},
        {"status": "COMPLETED", "at": "60s", "successful_runs": 3, "failed_runs": 1},
    ]
)


def test_create_trigger_poll_and_download_through_the_sdk() -> None:
    with (
        MockServer(start_time=START, vendors=("intuned",)) as server,
        IntunedClient(
            api_key="intuned_test_key",
            workspace_id=WORKSPACE,
            base_url=server.base_url("intuned"),
        ) as sdk,
    ):
        jobs = sdk.projects.jobs
        jobs.create(project_name="my-project", body=JobsCreateRequestBody.model_validate(job()))
        run_id = jobs.trigger(project_name="my-project", job_id="hooked-job").job_run_id
        for _ in range(10):
            found = jobs.runs.get(project_name="my-project", job_id="hooked-job", job_run_id=run_id)
            if found.job_run.status in TERMINAL:
                break
            server.handle.advance("30s")
        assert found.job_run.status == "SUCCESS"
        results = found.results
        assert results is not None
        assert results.signed_url.startswith(f"{server.url}/_mock/storage/intuned/{WORKSPACE}/")
        download = httpx.get(results.signed_url)
        assert download.status_code == 200
        assert download.headers["content-type"] == "application/json"
        assert len(download.content) == results.size
        document = download.json()
        assert len(document) == found.job_run.successful_runs == 4
        assert [entry["apiInfo"]["name"] for entry in document] == [
            "get-product",
            "get-product",
            "get-review",
            "get-product",
        ]
        assert {entry["projectJobRun"]["id"] for entry in document} == {run_id}
        server.check()


def test_the_document_agrees_with_the_runs_counts_and_its_sink(client: httpx.Client) -> None:
    receiver_url = "http://jobmock/_mock/webhooks/receiver/counts"
    run_id = start(client, job(sink={"type": "webhook", "url": receiver_url}), timeline=FAILING)
    assert client.post("/_mock/clock", json={"advance": "2m"}).status_code == 200
    found = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY).json()
    counts = (found["jobRun"]["successful_runs"], found["jobRun"]["failed_runs"])
    document = client.get(found["results"]["signed_url"]).json()
    statuses = Counter(entry["apiInfo"]["result"]["status"] for entry in document)
    assert (statuses["completed"], statuses["failed"]) == counts == (3, 1)
    received = client.get("/_mock/webhooks/receiver/counts").json()["received"]
    assert [r["body"] for r in received] == document, "the sink got the same entries"


def test_past_its_expiration_the_url_answers_as_s3_does(client: httpx.Client) -> None:
    run_id = start(client, job())
    client.post("/_mock/clock", json={"advance": "1m"})
    results = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY).json()["results"]
    assert results["signed_url_expiration"] == "2026-11-01T13:01:00Z"
    client.post("/_mock/clock", json={"set": "2026-11-01T13:01:00Z"})
    assert client.get(results["signed_url"]).status_code == 200, "valid to the second"
    client.post("/_mock/clock", json={"advance": 1})
    expired = client.get(results["signed_url"])
    assert expired.status_code == 403
    assert expired.headers["content-type"] == "application/xml"
    assert expired.text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
        "<X-Amz-Expires>3600</X-Amz-Expires><Expires>2026-11-01T13:01:00Z</Expires>"
        "<ServerTime>2026-11-01T13:01:01Z</ServerTime><RequestId>1CE6EC153BDF294D</RequestId>"
        "</Error>"
    )
    fresh = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY).json()["results"]
    assert client.get(fresh["signed_url"]).status_code == 200, "reading the run signs anew"


def test_a_changed_url_or_a_gone_run_is_refused(client: httpx.Client) -> None:
    run_id = start(client, job())
    client.post("/_mock/clock", json={"advance": "1m"})
    url = client.get(f"{BASE}/jobs/hooked-job/runs/{run_id}", headers=KEY).json()["results"][
        "signed_url"
    ]
    tampered = client.get(url.replace("X-Amz-Expires=3600", "X-Amz-Expires=9999"))
    assert tampered.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in tampered.text
    unsigned = client.get(url.split("?")[0])
    assert (unsigned.status_code, "<Code>AccessDenied</Code>" in unsigned.text) == (403, True)
    assert client.delete(f"{BASE}/jobs/hooked-job", headers=KEY).status_code == 204
    gone = client.get(url)
    assert gone.status_code == 404
    assert "<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>" in gone.text
