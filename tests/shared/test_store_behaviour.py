"""What a client sees of jobmock's state, on either store: ONE module run against both (the
``state`` fixture), so the in-memory and the Redis store cannot drift apart.

In memory the two replicas are one server (a process is one jobmock); on Redis they are two
servers on two ports sharing only the store. Every test alternates between them as a load
balancer would, and expects exactly what one jobmock answers.
"""

from __future__ import annotations

import httpx

from jobmock.core.gate import VendorGate
from jobmock.testing.handle import RemoteHandle
from tests.conftest import START
from tests.shared.conftest import NUNU_KEY, Replica

GEOLOCATION_TEST = "a5060a07-d386-4279-98ce-b33fb884201e"
PIXEL_8 = "90c192cf-d3ac-44af-8f21-ddb66cad4a26"
POLL_DRIVEN = "ca02135e-92b1-43f2-8ede-0d7ac3baea9e"
SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"


def start_run(replica: Replica) -> str:
    response = replica.nunu.post(
        "/runs", json={"multiplayer_test_id": GEOLOCATION_TEST, "deployment_config_id": PIXEL_8}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["job_ids"][0])


def test_a_job_started_on_one_replica_is_read_on_the_other(replicas: list[Replica]) -> None:
    job_id = start_run(replicas[0])

    seen = replicas[1].nunu.get(f"/jobs/{job_id}")

    assert seen.status_code == 200
    assert seen.json()["status"] == "QUEUED"
    assert seen.json() == replicas[0].nunu.get(f"/jobs/{job_id}").json()


def test_advancing_the_clock_on_one_replica_moves_it_for_all(replicas: list[Replica]) -> None:
    job_id = start_run(replicas[0])

    moved = replicas[0].handle.advance("10m")

    assert replicas[1].handle.now() == moved
    assert moved == START.replace(minute=10)
    assert replicas[1].nunu.get(f"/jobs/{job_id}").json()["status"] == "COMPLETED"


def test_a_fault_for_one_request_fires_once_across_all_replicas(replicas: list[Replica]) -> None:
    replicas[0].handle.add_fault("nunu", path=f"/jobs/{POLL_DRIVEN}", status=503, times=1)

    answers = [replicas[i % 2].nunu.get(f"/jobs/{POLL_DRIVEN}") for i in range(4)]

    assert [a.status_code for a in answers] == [503, 200, 200, 200]
    assert answers[0].json() == {"error": "Service unavailable"}
    (rule,) = replicas[1].handle.faults()
    assert (rule["fired"], rule["exhausted"]) == (1, True)


def test_poll_driven_steps_count_the_polls_of_every_replica(replicas: list[Replica]) -> None:
    statuses = [replicas[i % 2].nunu.get(f"/jobs/{POLL_DRIVEN}").json()["status"] for i in range(7)]

    assert statuses == [
        "QUEUED",
        "QUEUED",
        "STARTING",
        "STARTING",
        "RUNNING",
        "RUNNING",
        "COMPLETED",
    ]
    assert len(replicas[0].handle.polls("nunu", POLL_DRIVEN)) == 7


