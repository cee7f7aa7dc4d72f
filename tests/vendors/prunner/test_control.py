"""prunner through the control API, the CLI, and `jobmock serve --vendor prunner`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import httpx
import jwt
import pytest

from jobmock.cli import main
from jobmock.testing.handle import InProcessHandle, JobmockError
from tests.helpers import serving
from tests.vendors.helpers import build_app, http_client
from tests.vendors.prunner.conftest import SECRET, SEED_JOB, Prunner, token


def test_add_job_in_fixture_format(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = handle.add_job(
        "prunner",
        {
            "pipeline": "release",
            "user": "control",
            "variables": {"k": "v"},
            "tasks": {"build": {"duration": "1s"}},
        },
    )
    assert job_id in handle.job_ids("prunner")
    job = prunner.detail(job_id)
    assert (job["user"], job["variables"], job["start"]) == ("control", {"k": "v"}, job["created"])
    handle.advance("1s")
    assert prunner.detail(job_id)["tasks"][0]["status"] == "done"
    handle.delete_job("prunner", job_id)
    assert prunner.get("/job/detail", id=job_id).status_code == 404


def test_add_job_refusals(handle: InProcessHandle) -> None:
    with pytest.raises(JobmockError, match="pipeline: this field is required"):
        handle.add_job("prunner", {"user": "x"})
    with pytest.raises(JobmockError, match='pipeline "nope" is not defined'):
        handle.add_job("prunner", {"pipeline": "nope"})
    handle.add_job("prunner", {"pipeline": "exclusive"})
    with pytest.raises(JobmockError, match="concurrency exceeded and queueing disabled"):
        handle.add_job("prunner", {"pipeline": "exclusive"})


def test_journal_names_operation_and_job(prunner: Prunner, handle: InProcessHandle) -> None:
    prunner.get("/job/detail", id=SEED_JOB)
    prunner.client.get("/prunner/job/detail", params={"id": SEED_JOB})  # no token
    detail, refused = handle.requests(vendor="prunner", path="/job/detail")
    assert (detail.operation, detail.job, detail.status) == ("jobDetail", SEED_JOB, 200)
    assert (refused.operation, refused.status) == ("jobDetail", 401)


def test_token_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "prunner", "--sub", "j.doe", "--exp", "1h"]) == 0
    minted = capsys.readouterr().out.strip()
    claims = jwt.decode(minted, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert set(claims) == {"sub", "exp"} and claims["sub"] == "j.doe"


def test_openapi_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "prunner"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["info"]["title"] == "prunner API"
    operations = {
        op["operationId"]: (path, method)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    }
    assert operations == {
        "pipelines": ("/pipelines/", "get"),
        "pipelinesJobs": ("/pipelines/jobs", "get"),
        "pipelinesSchedule": ("/pipelines/schedule", "post"),
        "jobDetail": ("/job/detail", "get"),
        "jobLogs": ("/job/logs", "get"),
        "jobCancel": ("/job/cancel", "post"),
    }
    detail = document["paths"]["/job/detail"]["get"]
    assert detail["security"] == [{"bearerAuth": []}, {"jwtCookie": []}]
    assert [p["name"] for p in detail["parameters"]] == ["id"]
    assert "422" not in json.dumps(document)
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "jwtCookie"}


def test_served_alone_at_the_root() -> None:
    with serving(["--vendor", "prunner", "--port", "0"]) as server:
        request = urllib.request.Request(
            f"{server.url}/job/detail?id={SEED_JOB}", headers={"Authorization": f"Bearer {token()}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["id"] == SEED_JOB
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{server.url}/pipelines/", timeout=5)
        assert info.value.code == 401 and info.value.read() == b"no token found\n"
        assert any("/prunner" not in line and "prunner" in line for line in server.banner)


def test_two_apps_do_not_share_jobs(client: httpx.Client) -> None:
    other = build_app(vendors=("prunner",))
    with http_client(other) as second:
        headers = {"Authorization": f"Bearer {token()}"}
        job_id = second.post(
            "/prunner/pipelines/schedule", json={"pipeline": "release"}, headers=headers
        ).json()["jobId"]
        assert (
            client.get("/prunner/job/detail", params={"id": job_id}, headers=headers).status_code
            == 404
        )
