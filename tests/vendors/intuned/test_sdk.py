"""Every one of the eleven operations driven through Intuned's own SDK (``intuned-client``
1.1.1), which validates each response against its models: every call here parses."""

from __future__ import annotations

import asyncio

import pytest
from intuned_client import AsyncIntunedClient, IntunedClient
from intuned_client.exceptions import AuthenticationError, NotFoundError, ValidationError
from intuned_client.models import JobsCreateRequestBody, JobsUpdateRequestBody

from jobmock.testing.handle import InProcessHandle
from tests.vendors.intuned.conftest import (
    NEW_JOB,
    PROJECT,
    PROJECT_ID,
    SEED_JOB,
    SEED_RUN,
    WORKSPACE,
)

TERMINAL = {"SUCCESS", "FAILURE", "COMPLETED", "CANCELED", "TERMINATED"}


def test_a_job_from_creation_to_deletion(sdk: IntunedClient, handle: InProcessHandle) -> None:
    jobs = sdk.projects.jobs
    created = jobs.create(project_name=PROJECT, body=JobsCreateRequestBody.model_validate(NEW_JOB))
    assert (created.id, created.message) == ("nightly-crawl", "created")

    job = jobs.get(project_name=PROJECT, job_id="nightly-crawl")
    assert job.state == "ACTIVE"
    assert job.project_id == PROJECT_ID
    assert [item.api_name for item in job.payload or []] == ["get-product"] * 4
    assert "nightly-crawl" in [item.id for item in jobs.list(project_name=PROJECT)]

    triggered = jobs.trigger(project_name=PROJECT, job_id="nightly-crawl")
    assert triggered.job_run_id.startswith("jr_")
    assert len(triggered.job_run_id) == 24

    # Poll until the run ends, moving the manual clock instead of sleeping.
    seen = []
    for _ in range(20):
        run = jobs.runs.get(
            project_name=PROJECT, job_id="nightly-crawl", job_run_id=triggered.job_run_id
        )
        seen.append((run.job_run.status, run.job_run.successful_runs))
        if run.job_run.status in TERMINAL:
            break
        handle.advance("15s")
    assert seen == [("PENDING", 0), ("PENDING", 1), ("PENDING", 2), ("PENDING", 3), ("SUCCESS", 4)]
    assert run.job_run.type == "MANUAL"
    assert run.job_run.end_time is not None
    assert run.results is not None and run.results.format == "json"

    # Three more runs, then page through all four.
    for _ in range(3):
        jobs.trigger(project_name=PROJECT, job_id="nightly-crawl")
        handle.advance("2m")
    first = jobs.runs.list(project_name=PROJECT, job_id="nightly-crawl", page_size="3")
    second = jobs.runs.list(
        project_name=PROJECT, job_id="nightly-crawl", page_size="3", page_number="1"
    )
    assert (first.total_count, second.total_count) == (4, 4)
    assert (len(first), len(second)) == (3, 1)
    assert second[0].id == triggered.job_run_id, "newest first by default: the first run is last"
    oldest_first = jobs.runs.list(
        project_name=PROJECT, job_id="nightly-crawl", sort_by="start_time,asc"
    )
    assert oldest_first[0].id == triggered.job_run_id

    # Pause: the job and its running run pause; resume: both carry on.
    running = jobs.trigger(project_name=PROJECT, job_id="nightly-crawl").job_run_id
    handle.advance("20s")
    assert jobs.pause(project_name=PROJECT, job_id="nightly-crawl").message == "Paused"
    assert jobs.get(project_name=PROJECT, job_id="nightly-crawl").state == "PAUSED"
    handle.advance("5s")
    paused = jobs.runs.get(project_name=PROJECT, job_id="nightly-crawl", job_run_id=running)
    assert paused.job_run.status == "PAUSED"
    assert paused.job_run.reason is not None and paused.job_run.reason.type == "user-request"
    assert jobs.resume(project_name=PROJECT, job_id="nightly-crawl").message == "Resumed"
    assert jobs.get(project_name=PROJECT, job_id="nightly-crawl").state == "ACTIVE"
    handle.advance("5s")
    resumed = jobs.runs.get(project_name=PROJECT, job_id="nightly-crawl", job_run_id=running)
    assert resumed.job_run.status == "PENDING"

    # Terminate it.
    answer = jobs.runs.terminate(project_name=PROJECT, job_id="nightly-crawl", job_run_id=running)
    assert answer.message == "JobRun terminated successfully."
    ended = jobs.runs.get(project_name=PROJECT, job_id="nightly-crawl", job_run_id=running)
    assert ended.job_run.status == "TERMINATED"
    assert ended.job_run.reason is not None and ended.job_run.reason.type == "terminated"

    # Update, then delete.
    updated = jobs.update(
        project_name=PROJECT,
        job_id="nightly-crawl",
        body=JobsUpdateRequestBody.model_validate(
            {**{k: v for k, v in NEW_JOB.items() if k != "id"}, "proxy": "http://p.example:8080"}
        ),
    )
    assert (updated.id, updated.message) == ("nightly-crawl", "updated job successfully")
    assert jobs.get(project_name=PROJECT, job_id="nightly-crawl").proxy == "http://p.example:8080"
    jobs.delete(project_name=PROJECT, job_id="nightly-crawl")
    with pytest.raises(NotFoundError) as info:
        jobs.get(project_name=PROJECT, job_id="nightly-crawl")
    assert info.value.status_code == 404


