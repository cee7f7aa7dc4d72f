"""assert_requested, assert_not_requested, assert_no_unmatched and the typed journal records,
in process and against a served jobmock: the same verbs, the same messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import FrozenInstanceError, fields

import httpx
import pytest

from jobmock.core.journal import ENTRY_FIELDS
from jobmock.testing.handle import InProcessHandle, JobmockError, MockHandle, RemoteHandle
from jobmock.testing.records import RequestRecord
from tests.helpers import serving

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
KEY = {"X-Api-Key": "nunu_test_key"}
NEW_RUN = {
    "multiplayer_test_id": "a5060a07-d386-4279-98ce-b33fb884201e",
    "deployment_config_id": "90c192cf-d3ac-44af-8f21-ddb66cad4a26",
}


def seen(mock: MockHandle) -> tuple[str, str, str, str]:
    """How a failure names the four requests of ``_traffic`` (numbered on from the server's
    earlier requests: a reset does not restart the count)."""
    n = mock.requests()[0].seq
    return (
        f"#{n} POST /nunu/api/v1/runs -> 201 (startRun)",
        f"#{n + 1} GET /nunu/api/v1/jobs/{SEED_JOB} -> 200 (getJobDetails)",
        f"#{n + 2} GET /nunu/api/v1/job/{SEED_JOB} -> 404 (no route)",
        f"#{n + 3} GET /nunu/api/v1/jobs/{SEED_JOB} -> 401 (getJobDetails)",
    )


def _traffic(client: httpx.Client, root: str = "") -> None:
    """A run started, a read, a wrong path, a wrong key: requests #1 to #4."""
    client.post(f"{root}/nunu/api/v1/runs", json=NEW_RUN, headers=KEY)
    client.get(f"{root}/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
    client.get(f"{root}/nunu/api/v1/job/{SEED_JOB}", headers=KEY)
    client.get(f"{root}/nunu/api/v1/jobs/{SEED_JOB}", headers={"X-Api-Key": "nope"})


@pytest.fixture(scope="module")
def remote() -> Iterator[RemoteHandle]:
    with serving(["--port", "0", "--clock", "manual"]) as server:
        handle = RemoteHandle(server.url)
        yield handle
        handle.close()


@pytest.fixture(params=["in-process", "remote"])
def mock(
    request: pytest.FixtureRequest, handle: InProcessHandle, client: httpx.Client
) -> MockHandle:
    """Either handle, after the same four requests."""
    if request.param == "in-process":
        _traffic(client)
        return handle
    remote: RemoteHandle = request.getfixturevalue("remote")
    remote.reset()
    with httpx.Client() as http:
        _traffic(http, remote.url)
    return remote


def test_assert_requested_returns_the_matching_requests(mock: MockHandle) -> None:
    first = mock.requests()[0].seq
    (started,) = mock.assert_requested("nunu", "startRun", times=1, json=NEW_RUN, headers=KEY)
    assert (started.seq, started.status, started.json()) == (first, 201, NEW_RUN)
    reads = mock.assert_requested("nunu", method="get", path="/jobs/*", job=SEED_JOB)
    assert [r.seq - first for r in reads] == [1, 3]


def test_a_miss_shows_the_closest_requests_with_what_differed(mock: MockHandle) -> None:
    STARTED, READ, WRONG_PATH, WRONG_KEY = seen(mock)
    with pytest.raises(AssertionError) as failure:
        mock.assert_requested("nunu", "startRun", json={**NEW_RUN, "extra": 1})
    assert str(failure.value) == (
        "expected nunu requests with operation='startRun', json={"
        '"deployment_config_id":"90c192cf-d3ac-44af-8f21-ddb66cad4a26",'
        '"extra":1,"multiplayer_test_id":"a5060a07-d386-4279-98ce-b33fb884201e"} at least '
        "once; matched 0.\n"
        "Closest of the 4 nunu request(s):\n"
        f"  {STARTED}: json is {{"
        '"deployment_config_id":"90c192cf-d3ac-44af-8f21-ddb66cad4a26",'
        '"multiplayer_test_id":"a5060a07-d386-4279-98ce-b33fb884201e"}\n'
        f"  {WRONG_KEY}: operation is getJobDetails; body is not JSON (empty)\n"
        f"  {WRONG_PATH}: operation is none (no route); body is not JSON (empty)\n"
        f"  {READ}: operation is getJobDetails; body is not JSON (empty)"
    )


def test_headers_are_compared_by_value_whatever_the_case_of_their_name(mock: MockHandle) -> None:
    STARTED, READ, WRONG_PATH, WRONG_KEY = seen(mock)
    with pytest.raises(AssertionError) as failure:
        mock.assert_requested("nunu", path="/jobs/*", headers={"x-api-key": "other"})
    assert str(failure.value).splitlines()[2:] == [
        f"  {WRONG_KEY}: x-api-key is 'nope'",
        f"  {READ}: x-api-key is 'nunu_test_key'",
        f"  {WRONG_PATH}: path is /api/v1/job/{SEED_JOB}; x-api-key is 'nunu_test_key'",
        f"  {STARTED}: path is /api/v1/runs; x-api-key is 'nunu_test_key'",
    ]


def test_too_many_matches_are_listed(mock: MockHandle) -> None:
    _, READ, _, WRONG_KEY = seen(mock)
    with pytest.raises(AssertionError) as failure:
        mock.assert_requested("nunu", "getJobDetails", times=1)
    assert str(failure.value) == (
        "expected nunu requests with operation='getJobDetails' 1 time(s); matched 2:\n"
        f"  {READ}\n  {WRONG_KEY}"
    )


def test_assert_not_requested(mock: MockHandle) -> None:
    STARTED, _, _, _ = seen(mock)
    mock.assert_not_requested("nunu", "stopRuns")
    mock.assert_not_requested("nunu", "startRun", json={"other": 1})
    with pytest.raises(AssertionError) as failure:
        mock.assert_not_requested("nunu", "startRun")
    assert str(failure.value) == (
        f"expected no nunu requests with operation='startRun'; 1 came:\n  {STARTED}"
    )


def test_nothing_sent_to_the_vendor_shows_what_was_sent_elsewhere(mock: MockHandle) -> None:
    STARTED, READ, WRONG_PATH, WRONG_KEY = seen(mock)
    with pytest.raises(AssertionError) as failure:
        mock.assert_requested("intuned")
    assert str(failure.value) == (
        "expected intuned requests at least once; matched 0.\n"
        "No request reached intuned; the last ones jobmock got:\n"
        f"  {STARTED}\n  {READ}\n  {WRONG_PATH}\n  {WRONG_KEY}"
    )


def test_an_operation_that_cannot_match_is_refused(mock: MockHandle) -> None:
    with pytest.raises(JobmockError) as unknown:
        mock.assert_requested("nunu", "startRuns")
    assert str(unknown.value).endswith(
        "nunu has no operation 'startRuns'; the closest: startRun, stopRuns, listRuns "
        "(`jobmock routes` lists every operation id); no request could match"
    )
    assert unknown.value.status == 400
    with pytest.raises(JobmockError) as wrong_method:
        mock.assert_not_requested("nunu", "startRun", method="GET")
    assert str(wrong_method.value).endswith(
        "no nunu operation is GET and is named 'startRun': startRun is POST /api/v1/runs "
        "(startRun); no request could match"
    )


def test_assert_no_unmatched_names_each_request_and_the_nearest_path(mock: MockHandle) -> None:
    _, _, WRONG_PATH, WRONG_KEY = seen(mock)
    with pytest.raises(AssertionError) as failure:
        mock.assert_no_unmatched()
    assert str(failure.value) == (
        "2 request(s) hit no known route or had their credentials refused:\n"
        f"  {WRONG_PATH}: no such route; did you mean GET /api/v1/jobs/{{jobId}}?\n"
        f"  {WRONG_KEY}: credentials refused"
    )
    mock.assert_no_unmatched("intuned")


def test_an_injected_401_and_a_403_are_not_unmatched(
    handle: InProcessHandle, client: httpx.Client
) -> None:
    handle.fail_next("nunu", status=401)
    assert client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY).status_code == 401
    wrong_project = client.get(f"/nunu/api/v1/project/other/jobs/{SEED_JOB}", headers=KEY)
    assert wrong_project.status_code == 403
    handle.assert_no_unmatched()


def test_a_path_under_no_vendor_is_unmatched(handle: InProcessHandle, client: httpx.Client) -> None:
    client.get("/nunnu/api/v1/jobs")
    n = handle.requests()[0].seq
    with pytest.raises(AssertionError) as failure:
        handle.assert_no_unmatched()
    assert str(failure.value).splitlines()[1] == (
        f"  #{n} GET /nunnu/api/v1/jobs -> 404 (no route): no such route; "
        "did you mean /nunu/api/v1?"
    )


def test_records_are_frozen_and_carry_every_journal_field(mock: MockHandle) -> None:
    STARTED, _, _, _ = seen(mock)
    assert [f.name for f in fields(RequestRecord)] == list(ENTRY_FIELDS)
    record = mock.requests()[0]
    assert isinstance(record, RequestRecord)
    with pytest.raises(FrozenInstanceError):
        record.status = 500  # type: ignore[misc]
    assert record.header("X-API-KEY") == "nunu_test_key"
    assert record.to_dict() == RequestRecord.from_dict(record.to_dict()).to_dict()
    assert record.describe() == STARTED
    assert mock.polls("nunu", SEED_JOB)[0].state == "COMPLETED"
