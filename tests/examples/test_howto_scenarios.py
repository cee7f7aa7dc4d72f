import pytest

from jobmock.testing import MockHandle
from jobmock.testing.scenario_marker import ScenarioChoice
from tests.examples.nunu_client import NunuClient

GEOLOCATION_TEST = "a5060a07-d386-4279-98ce-b33fb884201e"
PIXEL_8 = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"


@pytest.mark.jobmock_scenarios("nunu")
def test_client_copes_with_every_course(
    jobmock: MockHandle, jobmock_scenario: ScenarioChoice
) -> None:
    # One run per nunu scenario: every job the client starts follows it.
    with NunuClient(jobmock.base_url("nunu"), "nunu_test_key", sleep=jobmock.advance) as client:
        job_id = client.start_run(GEOLOCATION_TEST, PIXEL_8)
        jobmock.advance("2h")
        job = client.job(job_id)

    expected = {"slow-then-fails": "ERROR", "stuck-queued": None}
    result = job["runs"][0]["result"] if job["status"] == "COMPLETED" else None
    assert result == expected.get(jobmock_scenario.name, "SUCCESS")
