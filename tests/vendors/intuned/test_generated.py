"""Generated Intuned jobs and their past runs: deterministic, count-stable, consistent (the
counters add up), moving on the clock, changed one at a time, exported as fixtures."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from intuned_client import IntunedClient

from jobmock.cli import main
from jobmock.core.fixture_files import FixtureError
from jobmock.testing import JobmockTransport
from tests.helpers import ROOT
from tests.vendors.intuned.conftest import KEY, SDK_BASE, WORKSPACE
from tests.vendors.intuned.conftest import ROOT as API_ROOT
from tests.vendors.intuned.generated_client import Client, app_for, check_job, check_run, fixtures

BLOCK: dict[str, Any] = {"count": 60, "seed": 4, "runs": 60, "schedules": {"1h": 2, "15m": 1}}


@pytest.fixture
def make() -> Iterator[Callable[..., Client]]:
    """Clients on apps of their own, closed after the test (each runs an event loop thread)."""
    made: list[Client] = []

    def client(path: Path, start: datetime | None = None) -> Client:
        made.append(Client(app_for(path) if start is None else app_for(path, start)))
        return made[-1]

    yield client
    for each in made:
        each.close()


@pytest.fixture
def big(tmp_path: Path, make: Callable[..., Client]) -> Client:
    return make(fixtures(tmp_path, BLOCK, with_jobs=True))


def test_same_documents_in_two_apps_and_after_reset(
    tmp_path: Path, make: Callable[..., Client]
) -> None:
    path = fixtures(tmp_path, {"count": 20, "seed": 9, "runs": 12})
    first, second = make(path), make(path)
    ids = first.generated_ids(20)
    assert ids == second.generated_ids(20)
    before = [(first.get(f"/jobs/{i}"), first.runs(i)) for i in ids[:6]]
    assert before == [(second.get(f"/jobs/{i}"), second.runs(i)) for i in reversed(ids[:6])][::-1]
    run = before[0][1][5]["id"]
    assert first.get(f"/jobs/{ids[0]}/runs/{run}") == second.get(f"/jobs/{ids[0]}/runs/{run}")
    first.handle.advance("3h")
    first.http.post(f"/jobs/{ids[1]}/pause")
    first.handle.reset()
    assert [(first.get(f"/jobs/{i}"), first.runs(i)) for i in ids[:6]] == before
    assert first.get("/jobs") == second.get("/jobs")


def test_job_seven_of_a_thousand_is_job_seven_of_ten(
    tmp_path: Path, make: Callable[..., Client]
) -> None:
    small = make(fixtures(tmp_path / "a", {"count": 10, "seed": 2, "runs": 5}))
    large = make(fixtures(tmp_path / "b", {"count": 1000, "seed": 2, "runs": 5}))
    seventh = small.generated_ids(10)[7]
    assert large.generated_ids(1000)[7] == seventh
    assert small.get(f"/jobs/{seventh}") == large.get(f"/jobs/{seventh}")
    runs = small.runs(seventh)
    assert runs == large.runs(seventh)
    # More runs per job add older runs; the ones there stay as they were.
    longer = make(fixtures(tmp_path / "c", {"count": 10, "seed": 2, "runs": 400}))
    assert longer.runs(seventh, size=5)[:5] == runs
    other_seed = make(fixtures(tmp_path / "d", {"count": 10, "seed": 3, "runs": 5}))
    assert seventh not in other_seed.generated_ids(10)


def test_thousands_of_generated_runs_follow_the_rules(big: Client) -> None:
    now = big.now()
    jobs = {job["id"]: job for job in big.get("/jobs")}
    ids = big.generated_ids(60)
    assert set(ids) <= set(jobs)
    states: set[str] = set()
    statuses: set[str] = set()
    kinds: set[str | None] = set()
    for job_id in ids:
        job = jobs[job_id]
        assert big.get(f"/jobs/{job_id}")["last_run_time"] == job["last_run_time"]
        runs = big.runs(job_id)
        assert len(runs) == 60
        check_job(job, runs, now)
        states.add(job["state"])
        statuses |= {r["status"] for r in runs}
        kinds.add(job["schedule"]["intervals"][0]["every"] if job["schedule"] else None)
        detail = big.get(f"/jobs/{job_id}/runs/{runs[17]['id']}")
        assert detail["jobRun"] == runs[17]
        assert ("results" in detail) == (runs[17]["status"] in ("SUCCESS", "COMPLETED"))
    assert states == {"ACTIVE", "PAUSED"}
    assert statuses >= {"PENDING", "SUCCESS", "COMPLETED", "FAILURE", "CANCELED", "TERMINATED"}
    assert kinds == {"1h", "15m", None}, "hourly, quarter-hourly and run by hand"


def test_runs_still_moving_finish_as_the_clock_moves(big: Client) -> None:
    job = next(j for j in big.generated_ids(60) if big.runs(j, size=1)[0]["status"] == "PENDING")
    run = big.runs(job)[0]
    assert run["start_time"] == "2026-11-01T12:00:00Z", "an hourly job fired at server start"
    assert (run["end_time"], run["successful_runs"], run["failed_runs"]) == (None, 0, 0)
    big.handle.advance("4m")
    moving = big.get(f"/jobs/{job}/runs/{run['id']}")["jobRun"]
    big.handle.advance("30m")
    done = big.get(f"/jobs/{job}/runs/{run['id']}")["jobRun"]
    assert done["status"] != "PENDING" and done["end_time"] is not None
    counts = [(r["successful_runs"] + r["failed_runs"]) for r in (run, moving, done)]
    assert counts == sorted(counts), "payloads are processed as time passes"
    listed = next(j for j in big.get("/jobs") if j["id"] == job)
    check_run(done, listed, big.now())


def test_the_schedule_carries_on_from_the_past_runs(big: Client) -> None:
    job_id = next(
        j
        for j in big.generated_ids(60)
        if (doc := big.get(f"/jobs/{j}"))["schedule"] == {"intervals": [{"every": "1h"}]}
        and doc["state"] == "ACTIVE"
    )
    job = big.get(f"/jobs/{job_id}")
    assert (job["last_run_time"], job["next_run_time"]) == (
        "2026-11-01T12:00:00Z",
        "2026-11-01T13:00:00Z",
    )
    big.handle.advance("1h30m")
    runs = big.runs(job_id)
    assert [r["start_time"] for r in runs[:3]] == [
        "2026-11-01T13:00:00Z",
        "2026-11-01T12:00:00Z",
        "2026-11-01T11:00:00Z",
    ]
    assert runs[0]["type"] == "SCHEDULED" and len(runs) == 61
    assert big.get(f"/jobs/{job_id}")["next_run_time"] == "2026-11-01T14:00:00Z"


def test_a_changed_generated_run_or_job_keeps_its_change(big: Client) -> None:
    ids = big.generated_ids(60)
    job = next(j for j in ids if big.runs(j, size=1)[0]["status"] == "PENDING")
    before_runs = big.runs(job)
    newest, neighbour = before_runs[:2]
    big.handle.advance("10s")
    assert big.http.post(f"/jobs/{job}/runs/{newest['id']}/terminate").status_code == 200
    big.handle.advance("2h")
    terminated = big.get(f"/jobs/{job}/runs/{newest['id']}")["jobRun"]
    assert (terminated["status"], terminated["end_time"]) == ("TERMINATED", "2026-11-01T12:00:10Z")
    assert terminated["reason"]["type"] == "terminated"
    assert big.get(f"/jobs/{job}/runs/{neighbour['id']}")["jobRun"] == neighbour
    listed = big.runs(job)
    assert [r for r in listed if r["id"] == newest["id"]] == [terminated]
    fired = [r for r in listed if r["start_time"] > newest["start_time"]]
    assert fired and {r["type"] for r in fired} == {"SCHEDULED"}, "its schedule carried on"
    assert [r for r in listed if r not in fired] == [terminated, *before_runs[1:]]

    other = ids[ids.index(job) - 1]
    before = big.get(f"/jobs/{other}")
    assert big.http.post(f"/jobs/{job}/pause").json() == {"message": "Paused"}
    assert big.get(f"/jobs/{job}")["state"] == "PAUSED"
    assert big.get(f"/jobs/{other}") == before
    total = big.handle._call("GET", "/jobs/intuned")["total"]
    assert big.http.delete(f"/jobs/{other}").status_code == 204
    assert big.http.get(f"/jobs/{other}").status_code == 404
    assert big.handle._call("GET", "/jobs/intuned")["total"] == total - 1
    assert other not in [j["id"] for j in big.get("/jobs")]
    created = big.http.post(
        "/jobs",
        json={"id": job, "payload": [{"apiName": "a", "parameters": {}}], "configuration": {}},
    )
    assert created.status_code == 400, "a generated job's id is taken"
    big.handle.reset()
    assert big.get(f"/jobs/{other}") == before
    assert big.get(f"/jobs/{job}/runs/{newest['id']}")["jobRun"]["status"] == "PENDING"


def test_get_jobs_streams_fixture_then_generated_jobs(big: Client) -> None:
    sent: list[dict[str, Any]] = []

    async def call() -> None:
        done = asyncio.Event()
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client stays until the whole answer is in
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        path = f"{API_ROOT}/{WORKSPACE}/projects/my-project/jobs"
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"jobmock"), (b"x-api-key", KEY.encode())],
            "server": ("jobmock", 80),
            "client": ("test", 1),
        }
        await big.app(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(call())
    start, *pieces = sent
    assert start["status"] == 200
    assert b"content-length" not in dict(start["headers"]), "streamed"
    assert len(pieces) > 1, "in pieces"
    jobs = json.loads(b"".join(piece["body"] for piece in pieces))
    assert jobs == big.get("/jobs")
    assert [j["id"] for j in jobs[10:]] == big.generated_ids(60)
    assert jobs[9]["id"] == "my-sample-job"


def test_the_sdk_parses_generated_jobs_and_runs(big: Client) -> None:
    with (
        httpx.Client(transport=JobmockTransport(big.app)) as http,
        IntunedClient(api_key=KEY, workspace_id=WORKSPACE, base_url=SDK_BASE, client=http) as sdk,
    ):
        listed = sdk.projects.jobs.list(project_name="my-project")
        assert len(listed) == 70
        job = big.generated_ids(60)[3]
        runs = sdk.projects.jobs.runs.list(
            project_name="my-project", job_id=job, page_size="50", sort_by="status,asc"
        )
        assert runs.total_count == 60 and len(runs) == 50
        one = sdk.projects.jobs.runs.get(
            project_name="my-project", job_id=job, job_run_id=runs[7].id
        )
        assert one.job_run.id == runs[7].id


def test_export_renders_the_same_documents(tmp_path: Path, make: Callable[..., Client]) -> None:
    midnight = datetime(2026, 11, 1, tzinfo=UTC)  # exports place runs as a start at midnight UTC
    out = tmp_path / "exported" / "intuned"
    out.mkdir(parents=True)
    (out / "seed.yaml").write_text((ROOT / "fixtures" / "intuned" / "seed.yaml").read_text())
    source = fixtures(tmp_path / "gen", {"count": 8, "seed": 5, "name": "history"})
    argv = ["generate", "intuned", "--out", str(out / "jobs.yaml"), "--jobs-only"]
    assert main([*argv, "--fixtures", str(source)]) == 0
    exported = make(tmp_path / "exported", midnight)
    generated = make(source, midnight)
    ids = generated.generated_ids(8)
    assert exported.generated_ids(9)[:8] == ids  # then the seed job
    for advance in ("0s", "20s", "40m", "1d"):
        for client in (exported, generated):
            client.handle.reset()
            client.handle.advance(advance)
        by_id = {job["id"]: job for job in exported.get("/jobs")}
        assert by_id == {job["id"]: job for job in generated.get("/jobs")}
        for job in ids:
            for sort in (None, "status,desc/end_time,asc", "failed_runs,desc"):
                assert exported.runs(job, sort, size=20) == generated.runs(job, sort, size=20)
            run = generated.runs(job, size=3)[2]["id"]
            assert exported.get(f"/jobs/{job}/runs/{run}") == generated.get(
                f"/jobs/{job}/runs/{run}"
            )


def test_bad_generate_blocks_name_file_line_and_field(tmp_path: Path) -> None:
    blocks: list[tuple[dict[str, Any], str]] = [
        ({"count": 5, "project": "nowhere"}, "generate[0].project: unknown project 'nowhere'"),
        ({"count": 5, "schedules": {"30s": 1}}, "'30s' is shorter than a minute"),
        ({"count": 5, "runs": 10**6, "schedules": {"1d": 1}}, "more than 1000 years"),
        ({"count": 5, "duration": ["5m", "1m"]}, "'duration' is [shortest, longest]"),
        ({"count": 5, "results": {"RUNNING": 1}}, "generate[0].results.RUNNING: Input should be"),
        ({"count": -1}, "generate[0].count: Input should be greater than or equal to 0"),
        ({"count": 5, "sink": {"type": "ftp"}}, "generate[0].sink"),
    ]
    for number, (block, message) in enumerate(blocks):
        path = fixtures(tmp_path / str(number), block)
        with pytest.raises(FixtureError) as info:
            app_for(path)
        assert message in str(info.value)
        assert "/intuned/generated.yaml:" in str(info.value)


def test_control_api_pages_through_generated_ids(big: Client) -> None:
    body = big.handle._call("GET", "/jobs/intuned", params={"offset": 12, "limit": 5})
    assert body["total"] == 10 + 60
    assert [i.split(":")[1] for i in body["ids"]] == big.generated_ids(60)[2:7]
    job = body["ids"][0]
    big.handle.delete_job("intuned", job)
    assert big.http.get(f"/jobs/{job.split(':')[1]}").status_code == 404
