import httpx
import pytest

from jobmock.testing import MockHandle
from tests.examples.nunu_client import NunuClient

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"


def test_client_survives_a_dropped_connection(jobmock: MockHandle) -> None:
    jobmock.fail_next("nunu", drop=True)

    with NunuClient(jobmock.base_url("nunu"), "nunu_test_key", sleep=jobmock.advance) as client:
        assert client.job(SEED_JOB)["job_id"] == SEED_JOB

    assert [r.status for r in jobmock.requests(vendor="nunu")] == [0, 200]


def test_without_retries_the_drop_reaches_the_caller(jobmock: MockHandle) -> None:
    jobmock.fail_next("nunu", drop=True)

    with (
        NunuClient(jobmock.base_url("nunu"), "nunu_test_key", retries=0) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.job(SEED_JOB)
