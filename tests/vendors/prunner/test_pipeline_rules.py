"""Pipeline options, each on a pipeline of its own (fixtures written per test): start_delay,
continue_running_tasks_after_failure, allow_failure, retention, tasks without script, a
pipeline without tasks, and the exit code of a successful task."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.helpers import build_app, http_client
from tests.vendors.prunner.conftest import Prunner

T0 = "2026-11-01T12:00:00Z"


def at(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"2026-11-01T12:{minutes:02d}:{secs:02d}Z"


class World:
    """An app on fixtures of its own, with a prunner client and a control handle."""

    def __init__(self, tmp_path: Path, text: str) -> None:
        folder = tmp_path / "prunner"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pipelines.yaml").write_text(dedent(text).lstrip())
        app = build_app(fixtures=tmp_path)
        self.handle = InProcessHandle(app)
        self.client = http_client(app)
        self.prunner = Prunner(self.client)


@pytest.fixture
def world_of(tmp_path: Path) -> Iterator[Callable[[str], World]]:
    made: list[World] = []

    def make(text: str) -> World:
        made.append(World(tmp_path / str(len(made)), text))
        return made[-1]

    yield make
    for world in made:
        world.client.close()


DELAYED = """
pipelines:
  delayed:
    start_delay: 10s
    tasks:
      run: {script: [./run.sh], duration: 5s}
"""


def test_start_delay(world_of: Callable[[str], World]) -> None:
    w = world_of(DELAYED)
    first = w.prunner.schedule("delayed")
    job = w.prunner.detail(first)
    assert (job["start"], job["completed"]) == (None, False)
    w.handle.advance("9s")
    assert w.prunner.detail(first)["start"] is None
    w.handle.advance("1s")
    assert w.prunner.detail(first)["start"] == at(10)
    second = w.prunner.schedule("delayed")  # waits its own delay, and for the first to end
    w.handle.advance("5s")
    assert w.prunner.detail(first)["end"] == at(15)
    assert w.prunner.detail(second)["start"] is None
    w.handle.advance("5s")
    assert w.prunner.detail(second)["start"] == at(20)


def test_delay_elapsed_but_concurrency_full(world_of: Callable[[str], World]) -> None:
    w = world_of(DELAYED)
    first = w.prunner.schedule("delayed")
    w.handle.advance("10s")
    second = w.prunner.schedule("delayed")
    w.handle.advance("4s")
    third = w.prunner.schedule("delayed")
    w.handle.advance("1s")  # first ends at 15s; second's delay ends at 20s
    assert w.prunner.detail(first)["end"] == at(15)
    assert w.prunner.detail(second)["start"] is None
    w.handle.advance("5s")
    assert w.prunner.detail(second)["start"] == at(20)
    w.handle.advance("5s")  # second ends at 25s: third's delay (24s) has elapsed, it starts
    assert w.prunner.detail(third)["start"] == at(25)


def test_canceled_delayed_job_at_the_head_holds_the_queue(world_of: Callable[[str], World]) -> None:
    # prunner v1.3.0: a canceled job keeps its start timer, whose firing is then ignored, so
    # the wait list's head never becomes startable (prunner.go StartDelayedJob).
    w = world_of(DELAYED)
    first = w.prunner.schedule("delayed")
    w.handle.advance("1s")
    second = w.prunner.schedule("delayed")
    w.prunner.cancel(first)
    w.handle.advance("1h")
    assert w.prunner.detail(first)["canceled"] is True
    assert w.prunner.detail(second)["start"] is None


def test_replace_with_start_delay_debounces(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        pipelines:
          debounced:
            queue_limit: 1
            queue_strategy: replace
            start_delay: 10s
            tasks:
              run: {script: [./run.sh], duration: 5s}
    """)
    first = w.prunner.schedule("debounced")
    w.handle.advance("8s")
    second = w.prunner.schedule("debounced")
    assert w.prunner.detail(first)["canceled"] is True
    w.handle.advance("2s")  # the first's timer was stopped: nothing starts at 10s
    assert w.prunner.detail(second)["start"] is None
    w.handle.advance("8s")
    assert w.prunner.detail(second)["start"] == at(18)
    assert w.prunner.detail(first)["start"] is None


