"""A stubbed read of a job is a poll of it, with what the client saw; the verbs over HTTP."""

from __future__ import annotations

import httpx
import pytest

from jobmock.testing import MockServer, RemoteHandle
from jobmock.testing.handle import InProcessHandle
from tests.conftest import START
from tests.stubs.conftest import NUNU_JOB, TARGETS


def test_stubbed_reads_count_as_polls(client: httpx.Client, handle: InProcessHandle) -> None:
    target = TARGETS["nunu"]
    handle.stub_next("nunu", target.operation, status=503, body="upstream down")
    handle.stub_next("nunu", target.operation, patch=[{"op": "remove", "path": "/runs"}])
    for _ in range(3):
        target.get(client)
        handle.advance("30s")
    polls = handle.polls("nunu", NUNU_JOB)
    # Replaced: jobmock never served it, so no state; patched: the state jobmock served.
    assert [(p.status, p.state, p.terminal, p.stub) for p in polls] == [
        (503, None, None, 1),
        (200, "COMPLETED", True, 2),
        (200, "COMPLETED", True, None),
    ]
    with pytest.raises(AssertionError, match="it kept polling after the job was terminal"):
        handle.assert_polled("nunu", NUNU_JOB, times=3)


def test_verbs_over_http() -> None:
    with MockServer(start_time=START) as server:
        remote = RemoteHandle(server.url)
        try:
            stub = remote.stub_next("nunu", "getJobDetails", json={"status": "PAUSED"})
            target = TARGETS["nunu"]
            with httpx.Client(base_url=server.url) as http:
                assert target.get(http).json() == {"status": "PAUSED"}
            assert remote.stubs() == [{**stub, "hits": 1, "exhausted": True}]
            remote.use_scenario("nunu", "stuck-queued")
            names = [s["name"] for s in remote.scenarios("nunu")]
            assert names == [
                "slow-then-fails",
                "stuck-queued",
                "rate-limited-twice",
                "fails-then-succeeds-on-retry",
            ]
            remote.remove_stub(stub["id"])
            remote.clear_stubs("nunu")
            assert remote.stubs() == []
        finally:
            remote.close()
