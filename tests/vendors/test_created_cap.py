"""What clients create is capped per vendor (``max_created_jobs``): one more job or run is a 429
in the vendor's own shape, nothing already created is dropped, and a reset lifts the cap."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from jobmock import Settings
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, http_client
from tests.vendors.intuned.conftest import BASE as INTUNED
from tests.vendors.intuned.conftest import KEY as INTUNED_KEY
from tests.vendors.nunu.conftest import BASE as NUNU
from tests.vendors.nunu.conftest import KEY as NUNU_KEY
from tests.vendors.osapi.conftest import SEED_JOB as OSAPI_JOB
from tests.vendors.osapi.conftest import bearer
from tests.vendors.prunner.conftest import token as prunner_token

CAP = 3
REFUSAL = (
    f"jobmock holds at most {CAP} jobs and runs created by clients per vendor ({CAP} so far); "
    "reset it (POST /_mock/reset) or raise --max-created-jobs"
)
NUNU_START = {
    "multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e",
    "deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26",
}


@pytest.fixture(scope="module")
def capped() -> JobmockApp:
    return build_app(max_created_jobs=CAP)


@pytest.fixture
def client(capped: JobmockApp) -> Iterator[httpx.Client]:
    capped.runtime.store.reset()
    with http_client(capped) as c:
        yield c


def nunu_start(client: httpx.Client) -> httpx.Response:
    return client.post(NUNU + "/runs", json=NUNU_START, headers=NUNU_KEY)


def intuned_trigger(client: httpx.Client) -> httpx.Response:
    headers = {"x-api-key": INTUNED_KEY}
    return client.post(f"{INTUNED}/jobs/my-sample-job/trigger", headers=headers)


def prunner_schedule(client: httpx.Client) -> httpx.Response:
    headers = {"Authorization": f"Bearer {prunner_token()}"}
    return client.post("/prunner/pipelines/schedule", json={"pipeline": "release"}, headers=headers)


def osapi_retry(client: httpx.Client) -> httpx.Response:
    return client.post(f"/osapi/job/{OSAPI_JOB}/retry", headers=bearer())


Create = Callable[[httpx.Client], httpx.Response]


@pytest.mark.parametrize(
    "create, created, body",
    [
        (nunu_start, 201, {"error": REFUSAL}),
        (prunner_schedule, 202, {"error": REFUSAL}),
        (osapi_retry, 201, {"error": REFUSAL}),
    ],
    ids=["nunu", "prunner", "osapi"],
)
def test_one_more_than_the_cap_is_a_429(
    client: httpx.Client, create: Create, created: int, body: dict[str, str]
) -> None:
    for _ in range(CAP):
        assert create(client).status_code == created
    refused = create(client)
    assert (refused.status_code, refused.json()) == (429, body)
    assert "retry-after" not in refused.headers


def test_intuned_counts_jobs_and_runs(client: httpx.Client, handle: InProcessHandle) -> None:
    headers = {"x-api-key": INTUNED_KEY}
    job = {"id": "capped-job", "payload": [{"apiName": "a", "parameters": {}}], "configuration": {}}
    assert client.post(f"{INTUNED}/jobs", json=job, headers=headers).status_code == 201
    for _ in range(CAP - 1):
        assert intuned_trigger(client).status_code == 200
        handle.advance("61s")
    refused = intuned_trigger(client)
    assert refused.status_code == 429
    body = refused.json()
    assert uuid.UUID(body.pop("correlationId")).version == 4
    assert body == {
        "code": "too-many-requests",
        "category": "user",
        "message": REFUSAL,
        "retirable": True,
    }
    # Nothing was dropped: the job made before the cap is still there.
    assert client.get(f"{INTUNED}/jobs/capped-job", headers=headers).status_code == 200


def test_a_start_of_several_jobs_is_all_or_nothing(client: httpx.Client) -> None:
    def queued() -> int:
        jobs = client.get(NUNU + "/jobs", params={"status": "queued"}, headers=NUNU_KEY).json()
        return int(jobs["pagination"]["total_count"])

    before = queued()
    assert nunu_start(client).status_code == 201
    response = client.post(NUNU + "/runs", json={**NUNU_START, "instances": CAP}, headers=NUNU_KEY)
    assert (response.status_code, response.json()) == (
        429,
        {"error": REFUSAL.replace(f"({CAP} so far)", "(1 so far)")},
    )
    assert queued() == before + 1
    response = client.post(NUNU + "/runs", json={**NUNU_START, "instances": 2}, headers=NUNU_KEY)
    assert response.status_code == 201
    assert queued() == before + CAP


def test_caps_are_per_vendor_and_lifted_by_reset(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    for _ in range(CAP):
        nunu_start(client)
    assert nunu_start(client).status_code == 429
    assert prunner_schedule(client).status_code == 202
    handle.reset()
    assert nunu_start(client).status_code == 201


@pytest.fixture
def handle(capped: JobmockApp) -> InProcessHandle:
    return InProcessHandle(capped)


def test_the_default_cap() -> None:
    assert Settings().max_created_jobs == 10_000
