"""Generated prunner jobs: deterministic, count-stable, true to prunner's rules, listed with the
fixture jobs, coherent with the pipeline's queue, and changed one at a time."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections import Counter
from collections.abc import MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests.conftest import START
from tests.helpers import ROOT
from tests.vendors.helpers import build_app, fixture_folder, http_client
from tests.vendors.prunner.conftest import BASE, token
from tests.vendors.prunner.rules import check_job, outcome, running_at_once, when

Doc = dict[str, Any]

#: Pipelines the bundled file lacks: fail without fail-fast, and the two retention rules.
EXTRA: dict[str, Any] = {
    "keep_going": {
        "concurrency": 2,
        "continue_running_tasks_after_failure": True,
        "tasks": {
            "a": {"script": ["a"]},
            "b": {"script": ["b"], "depends_on": ["a"]},
            "c": {"script": ["c"], "depends_on": ["a"]},
            "d": {"script": ["d"], "depends_on": ["b", "c"]},
        },
    },
    "kept": {"retention_count": 5, "tasks": {"t": {"script": ["t"], "duration": "10s"}}},
    "aging": {"retention_period": "2h", "tasks": {"t": {"script": ["t"], "duration": "10s"}}},
    "lenient": {"tasks": {"t": {"script": ["t"], "allow_failure": True}}},
}


def fixtures(
    tmp_path: Path, generate: list[Doc], jobs: list[Doc] | None = None, bundled_jobs: bool = False
) -> Path:
    bundled = ["pipelines.yaml", "jobs.yaml"] if bundled_jobs else ["pipelines.yaml"]
    doc = {"pipelines": EXTRA, "generate": generate, "jobs": jobs or []}
    return fixture_folder(tmp_path, "prunner", bundled, doc)


def app_for(path: Path) -> JobmockApp:
    return build_app(fixtures=path, vendors="prunner")


class Client:
    def __init__(self, app: JobmockApp) -> None:
        self.app = app
        self.http = http_client(
            app, base_url=f"http://jobmock{BASE}", headers={"Authorization": f"Bearer {token()}"}
        )
        self.handle = InProcessHandle(app)

    def detail(self, job_id: str) -> Doc:
        response = self.http.get("/job/detail", params={"id": job_id})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def jobs(self) -> list[Doc]:
        response = self.http.get("/pipelines/jobs")
        assert response.status_code == 200
        return list(response.json()["jobs"])

    def pipelines(self) -> dict[str, Doc]:
        body = self.http.get("/pipelines/").json()
        return {p["pipeline"]: p for p in body["pipelines"]}

    def generated_ids(self, count: int) -> list[str]:
        """The ids of the (one) generated set, newest first."""
        return self.handle.job_ids("prunner", limit=count + 100)[-count:]


def client_for(tmp_path: Path, generate: list[Doc], **kwargs: Any) -> Client:
    return Client(app_for(fixtures(tmp_path, generate, **kwargs)))


def test_same_documents_in_two_apps_and_after_reset(tmp_path: Path) -> None:
    path = fixtures(tmp_path, [{"pipeline": "diamond", "count": 50, "seed": 9, "every": "1m"}])
    first, second = Client(app_for(path)), Client(app_for(path))
    ids = first.generated_ids(50)
    assert ids == second.generated_ids(50)
    before = [first.detail(i) for i in ids[:10]]
    assert before == [second.detail(i) for i in reversed(ids[:10])][::-1]
    first.handle.advance("1h")
    first.handle.reset()
    assert [first.detail(i) for i in ids[:10]] == before
    assert first.http.get("/pipelines/jobs").content == second.http.get("/pipelines/jobs").content


def test_job_seven_of_a_thousand_is_job_seven_of_ten(tmp_path: Path) -> None:
    block = {"pipeline": "failing", "seed": 2, "every": "10m"}
    small = client_for(tmp_path / "a", [{**block, "count": 10}])
    large = client_for(tmp_path / "b", [{**block, "count": 1000}])
    seventh = small.generated_ids(10)[7]
    assert large.generated_ids(1000)[7] == seventh
    assert small.detail(seventh) == large.detail(seventh)
    for task in ("build", "test", "on_error"):
        params = {"id": seventh, "task": task}
        assert small.http.get("/job/logs", params=params).content == (
            large.http.get("/job/logs", params=params).content
        )
    other_seed = client_for(tmp_path / "c", [{**block, "count": 10, "seed": 3}])
    assert seventh not in other_seed.generated_ids(10)


SHAPES: list[Doc] = [
    {"pipeline": "release", "every": "10m"},  # linear
    {"pipeline": "diamond", "every": "1m"},  # two at once, an allowed failure
    {"pipeline": "failing", "every": "10m"},  # fail-fast, on_error
    {"pipeline": "warmup", "every": "5m"},  # start_delay, replace
    {"pipeline": "my_pipeline", "every": "10m"},
    {"pipeline": "keep_going", "every": "2m"},  # continue_running_tasks_after_failure
    {"pipeline": "ci", "every": "2m", "durations": {"test": ["1m", "3m"]}},
]
CONCURRENCY = {"diamond": 2, "keep_going": 2, "ci": 3}
DELAY = {"warmup": timedelta(seconds=10)}


def test_thousands_of_generated_jobs_follow_prunners_rules(tmp_path: Path) -> None:
    sets = [{**shape, "count": 600, "seed": 1} for shape in SHAPES]
    client = client_for(tmp_path, sets)
    moments: list[list[Doc]] = [client.jobs()]
    for _ in range(12):  # the newest ones, at many moments of their lives
        client.handle.advance("7s")
        moments.append([client.detail(job["id"]) for job in moments[0][:40]])
    client.handle.advance("1h")
    settled = client.jobs()
    assert len(settled) == 600 * len(SHAPES)
    for jobs in [*moments, settled]:
        for job in jobs:
            check_job(job, on_error=job["pipeline"] == "failing")
    by_pipeline: dict[str, list[Doc]] = {}
    for job in settled:
        by_pipeline.setdefault(job["pipeline"], []).append(job)
    for name, jobs in by_pipeline.items():
        assert running_at_once(jobs) <= CONCURRENCY.get(name, 1), name
        for job in jobs:  # generated jobs never wait for each other
            waited = when(job["start"]) - when(job["created"])  # type: ignore[operator]
            delay = DELAY.get(name, timedelta())
            assert delay - timedelta(seconds=1) <= waited <= delay + timedelta(seconds=1), name
        # The mix is exact in every block of 100 (85/10/5 by default).
        assert Counter(map(outcome, jobs)) == {"succeeded": 510, "failed": 60, "canceled": 30}
    for job in settled[::97]:
        assert client.detail(job["id"]) == job
        for task in job["tasks"]:
            logs = client.http.get("/job/logs", params={"id": job["id"], "task": task["name"]})
            assert logs.status_code == 200


def test_list_merges_fixture_and_generated_jobs(tmp_path: Path) -> None:
    client = client_for(
        tmp_path, [{"pipeline": "ci", "count": 300, "every": "2m"}], bundled_jobs=True
    )
    jobs = client.jobs()
    created = [job["created"] for job in jobs]
    assert created == sorted(created, reverse=True)
    generated = set(client.generated_ids(300))
    assert len(jobs) == 300 + 15 and generated <= {job["id"] for job in jobs}
    assert client.handle._call("GET", "/jobs/prunner", params={"limit": 1})["total"] == 315
    for job in jobs[::23]:
        assert client.detail(job["id"]) == job
    scheduled = client.http.post("/pipelines/schedule", json={"pipeline": "release"})
    assert scheduled.status_code == 202
    client.handle.delete_job("prunner", jobs[5]["id"])
    after = [job["id"] for job in client.jobs()]
    assert after[0] == scheduled.json()["jobId"] and jobs[5]["id"] not in after
    assert len(after) == 315


def test_a_generated_job_still_running_holds_its_pipeline(tmp_path: Path) -> None:
    blocks = [
        {"pipeline": "release", "count": 100, "every": "10m", "until": "5s"},
        {"pipeline": "exclusive", "count": 100, "every": "10m", "until": "5s"},
    ]
    client = client_for(tmp_path, blocks)
    pipelines = client.pipelines()
    assert pipelines["release"] == {"pipeline": "release", "schedulable": True, "running": True}
    assert pipelines["exclusive"]["schedulable"] is False
    refused = client.http.post("/pipelines/schedule", json={"pipeline": "exclusive"})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "Error scheduling pipeline: concurrency exceeded and queueing disabled for "
        "pipeline"
    }
    newest = client.jobs()[0]
    assert newest["pipeline"] in ("release", "exclusive") and newest["end"] is None
    release = next(job for job in client.jobs() if job["pipeline"] == "release")
    job_id = client.http.post("/pipelines/schedule", json={"pipeline": "release"}).json()["jobId"]
    assert client.detail(job_id)["start"] is None  # waits for the generated job
    assert client.detail(release["id"]) == release
    client.handle.advance("55s")
    assert client.detail(job_id)["start"] == client.detail(release["id"])["end"]


def test_a_newer_job_replaces_a_generated_job_waiting_out_its_delay(tmp_path: Path) -> None:
    client = client_for(
        tmp_path, [{"pipeline": "warmup", "count": 20, "every": "5m", "until": "3s"}]
    )
    newest = client.generated_ids(20)[0]
    assert client.detail(newest)["start"] is None  # 7 s of its 10 s delay left
    job_id = client.http.post("/pipelines/schedule", json={"pipeline": "warmup"}).json()["jobId"]
    replaced = client.detail(newest)
    assert (replaced["canceled"], replaced["completed"], replaced["start"]) == (True, False, None)
    client.handle.advance("10s")
    assert client.detail(job_id)["start"] is not None
    assert client.detail(client.generated_ids(20)[1])["completed"] is True
    client.handle.reset()
    client.handle.advance("7s")
    assert client.detail(newest)["start"] is not None


def test_a_fixture_job_inside_the_history_pushes_back_the_next_generated_job(
    tmp_path: Path,
) -> None:
    block = {"pipeline": "release", "count": 100, "every": "10m", "seed": 4}
    plain = client_for(tmp_path / "a", [block])
    ids = plain.generated_ids(100)
    before = {i: plain.detail(ids[i]) for i in (39, 40, 41)}
    created = when(before[40]["created"])
    assert created is not None
    fixture = {
        "id": "0b0c0d0e-0000-4000-8000-000000000001",
        "pipeline": "release",
        "created": (created - timedelta(seconds=30)).isoformat().replace("+00:00", "Z"),
    }
    mixed = client_for(tmp_path / "b", [block], jobs=[fixture])
    ended = mixed.detail(fixture["id"])["end"]
    pushed = mixed.detail(ids[40])
    assert pushed["created"] == before[40]["created"]
    assert pushed["start"] == ended != before[40]["start"]  # it waited for the fixture job
    check_job(pushed)
    assert mixed.detail(ids[39]) == before[39] and mixed.detail(ids[41]) == before[41]
    assert [j["id"] for j in mixed.jobs()][39:42] == [ids[39], ids[40], fixture["id"]]


def test_fixture_jobs_prunner_would_refuse_next_to_generated_ones(tmp_path: Path) -> None:
    block = {"pipeline": "exclusive", "count": 100, "every": "10m", "seed": 4}
    plain = client_for(tmp_path / "a", [block])
    created = when(plain.detail(plain.generated_ids(100)[40])["created"])
    assert created is not None
    stamp = (created + timedelta(seconds=10)).isoformat().replace("+00:00", "Z")
    job = {"id": "0b0c0d0e-0000-4000-8000-000000000002", "pipeline": "exclusive", "created": stamp}
    with pytest.raises(FixtureError) as info:
        app_for(fixtures(tmp_path / "b", [block], jobs=[job]))
    assert "/prunner/generated.yaml:" in str(info.value)
    assert "jobs[0]: prunner would refuse this job when it is scheduled: concurrency exceeded" in (
        str(info.value)
    )
    month_ago = (START - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    too_many = {"id": job["id"], "pipeline": "watch", "created": month_ago}
    watch = {
        "pipeline": "watch",
        "count": 5000,
        "every": "10m",
        "durations": {"tail": ["1m", "9m"]},
    }
    with pytest.raises(FixtureError) as info:
        app_for(fixtures(tmp_path / "c", [watch], jobs=[too_many]))
    assert "jobs[0]: job 0b0c0d0e-0000-4000-8000-000000000002 runs alongside more than 2000 " in (
        str(info.value)
    )


def test_jobs_added_or_scheduled_among_generated_ones(tmp_path: Path) -> None:
    from jobmock.testing.handle import JobmockError

    blocks = [
        {"pipeline": "exclusive", "count": 100, "every": "10m", "seed": 4},
        {"pipeline": "watch", "count": 9000, "every": "10m", "durations": {"tail": ["1m", "9m"]}},
    ]
    client = client_for(tmp_path, blocks)
    created = when(client.detail(client.generated_ids(9100)[40])["created"])
    assert created is not None
    inside = (created + timedelta(seconds=10)).isoformat()
    with pytest.raises(JobmockError, match="concurrency exceeded and queueing disabled"):
        client.handle.add_job("prunner", {"pipeline": "exclusive", "created": inside})
    before = (created - timedelta(seconds=10)).isoformat()
    with pytest.raises(JobmockError, match="prunner would have refused generated job"):
        client.handle.add_job("prunner", {"pipeline": "exclusive", "created": before})
    long_before = (created - timedelta(minutes=5)).isoformat()
    client.handle.add_job("prunner", {"pipeline": "exclusive", "created": long_before})
    # A never-ending job scheduled with the clock set back a month would run alongside
    # thousands of generated jobs: refused, rather than simulated.
    client.handle.set_time(START - timedelta(days=30))
    response = client.http.post("/pipelines/schedule", json={"pipeline": "watch"})
    assert response.status_code == 400
    assert "runs alongside more than 2000 generated jobs of pipeline watch" in response.text


def test_a_canceled_generated_job_keeps_its_change(tmp_path: Path) -> None:
    client = client_for(
        tmp_path, [{"pipeline": "release", "count": 100, "until": "5s", "every": "10m"}]
    )
    ids = client.generated_ids(100)
    newest, neighbour = ids[0], ids[1]
    neighbour_before = client.detail(neighbour)
    assert client.http.post("/job/cancel", params={"id": newest}).status_code == 200
    canceled = client.detail(newest)
    assert (canceled["completed"], canceled["canceled"], canceled["lastError"]) == (
        True,
        True,
        "context canceled",
    )
    assert client.detail(neighbour) == neighbour_before
    completed = client.http.post("/job/cancel", params={"id": neighbour})
    assert (completed.status_code, completed.json()) == (500, {"error": "Error canceling job"})
    assert [job for job in client.jobs() if job["id"] == newest] == [canceled]
    client.handle.delete_job("prunner", neighbour)
    assert client.http.get("/job/detail", params={"id": neighbour}).status_code == 404
    assert len(client.jobs()) == 100 - 1
    client.handle.reset()
    assert client.detail(newest)["completed"] is False
    assert client.detail(neighbour) == neighbour_before


def test_retention_removes_generated_jobs_too(tmp_path: Path) -> None:
    blocks = [
        {"pipeline": "kept", "count": 100, "every": "10m"},
        {"pipeline": "aging", "count": 100, "every": "10m"},
    ]
    client = client_for(tmp_path, blocks)
    kept = client.handle.job_ids("prunner", limit=300)[:100]
    listed = [job["id"] for job in client.jobs()]
    assert [i for i in listed if i in set(kept)] == kept[:5]
    assert client.http.get("/job/detail", params={"id": kept[5]}).status_code == 404
    aging = [job for job in client.jobs() if job["pipeline"] == "aging"]
    assert aging and all(
        START - when(job["created"]) <= timedelta(hours=2)  # type: ignore[operator]
        for job in aging
    )
    assert len(aging) in (12, 13)


async def _raw(app: JobmockApp, path: str) -> tuple[dict[str, str], list[bytes]]:
    """The response as the server sends it: headers, and each body message."""
    headers = [(b"authorization", f"Bearer {token()}".encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "server": ("jobmock", 80),
        "client": ("127.0.0.1", 1),
    }
    start: dict[str, str] = {}
    bodies: list[bytes] = []
    requested = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if requested.is_set():
            await asyncio.Event().wait()  # the client stays connected
        requested.set()
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update({k.decode(): v.decode() for k, v in message["headers"]})
        elif message.get("body"):
            bodies.append(message["body"])

    await app(scope, receive, send)
    return start, bodies


def test_the_job_list_is_streamed_like_go_writes_it(tmp_path: Path) -> None:
    client = client_for(tmp_path, [{"pipeline": "diamond", "count": 2000, "every": "1m"}])
    headers, bodies = asyncio.run(_raw(client.app, f"{BASE}/pipelines/jobs"))
    assert "content-length" not in headers and headers["content-type"] == "application/json"
    assert len(bodies) > 10 and len(bodies[0]) < 4096 and max(map(len, bodies)) < 80_000
    assert json.loads(b"".join(bodies))["jobs"] == client.jobs()
    for job_id in client.handle.job_ids("prunner", limit=3000):
        client.handle.delete_job("prunner", job_id)
    headers, bodies = asyncio.run(_raw(client.app, f"{BASE}/pipelines/jobs"))
    assert int(headers["content-length"]) == len(b"".join(bodies))  # under 2048 bytes


def export(tmp_path: Path, block: Doc, out: Path) -> None:
    from jobmock.cli import main

    source = fixtures(tmp_path / "source", [block])
    args = ["generate", "prunner", "--count", str(block["count"]), "--seed", str(block["seed"])]
    args += ["--name", block["name"], "--out", str(out), "--fixtures", str(source), "--jobs-only"]
    assert main(args) == 0


def test_export_renders_the_same_documents(tmp_path: Path) -> None:
    block = {"pipeline": "failing", "count": 30, "seed": 5, "name": "history", "until": "5s"}
    folder = tmp_path / "exported" / "prunner"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / "prunner" / "pipelines.yaml", folder)
    export(tmp_path, block, folder / "jobs.yaml")
    exported = Client(app_for(tmp_path / "exported"))
    generated = client_for(tmp_path / "generated", [block])
    ids = generated.generated_ids(30)
    assert set(ids) <= set(exported.handle.job_ids("prunner"))
    for seconds in (0, 3, 9, 3600):
        for handle in (exported.handle, generated.handle):
            handle.reset()
            handle.advance(seconds)
        assert exported.jobs() == generated.jobs()
        for job_id in ids[:3] + ids[-2:]:
            for task in ("build", "lint", "test", "deploy", "on_error"):
                params = {"id": job_id, "task": task}
                assert exported.http.get("/job/logs", params=params).content == (
                    generated.http.get("/job/logs", params=params).content
                )


BAD_BLOCKS: list[tuple[Doc, str]] = [
    ({"pipeline": "nope", "count": 5}, 'generate[0].pipeline: pipeline "nope" is not defined'),
    (
        {"pipeline": "release", "count": 5, "every": "1m"},
        "generate[0].every: must be at least 10m for pipeline release: its jobs take up to 1m",
    ),
    (
        {"pipeline": "watch", "count": 5},
        "generate[0].durations: task 'tail' never ends (duration: never): give it a range here",
    ),
    (
        {"pipeline": "ci", "count": 5, "durations": {"deploy": ["1s", "2s"]}},
        "generate[0].durations.deploy: pipeline ci has no task 'deploy'",
    ),
    (
        {"pipeline": "lenient", "count": 5, "outcomes": {"failed": 1}},
        "generate[0].outcomes.failed: impossible for lenient: the pipeline has no task that can "
        "fail it",
    ),
    (
        {"pipeline": "ci", "count": 5_000_000, "every": "1h"},
        "generate[0].count: 5000000 jobs every 1h reach back before 1970",
    ),
    ({"pipeline": "ci", "count": 5, "every": "0s"}, "generate[0]: 'every' must be more than 0s"),
]


@pytest.mark.parametrize(("block", "message"), BAD_BLOCKS)
def test_bad_generate_blocks_name_file_line_and_field(
    tmp_path: Path, block: Doc, message: str
) -> None:
    with pytest.raises(FixtureError) as info:
        app_for(fixtures(tmp_path, [block]))
    assert message in str(info.value)
    assert "/prunner/generated.yaml:" in str(info.value)


def test_one_set_per_pipeline(tmp_path: Path) -> None:
    blocks = [{"pipeline": "ci", "count": 5}, {"pipeline": "ci", "count": 5, "name": "other"}]
    with pytest.raises(FixtureError, match=r"generate\[1\]\.pipeline: pipeline ci already has"):
        app_for(fixtures(tmp_path, blocks))


def test_control_api_pages_through_generated_ids(tmp_path: Path) -> None:
    client = client_for(tmp_path, [{"pipeline": "ci", "count": 3000, "every": "2m"}])
    body = client.handle._call("GET", "/jobs/prunner", params={"offset": 2500, "limit": 5})
    assert body["total"] == 3000 and len(body["ids"]) == 5
    assert body["ids"] == client.generated_ids(3000)[2500:2505]