def test_the_journal_holds_every_replicas_requests_in_order(replicas: list[Replica]) -> None:
    for n in range(1, 5):
        replicas[n % 2].nunu.get(f"/jobs/{POLL_DRIVEN}", params={"n": n})
        replicas[0].handle.advance("30s")

    entries = replicas[1].handle.requests(vendor="nunu")

    assert [entry.query for entry in entries] == [{"n": str(n)} for n in range(1, 5)]
    seqs = [entry.seq for entry in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    check = replicas[0].handle.assert_polled("nunu", POLL_DRIVEN, times=4, min_interval="30s")
    assert check.ok


def test_a_reset_on_one_replica_applies_to_all(replicas: list[Replica]) -> None:
    job_id = start_run(replicas[0])
    replicas[0].handle.advance("1h")
    replicas[0].handle.add_fault("nunu", path="/jobs/*", status=500, times=None)

    replicas[1].handle.reset()

    assert replicas[0].handle.faults() == []
    assert replicas[0].handle.requests() == []
    assert replicas[0].handle.now() == START
    gone = replicas[0].nunu.get(f"/jobs/{job_id}")
    assert (gone.status_code, gone.json()) == (404, {"error": "Job not found"})


def test_a_reload_on_one_replica_applies_to_all(replicas: list[Replica]) -> None:
    job_id = start_run(replicas[0])
    replicas[0].handle.advance("1h")

    replicas[1].handle.reload()

    assert replicas[0].handle.now() == START
    assert replicas[0].nunu.get(f"/jobs/{job_id}").status_code == 404
    assert replicas[1].nunu.get(f"/jobs/{job_id}").status_code == 404


def session(replica: Replica, name: str) -> tuple[RemoteHandle, httpx.Client]:
    root = f"{replica.server.url}/_session/{name}"
    client = httpx.Client(base_url=f"{root}/nunu/api/v1", headers=NUNU_KEY, timeout=30)
    return RemoteHandle(root, timeout=30), client


def test_sessions_are_shared_by_replicas_and_isolated_from_each_other(
    replicas: list[Replica],
) -> None:
    a0, nunu_a0 = session(replicas[0], "a")
    a1, nunu_a1 = session(replicas[1], "a")
    b1, nunu_b1 = session(replicas[1], "b")
    with nunu_a0, nunu_a1, nunu_b1:
        made = nunu_a0.post(
            "/runs",
            json={"multiplayer_test_id": GEOLOCATION_TEST, "deployment_config_id": PIXEL_8},
        )
        job_id = made.json()["job_ids"][0]
        a0.advance("2m")
        assert nunu_b1.get(f"/jobs/{job_id}").status_code == 404

        b1.reset()

        assert nunu_a1.get(f"/jobs/{job_id}").json()["status"] == "RUNNING"
        assert a1.now() == START.replace(minute=2)
        assert replicas[0].handle.sessions() == ["a", "b"]

        assert a1.end_session() is True

        assert nunu_a0.get(f"/jobs/{job_id}").status_code == 404
        assert replicas[1].handle.sessions() == ["a", "b"]  # that read made "a" anew
    for handle in (a0, a1, b1):
        handle.close()


# Kept documents (core/documents.py): a hot read's bytes are served again while the job cannot
# change. Each test below reads on replica B first, so B keeps the document, then changes the job
# on replica A: B's next read must show the change, never the document it kept.

NUNU_KEY_ID = "7f028653-0e85-4c37-87be-c59976796155"
RUNNING_JOB = "running-job"
RUNNING_RUN = "jr_running0000000000000"


def test_a_nunu_job_stopped_on_one_replica_reads_stopped_on_the_other(
    replicas: list[Replica],
) -> None:
    job_id = start_run(replicas[0])
    replicas[0].handle.advance("1m")
    assert replicas[1].nunu.get(f"/jobs/{job_id}").json()["status"] == "RUNNING"

    stopped = replicas[0].nunu.post("/runs/stop", json={"job_ids": [job_id]})

    assert (stopped.status_code, stopped.json()["stopped_count"]) == (200, 1)
    job = replicas[1].nunu.get(f"/jobs/{job_id}").json()
    assert job["status"] == "STOPPING"
    assert job["stopped_by"] == {"type": "api", "value": {"key_id": NUNU_KEY_ID}}
    assert job == replicas[0].nunu.get(f"/jobs/{job_id}").json()


def test_an_intuned_run_terminated_on_one_replica_reads_terminated_on_the_other(
    replicas: list[Replica],
) -> None:
    path = f"/jobs/{RUNNING_JOB}/runs/{RUNNING_RUN}"
    replicas[0].handle.advance("35s")
    assert replicas[1].intuned.get(path).json()["jobRun"]["status"] == "PENDING"

    ended = replicas[0].intuned.post(f"{path}/terminate")

    assert ended.status_code == 200
    assert ended.json() == {"message": "JobRun terminated successfully."}
    run = replicas[1].intuned.get(path).json()["jobRun"]
    assert run["status"] == "TERMINATED"
    assert run["end_time"] == run["updated_at"] == "2026-11-01T12:00:35Z"
    assert run["reason"]["type"] == "terminated"


def test_a_nunu_job_deleted_through_the_control_api_is_gone_everywhere(
    replicas: list[Replica],
) -> None:
    assert replicas[1].nunu.get(f"/jobs/{POLL_DRIVEN}").status_code == 200  # never kept
    assert replicas[1].nunu.get(f"/jobs/{SEED_JOB}").status_code == 200  # kept

    replicas[0].handle.delete_job("nunu", POLL_DRIVEN)
    replicas[0].handle.delete_job("nunu", SEED_JOB)

    for job_id in (POLL_DRIVEN, SEED_JOB):
        answer = replicas[1].nunu.get(f"/jobs/{job_id}")
        assert (answer.status_code, answer.json()) == (404, {"error": "Job not found"})


def test_an_intuned_job_deleted_through_the_control_api_is_gone_everywhere(
    replicas: list[Replica],
) -> None:
    path = f"/jobs/{RUNNING_JOB}/runs/{RUNNING_RUN}"
    assert replicas[1].intuned.get(path).status_code == 200

    replicas[0].handle.delete_job("intuned", RUNNING_JOB)

    answer = replicas[1].intuned.get(path)
    assert answer.status_code == 404
    body = answer.json()
    assert body.pop("correlationId")
    assert body == {
        "code": "not-found",
        "category": "user",
        "message": f"Job '{RUNNING_JOB}' not found.",
        "retirable": False,
    }


def test_a_rate_limit_window_is_one_across_replicas(replicas: list[Replica]) -> None:
    replicas[0].handle.set_rate_limits(True, vendor="intuned")
    clients = [
        httpx.Client(
            base_url=r.server.base_url("intuned"), headers={"x-api-key": "intuned_test_key"}
        )
        for r in replicas
    ]

    answers = [clients[i % 2].get("/projects") for i in range(21)]

    assert [a.status_code for a in answers] == [404] * 20 + [429]
    assert answers[20].headers["retry-after"] == "60"
    body = answers[20].json()
    assert (body["code"], body["message"]) == (
        "too-many-requests",
        "Too many requests: the limit is 20 requests per minute per path.",
    )
    for client in clients:
        client.close()


def kept_answers(replica: Replica, vendor: str) -> int:
    """How many answers a replica holds to answer again (``core.replays``)."""
    gate = replica.server.app.gates()[vendor]
    assert isinstance(gate, VendorGate)
    return len(gate.replays)


def test_a_read_each_replica_answers_again_follows_every_change_made_on_the_other(
    replicas: list[Replica],
) -> None:
    job_id = start_run(replicas[0])
    job, listed = f"/jobs/{job_id}", "/jobs?page_size=50"

    def seen() -> list[tuple[str, str]]:
        """The job as read, then as listed, twice on each replica."""
        answers = []
        for i in range(4):
            replica = replicas[i % 2]
            shown = replica.nunu.get(listed).json()["data"]
            answers.append(
                (
                    replica.nunu.get(job).json()["status"],
                    next(j["status"] for j in shown if j["job_id"] == job_id),
                )
            )
        return answers

    assert seen() == [("QUEUED", "QUEUED")] * 4
    assert kept_answers(replicas[0], "nunu") == kept_answers(replicas[1], "nunu") == 2

    replicas[1].handle.advance("1m")  # the control API, on the clock
    assert seen() == [("RUNNING", "RUNNING")] * 4
    stopped = replicas[0].nunu.post("/runs/stop", json={"job_ids": [job_id]})  # a vendor write
    assert stopped.status_code == 200
    assert seen() == [("STOPPING", "STOPPING")] * 4
    replicas[1].handle.delete_job("nunu", job_id)
    assert replicas[0].nunu.get(job).status_code == 404


def test_a_poll_on_one_replica_moves_the_list_the_other_answers_again(
    replicas: list[Replica],
) -> None:
    def listed_on(replica: Replica) -> str:
        jobs = replica.nunu.get("/jobs?page_size=50").json()["data"]
        return str(next(j["status"] for j in jobs if j["job_id"] == POLL_DRIVEN))

    assert [listed_on(replicas[0]) for _ in range(2)] == ["QUEUED", "QUEUED"]

    polled = [replicas[1].nunu.get(f"/jobs/{POLL_DRIVEN}").json()["status"] for _ in range(3)]

    assert polled == ["QUEUED", "QUEUED", "STARTING"]
    assert listed_on(replicas[0]) == "STARTING"


def test_answers_given_again_are_journaled_once_each_in_order(replicas: list[Replica]) -> None:
    for n in range(6):
        assert replicas[n % 2].nunu.get(f"/jobs/{SEED_JOB}").status_code == 200

    entries = replicas[0].handle.requests(vendor="nunu")

    assert [(e.path, e.status, e.operation, e.job, e.state) for e in entries] == [
        (f"/api/v1/jobs/{SEED_JOB}", 200, "getJobDetails", SEED_JOB, "COMPLETED")
    ] * 6
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 6))
    assert kept_answers(replicas[1], "nunu") == 1


