"""A bad prunner fixture stops startup with file, line and field, in prunner's own words where
prunner checks the same thing (definition/pipelines.go)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.cli import main
from tests.vendors.helpers import build_app, fixture_problem, fixture_writer

write = fixture_writer("prunner")


def problem(tmp_path: Path) -> str:
    return fixture_problem(tmp_path, vendors=("prunner",))


def test_unknown_field_names_file_line_and_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          release:
            tasks:
              build:
                scirpt: [make]
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/prunner/p.yaml:5: pipelines.release.tasks.build.scirpt: unknown field "
        "(check its spelling and indentation)"
    )


def test_depends_on_a_missing_task(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          release:
            tasks:
              deploy: {script: [x], depends_on: [build]}
    """,
    )
    assert problem(tmp_path) == (
        f'{tmp_path}/prunner/p.yaml:2: pipelines.release: missing task "build" referenced in '
        'depends_on of task "deploy"'
    )


def test_cycle(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          loop:
            tasks:
              a: {script: [a], depends_on: [b]}
              b: {script: [b], depends_on: [a]}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/prunner/p.yaml:3: pipelines.loop.tasks: the tasks' depends_on form a cycle"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("concurrency: -1", "pipelines.p: concurrency must be greater than 0"),
        ("queue_limit: -1", "pipelines.p: queue_limit must not be negative"),
        ("{start_delay: 5s, queue_limit: 0}", "pipelines.p: start_delay needs queue_limit > 0"),
        (
            "start_delay: 10",
            "pipelines.p.start_delay: must be a Go duration such as '10s', "
            "'1m30s' or '1.5h' (got 10)",
        ),
        (
            "start_delay: 2d",
            "pipelines.p.start_delay: must be a Go duration such as '10s', "
            "'1m30s' or '1.5h' (got '2d')",
        ),
        (
            "queue_strategy: partitioned_replace",
            "pipelines.p.queue_strategy: partitioned_replace "
            "is new in prunner v1.4.0-beta1; jobmock emulates v1.3.0 (use append or replace) "
            "(got 'partitioned_replace')",
        ),
        (
            "queue_strategy: lifo",
            'pipelines.p.queue_strategy: unknown queue strategy: "lifo" '
            "(use append or replace) (got 'lifo')",
        ),
    ],
)
def test_prunners_own_pipeline_checks(tmp_path: Path, line: str, message: str) -> None:
    body = line if line.startswith("{") else "{" + line + "}"
    write(tmp_path, "p.yaml", f"pipelines:\n  p: {body}\n")
    assert problem(tmp_path) == f"{tmp_path}/prunner/p.yaml:2: {message}"


def test_outcome_on_a_task_without_script(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          p:
            tasks:
              noop: {duration: 5s}
    """,
    )
    assert problem(tmp_path).startswith(
        f"{tmp_path}/prunner/p.yaml:4: pipelines.p.tasks.noop.duration: a task without 'script' "
        "finishes at once"
    )


def test_job_of_an_unknown_pipeline_and_bad_id(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          release: {tasks: {build: {script: [make]}}}
        jobs:
          - pipeline: relaese
          - id: job-1
            pipeline: release
    """,
    )
    assert problem(tmp_path) == "\n".join(
        [
            f"{tmp_path}/prunner/p.yaml:5: jobs[1].id: must be a UUID such as "
            "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8 (got 'job-1')",
        ]
    )
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          release: {tasks: {build: {script: [make]}}}
        jobs:
          - pipeline: relaese
    """,
    )
    assert problem(tmp_path) == (
        f'{tmp_path}/prunner/p.yaml:4: jobs[0].pipeline: pipeline "relaese" is not defined '
        "(defined: release)"
    )


def test_job_outcome_for_an_unknown_task(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          release: {tasks: {build: {script: [make]}}}
        jobs:
          - pipeline: release
            tasks:
              biuld: {exit_code: 1}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/prunner/p.yaml:6: jobs[0].tasks.biuld: pipeline release has no task 'biuld'"
    )


def test_fixture_jobs_prunner_would_refuse(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          single: {queue_limit: 0, tasks: {run: {script: [x], duration: 1m}}}
        jobs:
          - {pipeline: single, created: "2025-01-01T00:00:00Z"}
          - {pipeline: single, created: "2025-01-01T00:00:30Z"}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/prunner/p.yaml:5: jobs[1]: prunner would refuse this job when it is "
        "scheduled: concurrency exceeded and queueing disabled for pipeline"
    )


def test_duplicates_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "pipelines:\n  p: {}\njwt_secret: a-secret-of-16-chars\n")
    write(tmp_path, "b.yaml", "pipelines:\n  p: {}\njwt_secret: a-secret-of-16-chars\n")
    assert problem(tmp_path) == "\n".join(
        [
            f"{tmp_path}/prunner/b.yaml:3: jwt_secret: duplicate setting 'jwt_secret' "
            f"(first defined at {tmp_path}/prunner/a.yaml:3)",
            f"{tmp_path}/prunner/b.yaml:2: pipelines.p: duplicate pipeline 'p' "
            f"(first defined at {tmp_path}/prunner/a.yaml:2)",
        ]
    )


def test_short_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", "jwt_secret: short\n")
    assert "a.yaml:1: jwt_secret: String should have at least 16 characters" in problem(tmp_path)
    (tmp_path / "prunner" / "a.yaml").unlink()
    monkeypatch.setenv("JOBMOCK_PRUNNER_JWT_SECRET", "short")
    assert problem(tmp_path) == (
        "JOBMOCK_PRUNNER_JWT_SECRET: the JWT secret must be at least 16 characters"
    )


def test_variables_must_be_json(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        """
        pipelines:
          p: {}
        jobs:
          - pipeline: p
            variables: {day: 2025-01-01}
    """,
    )
    assert problem(tmp_path) == (
        f"{tmp_path}/prunner/p.yaml:5: jobs[0].variables.day: not a JSON value (date); quote it "
        "to make it a string"
    )


def test_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "p.yaml", "pipelines:\n  p:\n    concurency: 2\n")
    assert main(["validate", str(tmp_path)]) == 1
    assert f"{tmp_path}/prunner/p.yaml:3: pipelines.p.concurency: unknown field" in (
        capsys.readouterr().err
    )


def test_a_real_pipelines_yml_loads_as_it_is(tmp_path: Path) -> None:
    # prunner's own example shape: env, retention and on_error, no jobmock keys.
    write(
        tmp_path,
        "pipelines.yml",
        """
        pipelines:
          release:
            concurrency: 1
            queue_limit: 1
            queue_strategy: replace
            retention_period: 72h
            retention_count: 20
            env: {APP_ENV: production}
            tasks:
              lint: {script: ["staticcheck ./..."]}
              test: {script: ["go test ./..."], env: {CGO_ENABLED: "0"}}
              build:
                script: ["go build -o bin/app", "echo done"]
                depends_on: [lint, test]
                allow_failure: false
            on_error:
              script: ["curl -X POST $SLACK_URL"]
    """,
    )
    build_app(fixtures=tmp_path, vendors=("prunner",))
