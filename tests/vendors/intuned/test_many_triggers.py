"""A trigger looks only at the runs that can still be active, not at every run the job has: the
n-th trigger of a job with a long history decides exactly as the first does."""

from __future__ import annotations

from jobmock.testing.handle import InProcessHandle
from tests.vendors.intuned.conftest import Intuned
from tests.vendors.intuned.test_lifecycle import create, run, trigger

MANY = 60


def statuses(intuned: Intuned, job: str) -> list[tuple[str, str]]:
    body = intuned.get(f"/jobs/{job}/runs", pageSize="100", sortBy="created_at,asc").json()
    assert body["totalCount"] == len(body["jobRuns"])
    return [(r["type"], r["status"]) for r in body["jobRuns"]]


def test_the_nth_trigger_runs_once_the_previous_run_ended(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    job = create(intuned)
    ids = []
    for _ in range(MANY):
        ids.append(trigger(intuned, job))
        handle.advance("61s")  # a triggered run lasts 60 s
    assert len(set(ids)) == MANY
    assert statuses(intuned, job) == [("MANUAL", "SUCCESS")] * MANY
    # The newest run is still active: the next trigger is CANCELED, and the one after it runs.
    newest = trigger(intuned, job)
    assert run(intuned, job, newest)["jobRun"]["status"] == "PENDING"
    canceled = trigger(intuned, job)
    assert run(intuned, job, canceled)["jobRun"]["status"] == "CANCELED"
    handle.advance("61s")
    assert run(intuned, job, trigger(intuned, job))["jobRun"]["status"] == "PENDING"


def test_a_run_that_started_before_many_canceled_ones_still_blocks(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    job = create(intuned)
    long = [{"status": "PENDING", "at": "0s"}, {"status": "SUCCESS", "at": "1h"}]
    first = trigger(intuned, job, long)
    for _ in range(MANY):
        handle.advance("30s")
        assert run(intuned, job, trigger(intuned, job))["jobRun"]["status"] == "CANCELED"
    # Paused, it still counts as active; resumed and ended, the job is free again.
    intuned.post(f"/jobs/{job}/pause")
    handle.advance("10s")
    assert run(intuned, job, first)["jobRun"]["status"] == "PAUSED"
    intuned.post(f"/jobs/{job}/resume")
    handle.advance("1h")
    assert run(intuned, job, first)["jobRun"]["status"] == "SUCCESS"
    assert run(intuned, job, trigger(intuned, job))["jobRun"]["status"] == "PENDING"


def test_a_scheduled_run_in_progress_blocks_a_trigger_after_many_runs(
    intuned: Intuned, handle: InProcessHandle
) -> None:
    job = create(intuned, schedule={"intervals": [{"every": "10m"}]})
    for _ in range(MANY // 4):
        handle.advance("2m")
        trigger(intuned, job)
    handle.advance("10m")  # past a fire, whose run lasts 60 s
    assert run(intuned, job, trigger(intuned, job))["jobRun"]["status"] == "CANCELED"
