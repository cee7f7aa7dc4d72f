import httpx
from intuned_client import IntunedClient
from intuned_client.models import JobsCreateRequestBody

from jobmock.testing import MockHandle

WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"


def test_results_download_until_their_url_expires(jobmock: MockHandle) -> None:
    base = jobmock.base_url("intuned")
    with IntunedClient(api_key="intuned_test_key", workspace_id=WORKSPACE, base_url=base) as sdk:
        body = {"id": "daily-export", "payload": [{"apiName": "export", "parameters": {}}],
                "configuration": {}}  # fmt: skip
        sdk.projects.jobs.create(project_name="my-project", body=JobsCreateRequestBody(**body))
        run_id = sdk.projects.jobs.trigger(project_name="my-project", job_id="daily-export")
        jobmock.advance("1m")
        run = sdk.projects.jobs.runs.get(
            project_name="my-project", job_id="daily-export", job_run_id=run_id.job_run_id
        )

    assert run.results is not None
    assert httpx.get(run.results.signed_url).json()[0]["apiInfo"]["name"] == "export"
    jobmock.advance("61m")  # past signed_url_expiration: S3's answer to an expired URL
    expired = httpx.get(run.results.signed_url)
    assert expired.status_code == 403 and "Request has expired" in expired.text
