"""GET /jobs and GET /runs: filters, newest first, pagination envelope."""

from __future__ import annotations

import math
from typing import Any

from jobmock.testing.handle import InProcessHandle
from tests.vendors.nunu.conftest import SEED_JOB, Nunu

FAILING_TEST_ID = "8e81973e-0bec-47b0-b898-d190f9ebdacc"


def all_pages(nunu: Nunu, path: str, **query: str) -> list[dict[str, Any]]:
    items, page = [], 0
    while True:
        body = nunu.get(path, page=str(page), page_size="3", **query).json()
        items.extend(body["data"])
        if page + 1 >= body["pagination"]["total_pages"]:
            return items
        page += 1


def test_list_jobs__envelope_and_pagination(nunu: Nunu) -> None:
    first = nunu.get("/jobs", page_size="5").json()
    assert list(first) == ["data", "pagination"]
    total = first["pagination"]["total_count"]
    assert first["pagination"] == {
        "page": 0,
        "page_size": 5,
        "total_count": total,
        "total_pages": math.ceil(total / 5),
    }
    assert len(first["data"]) == 5
    everything = all_pages(nunu, "/jobs")
    assert len(everything) == total
    assert len({job["job_id"] for job in everything}) == total
    assert {job["project_id"] for job in everything} == {"test"}


def test_list_jobs__defaults(nunu: Nunu) -> None:
    body = nunu.get("/jobs").json()
    assert body["pagination"]["page"] == 0
    assert body["pagination"]["page_size"] == 20


def test_list_jobs__newest_first(nunu: Nunu) -> None:
    created = [job["created_at"] for job in all_pages(nunu, "/jobs")]
    assert created == sorted(created, reverse=True)
    assert all_pages(nunu, "/jobs")[-1]["job_id"] == SEED_JOB


def test_list_jobs__page_past_the_end(nunu: Nunu) -> None:
    body = nunu.get("/jobs", page="99").json()
    assert body["data"] == []
    assert body["pagination"]["page"] == 99


def test_list_jobs__status_filter(nunu: Nunu, handle: InProcessHandle) -> None:
    statuses = {
        name: {job["status"] for job in all_pages(nunu, "/jobs", status=name)}
        for name in ("queued", "running", "completed")
    }
    assert statuses["queued"] == {"QUEUED"}
    assert statuses["running"] == {"STARTING", "RUNNING", "STOPPING", "CLEANING_UP"}
    assert statuses["completed"] == {"COMPLETED"}
    total = nunu.get("/jobs").json()["pagination"]["total_count"]
    counts = [
        nunu.get("/jobs", status=n).json()["pagination"]["total_count"]
        for n in ("queued", "running", "completed")
    ]
    assert sum(counts) == total
    assert nunu.get("/jobs", status="ALL").json()["pagination"]["total_count"] == total
    running_before = counts[1]
    handle.advance("1h")
    assert nunu.get("/jobs", status="running").json()["pagination"]["total_count"] < running_before


def test_list_jobs__tags_all_must_match(nunu: Nunu) -> None:
    regression = all_pages(nunu, "/jobs", tags="regression")
    assert regression and all("regression" in job["tags"] for job in regression)
    both = all_pages(nunu, "/jobs", tags="regression,login")
    assert both and all({"regression", "login"} <= set(job["tags"]) for job in both)
    assert len(both) < len(regression)


def test_list_jobs__test_filter(nunu: Nunu) -> None:
    jobs = all_pages(nunu, "/jobs", multiplayer_test_id=FAILING_TEST_ID)
    assert {job["multiplayer_test_id"] for job in jobs} == {FAILING_TEST_ID}
    assert "c6f87718-6d76-407e-881e-d162ae2eb154" in {job["job_id"] for job in jobs}
    everything = all_pages(nunu, "/jobs")
    assert len(jobs) == sum(job["multiplayer_test_id"] == FAILING_TEST_ID for job in everything)


def test_list_runs__items_omit_detail_fields(nunu: Nunu) -> None:
    body = nunu.get("/runs", page_size="100").json()
    run = body["data"][0]
    assert "templating_enabled" not in run and "template_data" not in run
    assert "artifacts" not in run["players"][0] and "steps" not in run["players"][0]
    assert list(run)[-1] == "players"


def test_list_runs__only_runs_that_exist(nunu: Nunu) -> None:
    runs = nunu.get("/runs", page_size="100").json()["data"]
    jobs = nunu.get("/jobs", page_size="100").json()["data"]
    assert len(runs) == sum(len(job["runs"]) for job in jobs)


def test_list_runs__filters(nunu: Nunu) -> None:
    completed = all_pages(nunu, "/runs", state="completed")
    assert completed and {r["state"] for r in completed} == {"COMPLETED"}
    running = all_pages(nunu, "/runs", state="running")
    assert {r["state"] for r in running} == {"INITIALIZING", "RUNNING"}
    with_bugs = all_pages(nunu, "/runs", bugs="true")
    assert with_bugs and all(r["bug_info"]["bug_count"] > 0 for r in with_bugs)
    verification = all_pages(nunu, "/runs", test_type="verification")
    assert verification and {r["test"]["type"] for r in verification} == {"verification"}
    by_job = all_pages(nunu, "/runs", job_id=SEED_JOB)
    assert [r["multiplayer_run_id"] for r in by_job] == ["lkkg6t5612m"]


def test_list_runs__newest_first(nunu: Nunu) -> None:
    created = [run["created_at"] for run in all_pages(nunu, "/runs")]
    assert created == sorted(created, reverse=True)


def test_every_status_and_result_is_in_the_default_fixtures(nunu: Nunu) -> None:
    jobs = all_pages(nunu, "/jobs")
    assert {job["status"] for job in jobs} == {
        "QUEUED",
        "STARTING",
        "RUNNING",
        "STOPPING",
        "CLEANING_UP",
        "COMPLETED",
    }
    results = {run["result"] for run in all_pages(nunu, "/runs")}
    assert results >= {
        "SUCCESS",
        "FAILED",
        "SKIPPED",
        "BLOCKED",
        "TIMEOUT",
        "ERROR",
        "STOPPED",
        "MAX_STEPS",
    }
