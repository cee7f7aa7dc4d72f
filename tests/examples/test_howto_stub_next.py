from jobmock.testing import MockHandle

JOB = "/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e"


def test_next_answers_are_stubbed(jobmock: MockHandle) -> None:
    jobmock.stub_next("nunu", "getJobDetails", json={"status": "PAUSED"})  # next year's enum
    with jobmock.client("nunu", headers={"X-Api-Key": "nunu_test_key"}) as nunu:
        assert nunu.get(JOB).json() == {"status": "PAUSED"}
        assert nunu.get(JOB, headers={"Prefer": "code=404"}).status_code == 404
