"""A bad nunu fixture stops startup with file, line and field; a good one can be two lines."""

from __future__ import annotations

from pathlib import Path

import httpx

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, fixture_problem, fixture_writer, http_client

write = fixture_writer("nunu")


problem = fixture_problem


def build(tmp_path: Path) -> httpx.Client:
    return http_client(build_app(fixtures=tmp_path), headers={"X-Api-Key": "nunu_test_key"})


def test_unknown_field_names_file_line_and_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555
            stauts: RUNNING
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/nunu/jobs.yaml:3: jobs[0].stauts: unknown field (check its spelling and "
        "indentation)"
    )


def test_bad_enum_value(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555

          - status: DONE
    """,
    )
    message = problem(tmp_path)
    assert message.startswith(f"{tmp_path}/nunu/jobs.yaml:4: jobs[1].status: Input should be ")
    assert "'COMPLETED'" in message and "(got 'DONE')" in message


def test_bad_uuid(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - job_id: job-1\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/nunu/jobs.yaml:2: jobs[0].job_id: must be a lowercase UUID such as "
        "f80f6230-3a4f-431a-9d55-d11b867fed4e (got 'job-1')"
    )


def test_invalid_yaml(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "jobs:\n  - job_id: [unclosed\n")
    message = problem(tmp_path)
    assert message.startswith(f"{tmp_path}/nunu/jobs.yaml:3: invalid YAML")


def test_job_and_run_must_agree(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555
            test_name: Checkout
            runs:
              - multiplayer_run_id: abcdefghijk
                test:
                  name: Login
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/nunu/jobs.yaml:7: jobs[0].runs[0].test.name: run test.name 'Login' "
        "disagrees with the job's 'Checkout' (nunu keeps job and run equal)"
    )


def test_timestamps_out_of_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555
            status: COMPLETED
            created_at: "2026-03-03T15:50:19Z"
            completed_at: "2026-03-03T15:40:00Z"
            runs: [{result: SUCCESS}]
    """,
    )
    message = problem(tmp_path)
    assert message == (
        f"{tmp_path}/nunu/jobs.yaml:5: jobs[0].completed_at: must come after created_at"
    )


def test_status_and_timeline_are_exclusive(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - status: RUNNING
            timeline: [{status: COMPLETED, at: 1m}]
    """,
    )
    assert "give either 'status'" in problem(tmp_path)


def test_timeline_cannot_go_backwards(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - timeline:
              - {status: RUNNING, at: 0s}
              - {status: QUEUED, at: 1m}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/nunu/jobs.yaml:4: jobs[0].timeline[1].status: QUEUED cannot follow "
        "RUNNING: nunu jobs move QUEUED -> STARTING -> RUNNING -> STOPPING -> CLEANING_UP -> "
        "COMPLETED"
    )


def test_duplicate_job_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        write(tmp_path, name, "jobs:\n  - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555\n")
    assert problem(tmp_path) == (
        f"{tmp_path}/nunu/b.yaml:2: jobs[0].job_id: duplicate job "
        f"'6bf46c69-7d2c-4f82-aeea-cbe226e87555' (first defined at {tmp_path}/nunu/a.yaml:2)"
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "jobs:\n  - stauts: RUNNING\n")
    write(tmp_path, "b.yaml", "keys:\n  - key: wrong_prefix\n")
    lines = problem(tmp_path).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{tmp_path}/nunu/a.yaml:2")
    assert lines[1].startswith(f"{tmp_path}/nunu/b.yaml:2: keys[0]: nunu keys start with")


def test_two_line_fixture_job_is_filled_in(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.yaml",
        """
        jobs:
          - job_id: 6bf46c69-7d2c-4f82-aeea-cbe226e87555
            timeline: [{status: RUNNING, at: 0s}, {status: COMPLETED, at: 4m}]
    """,
    )
    with build(tmp_path) as client:
        job = client.get("/nunu/api/v1/jobs/6bf46c69-7d2c-4f82-aeea-cbe226e87555").json()
        assert job["status"] == "RUNNING"
        assert job["project_id"] == "test"
        assert job["test_name"]
        run_id = job["runs"][0]["multiplayer_run_id"]
        run = client.get(f"/nunu/api/v1/runs/{run_id}").json()
        assert run["players"][0]["steps"][0]["test"]["goal"]


def test_missing_vendor_folder_serves_defaults(tmp_path: Path) -> None:
    with build(tmp_path) as client:
        response = client.get("/nunu/api/v1/jobs")
        assert response.status_code == 200
        assert response.json()["data"] == []


def test_runtime_job_in_fixture_format(tmp_path: Path) -> None:
    app = build_app(fixtures=tmp_path)
    handle = InProcessHandle(app)
    job_id = handle.add_job("nunu", {"status": "RUNNING", "test_name": "Added at runtime"})
    with http_client(app, headers={"X-Api-Key": "nunu_test_key"}) as client:
        job = client.get(f"/nunu/api/v1/jobs/{job_id}").json()
    assert (job["status"], job["test_name"]) == ("RUNNING", "Added at runtime")
