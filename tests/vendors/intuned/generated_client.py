"""A generated Intuned set in a temporary fixture folder, and a client for it; and the
vendor's consistency rules, checked on what a client sees."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from jobmock.core.durations import parse_duration
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests.conftest import START
from tests.vendors.helpers import build_app, fixture_folder, http_client
from tests.vendors.intuned.conftest import KEY, PROJECT_ID, WORKSPACE
from tests.vendors.intuned.conftest import ROOT as API_ROOT

Doc = dict[str, Any]
TERMINAL = {"SUCCESS", "FAILURE", "COMPLETED", "CANCELED", "TERMINATED"}
UNIX = datetime(1970, 1, 1, tzinfo=UTC)


def fixtures(tmp_path: Path, generate: Doc, with_jobs: bool = False) -> Path:
    """A fixture folder: the seed's workspace and project, a ``generate:`` block (and the
    bundled hand-written jobs)."""
    bundled = ["seed.yaml", "jobs.yaml"] if with_jobs else ["seed.yaml"]
    return fixture_folder(tmp_path, "intuned", bundled, {"generate": [generate]})


def app_for(path: Path, start: datetime = START) -> JobmockApp:
    return build_app(start_time=start, fixtures=path, vendors="intuned")


class Client:
    def __init__(self, app: JobmockApp) -> None:
        self.app = app
        self.http = http_client(
            app,
            base_url=f"http://jobmock{API_ROOT}/{WORKSPACE}/projects/my-project",
            headers={"x-api-key": KEY},
        )
        self.handle = InProcessHandle(app)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def runs(self, job: str, sort: str | None = None, size: int = 100) -> list[Doc]:
        """Every run of ``job``, page by page."""
        found: list[Doc] = []
        number = 0
        while True:
            params: dict[str, Any] = {"pageSize": size, "pageNumber": number}
            if sort is not None:
                params["sortBy"] = sort
            body = self.get(f"/jobs/{job}/runs", **params)
            found += body["jobRuns"]
            number += 1
            if len(found) >= body["totalCount"] or not body["jobRuns"]:
                assert len(found) == body["totalCount"]
                return found

    def generated_ids(self, count: int) -> list[str]:
        """The generated jobs' ids, by index (they come after the fixture jobs)."""
        ids = self.handle.job_ids("intuned", limit=count + 100)[-count:]
        return [i.rsplit(":", 1)[-1] for i in ids]

    def now(self) -> datetime:
        return self.handle.now()

    def close(self) -> None:
        self.http.close()


def ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def when(text: str | None) -> datetime:
    moment = ts(text)
    assert moment is not None
    return moment


def snapshot_of(job: Doc) -> Doc:
    """What a run of ``job`` (a Get Jobs item) shows as ``job_configuration_snapshot``."""
    return {
        "configuration": job["configuration"],
        "sink": job["sink"],
        "auth_session": job["auth_session"],
        "proxy": job["proxy"],
        "notifications": job["notifications"],
    }


def check_run(run: Doc, job: Doc, now: datetime) -> None:
    """One JobRun against Intuned's rules: the counters add up, times and status agree."""
    assert (run["job_id"], run["workspace_id"], run["project_id"]) == (
        job["id"],
        WORKSPACE,
        PROJECT_ID,
    )
    payloads, ok, failed = run["payloads"], run["successful_runs"], run["failed_runs"]
    assert payloads == len(job["payload"])
    assert ok >= 0 and failed >= 0 and ok + failed <= payloads, run
    status = run["status"]
    start, end, updated = ts(run["start_time"]), ts(run["end_time"]), ts(run["updated_at"])
    assert start is not None and updated is not None
    assert run["created_at"] == run["start_time"]
    assert start <= updated <= now
    assert (end is not None) == (status in TERMINAL), run
    if end is not None:
        assert start <= end == updated
    if status == "SUCCESS":
        assert (ok, failed) == (payloads, 0)
    if status == "COMPLETED":
        assert ok + failed == payloads and failed >= 1
    if status == "CANCELED":
        assert (ok, failed, end) == (0, 0, start)
        assert run["reason"]["type"] in (
            "another-job-run-active",
            "auth-session-validate-dependency-failed",
        )
    if status == "TERMINATED":
        assert run["reason"]["type"] == "terminated"
    if status in ("FAILURE", "TERMINATED"):
        assert ok + failed < payloads, "stopped part of the way"
    error = run["error"]
    assert (error is not None) == (status == "FAILURE"), run
    if error is not None:
        assert (error["code"], error["category"]) in {
            ("internal-server-error", "infrastructure"),
            ("insufficient-resource-credits", "billing"),
        }
    assert run["job_configuration_snapshot"] == snapshot_of(job)
    if run["type"] == "SCHEDULED":
        assert job["schedule"] is not None
        interval = parse_duration(job["schedule"]["intervals"][0]["every"])
        assert (start - UNIX).total_seconds() % interval == 0, "on the schedule's ticks"


def check_job(job: Doc, runs: list[Doc], now: datetime) -> None:
    """A generated job no client touched, and all its runs (newest first)."""
    kind = "SCHEDULED" if job["schedule"] is not None else "MANUAL"
    for run in runs:
        check_run(run, job, now)
        assert run["type"] == kind
    starts = [when(r["start_time"]) for r in runs]
    assert starts == sorted(starts, reverse=True), "newest first"
    for newer, older in pairwise(runs):
        assert when(older["end_time"]) <= when(newer["start_time"]), "runs never overlap"
    if runs:
        assert when(job["created_at"]) <= starts[-1]
        assert job["last_run_time"] == runs[0]["start_time"]
    if job["state"] == "PAUSED" or job["schedule"] is None:
        assert job["next_run_time"] is None
    else:
        assert when(job["next_run_time"]) > now
