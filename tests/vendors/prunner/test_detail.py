"""GET /job/detail: the document of a job in each state, byte for byte (spec/prunner.md §3, §4)."""

from __future__ import annotations

import pytest

from jobmock.testing.handle import InProcessHandle
from tests.vendors.prunner.conftest import (
    ENDLESS,
    RUNNING_DIAMOND,
    SEED_JOB,
    Prunner,
    error,
    fixture_job,
)


def task(
    name: str,
    status: str,
    start: str | None = None,
    end: str | None = None,
    exit_code: int = 0,
    depends: tuple[str, ...] = (),
    error_text: str | None = None,
) -> str:
    """One task object as prunner writes it (compact, its field order)."""

    def time(value: str | None) -> str:
        return "null" if value is None else f'"{value}"'

    parts = [f'{{"name":"{name}"']
    if depends:
        parts.append(',"dependsOn":[' + ",".join(f'"{d}"' for d in depends) + "]")
    parts.append(f',"status":"{status}","start":{time(start)},"end":{time(end)}')
    parts.append(
        f',"skipped":false,"exitCode":{exit_code},"errored":{str(error_text is not None).lower()}'
    )
    if error_text is not None:
        parts.append(f',"error":"{error_text}"')
    return "".join(parts) + "}"


def test_seed_example_job_byte_for_byte(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=SEED_JOB)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    tasks = ",".join(
        [
            task("prepare", "done", "2025-05-04T09:42:00Z", "2025-05-04T09:42:02Z", -1),
            task(
                "task_name",
                "error",
                "2025-05-04T09:42:02Z",
                None,
                42,
                ("prepare",),
                "exit status 42",
            ),
            task("upload", "canceled", "2025-05-04T09:42:02Z", None, -1, ("prepare",)),
        ]
    )
    assert (
        response.content
        == (
            '{"id":"52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8","pipeline":"my_pipeline","tasks":['
            + tasks
            + '],"completed":true,"canceled":true,"errored":true,'
            '"created":"2025-05-04T09:42:00Z",'
            '"start":"2025-05-04T09:42:00Z","end":"2025-05-04T09:42:12Z",'
            '"lastError":"context canceled","variables":{"tags":["foo","bar"]},"user":"j.doe"}\n'
        ).encode()
    )


def test_seed_document_has_the_seeds_fields_in_prunners_order(prunner: Prunner) -> None:
    job = prunner.detail(SEED_JOB)
    # The seed lists these (alphabetically); prunner writes them in its struct order.
    assert list(job) == [
        "id",
        "pipeline",
        "tasks",
        "completed",
        "canceled",
        "errored",
        "created",
        "start",
        "end",
        "lastError",
        "variables",
        "user",
    ]
    assert list(job["tasks"][1]) == [
        "name",
        "dependsOn",
        "status",
        "start",
        "end",
        "skipped",
        "exitCode",
        "errored",
        "error",
    ]
    assert job["pipeline"] == "my_pipeline" and job["user"] == "j.doe"
    assert job["variables"] == {"tags": ["foo", "bar"]}
    assert job["tasks"][1]["name"] == "task_name" and job["tasks"][1]["exitCode"] == 42


def test_succeeded(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=fixture_job(1))
    assert (
        response.content
        == (
            '{"id":"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d01","pipeline":"release","tasks":['
            + task("build", "done", "2025-05-04T08:00:00Z", "2025-05-04T08:00:20Z", -1)
            + ","
            + task("test", "done", "2025-05-04T08:00:20Z", "2025-05-04T08:00:50Z", -1, ("build",))
            + ","
            + task("deploy", "done", "2025-05-04T08:00:50Z", "2025-05-04T08:01:00Z", -1, ("test",))
            + '],"completed":true,"canceled":false,"errored":false,'
            '"created":"2025-05-04T08:00:00Z",'
            '"start":"2025-05-04T08:00:00Z","end":"2025-05-04T08:01:00Z",'
            '"variables":{"tag_name":"v1.17.4"},"user":"ci"}\n'
        ).encode()
    )


