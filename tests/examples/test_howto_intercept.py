from jobmock.testing import Interceptor, MockHandle
from tests.examples.nunu_client import NunuClient

TEST, DEVICE = "a5060a07-d386-4279-98ce-b33fb884201e", "90c192cf-d3ac-44af-8f21-ddb66cad4a26"


def test_real_base_url(jobmock: MockHandle, jobmock_intercept: Interceptor) -> None:
    with NunuClient("https://nunu.ai/api/v1", "nunu_test_key", sleep=jobmock.advance) as client:
        client.wait(client.start_run(TEST, DEVICE), interval=30)  # the real URL: no port, no net
    sent = {"multiplayer_test_id": TEST, "deployment_config_id": DEVICE}
    jobmock.assert_requested("nunu", "startRun", times=1, json=sent)
    jobmock.assert_no_unmatched()  # no wrong path, no refused key
    assert len(jobmock.har()["log"]["entries"]) == len(jobmock.requests())  # HAR 1.2 for devtools
