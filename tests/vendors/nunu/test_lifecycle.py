"""Jobs move on the manual clock: start a run, poll it to completion, stop one, reset."""

from __future__ import annotations

from datetime import datetime, timedelta

from jobmock.testing.handle import InProcessHandle
from tests.conftest import START
from tests.vendors.nunu.conftest import SEED_JOB, Nunu

TEST_ID = "a5060a07-d386-4279-98ce-b33fb884201e"
FAILING_TEST_ID = "8e81973e-0bec-47b0-b898-d190f9ebdacc"
PIXEL = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"
BUILD = "0fd630f1-f29d-4da9-953f-48f1a09f76b5"
RUNNING_FIXTURE_JOB = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"
POLL_DRIVEN_JOB = "ca02135e-92b1-43f2-8ede-0d7ac3baea9e"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def start(nunu: Nunu, **body: object) -> str:
    response = nunu.post(
        "/runs", {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL, **body}
    )
    assert response.status_code == 201, response.text
    (job_id,) = response.json()["job_ids"]
    return str(job_id)


def test_start_run__response(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs", {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL, "build_id": BUILD}
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["message", "build_id", "job_ids"]
    assert body["message"] == "successfully queued test!"
    assert body["build_id"] == BUILD
    assert len(body["job_ids"]) == 1


def test_started_run_is_polled_to_completion(nunu: Nunu, handle: InProcessHandle) -> None:
    job_id = start(
        nunu,
        render_templates=True,
        template_data={"country": "France"},
        additional_tags=["nightly"],
    )
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "QUEUED"
    assert job["created_at"] == "2026-11-01T12:00:00.000000+00:00"
    assert job["completed_at"] is None
    assert job["runs"] == []
    assert job["platform"] == "lt_phone"
    assert job["tags"] == ["location", "templatable", "nightly"]
    assert job["template_data"] == {"country": "France"}

    handle.advance("4s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "STARTING"
    (summary,) = job["runs"]
    assert summary["state"] == "INITIALIZING"
    assert summary["result"] is None
    assert summary["started_at"] is None
    run_id = summary["multiplayer_run_id"]
    assert len(run_id) == 11 and run_id.isalnum() and run_id.islower()
    run = nunu.get(f"/runs/{run_id}").json()
    assert run["state"] == "INITIALIZING"
    assert run["created_at"] == "2026-11-01T12:00:04.000000+00:00"
    assert run["players"][0]["steps"] == []
    assert run["initiator"] == {
        "type": "api",
        "value": {"key_id": "7f028653-0e85-4c37-87be-c59976796155"},
    }

    handle.advance("2s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "RUNNING"
    assert job["runs"][0]["state"] == "RUNNING"
    assert job["runs"][0]["started_at"] == "2026-11-01T12:00:06.000000+00:00"
    run = nunu.get(f"/runs/{run_id}").json()
    assert run["duration_ms"] is None
    step = run["players"][0]["steps"][0]
    assert step["run_state"] == "RUNNING"
    assert step["end_time"] is None and step["run_result"] is None and step["report"] is None

    handle.advance("4m")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "COMPLETED"
    assert job["completed_at"] == "2026-11-01T12:04:06.000000+00:00"
    assert job["runs"][0]["result"] == "SUCCESS"
    run = nunu.get(f"/runs/{run_id}").json()
    assert run["state"] == "COMPLETED"
    assert run["result"] == "SUCCESS"
    started, completed = at(run["started_at"]), at(run["completed_at"])
    assert completed < at(job["completed_at"]) <= completed + timedelta(seconds=1)
    assert run["duration_ms"] == round((completed - started) / timedelta(milliseconds=1), 2)
    player = run["players"][0]
    assert player["state"] == "COMPLETED"
    assert player["completed_step_count"] == player["step_count"] == 1
    assert player["steps"][0]["end_time"] == run["completed_at"]
    assert [a["filename"] for a in player["artifacts"]] == ["recording.mp4", "logs.txt"]
    assert run["template_data"] == {"country": "France"}


def test_test_timeline_decides_the_outcome(nunu: Nunu, handle: InProcessHandle) -> None:
    job_id = start(nunu, multiplayer_test_id=FAILING_TEST_ID)
    handle.advance("2m4s")
    assert nunu.get(f"/jobs/{job_id}").json()["status"] == "RUNNING"
    handle.advance("1s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "COMPLETED"
    run = nunu.get(f"/runs/{job['runs'][0]['multiplayer_run_id']}").json()
    assert run["result"] == "FAILED"
    steps = run["players"][0]["steps"]
    assert [s["run_result"] for s in steps] == ["SUCCESS", "SUCCESS", "FAILED"]
    assert run["players"][0]["completed_step_count"] == 2


def test_timeline_header_overrides_the_default(nunu: Nunu, handle: InProcessHandle) -> None:
    timeline = (
        '[{"status": "QUEUED", "at": "0s"}, {"status": "RUNNING", "at": "10s"},'
        ' {"status": "COMPLETED", "at": "30s", "result": "ERROR"}]'
    )
    response = nunu.post(
        "/runs",
        {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers={"X-Jobmock-Timeline": timeline},
    )
    job_id = response.json()["job_ids"][0]
    handle.advance("30s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert (job["status"], job["runs"][0]["result"]) == ("COMPLETED", "ERROR")


def test_bad_timeline_header(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs",
        {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL},
        headers={"X-Jobmock-Timeline": '[{"status": "DONE"}]'},
    )
    assert response.status_code == 400
    assert "timeline" in response.json()["error"]


def test_instances_start_one_job_each(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs", {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL, "instances": 3}
    )
    assert len(set(response.json()["job_ids"])) == 3


def test_ephemeral_instructions(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs",
        {"instructions": "Open settings and enable dark mode", "deployment_config_id": PIXEL},
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["test_id", "job_ids"]
    job = nunu.get(f"/jobs/{body['job_ids'][0]}").json()
    assert job["multiplayer_test_id"] == body["test_id"]
    assert job["test_name"] == "[api] ephemeral test"
    assert job["tags"] == ["api"]


def test_test_plan_starts_one_job_per_test(nunu: Nunu) -> None:
    response = nunu.post(
        "/runs",
        {"test_plan_id": "92276658-1e27-41c0-8a6a-63ec24ede6a4", "deployment_config_id": PIXEL},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "successfully queued test plan!"
    jobs = [nunu.get(f"/jobs/{j}").json() for j in body["job_ids"]]
    assert [j["multiplayer_test_id"] for j in jobs] == [TEST_ID, FAILING_TEST_ID]
    assert {j["test_plan_execution_id"] for j in jobs} == {body["test_plan_execution_id"]}


def test_start_run__not_found_and_bad_requests(nunu: Nunu) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    cases = [
        (
            {"multiplayer_test_id": unknown, "deployment_config_id": PIXEL},
            404,
            "multiplayer test not found",
        ),
        ({"test_plan_id": unknown, "deployment_config_id": PIXEL}, 404, "test plan not found"),
        (
            {"multiplayer_test_id": TEST_ID, "deployment_config_id": unknown},
            404,
            "deployment config not found",
        ),
        (
            {"multiplayer_test_id": TEST_ID, "deployment_config_id": PIXEL, "build_id": unknown},
            404,
            "build not found",
        ),
        (
            {"deployment_config_id": PIXEL},
            400,
            "Provide exactly one of multiplayer_test_id, test_plan_id or instructions",
        ),
        (
            {"multiplayer_test_id": TEST_ID, "instructions": "x", "deployment_config_id": PIXEL},
            400,
            "Provide exactly one of multiplayer_test_id, test_plan_id or instructions",
        ),
        ({"multiplayer_test_id": TEST_ID}, 400, "deployment_config_id is required"),
    ]
    for body, status, message in cases:
        response = nunu.post("/runs", body)
        assert (response.status_code, response.json()) == (status, {"error": message}), body


def test_fixture_job_running_now_completes_three_minutes_after_start(
    nunu: Nunu, handle: InProcessHandle
) -> None:
    job = nunu.get(f"/jobs/{RUNNING_FIXTURE_JOB}").json()
    assert job["status"] == "RUNNING"
    # Running since the start, so queued a moment before it: nunu makes the job, then its run.
    assert job["created_at"] == "2026-11-01T11:59:56.000000+00:00"
    run = nunu.get(f"/runs/{job['runs'][0]['multiplayer_run_id']}").json()
    assert (run["state"], run["created_at"], run["started_at"]) == (
        "RUNNING",
        "2026-11-01T12:00:00.000000+00:00",
        "2026-11-01T12:00:00.000000+00:00",
    )
    handle.advance("2m59s")
    assert nunu.get(f"/jobs/{RUNNING_FIXTURE_JOB}").json()["status"] == "RUNNING"
    handle.advance("1s")
    job = nunu.get(f"/jobs/{RUNNING_FIXTURE_JOB}").json()
    assert job["status"] == "COMPLETED"
    assert job["completed_at"] == "2026-11-01T12:03:00.000000+00:00"


def test_poll_driven_job_moves_on_reads(nunu: Nunu) -> None:
    statuses = [nunu.get(f"/jobs/{POLL_DRIVEN_JOB}").json()["status"] for _ in range(8)]
    assert statuses == [
        "QUEUED",
        "QUEUED",
        "STARTING",
        "STARTING",
        "RUNNING",
        "RUNNING",
        "COMPLETED",
        "COMPLETED",
    ]


def test_stop_a_running_job(nunu: Nunu, handle: InProcessHandle) -> None:
    job_id = start(nunu)
    handle.advance("1m")
    response = nunu.post("/runs/stop", {"job_ids": [job_id]})
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "Successfully stopped 1 job(s)",
        "received_count": 1,
        "stopped_count": 1,
        "results": [{"job_id": job_id, "ok": True, "status": 200, "message": "Job stopped"}],
    }
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "STOPPING"
    assert job["stopped_by"] == {
        "type": "api",
        "value": {"key_id": "7f028653-0e85-4c37-87be-c59976796155"},
    }
    assert job["runs"][0]["state"] == "RUNNING"
    handle.advance("2s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "CLEANING_UP"
    assert (job["runs"][0]["state"], job["runs"][0]["result"]) == ("COMPLETED", "STOPPED")
    assert job["runs"][0]["completed_at"] == "2026-11-01T12:01:02.000000+00:00"
    handle.advance("3s")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "COMPLETED"
    assert job["completed_at"] == "2026-11-01T12:01:05.000000+00:00"
    run = nunu.get(f"/runs/{job['runs'][0]['multiplayer_run_id']}").json()
    assert run["result"] == "STOPPED"
    assert run["duration_ms"] == 56000.0  # started at 6 s, stopped (cleaning up) at 62 s
    assert run["players"][0]["steps"][-1]["run_result"] == "STOPPED"


def test_stop_a_queued_job_never_starts_its_run(nunu: Nunu, handle: InProcessHandle) -> None:
    job_id = start(nunu)
    assert nunu.post("/runs/stop", {"job_ids": [job_id]}).status_code == 200
    handle.advance("10m")
    job = nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "COMPLETED"
    assert job["runs"] == []


def test_stop_partial_and_not_found(nunu: Nunu, handle: InProcessHandle) -> None:
    running = start(nunu)
    unknown = "00000000-0000-4000-8000-000000000000"
    response = nunu.post("/runs/stop", {"job_ids": [running, SEED_JOB, unknown]})
    assert response.status_code == 207
    body = response.json()
    assert (body["ok"], body["received_count"], body["stopped_count"]) == (True, 3, 1)
    assert body["results"][1:] == [
        {"job_id": SEED_JOB, "ok": False, "status": 500, "error": "Job already completed"},
        {"job_id": unknown, "ok": False, "status": 404, "error": "Job not found"},
    ]
    missing = nunu.post("/runs/stop", {"job_ids": [unknown]})
    assert missing.status_code == 404
    assert missing.json() == {"error": "no jobs found in your project matching the provided IDs"}
    empty = nunu.post("/runs/stop", {"job_ids": []})
    assert empty.status_code == 400


def test_reset_forgets_started_jobs_and_rewinds_the_clock(
    nunu: Nunu, handle: InProcessHandle
) -> None:
    job_id = start(nunu)
    handle.advance("10m")
    handle.reset()
    assert handle.now() == START
    assert nunu.get(f"/jobs/{job_id}").status_code == 404
    assert nunu.get(f"/jobs/{RUNNING_FIXTURE_JOB}").json()["status"] == "RUNNING"
    assert start(nunu) == job_id, "ids are seeded: the same after a reset"


def test_all_timestamps_follow_the_mock_clock(nunu: Nunu, handle: InProcessHandle) -> None:
    handle.set_time("2030-01-01T00:00:00Z")
    job_id = start(nunu)
    assert nunu.get(f"/jobs/{job_id}").json()["created_at"] == "2030-01-01T00:00:00.000000+00:00"


TWO_PLAYER_TEST = "6b4cb242-4a23-4596-a217-beaddbc496cb"


def test_per_player_configs_replace_the_default_only_when_they_cover_every_player(
    nunu: Nunu,
) -> None:
    both = {"1": {"deployment_config_id": PIXEL}, "2": {"deployment_config_id": PIXEL}}
    response = nunu.post(
        "/runs", {"multiplayer_test_id": TWO_PLAYER_TEST, "player_deployment_configs": both}
    )
    assert response.status_code == 201, response.text
    partial = {"2": {"deployment_config_id": PIXEL}}
    response = nunu.post(
        "/runs", {"multiplayer_test_id": TWO_PLAYER_TEST, "player_deployment_configs": partial}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "deployment_config_id is required: player_deployment_configs has no "
            "entry for player 1"
        },
    )
    with_default = {"deployment_config_id": PIXEL, "player_deployment_configs": partial}
    response = nunu.post("/runs", {"multiplayer_test_id": TWO_PLAYER_TEST, **with_default})
    assert response.status_code == 201, response.text


def test_the_openapi_document_requires_a_deployment_config_as_nunus_does(nunu: Nunu) -> None:
    document = nunu.client.get("/nunu/openapi.json").json()
    schema = document["components"]["schemas"]["StartRunRequest"]
    assert schema["anyOf"] == [
        {"required": ["deployment_config_id"]},
        {"required": ["multiplayer_test_id", "player_deployment_configs"]},
    ]
    assert schema["dependentRequired"] == {"build_id": ["deployment_config_id"]}
    assert "required" not in schema
