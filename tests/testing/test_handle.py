"""The handle's verbs work the same against an app in this process and a server over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from jobmock.main import JobmockApp
from jobmock.settings import known_vendors
from jobmock.testing import InProcessHandle, MockHandle, RemoteHandle
from jobmock.testing.handle import JobmockError
from tests.helpers import serving

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
FIXTURE_RUNNING = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"


@pytest.fixture(scope="module")
def remote() -> Iterator[RemoteHandle]:
    with serving(
        ["--port", "0", "--clock", "manual", "--start-time", "2026-11-01T12:00:00Z"]
    ) as server:
        handle = RemoteHandle(server.url)
        yield handle
        handle.close()


@pytest.fixture(params=["in-process", "remote"])
def mock(request: pytest.FixtureRequest, app: JobmockApp) -> MockHandle:
    if request.param == "remote":
        handle: MockHandle = request.getfixturevalue("remote")
    else:
        handle = InProcessHandle(app)
    handle.reset()
    return handle


def test_clock_verbs(mock: MockHandle) -> None:
    start = mock.now()
    assert start.isoformat() == "2026-11-01T12:00:00+00:00"
    assert mock.clock_mode() == "manual"
    assert (mock.advance("5m") - start).total_seconds() == 300
    assert (mock.advance(30) - start).total_seconds() == 330
    assert mock.set_time("2027-01-01T00:00:00Z").year == 2027
    mock.set_clock_scale(120)
    assert (mock.clock_mode(), mock.clock_scale()) == ("manual", 120.0)
    resumed = mock.resume()
    assert resumed.year == 2027
    assert mock.clock_mode() == "real"
    assert mock.now() >= resumed
    frozen = mock.freeze()
    assert mock.now() == frozen
    assert frozen <= mock.resume(scale=3) < frozen + timedelta(seconds=1)
    assert mock.clock_scale() == 3.0
    with pytest.raises(JobmockError, match="scale"):
        mock.set_clock_scale(-1)
    mock.reset()
    assert mock.now() == start
    assert (mock.clock_mode(), mock.clock_scale()) == ("manual", 1.0)


def test_job_verbs(mock: MockHandle) -> None:
    job_id = mock.add_job("nunu", {"status": "QUEUED", "test_name": "from the handle"})
    assert job_id in mock.job_ids("nunu")
    mock.delete_job("nunu", job_id)
    assert job_id not in mock.job_ids("nunu")
    with pytest.raises(JobmockError, match="no nunu job"):
        mock.delete_job("nunu", job_id)
    with pytest.raises(JobmockError, match="status: Input should be"):
        mock.add_job("nunu", {"status": "DONE"})


def test_requests_verb_and_health(mock: MockHandle) -> None:
    assert mock.health()["vendors"] == list(known_vendors())
    assert mock.requests() == []
    mock.clear_requests()


def test_session_verbs(mock: MockHandle) -> None:
    opened = mock.open_session("handle-1", clock="real")
    try:
        assert (opened["session"], opened["mode"], opened["scale"]) == ("handle-1", "real", 1.0)
        assert "handle-1" in mock.sessions()
        assert mock.open_session("handle-1")["mode"] == "manual"  # the server's clock
        with pytest.raises(
            JobmockError, match="clock: Input should be 'real' or 'manual' \\(got 'slow'\\)"
        ):
            mock.open_session("handle-1", clock="slow")
    finally:
        if isinstance(mock, RemoteHandle):
            session = RemoteHandle(f"{mock.url}/_session/handle-1")
            session.end_session()
            session.close()
        else:
            assert isinstance(mock, InProcessHandle)
            mock.app.sessions.end("handle-1")
    assert "handle-1" not in mock.sessions()


def test_remote_requests_see_what_clients_sent(remote: RemoteHandle) -> None:
    remote.reset()
    remote.advance("3m")
    response = httpx.get(
        f"{remote.url}/nunu/api/v1/jobs/{FIXTURE_RUNNING}", headers={"X-Api-Key": "nunu_test_key"}
    )
    assert response.json()["status"] == "COMPLETED"
    (entry,) = remote.requests(vendor="nunu", job=FIXTURE_RUNNING)
    assert (entry.method, entry.status, entry.at) == (
        "GET",
        200,
        "2026-11-01T12:03:00+00:00",
    )


def test_in_process_handle_needs_a_jobmock_app() -> None:
    with pytest.raises(TypeError, match="create_app"):
        InProcessHandle(object())


def test_a_rule_that_can_never_fire_is_refused_in_both_modes(mock: MockHandle) -> None:
    message = (
        "operation: nunu has no operation 'getJob'; the closest: getJobDetails, listJobs, "
        "getJobDetailsScoped (`jobmock routes` lists every operation id); the rule could "
        "never fire"
    )
    expected = message if isinstance(mock, InProcessHandle) else f"400: {message}"
    with pytest.raises(JobmockError) as info:
        mock.fail_next("nunu", operation="getJob")
    assert str(info.value) == expected
    assert mock.faults() == []


def test_an_empty_id_names_no_operation_in_both_modes(mock: MockHandle) -> None:
    message = (
        "the control API has no DELETE /_mock/jobs/nunu/ (a trailing slash or an empty "
        "segment is never dropped); GET /_mock/docs lists its operations"
    )
    expected = message if isinstance(mock, InProcessHandle) else f"404: {message}"
    with pytest.raises(JobmockError) as info:
        mock.delete_job("nunu", "")
    assert str(info.value) == expected


def test_ending_a_session_that_was_never_made_is_no_error(remote: RemoteHandle) -> None:
    session = RemoteHandle(f"{remote.url}/_session/never-made")
    try:
        assert session.end_session() is False
        assert "never-made" not in remote.sessions()
        session.reset()
        assert session.end_session() is True
        assert session.end_session() is False
    finally:
        session.close()