def test_failed_without_a_running_sibling(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=fixture_job(2))
    assert (
        response.content
        == (
            '{"id":"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d02","pipeline":"release","tasks":['
            + task("build", "done", "2025-05-04T08:05:00Z", "2025-05-04T08:05:20Z", -1)
            + ","
            + task("test", "error", "2025-05-04T08:05:20Z", None, 2, ("build",), "exit status 2")
            + ","
            + task("deploy", "waiting", depends=("test",))
            + '],"completed":true,"canceled":false,"errored":true,'
            '"created":"2025-05-04T08:05:00Z",'
            '"start":"2025-05-04T08:05:00Z","end":"2025-05-04T08:05:50Z",'
            '"lastError":"exit status 2","user":"ci"}\n'
        ).encode()
    )


def test_canceled_while_running(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=fixture_job(3))
    assert (
        response.content
        == (
            '{"id":"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d03","pipeline":"release","tasks":['
            + task("build", "done", "2025-05-04T08:10:00Z", "2025-05-04T08:10:20Z", -1)
            + ","
            + task("test", "canceled", "2025-05-04T08:10:20Z", None, -1, ("build",))
            + ","
            + task("deploy", "waiting", depends=("test",))
            + '],"completed":true,"canceled":true,"errored":false,'
            '"created":"2025-05-04T08:10:00Z",'
            '"start":"2025-05-04T08:10:00Z","end":"2025-05-04T08:10:25Z",'
            '"lastError":"context canceled","user":"j.doe"}\n'
        ).encode()
    )


def test_failed_to_start(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=fixture_job(4))
    assert (
        response.content
        == (
            '{"id":"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d04","pipeline":"release","tasks":['
            + task("build", "waiting")
            + ","
            + task("test", "waiting", depends=("build",))
            + ","
            + task("deploy", "waiting", depends=("test",))
            + '],"completed":false,"canceled":true,"errored":false,'
            '"created":"2025-05-04T08:15:00Z",'
            '"start":null,"end":null,'
            '"lastError":"variable name __jobID is reserved for internal use",'
            '"variables":{"__jobID":"1"},"user":"ci"}\n'
        ).encode()
    )


def test_fail_fast_with_on_error(prunner: Prunner) -> None:
    job = prunner.detail(fixture_job(5))
    assert [(t["name"], t["status"], t["exitCode"], t["errored"]) for t in job["tasks"]] == [
        ("build", "done", -1, False),
        ("lint", "canceled", -1, False),
        ("test", "error", 1, True),
        ("deploy", "waiting", 0, False),
        ("on_error", "done", -1, False),
    ]
    on_error = job["tasks"][-1]
    assert "dependsOn" not in on_error
    # test failed at 08:20:13, lint was killed after it, on_error ran two seconds.
    assert on_error["start"] == "2025-05-04T08:20:13Z" and on_error["end"] == "2025-05-04T08:20:15Z"
    assert job["tasks"][2]["error"] == "exit status 1"
    assert (job["completed"], job["canceled"], job["errored"]) == (True, True, True)
    assert job["lastError"] == "context canceled"
    assert job["end"] == "2025-05-04T08:20:15Z"


def test_allowed_failure_is_done_with_its_exit_code(prunner: Prunner) -> None:
    job = prunner.detail(fixture_job(6))
    lint = job["tasks"][1]
    assert lint == {
        "name": "lint",
        "dependsOn": ["prepare"],
        "status": "done",
        "start": "2025-05-04T08:30:05Z",
        "end": "2025-05-04T08:30:15Z",
        "skipped": False,
        "exitCode": 1,
        "errored": False,
    }
    assert (job["completed"], job["canceled"], job["errored"]) == (True, False, False)
    assert "lastError" not in job


def test_canceled_while_queued(prunner: Prunner) -> None:
    response = prunner.get("/job/detail", id=fixture_job(9))
    assert (
        response.content
        == (
            '{"id":"3f0d2f5e-4a0b-4c9e-8b1e-6f3a2b9c1d09","pipeline":"nightly","tasks":['
            + task("import", "waiting")
            + ","
            + task("report", "waiting", depends=("import",))
            + '],"completed":false,"canceled":true,"errored":false,'
            '"created":"2025-05-04T02:01:00Z",'
            '"start":null,"end":null,"user":"cron"}\n'
        ).encode()
    )