def test_the_seed_run_parses(sdk: IntunedClient) -> None:
    run = sdk.projects.jobs.runs.get(project_name=PROJECT, job_id=SEED_JOB, job_run_id=SEED_RUN)
    assert run.job_run.id == SEED_RUN
    assert run.job_run.status == "SUCCESS"
    assert (run.job_run.payloads, run.job_run.successful_runs, run.job_run.failed_runs) == (
        100,
        95,
        5,
    )
    assert run.results is not None and run.results.signed_url == "https://example.com/results.json"


def test_every_fixture_job_and_run_parses(sdk: IntunedClient) -> None:
    jobs = sdk.projects.jobs
    listed = jobs.list(project_name=PROJECT)
    assert len(listed) >= 10
    statuses = set()
    for number, item in enumerate(listed):
        jobs.get(project_name=PROJECT, job_id=item.id)
        runs = jobs.runs.list(project_name=PROJECT, job_id=item.id, page_size="100")
        # Every run of the hand-written jobs; of the generated ones (listed after them, 48
        # runs each, all parsed in the list), one in six.
        step = 1 if number < 10 else 6
        for run in runs.job_runs[::step]:
            statuses.add(run.status)
            jobs.runs.get(project_name=PROJECT, job_id=item.id, job_run_id=run.id)
    assert statuses == {
        "CANCELED",
        "PENDING",
        "PAUSED",
        "PAUSING",
        "RESUMING",
        "SUCCESS",
        "FAILURE",
        "TERMINATED",
        "COMPLETED",
    }


def test_401_without_a_key(anonymous_sdk: IntunedClient) -> None:
    with pytest.raises(AuthenticationError) as info:
        anonymous_sdk.projects.jobs.runs.get(
            project_name=PROJECT, job_id=SEED_JOB, job_run_id=SEED_RUN
        )
    assert info.value.status_code == 401
    assert info.value.body["code"] == "unauthorized"


def test_404_for_an_unknown_run(sdk: IntunedClient) -> None:
    with pytest.raises(NotFoundError) as info:
        sdk.projects.jobs.runs.get(project_name=PROJECT, job_id=SEED_JOB, job_run_id="jr_missing")
    assert info.value.status_code == 404
    assert info.value.body["code"] == "not-found"


def test_400_for_an_invalid_body(sdk: IntunedClient) -> None:
    with pytest.raises(ValidationError) as info:
        sdk.projects.jobs.create(
            project_name=PROJECT,
            body=JobsCreateRequestBody.model_validate({**NEW_JOB, "id": "short"}),
        )
    assert info.value.status_code == 400
    assert info.value.body["code"] == "bad-request"
    assert info.value.body["details"] == [
        {"path": ["id"], "message": "String should have at least 7 characters (got 'short')"}
    ]


def test_the_sdk_on_a_port_with_the_real_paths() -> None:
    """``jobmock serve --vendor intuned``: the real paths at the root, the SDK's own client."""
    from tests.helpers import serving

    with serving(["--port", "0", "--vendor", "intuned", "--clock", "manual"]) as server:
        base = f"{server.url}/api/v1/workspace"
        with IntunedClient(api_key="intuned_test_key", workspace_id=WORKSPACE, base_url=base) as c:
            run = c.projects.jobs.runs.get(
                project_name=PROJECT, job_id=SEED_JOB, job_run_id=SEED_RUN
            )
            assert run.job_run.id == SEED_RUN
            triggered = c.projects.jobs.trigger(project_name=PROJECT, job_id="running-job")
            assert triggered.job_run_id.startswith("jr_")
        anonymous = IntunedClient(api_key=None, workspace_id=WORKSPACE, base_url=base)
        with anonymous, pytest.raises(AuthenticationError):
            anonymous.projects.jobs.list(project_name=PROJECT)


def test_the_sdk_with_its_default_base_url_under_intercept(handle: InProcessHandle) -> None:
    """No base URL given: the SDK calls https://app.intuned.io, which intercept() serves."""
    client = IntunedClient(api_key="intuned_test_key", workspace_id=WORKSPACE)
    with handle.intercept(block_other_hosts=True), client:
        run = client.projects.jobs.runs.get(
            project_name=PROJECT, job_id=SEED_JOB, job_run_id=SEED_RUN
        )
        triggered = client.projects.jobs.trigger(project_name=PROJECT, job_id="running-job")
    assert run.job_run.id == SEED_RUN
    assert triggered.job_run_id.startswith("jr_")
    handle.assert_requested(
        "intuned", "triggerJob", times=1, headers={"x-api-key": "intuned_test_key"}
    )
    handle.assert_no_unmatched()


def test_the_async_sdk_with_its_default_base_url_under_intercept(handle: InProcessHandle) -> None:
    async def seed_run_status() -> str:
        async with AsyncIntunedClient(api_key="intuned_test_key", workspace_id=WORKSPACE) as c:
            run = await c.projects.jobs.runs.get(
                project_name=PROJECT, job_id=SEED_JOB, job_run_id=SEED_RUN
            )
            return str(run.job_run.status)

    with handle.intercept(block_other_hosts=True):
        assert asyncio.run(seed_run_status()) == "SUCCESS"
    handle.assert_requested("intuned", "getJobRun", times=1)
