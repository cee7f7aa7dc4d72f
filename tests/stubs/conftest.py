"""Each vendor as the stub, Prefer and scenario tests reach it: credentials, a seed job's read,
and how a client creates a job and reads it back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.vendors.intuned.conftest import BASE as INTUNED
from tests.vendors.intuned.conftest import NEW_JOB
from tests.vendors.osapi.conftest import bearer
from tests.vendors.prunner.conftest import token

NUNU_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
GEOLOCATION_TEST = "a5060a07-d386-4279-98ce-b33fb884201e"
PIXEL_8 = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"


@dataclass(frozen=True)
class Target:
    vendor: str
    headers: dict[str, str]
    poll: str
    """A read of a seed job (or run)."""
    operation: str
    """That read's operation id."""

    def get(self, client: httpx.Client, **headers: str) -> httpx.Response:
        return client.get(self.poll, headers={**self.headers, **headers})

    def create(self, client: httpx.Client, **headers: str) -> httpx.Response:
        """The vendor's creating call, as a client makes it."""
        sent = {**self.headers, **headers}
        if self.vendor == "nunu":
            body = {"multiplayer_test_id": GEOLOCATION_TEST, "deployment_config_id": PIXEL_8}
            return client.post("/nunu/api/v1/runs", json=body, headers=sent)
        if self.vendor == "intuned":
            made = client.post(f"{INTUNED}/jobs", json=NEW_JOB, headers=self.headers)
            assert made.status_code == 201, made.text
            return client.post(f"{INTUNED}/jobs/{NEW_JOB['id']}/trigger", headers=sent)
        if self.vendor == "prunner":
            body = {"pipeline": "release"}
            return client.post("/prunner/pipelines/schedule", json=body, headers=sent)
        body = {"command": "id"}
        return client.post("/osapi/node/web-01/command/shell", json=body, headers=sent)

    def job_path(self, job: str) -> str:
        """Where a client reads a job ``create`` made."""
        return {
            "nunu": f"/nunu/api/v1/jobs/{job}",
            "intuned": f"{INTUNED}/jobs/{NEW_JOB['id']}/runs/{job}",
            "prunner": f"/prunner/job/detail?id={job}",
            "osapi": f"/osapi/job/{job}",
        }[self.vendor]

    def created(self, response: httpx.Response) -> str:
        body: dict[str, Any] = response.json()
        found = {
            "nunu": lambda: body["job_ids"][0],
            "intuned": lambda: body["jobRunId"],
            "prunner": lambda: body["jobId"],
            "osapi": lambda: body["job_id"],
        }[self.vendor]()
        return str(found)


TARGETS = {
    "nunu": Target(
        "nunu", {"X-Api-Key": "nunu_test_key"}, f"/nunu/api/v1/jobs/{NUNU_JOB}", "getJobDetails"
    ),
    "intuned": Target(
        "intuned",
        {"x-api-key": "intuned_test_key"},
        f"{INTUNED}/jobs/my-sample-job/runs/jr_abc123def456ghi789xyz",
        "getJobRun",
    ),
    "prunner": Target(
        "prunner",
        {"Authorization": f"Bearer {token()}"},
        "/prunner/job/detail?id=52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8",
        "jobDetail",
    ),
    "osapi": Target(
        "osapi", bearer(), "/osapi/job/3fa85f64-5717-4562-b3fc-2c963f66afa6", "GetJobByID"
    ),
}
VENDORS = list(TARGETS)
