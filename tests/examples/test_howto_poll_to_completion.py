from jobmock.testing import MockHandle
from tests.examples.nunu_client import NunuClient

GEOLOCATION_TEST = "a5060a07-d386-4279-98ce-b33fb884201e"
PIXEL_8 = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"


def test_run_is_polled_to_completion(jobmock: MockHandle) -> None:
    # The client's sleep moves jobmock's manual clock: four minutes of polling take no time.
    with NunuClient(jobmock.base_url("nunu"), "nunu_test_key", sleep=jobmock.advance) as client:
        job_id = client.start_run(GEOLOCATION_TEST, PIXEL_8)
        job = client.wait(job_id, interval=30)

    assert job["status"] == "COMPLETED"
    assert job["runs"][0]["result"] == "SUCCESS"
    jobmock.assert_polled("nunu", job_id, min_interval="30s", stops_when_terminal=True)