def test_a_stub_set_on_one_replica_answers_once_across_all(replicas: list[Replica]) -> None:
    job = f"/jobs/{SEED_JOB}"
    assert [replicas[1].nunu.get(job).status_code for _ in range(2)] == [200, 200]  # kept

    stub = replicas[0].handle.stub_next(
        "nunu", "getJobDetails", status=503, json={"error": "maintenance"}
    )

    answers = [replicas[1 - i % 2].nunu.get(job) for i in range(4)]
    assert [a.status_code for a in answers] == [503, 200, 200, 200]
    assert answers[0].json() == {"error": "maintenance"}
    (listed,) = replicas[1].handle.stubs()
    assert (listed["id"], listed["hits"], listed["exhausted"]) == (stub["id"], 1, True)
    replicas[1].handle.clear_stubs()
    assert replicas[0].handle.stubs() == []


def test_a_scenario_chosen_on_one_replica_applies_to_jobs_made_on_the_other(
    replicas: list[Replica],
) -> None:
    replicas[0].handle.use_scenario("nunu", "stuck-queued")

    job_id = start_run(replicas[1])
    replicas[0].handle.advance("1h")

    assert replicas[1].nunu.get(f"/jobs/{job_id}").json()["status"] == "QUEUED"
    chosen = httpx.get(f"{replicas[1].server.url}/_mock/scenarios", params={"vendor": "nunu"})
    assert (chosen.json()["default"], chosen.json()["default_origin"]) == ("stuck-queued", "api")
    replicas[1].handle.use_scenario("nunu", None)
    usual = start_run(replicas[0])
    replicas[1].handle.advance("10m")
    assert replicas[0].nunu.get(f"/jobs/{usual}").json()["status"] == "COMPLETED"
    assert replicas[0].nunu.get(f"/jobs/{job_id}").json()["status"] == "QUEUED"
