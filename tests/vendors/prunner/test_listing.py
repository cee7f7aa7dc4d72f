"""GET /pipelines/ and GET /pipelines/jobs (spec/prunner.md §5)."""

from __future__ import annotations

from jobmock.testing.handle import InProcessHandle
from tests.vendors.prunner.conftest import ENDLESS, RUNNING_DIAMOND, SEED_JOB, Prunner, fixture_job

PIPELINES = [
    "ci",
    "diamond",
    "exclusive",
    "failing",
    "my_pipeline",
    "nightly",
    "release",
    "sync",
    "warmup",
    "watch",
]


def test_pipelines_byte_for_byte(prunner: Prunner) -> None:
    response = prunner.get("/pipelines/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    running = {"ci", "diamond", "watch"}  # ci: the newest of its generated history
    items = ",".join(
        f'{{"pipeline":"{name}","schedulable":true,"running":{str(name in running).lower()}}}'
        for name in PIPELINES
    )
    assert response.content == ('{"pipelines":[' + items + "]}\n").encode()
    assert prunner.get("/pipelines").content == response.content


def test_running_follows_the_clock(prunner: Prunner, handle: InProcessHandle) -> None:
    handle.advance("30s")
    running = {p["pipeline"]: p["running"] for p in prunner.get("/pipelines/").json()["pipelines"]}
    assert running["diamond"] is False and running["watch"] is True
    prunner.schedule("release")
    running = {p["pipeline"]: p["running"] for p in prunner.get("/pipelines/").json()["pipelines"]}
    assert running["release"] is True


def test_start_delay_makes_schedulable_depend_on_the_queue(prunner: Prunner) -> None:
    # With a start delay every job waits first; replace always accepts another.
    prunner.schedule("warmup")
    warmup = next(
        p for p in prunner.get("/pipelines/").json()["pipelines"] if p["pipeline"] == "warmup"
    )
    assert warmup == {"pipeline": "warmup", "schedulable": True, "running": False}


def test_jobs_newest_first(prunner: Prunner, handle: InProcessHandle) -> None:
    handle.advance("1s")
    first = prunner.schedule("release")
    second = prunner.schedule("diamond")
    body = prunner.get("/pipelines/jobs").json()
    assert list(body) == ["pipelines", "jobs"]
    assert [p["pipeline"] for p in body["pipelines"]] == PIPELINES
    ids = [job["id"] for job in body["jobs"]]
    # Same creation time: the later request first.
    assert ids[:4] == [second, first, ENDLESS, RUNNING_DIAMOND]
    assert ids[-1] == fixture_job(7)  # 2025-05-04T02:00:00Z, the oldest
    assert {job["pipeline"] for job in body["jobs"][4:-13]} == {"ci"}  # the hour before start
    assert SEED_JOB in ids and len(ids) == 17 + 60  # 60 generated (fixtures/prunner/generated.yaml)
    created = [job["created"] for job in body["jobs"]]
    assert created == sorted(created, reverse=True)


def test_jobs_are_the_detail_documents(prunner: Prunner) -> None:
    raw = prunner.get("/pipelines/jobs").content
    seed = prunner.get("/job/detail", id=SEED_JOB).content.rstrip(b"\n")
    assert seed in raw
    assert raw.endswith(b"]}\n")


def test_no_jobs_is_an_empty_list(prunner: Prunner, handle: InProcessHandle) -> None:
    for job_id in handle.job_ids("prunner"):
        handle.delete_job("prunner", job_id)
    assert prunner.get("/pipelines/jobs").content.endswith(b',"jobs":[]}\n')
