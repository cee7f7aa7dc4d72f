"""A bad Intuned fixture stops startup with file, line and field; a good one can be two lines."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle, JobmockError
from tests.vendors.helpers import build_app, fixture_problem, fixture_writer, http_client

WS = "123e4567-e89b-12d3-a456-426614174000"
OTHER_WS = "9b2f6a40-5c1e-4d3a-8f7b-2e6c1d0a9b84"
PROJECT_URL = f"http://jobmock/intuned/api/v1/workspace/{WS}/projects/my-project"
KEY = {"x-api-key": "intuned_test_key"}


write = fixture_writer("intuned")


problem = fixture_problem


def build(tmp_path: Path) -> httpx.Client:
    return http_client(build_app(fixtures=tmp_path), base_url=PROJECT_URL, headers=KEY)


def test_unknown_field_names_file_line_and_field(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - id: my-new-job\n    stat: PAUSED\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:3: jobs[0].stat: unknown field (check its spelling and "
        "indentation)"
    )


def test_unknown_nested_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            configuration:
              maxConcurentRequests: 3
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:4: jobs[0].configuration.maxConcurentRequests: unknown "
        "field (check its spelling and indentation)"
    )


def test_bad_enum_values(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            runs:
              - status: RUNNING
              - status: FAILURE
                error: {message: boom, code: script-timeout, category: infrastructure}
    """,
    )
    lines = problem(tmp_path).splitlines()
    assert lines[0].startswith(f"{tmp_path}/intuned/jobs.yaml:4: jobs[0].runs[0].status: ")
    assert "(got 'RUNNING')" in lines[0]
    assert lines[1].startswith(f"{tmp_path}/intuned/jobs.yaml:6: jobs[0].runs[1].error.code: ")
    assert "'internal-server-error' or 'insufficient-resource-credits'" in lines[1]


def test_job_id_must_be_a_slug(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - id: job\n")
    message = problem(tmp_path)
    assert message.startswith(f"{tmp_path}/intuned/jobs.yaml:2: jobs[0].id: String should have")


def test_run_must_belong_to_its_job(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            runs:
              - {id: jr_1, status: SUCCESS, job_id: other-job}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:4: jobs[0].runs[0].job_id: 'other-job' is not the job_id "
        "of the job it is under ('my-new-job')"
    )


def test_unfinished_run_has_no_end_time(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            runs:
              - id: jr_1
                status: PENDING
                end_time: "2026-01-01T00:00:00Z"
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:6: jobs[0].runs[0].end_time: a PENDING run has not ended: "
        "leave end_time out"
    )


def test_terminal_step_must_be_last(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            run_timeline:
              - {status: SUCCESS, at: 0s}
              - {status: PENDING, at: 1m}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:4: jobs[0].run_timeline[0].status: SUCCESS ends a run: "
        "it must be the last step"
    )


def test_schedule_interval_must_be_a_duration(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        "jobs:\n  - id: my-new-job\n    schedule:\n      intervals: [{every: often}]\n",
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:4: jobs[0].schedule.intervals[0].every: 'every' must be a "
        "duration such as '1h', '30 minutes' or '1d' (or milliseconds as a number), got 'often'"
    )


def test_counts_cannot_exceed_payloads(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - id: my-new-job
            runs:
              - {id: jr_1, status: SUCCESS, payloads: 2, successful_runs: 2, failed_runs: 1}
    """,
    )
    assert problem(tmp_path).endswith(
        "jobs[0].runs[0].successful_runs: successful_runs + failed_runs (3) is more than "
        "payloads (2)"
    )


def test_duplicates_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        write(tmp_path, name, "jobs:\n  - id: my-new-job\n    runs: [{id: jr_same}]\n")
    lines = problem(tmp_path).splitlines()
    assert lines == [
        f"{tmp_path}/intuned/b.yaml:2: jobs[0].id: duplicate job 'my-project/my-new-job' (first "
        f"defined at {tmp_path}/intuned/a.yaml:2)"
    ]


def test_unknown_project(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - id: my-new-job\n    project: nope\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/intuned/jobs.yaml:3: jobs[0].project: unknown project 'nope' (projects: "
        "my-project)"
    )


def test_two_line_job_is_filled_in(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - id: my-new-job\n")
    with build(tmp_path) as client:
        job = client.get("/jobs/my-new-job").json()
        assert job["payload"] and all(item["apiName"] for item in job["payload"])
        assert job["configuration"] == {"requestTimeout": 600}
        assert client.get("/jobs/my-new-job").content == client.get("/jobs/my-new-job").content


def test_missing_vendor_folder_serves_defaults(tmp_path: Path) -> None:
    with build(tmp_path) as client:
        response = client.get("/jobs")
        assert response.status_code == 200
        assert response.json() == []


def test_a_key_sees_its_own_workspace_only(tmp_path: Path) -> None:
    write(
        tmp_path,
        "workspaces.yaml",
        f"""
        workspaces:
          - {{id: {WS}, keys: [intuned_test_key]}}
          - {{id: {OTHER_WS}, keys: [intuned_other_key]}}
        projects:
          - {{name: my-project}}
          - {{name: my-project, workspace: {OTHER_WS}}}
        jobs:
          - {{id: other-workspace-job, workspace_id: {OTHER_WS}, project: my-project}}
    """,
    )
    with build(tmp_path) as client:
        mine = client.get("/jobs")
        assert mine.status_code == 200 and mine.json() == []
        other = f"http://jobmock/intuned/api/v1/workspace/{OTHER_WS}/projects/my-project/jobs"
        refused = client.get(other)
        assert refused.status_code == 404
        assert refused.json()["message"] == f"Workspace {OTHER_WS} not found."
        allowed = client.get(other, headers={"x-api-key": "intuned_other_key"})
        assert [job["id"] for job in allowed.json()] == ["other-workspace-job"]
        assert allowed.json()[0]["workspace_id"] == OTHER_WS


def test_rate_limit_from_the_fixtures(tmp_path: Path) -> None:
    write(tmp_path, "limits.yaml", "rate_limit: {limit: 2, window: 10s}\n")
    with build(tmp_path) as client:
        codes = [client.get("/jobs").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/jobs/other-path").status_code == 404, "each path has its own window"


def test_runtime_job_in_fixture_format(tmp_path: Path) -> None:
    app = build_app(fixtures=tmp_path)
    handle = InProcessHandle(app)
    added = handle.add_job("intuned", {"id": "added-at-runtime", "state": "PAUSED"})
    assert added == "my-project:added-at-runtime"
    assert "my-project:added-at-runtime" in handle.job_ids("intuned")
    with http_client(app, base_url=PROJECT_URL, headers=KEY) as client:
        assert client.get("/jobs/added-at-runtime").json()["state"] == "PAUSED"
        handle.delete_job("intuned", added)
        assert client.get("/jobs/added-at-runtime").status_code == 404
    with pytest.raises(JobmockError, match="stat: unknown field"):
        handle.add_job("intuned", {"id": "added-at-runtime", "stat": "PAUSED"})
    with pytest.raises(JobmockError, match=r"configuration\.maxConcurentRequests: unknown field"):
        handle.add_job(
            "intuned", {"id": "added-at-runtime", "configuration": {"maxConcurentRequests": 1}}
        )