CONTINUE = """
pipelines:
  keep_going:
    continue_running_tasks_after_failure: true
    tasks:
      a: {script: [a], duration: 5s, exit_code: 7}
      b: {script: [b], duration: 20s}
      c: {script: [c], depends_on: [a], duration: 5s}
      d: {script: [d], depends_on: [b], duration: 5s}
  fail_fast:
    tasks:
      a: {script: [a], duration: 5s, exit_code: 7}
      b: {script: [b], duration: 20s}
      c: {script: [c], depends_on: [a], duration: 5s}
      d: {script: [d], depends_on: [b], duration: 5s}
"""


def test_continue_running_tasks_after_failure(world_of: Callable[[str], World]) -> None:
    w = world_of(CONTINUE)
    job_id = w.prunner.schedule("keep_going")
    w.handle.advance("25s")
    job = w.prunner.detail(job_id)
    assert [(t["name"], t["status"], t["exitCode"]) for t in job["tasks"]] == [
        ("a", "error", 7),
        ("b", "done", -1),
        ("c", "waiting", 0),
        ("d", "done", -1),
    ]
    assert (job["completed"], job["canceled"], job["errored"]) == (True, False, True)
    assert job["lastError"] == "exit status 7" and job["end"] == at(25)


def test_fail_fast_cancels_the_running_sibling(world_of: Callable[[str], World]) -> None:
    w = world_of(CONTINUE)
    job_id = w.prunner.schedule("fail_fast")
    w.handle.advance("5s")
    job = w.prunner.detail(job_id)
    assert [(t["name"], t["status"], t["start"], t["end"]) for t in job["tasks"]] == [
        ("a", "error", T0, None),
        ("b", "canceled", T0, None),
        ("c", "waiting", None, None),
        ("d", "waiting", None, None),
    ]
    assert (job["completed"], job["canceled"], job["errored"]) == (True, True, True)
    assert job["lastError"] == "context canceled" and job["end"] == at(5)


def test_allow_failure_lets_dependants_run(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        pipelines:
          lenient:
            tasks:
              check: {script: [check], duration: 2s, exit_code: 1, allow_failure: true}
              next: {script: [next], depends_on: [check], duration: 2s}
    """)
    job_id = w.prunner.schedule("lenient")
    w.handle.advance("4s")
    job = w.prunner.detail(job_id)
    assert [(t["status"], t["exitCode"], t["errored"]) for t in job["tasks"]] == [
        ("done", 1, False),
        ("done", -1, False),
    ]
    assert "lastError" not in job and job["errored"] is False


def test_retention_count_removes_older_finished_jobs(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        pipelines:
          kept:
            concurrency: 3
            retention_count: 2
            tasks:
              run: {script: [run], duration: 10s}
    """)
    oldest = w.prunner.schedule("kept")
    w.handle.advance("1s")
    middle = w.prunner.schedule("kept")
    w.handle.advance("1s")
    newest = w.prunner.schedule("kept")
    assert w.prunner.detail(oldest)["completed"] is False  # running jobs are always kept
    w.handle.advance("10s")
    response = w.prunner.get("/job/detail", id=oldest)
    assert response.status_code == 404
    assert response.content == b'{"error":"Job not found"}\n'
    assert w.prunner.detail(middle)["completed"] and w.prunner.detail(newest)["completed"]
    ids = [job["id"] for job in w.prunner.get("/pipelines/jobs").json()["jobs"]]
    assert ids == [newest, middle]


