import pytest

from jobmock.testing import MockHandle
from tests.examples.nunu_client import NunuClient

RUNNING_JOB = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"  # completes 3 minutes after start


def test_a_client_that_polls_too_eagerly_is_caught(jobmock: MockHandle) -> None:
    # This client's sleep is ten times too short: it polls every 3 s, not every 30 s.
    too_short = lambda seconds: jobmock.advance(seconds / 10)  # noqa: E731
    with NunuClient(jobmock.base_url("nunu"), "nunu_test_key", sleep=too_short) as client:
        client.wait(RUNNING_JOB, interval=30)

    with pytest.raises(AssertionError) as failure:
        jobmock.assert_polled("nunu", RUNNING_JOB, min_interval="30s")
    assert "came sooner than 30s after the previous one" in str(failure.value)
