import httpx

from jobmock import Settings, create_app
from jobmock.testing import InProcessHandle, JobmockTransport


def test_in_process_without_pytest_fixtures() -> None:
    app = create_app(Settings(clock="manual"))
    mock = InProcessHandle(app)  # or RemoteHandle("http://localhost:8000")
    headers = {"X-Api-Key": "nunu_test_key"}
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        job_id = client.post(
            "/nunu/api/v1/runs",
            headers=headers,
            json={
                "multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e",
                "deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26",
            },
        ).json()["job_ids"][0]
        mock.advance("5m")
        job = client.get(f"/nunu/api/v1/jobs/{job_id}", headers=headers).json()

    assert job["status"] == "COMPLETED"
    assert mock.requests(vendor="nunu", method="GET")[-1].status == 200
