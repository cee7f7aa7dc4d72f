"""Get Jobs and Get Job Runs: the two job shapes, paging and sorting."""

from __future__ import annotations

from jobmock.testing.handle import InProcessHandle
from tests.vendors.intuned.conftest import PROJECT_ID, SEED_JOB, WORKSPACE, Intuned

LIST_KEYS = [
    "id",
    "workspace_id",
    "project_id",
    "configuration",
    "payload",
    "sink",
    "schedule",
    "next_run_time",
    "last_run_time",
    "created_at",
    "auth_session",
    "notifications",
    "proxy",
    "reason",
    "state",
    "schedule_id",
    "source",
]


def test_get_jobs__list_shape(intuned: Intuned) -> None:
    response = intuned.get("/jobs")
    assert response.status_code == 200
    jobs = {job["id"]: job for job in response.json()}
    order = list(jobs)
    assert order[:2] == ["every-status-job", "failing-job"], "files by name, then file order"
    assert order.index(SEED_JOB) == 9, "then the generated jobs (fixtures/intuned/generated.yaml)"
    assert len(order) == 10 + 40
    for job in jobs.values():
        assert list(job) == LIST_KEYS
        assert (job["workspace_id"], job["project_id"]) == (WORKSPACE, PROJECT_ID)
    assert jobs["code-defined-job"]["source"] == "CODE"
    assert jobs[SEED_JOB]["source"] == "API"
    assert jobs["paused-job"]["state"] == "PAUSED"
    assert jobs["paused-job"]["reason"] == {
        "type": "paused",
        "message": "Job paused by user request.",
    }
    assert jobs["every-status-job"]["notifications"] == [
        {
            "type": "webhook",
            "url": "https://hooks.example.com/notify",
            "headers": {"X-Token": "abc"},
        }
    ]


def test_proxy_is_an_object_in_the_list_and_a_url_in_get_job(intuned: Intuned) -> None:
    listed = {job["id"]: job for job in intuned.get("/jobs").json()}["s3-sink-job"]
    single = intuned.get("/jobs/s3-sink-job").json()
    url = "http://user:pass@proxy.example.com:8080"
    assert listed["proxy"] == {"version": "v1", "url": url}
    assert single["proxy"] == url
    assert "project_id" in listed and "projectId" not in listed
    assert "projectId" in single and "project_id" not in single
    assert "notifications" not in single, "Get Job has no notifications"
    assert (
        listed["configuration"]
        == single["configuration"]
        == {
            "maxConcurrentRequests": 2,
            "requestTimeout": 600,
            "proxy": url,
        }
    )


def test_defaults_the_vendor_fills_in(intuned: Intuned) -> None:
    response = intuned.post(
        "/jobs",
        json={
            "id": "bare-minimum",
            "payload": [{"apiName": "a", "parameters": {}, "retry": {}}],
            "configuration": {"retry": {}},
            "auth_session": {"id": "s"},
            "sink": {"type": "webhook", "url": "https://h.example.com"},
            "unknown": "dropped",
        },
    )
    assert response.status_code == 201
    assert response.json() == {"id": "bare-minimum", "message": "created"}
    job = intuned.get("/jobs/bare-minimum").json()
    assert job["payload"] == [
        {"apiName": "a", "parameters": {}, "requestTimeout": 600, "retry": {"maximumAttempts": 3}}
    ]
    assert job["configuration"] == {"retry": {"maximumAttempts": 3}, "requestTimeout": 600}
    assert job["auth_session"] == {"id": "s", "checkAttempts": 3, "createAttempts": 3}
    assert job["sink"] == {"type": "webhook", "url": "https://h.example.com", "skipOnFail": False}
    assert "unknown" not in job
    assert (job["schedule"], job["next_run_time"], job["last_run_time"]) == (None, None, None)
    assert job["created_at"] == "2026-11-01T12:00:00Z"


def test_runs_page_size_defaults_to_ten(intuned: Intuned) -> None:
    body = intuned.get("/jobs/every-status-job/runs").json()
    assert list(body) == ["jobRuns", "totalCount"]
    assert body["totalCount"] == 13
    assert len(body["jobRuns"]) == 10
    rest = intuned.get("/jobs/every-status-job/runs", pageNumber="1").json()
    assert len(rest["jobRuns"]) == 3 and rest["totalCount"] == 13
    ids = [r["id"] for r in body["jobRuns"] + rest["jobRuns"]]
    assert len(set(ids)) == 13
    beyond = intuned.get("/jobs/every-status-job/runs", pageNumber="5").json()
    assert beyond == {"jobRuns": [], "totalCount": 13}