def test_queued_job_ran_after_the_one_before(prunner: Prunner) -> None:
    first, second = prunner.detail(fixture_job(7)), prunner.detail(fixture_job(8))
    assert first["end"] == "2025-05-04T02:01:30Z"
    assert second["created"] == "2025-05-04T02:00:30Z"
    assert second["start"] == first["end"]
    assert second["end"] == "2025-05-04T02:03:00Z"


def test_replaced_job(prunner: Prunner) -> None:
    replaced = prunner.detail(fixture_job(11))
    assert (replaced["completed"], replaced["canceled"]) == (False, True)
    assert replaced["start"] is None and "lastError" not in replaced
    assert replaced["tasks"][0]["status"] == "waiting"
    newer = prunner.detail(fixture_job(12))
    assert newer["start"] == prunner.detail(fixture_job(10))["end"] == "2025-05-04T07:00:30Z"
    assert newer["completed"] is True


def test_running_job(prunner: Prunner, handle: InProcessHandle) -> None:
    handle.advance("7s")
    response = prunner.get("/job/detail", id=RUNNING_DIAMOND)
    assert (
        response.content
        == (
            '{"id":"6bd8e2a1-5c2f-4e8e-9a37-0c1f5e2d7b10","pipeline":"diamond","tasks":['
            + task("prepare", "done", "2026-11-01T12:00:00Z", "2026-11-01T12:00:05Z", -1)
            + ","
            + task("lint", "running", "2026-11-01T12:00:05Z", None, -1, ("prepare",))
            + ","
            + task("test", "running", "2026-11-01T12:00:05Z", None, -1, ("prepare",))
            + ","
            + task("package", "waiting", depends=("lint", "test"))
            + '],"completed":false,"canceled":false,"errored":false,'
            '"created":"2026-11-01T12:00:00Z",'
            '"start":"2026-11-01T12:00:00Z","end":null,"user":"j.doe"}\n'
        ).encode()
    )


def test_a_job_that_never_ends_by_itself(prunner: Prunner, handle: InProcessHandle) -> None:
    handle.advance("30d")
    job = prunner.detail(ENDLESS)
    assert job["tasks"][0]["status"] == "running" and job["end"] is None
    assert prunner.cancel(ENDLESS).status_code == 200
    job = prunner.detail(ENDLESS)
    assert job["tasks"][0]["status"] == "canceled"
    assert job["end"] == "2026-12-01T12:00:00Z" and job["lastError"] == "context canceled"


# --- ids and errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        SEED_JOB.upper(),
        SEED_JOB.replace("-", ""),
        "{" + SEED_JOB + "}",
        "{" + SEED_JOB.replace("-", "") + "}",
        "urn:uuid:" + SEED_JOB,
        "urn:uuid:" + SEED_JOB.replace("-", "").upper(),
    ],
)
def test_every_uuid_spelling_gofrs_accepts(prunner: Prunner, spelling: str) -> None:
    assert prunner.detail(spelling)["id"] == SEED_JOB


@pytest.mark.parametrize(
    "job_id",
    [
        "",
        "not-a-uuid",
        SEED_JOB[:-1],
        SEED_JOB + "0",
        SEED_JOB.replace("-", "_"),
        "g" + SEED_JOB[1:],
        "URN:UUID:" + SEED_JOB,
        "(" + SEED_JOB + ")",
        " " + SEED_JOB,
    ],
)
def test_invalid_job_id(prunner: Prunner, job_id: str) -> None:
    error(prunner.get("/job/detail", id=job_id), 400, "Invalid job id")


def test_missing_id(prunner: Prunner) -> None:
    error(prunner.get("/job/detail"), 400, "Invalid job id")


def test_unknown_job(prunner: Prunner) -> None:
    error(
        prunner.get("/job/detail", id="00000000-0000-4000-8000-000000000000"), 404, "Job not found"
    )
    # Any UUID version parses; an unknown one is 404, not 400.
    error(
        prunner.get("/job/detail", id="00000000-0000-1000-0000-000000000000"), 404, "Job not found"
    )


def test_first_id_wins_and_unknown_parameters_are_ignored(prunner: Prunner) -> None:
    response = prunner.request("GET", f"/job/detail?id={SEED_JOB}&id=nope&verbose=1")
    assert response.json()["id"] == SEED_JOB
    semicolon = prunner.request("GET", f"/job/detail?id={SEED_JOB};x=1")
    error(semicolon, 400, "Invalid job id")