def test_retention_period(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        pipelines:
          short_lived:
            retention_period: 1m
            tasks:
              run: {script: [run], duration: 10s}
    """)
    job_id = w.prunner.schedule("short_lived")
    w.handle.advance("60s")
    assert w.prunner.detail(job_id)["completed"] is True
    w.handle.advance("1s")
    assert w.prunner.get("/job/detail", id=job_id).status_code == 404
    assert w.prunner.cancel(job_id).status_code == 404


def test_task_without_script_and_pipeline_without_tasks(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        pipelines:
          marker:
            tasks:
              noop: {}
              after: {script: [x], depends_on: [noop], duration: 3s}
          empty: {}
    """)
    job = w.prunner.detail(w.prunner.schedule("marker"))
    assert [
        (t["name"], t["status"], t["start"], t["end"], t["exitCode"]) for t in job["tasks"]
    ] == [
        ("noop", "done", None, None, 0),
        ("after", "running", T0, None, -1),
    ]
    empty_id = w.prunner.schedule("empty")
    raw = w.prunner.get("/job/detail", id=empty_id).content
    assert b'"pipeline":"empty","tasks":null,"completed":true,' in raw
    assert f'"start":"{T0}","end":"{T0}","user"'.encode() in raw


def test_success_exit_code_zero(world_of: Callable[[str], World]) -> None:
    w = world_of("""
        success_exit_code: 0
        pipelines:
          p:
            tasks:
              a: {script: [a], duration: 1s}
              b: {script: [b], depends_on: [a], duration: 5s}
    """)
    job_id = w.prunner.schedule("p")
    w.handle.advance("2s")
    tasks = w.prunner.detail(job_id)["tasks"]
    assert [(t["status"], t["exitCode"]) for t in tasks] == [("done", 0), ("running", -1)]


def test_secret_from_fixtures_and_environment(
    world_of: Callable[[str], World], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobmock.core.auth import mint_jwt

    text = 'jwt_secret: "a-fixture-secret-0123"\npipelines: {p: {}}\n'
    w = world_of(text)
    ok = {"Authorization": f"Bearer {mint_jwt('a-fixture-secret-0123', {})}"}
    assert w.client.get("/prunner/pipelines/", headers=ok).status_code == 200
    assert w.prunner.get("/pipelines/").status_code == 401
    monkeypatch.setenv("JOBMOCK_PRUNNER_JWT_SECRET", "an-environment-secret")
    w2 = world_of(text)
    env = {"Authorization": f"Bearer {mint_jwt('an-environment-secret', {})}"}
    assert w2.client.get("/prunner/pipelines/", headers=env).status_code == 200
    assert w2.client.get("/prunner/pipelines/", headers=ok).status_code == 401


ON_ERROR = """
pipelines:
  guarded:
    tasks:
      work: {script: [work], duration: 4s}
      side: {script: [side], duration: 10s, allow_failure: true}
    on_error: {script: [notify], duration: 3s, exit_code: 9, stderr: "smtp down\\n"}
"""


def test_on_error_runs_only_after_an_error_and_may_fail(world_of: Callable[[str], World]) -> None:
    w = world_of(ON_ERROR)
    fine = w.prunner.schedule("guarded")
    w.handle.advance("10s")
    job = w.prunner.detail(fine)
    assert [t["name"] for t in job["tasks"]] == ["side", "work"]
    assert job["completed"] is True and "lastError" not in job

    response = w.prunner.request(
        "POST",
        "/pipelines/schedule",
        json={"pipeline": "guarded"},
        headers={"X-Jobmock-Tasks": '{"work": {"exit_code": 5}}'},
    )
    failed = response.json()["jobId"]
    w.handle.advance("4s")
    job = w.prunner.detail(failed)
    # side has allow_failure: killed, it reports no error, so lastError stays the failure's.
    assert [(t["name"], t["status"]) for t in job["tasks"]] == [
        ("side", "canceled"),
        ("work", "error"),
        ("on_error", "running"),
    ]
    assert job["completed"] is False and "lastError" not in job
    w.handle.advance("3s")
    job = w.prunner.detail(failed)
    on_error = job["tasks"][-1]
    assert (on_error["status"], on_error["exitCode"], on_error["error"]) == (
        "error",
        9,
        "exit status 9",
    )
    assert (job["completed"], job["canceled"], job["errored"]) == (True, False, True)
    assert job["lastError"] == "exit status 5"
    assert w.prunner.logs(failed, "on_error")["stderr"] == "smtp down\n"
