"""GET /job/logs: validation order, and output as far as the task has run (spec/prunner.md §5)."""

from __future__ import annotations

from jobmock.testing.handle import InProcessHandle
from tests.vendors.prunner.conftest import SEED_JOB, Prunner, error, fixture_job


def test_finished_task_output_byte_for_byte(prunner: Prunner) -> None:
    response = prunner.get("/job/logs", id=fixture_job(1), task="build")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == (
        b'{"stdout":"go build -o bin/app ./cmd/app\\nbuilt bin/app (12.4 MB)\\n","stderr":""}\n'
    )


def test_failed_task_has_its_stderr(prunner: Prunner) -> None:
    assert prunner.logs(fixture_job(2), "test") == {
        "stdout": "ok    example.com/app/api     4.210s\nok    example.com/app/store   2.877s\n",
        "stderr": "--- FAIL: TestStore (0.20s)\n",
    }


def test_output_grows_while_the_task_runs(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("release")
    assert prunner.logs(job_id, "test") == {"stdout": "", "stderr": ""}  # not started yet
    handle.advance("20s")  # test starts; the first of its two lines is written at once
    assert prunner.logs(job_id, "test")["stdout"] == "ok    example.com/app/api     4.210s\n"
    handle.advance("14s")
    assert prunner.logs(job_id, "test")["stdout"] == "ok    example.com/app/api     4.210s\n"
    handle.advance("1s")  # half way through its 30 s
    assert prunner.logs(job_id, "test")["stdout"].count("\n") == 2


def test_canceled_task_keeps_what_it_wrote(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("release")
    handle.advance("25s")
    prunner.cancel(job_id)
    handle.advance("1h")
    assert prunner.logs(job_id, "test")["stdout"] == "ok    example.com/app/api     4.210s\n"
    assert prunner.logs(job_id, "deploy") == {"stdout": "", "stderr": ""}


def test_on_error_logs_once_it_was_appended(prunner: Prunner, handle: InProcessHandle) -> None:
    job_id = prunner.schedule("failing")
    error(prunner.get("/job/logs", id=job_id, task="on_error"), 404, "Task not found")
    handle.advance("13s")
    assert prunner.logs(job_id, "on_error") == {"stdout": "notified #ops\n", "stderr": ""}
    assert (
        prunner.logs(fixture_job(5), "test")["stderr"] == "FAIL\texample.com/app/checkout\t0.412s\n"
    )


def test_generated_output_is_the_same_on_every_read(
    prunner: Prunner, handle: InProcessHandle
) -> None:
    job_id = prunner.schedule("nightly")
    handle.advance("2m")
    first = prunner.logs(job_id, "import")
    assert first["stdout"].endswith("\n") and first["stdout"].count("\n") >= 3
    assert first["stderr"] == ""
    handle.reset()
    again = prunner.schedule("nightly")
    handle.advance("2m")
    assert again == job_id and prunner.logs(again, "import") == first


def test_generated_stderr_for_a_failure(prunner: Prunner) -> None:
    logs = prunner.logs(SEED_JOB, "upload")  # killed; generated stdout, no stderr
    assert logs["stderr"] == ""
    failed = prunner.logs(SEED_JOB, "task_name")
    assert failed["stderr"] == "run.sh: tag foo not found\n"
    assert failed["stdout"]


def test_validation_order(prunner: Prunner) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    error(prunner.get("/job/logs", task="build"), 400, "Invalid job id")
    error(prunner.get("/job/logs", id="x"), 400, "Invalid job id")
    error(prunner.get("/job/logs", id=unknown), 400, "Invalid task name")
    error(prunner.get("/job/logs", id=unknown, task=""), 400, "Invalid task name")
    error(prunner.get("/job/logs", id=unknown, task="build"), 404, "Job not found")
    error(prunner.get("/job/logs", id=SEED_JOB, task="build"), 404, "Task not found")
    error(prunner.get("/job/logs", id=SEED_JOB, task="on_error"), 404, "Task not found")