def test_runs_sorted_by_several_keys(intuned: Intuned) -> None:
    runs = intuned.get(
        "/jobs/every-status-job/runs", pageSize="100", sortBy="status,asc/id,desc"
    ).json()["jobRuns"]
    pairs = [(r["status"], r["id"]) for r in runs]
    assert pairs == sorted(pairs, key=lambda p: (p[0], [-ord(c) for c in p[1]]))
    assert pairs[:2] == [
        ("CANCELED", "jr_canceledbusy00000000"),
        ("CANCELED", "jr_canceledauth00000000"),
    ]


def test_nulls_come_first_descending_and_last_ascending(intuned: Intuned) -> None:
    desc = intuned.get("/jobs/every-status-job/runs", pageSize="100", sortBy="end_time,desc")
    ends = [r["end_time"] for r in desc.json()["jobRuns"]]
    unfinished = 5  # PENDING, PAUSING, two PAUSED, RESUMING
    assert ends[:unfinished] == [None] * unfinished
    assert ends[unfinished:] == sorted(ends[unfinished:], reverse=True)
    asc = intuned.get("/jobs/every-status-job/runs", pageSize="100", sortBy="end_time")
    ends = [r["end_time"] for r in asc.json()["jobRuns"]]
    assert ends[-unfinished:] == [None] * unfinished


def test_static_fixture_runs(intuned: Intuned) -> None:
    runs = {
        r["id"]: r
        for r in intuned.get("/jobs/every-status-job/runs", pageSize="100").json()["jobRuns"]
    }
    pending = runs["jr_pending0000000000000"]
    assert (pending["payloads"], pending["successful_runs"], pending["failed_runs"]) == (4, 1, 0)
    assert pending["start_time"] == "2026-11-01T12:00:00Z", "anchored at server start"
    completed = runs["jr_completed00000000000"]
    assert (completed["successful_runs"], completed["failed_runs"]) == (3, 1)
    assert completed["end_time"] == "2026-11-01T12:00:00Z", "ended when the server started"
    success = runs["jr_success0000000000000"]
    assert (success["start_time"], success["end_time"]) == (
        "2026-10-20T06:00:00Z",
        "2026-10-20T06:04:10Z",
    )
    failure = intuned.get("/jobs/every-status-job/runs/jr_failure0000000000000").json()
    assert failure["jobRun"]["error"] == {
        "message": "An error occurred while executing the job",
        "code": "internal-server-error",
        "category": "infrastructure",
        "correlationId": "6f1c2a9e-2b7d-4c1e-9a53-0c8d4b7e2f10",
        "retirable": True,
        "doc_url": "https://intunedhq.com/docs/main/support/errors#internal-server-error",
    }
    no_results = intuned.get("/jobs/every-status-job/runs/jr_successnoresults000").json()
    assert "results" not in no_results
    generated = intuned.get("/jobs/every-status-job/runs/jr_completed00000000000").json()
    assert generated["results"]["key"] == "results/jr_completed00000000000.json"
    explicit = intuned.get("/jobs/every-status-job/runs/jr_success0000000000000").json()
    assert explicit["results"]["signed_url"].startswith("https://results.example.com/")


def test_journal_names_the_operation_and_the_job(intuned: Intuned, handle: InProcessHandle) -> None:
    intuned.get(f"/jobs/{SEED_JOB}/runs/jr_abc123def456ghi789xyz")
    intuned.post("/jobs/running-job/trigger")
    # A run's reads are polls of that run: the journal files them under its id.
    (entry,) = handle.requests(vendor="intuned", job="jr_abc123def456ghi789xyz")
    assert (entry.operation, entry.status, entry.method) == ("getJobRun", 200, "GET")
    assert (entry.state, entry.terminal) == ("SUCCESS", True)
    assert entry.path.startswith(f"/api/v1/workspace/{WORKSPACE}/projects/my-project/jobs/")
    (trigger,) = handle.requests(vendor="intuned", method="POST")
    assert (trigger.operation, trigger.job) == ("triggerJob", "running-job")
