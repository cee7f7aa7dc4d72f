from jobmock.testing import MockHandle
from tests.examples.nunu_client import NunuClient

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"


def test_client_retries_a_503_after_retry_after(jobmock: MockHandle) -> None:
    jobmock.fail_next("nunu", operation="getJobDetails", status=503, retry_after=10, times=2)

    with NunuClient(jobmock.base_url("nunu"), "nunu_test_key", sleep=jobmock.advance) as client:
        job = client.job(SEED_JOB)

    assert job["status"] == "COMPLETED"
    statuses = [r.status for r in jobmock.requests(vendor="nunu", job=SEED_JOB)]
    assert statuses == [503, 503, 200]
    jobmock.assert_polled("nunu", SEED_JOB, times=3, honours_retry_after=True)
