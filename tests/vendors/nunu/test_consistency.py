"""spec/nunu.md §7: job and run agree for every fixture job, at every moment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, http_client
from tests.vendors.nunu.conftest import Nunu


def check(nunu: Nunu, job: dict) -> None:  # type: ignore[type-arg]
    if job["status"] == "COMPLETED":
        assert job["completed_at"] is not None
    else:
        assert job["completed_at"] is None
    for summary in job["runs"]:
        run = nunu.get(f"/runs/{summary['multiplayer_run_id']}").json()
        assert run["job_id"] == job["job_id"]
        assert run["project_id"] == job["project_id"]
        assert run["test"]["id"] == job["multiplayer_test_id"]
        assert run["test"]["name"] == job["test_name"]
        assert run["tags"] == job["tags"]
        assert run["templating_enabled"] == job["templating_enabled"]
        assert run["template_data"] == job["template_data"]
        assert summary["players"] == len(run["players"])
        for field in ("state", "result", "started_at", "completed_at"):
            assert summary[field] == run[field], field
        assert (run["result"] is None) == (run["state"] != "COMPLETED")
        assert job["created_at"] < run["created_at"], (job["job_id"], job["created_at"])
        if run["started_at"]:
            assert run["created_at"] <= run["started_at"]
        if job["completed_at"] and run["completed_at"]:
            assert job["completed_at"] >= run["completed_at"]
        if run["started_at"] and run["completed_at"]:
            delta = datetime.fromisoformat(run["completed_at"]) - datetime.fromisoformat(
                run["started_at"]
            )
            assert run["duration_ms"] == round(delta / timedelta(milliseconds=1), 2)
        else:
            assert run["duration_ms"] is None
        for player in run["players"]:
            assert player["id"] == f"{run['multiplayer_run_id']}-{player['player_number']}"
            assert player["step_count"] == len(player["steps"])
            assert player["completed_step_count"] == sum(
                1 for s in player["steps"] if s["run_result"] == "SUCCESS"
            )
            assert (player["state"], player["result"]) == (run["state"], run["result"])
        assert (run["bug_info"] is not None) == (run["test"]["type"] == "verification")


@pytest.mark.parametrize("elapsed", ["0s", "10s", "2m", "10m"])
def test_every_fixture_job_is_consistent(nunu: Nunu, handle: InProcessHandle, elapsed: str) -> None:
    handle.advance(elapsed)
    jobs = nunu.get("/jobs", page_size="100").json()["data"]
    assert jobs
    for job in jobs:
        check(nunu, job)


def test_generated_text_is_the_same_on_every_read_and_every_app(nunu: Nunu) -> None:
    run_id = "ax1dxn9y1xj"  # a fixture job whose step goals and reports are left to Faker
    other = build_app()
    with http_client(other) as client:
        elsewhere = client.get(
            f"/nunu/api/v1/runs/{run_id}", headers={"X-Api-Key": "nunu_test_key"}
        ).content
    first = nunu.get(f"/runs/{run_id}")
    step = first.json()["players"][0]["steps"][0]
    assert step["report"] and step["test"]["goal"]
    assert nunu.get(f"/runs/{run_id}").content == first.content
    assert elsewhere == first.content
