"""Generated OSAPI jobs: deterministic, count-stable, their events producing their status,
listed, filtered and counted with the fixture jobs, and changed (retried, deleted) one at a time."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobmock.cli import main
from jobmock.core import golang
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests.helpers import ROOT
from tests.vendors.helpers import build_app, fixture_folder, http_client
from tests.vendors.osapi.conftest import Osapi

Doc = dict[str, Any]
FINAL = ("completed", "failed", "partial_failure", "skipped")
HOSTS = ("db-01", "web-01", "web-02")


def fixtures(tmp_path: Path, generate: dict[str, Any], with_jobs: bool = False) -> Path:
    bundled = ["agents.yaml", "jobs.yaml"] if with_jobs else ["agents.yaml"]
    return fixture_folder(tmp_path, "osapi", bundled, {"generate": [generate]})


def app_for(path: Path) -> JobmockApp:
    return build_app(vendors="osapi", fixtures=path)


class Client(Osapi):
    def __init__(self, app: JobmockApp) -> None:
        super().__init__(http_client(app))
        self.app = app
        self.handle = InProcessHandle(app)

    def ok(self, path: str, **params: Any) -> Any:
        response = self.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def pages(self, **params: Any) -> Iterator[Doc]:
        offset = 0
        while True:
            body = self.ok("/job", limit=100, offset=offset, **params)
            yield from body["items"]
            offset += 100
            if offset >= body["total_items"]:
                return

    def generated_ids(self, count: int) -> list[str]:
        """The first ``count`` generated ids (the control API lists them after the others)."""
        explicit = len(list(self.app.runtime.vendors["osapi"].backend.jobs.keys()))  # type: ignore[attr-defined]
        return self.handle.job_ids("osapi", offset=explicit, limit=count)


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Client]:
    """3,000 jobs five minutes apart among the fixture jobs; shell commands run up to 40 min,
    so the newest few are still moving."""
    path = fixtures(
        tmp_path,
        {"count": 3000, "seed": 4, "every": "5m", "duration": ["1m", "40m"], "broadcast": 0.4},
        with_jobs=True,
    )
    client = Client(app_for(path))
    yield client
    client.client.close()


def test_same_documents_in_two_apps_and_after_reset(tmp_path: Path) -> None:
    path = fixtures(tmp_path, {"count": 50, "seed": 9})
    first, second = Client(app_for(path)), Client(app_for(path))
    ids = first.generated_ids(50)
    assert ids == second.generated_ids(50)
    before = [first.job(i) for i in ids[:10]]
    assert before == [second.job(i) for i in reversed(ids[:10])][::-1]
    first.handle.advance("1h")
    first.handle.reset()
    assert [first.job(i) for i in ids[:10]] == before
    assert first.ok("/job", limit=100) == second.ok("/job", limit=100)


def test_job_seven_of_a_thousand_is_job_seven_of_ten(tmp_path: Path) -> None:
    small = Client(app_for(fixtures(tmp_path / "a", {"count": 10, "seed": 2})))
    large = Client(app_for(fixtures(tmp_path / "b", {"count": 1000, "seed": 2})))
    seventh = small.generated_ids(10)[7]
    assert large.generated_ids(1000)[7] == seventh
    assert small.job(seventh) == large.job(seventh)
    other_seed = Client(app_for(fixtures(tmp_path / "c", {"count": 10, "seed": 3})))
    assert seventh not in other_seed.generated_ids(10)
    assert other_seed.get(f"/job/{seventh}").status_code == 404


def expected_status(states: dict[str, str]) -> str:
    """OSAPI's status from its agents' states, written out independently of the mock."""
    values = list(states.values())
    if not values:
        return "submitted"
    if {"acknowledged", "started"} & set(values):
        return "processing"
    if "failed" in values:
        return "partial_failure" if "completed" in values else "failed"
    return "skipped" if "completed" not in values else "completed"


def check(job: Doc, item: Doc) -> None:
    """One generated job: its events produce its status, agent states, responses and result;
    its list item is the document without the detail-only fields."""
    detail_only = ("agent_states", "responses", "timeline")
    assert item == {k: v for k, v in job.items() if k not in detail_only} | {"changed": None}
    timeline = job["timeline"]
    assert [e["timestamp"] for e in timeline] == sorted(e["timestamp"] for e in timeline)
    per_host: dict[str, list[str]] = {}
    for event in timeline:
        per_host.setdefault(event["hostname"], []).append(event["event"])
        assert ("error" in event) == (event["event"] in ("failed", "skipped"))
    assert set(per_host) <= set(HOSTS)
    for events in per_host.values():
        assert events[:2] == ["acknowledged", "started"][: len(events)]
        assert len(events) <= 2 or (len(events) == 3 and events[2] in FINAL)
    states = {host: events[-1] for host, events in per_host.items()}
    assert {h: s["status"] for h, s in job["agent_states"].items()} == states
    assert job["status"] == expected_status(states)
    assert job["operation"]["type"] in (
        "node.hostname.get",
        "node.status.get",
        "command.shell.execute",
    )
    finished = {h: s for h, s in states.items() if s in ("completed", "failed", "skipped")}
    assert {r["hostname"]: r["status"] for r in job.get("responses", {}).values()} == finished
    if job["status"] in FINAL:
        assert job["updated_at"][:19] == timeline[-1]["timestamp"][:19]
        created = golang.parse_rfc3339(job["created"])
        updated = golang.parse_rfc3339(job["updated_at"])
        assert created is not None and updated is not None and created <= updated
    completed = [r for r in job.get("responses", {}).values() if r["status"] == "completed"]
    if len(job.get("responses", {})) == 1 and completed:
        assert job["result"] == completed[0]["data"]
    else:
        assert "result" not in job
    if job["status"] in ("failed", "skipped"):
        assert job["error"] == [e for e in timeline if "error" in e][-1]["error"]
    else:
        assert "error" not in job
    for host, state in job["agent_states"].items():
        response = job["responses"].get(host) if "responses" in job else None
        if response and response["status"] == "completed" and "duration_ms" in response["data"]:
            took = golang.parse_duration(state["duration"]) // 1_000_000
            assert 0 <= took - response["data"]["duration_ms"] <= 2


def test_thousands_of_generated_jobs_are_consistent(big: Client) -> None:
    items = {item["id"]: item for item in big.pages()}
    ids = big.generated_ids(3000)
    assert set(ids) <= set(items)
    agents: Counter[int] = Counter()
    for job_id in ids[::3]:
        job = big.job(job_id)
        check(job, items[job_id])
        agents[len(job["agent_states"])] += 1
        if job["status"] == "partial_failure":
            assert len(job["agent_states"]) >= 2
    assert agents[1] and agents[2] and agents[3]  # one agent, group:web, _all


def test_the_mix_is_exact_and_the_newest_finish_as_the_clock_moves(big: Client) -> None:
    counts = big.ok("/job", limit=1)["status_counts"]
    # jobs.yaml: one job of each final status, one processing for ever, three submitted (one
    # of them a `sleep 90` that completes 90 s after start).
    fixture = {"completed": 1, "failed": 1, "partial_failure": 1, "skipped": 1}
    moving = [j["id"] for j in big.pages(status="processing") if j["id"] in big.generated_ids(30)]
    assert moving
    assert counts["processing"] == 1 + len(moving)
    assert counts["submitted"] == 3
    generated = {s: counts[s] - fixture[s] for s in FINAL}
    assert sum(generated.values()) == 3000 - len(moving)
    for status, weight in zip(FINAL, (80, 10, 6, 4), strict=True):
        assert weight * 30 - len(moving) <= generated[status] <= weight * 30
    big.handle.advance("41m")
    assert {big.job(job_id)["status"] for job_id in moving} <= set(FINAL)
    later = big.ok("/job", limit=1)["status_counts"]
    assert (later["processing"], later["submitted"]) == (1, 2)
    for status, weight in zip(FINAL, (80, 10, 6, 4), strict=True):
        # Every block of 100 jobs holds exactly the default mix (80/10/6/4).
        assert later[status] - fixture[status] - (status == "completed") == weight * 30


def test_list_filters_and_counts_over_a_mixed_set(big: Client) -> None:
    for minutes in (0, 17):
        big.handle.reset()
        big.handle.advance(minutes * 60)
        everything = list(big.pages())
        assert len(everything) == 3008
        created = [j["created"] for j in everything]
        assert created == sorted(created, reverse=True)
        counts = Counter(j["status"] for j in everything)
        body = big.ok("/job")
        assert body["status_counts"] == {
            s: counts[s] for s in ("submitted", "processing", *FINAL) if s != "skipped"
        } | {"skipped": counts["skipped"]}
        assert body["total_items"] == 3008
        for status in ("submitted", "processing", "completed", "failed", "partial_failure"):
            expected = [j["id"] for j in everything if j["status"] == status]
            found = list(big.pages(status=status))
            assert [j["id"] for j in found] == expected, status
            page = big.ok("/job", status=status, limit=7, offset=3)
            assert page["total_items"] == len(expected)
            assert [j["id"] for j in page["items"]] == expected[3:10]
    page = big.ok("/job", limit=5, offset=2500)
    assert [j["id"] for j in page["items"]] == [j["id"] for j in everything[2500:2505]]


def test_a_retried_or_deleted_generated_job_keeps_its_change(big: Client) -> None:
    ids = big.generated_ids(3000)
    target, neighbour, gone = ids[40], ids[41], ids[42]
    neighbour_before = big.job(neighbour)
    before = big.ok("/job", limit=1)
    response = big.post(f"/job/{target}/retry", json={})
    assert response.status_code == 201, response.text
    retried = big.job(target)
    assert retried["timeline"][-1]["event"] == "retried"
    assert retried["timeline"][-1]["message"] == f"Job retried as {response.json()['job_id']}"
    assert big.job(neighbour) == neighbour_before
    listed = [j for j in big.pages() if j["id"] == target]
    assert len(listed) == 1 and listed[0]["updated_at"] == retried["updated_at"]
    assert big.delete(f"/job/{gone}").status_code == 204
    assert big.get(f"/job/{gone}").status_code == 404
    assert big.post(f"/job/{gone}/retry", json={}).status_code == 404
    after = big.ok("/job", limit=1)
    assert after["total_items"] == before["total_items"]  # +1 retry job, -1 deleted
    assert sum(after["status_counts"].values()) == sum(before["status_counts"].values())
    backend = big.app.runtime.vendors["osapi"].backend
    changed = set(backend.jobs.changed_keys())  # type: ignore[attr-defined]
    assert {target, gone} <= changed and len(changed) == 3  # and the retry's new job
    assert big.handle.job_ids("osapi", limit=5000).count(target) == 1
    assert gone not in big.handle.job_ids("osapi", limit=5000)
    big.handle.reset()
    assert big.job(gone)["id"] == gone
    assert big.job(target)["timeline"][-1]["event"] != "retried"
    assert big.job(neighbour) == neighbour_before


def test_reading_stores_nothing(big: Client) -> None:
    ids = big.generated_ids(3000)
    for job_id in ids[::50]:
        big.job(job_id)
    list(big.pages(status="failed"))
    backend = big.app.runtime.vendors["osapi"].backend
    assert backend.jobs.changed_keys() == []  # type: ignore[attr-defined]


def test_bundled_fixtures_hold_a_moving_generated_set(
    osapi: Osapi, handle: InProcessHandle
) -> None:
    body = osapi.get("/job", params={"limit": "100"}).json()
    assert body["total_items"] == 49
    newest = next(j for j in body["items"] if j["id"] not in _written_ids())
    assert newest["status"] == "processing"
    assert newest["operation"]["type"] == "command.shell.execute"
    handle.advance("15m")
    assert osapi.job(newest["id"])["status"] == "partial_failure"


def _written_ids() -> set[str]:
    ids = set()
    for name in ("jobs.yaml", "seed.yaml"):
        doc = yaml.safe_load((ROOT / "fixtures" / "osapi" / name).read_text())
        ids |= {job["id"] for job in doc["jobs"]}
    return ids


def test_export_renders_the_same_documents(tmp_path: Path) -> None:
    out = tmp_path / "exported" / "osapi"
    out.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / "osapi" / "agents.yaml", out)
    source = fixtures(tmp_path / "gen", {"count": 30, "seed": 5, "name": "history"})
    args = ["generate", "osapi", "--out", str(out / "jobs.yaml"), "--fixtures", str(source)]
    assert main([*args, "--jobs-only"]) == 0
    exported = Client(app_for(tmp_path / "exported"))
    generated = Client(app_for(source))
    ids = generated.generated_ids(30)
    assert sorted(exported.handle.job_ids("osapi")) == sorted(ids)
    for minutes in (0, 4, 60):
        for handle in (exported.handle, generated.handle):
            handle.reset()
            handle.advance(minutes * 60)
        for job_id in ids[:5] + ids[-3:]:
            assert exported.job(job_id) == generated.job(job_id)
        assert exported.ok("/job", limit=100) == generated.ok("/job", limit=100)


@pytest.mark.parametrize(
    "block, message",
    [
        ({"count": 5, "agents": ["web-09"]}, "generate[0].agents: unknown agent(s): web-09"),
        (
            {"count": 5, "agents": ["db-01"]},
            "generate[0].statuses.partial_failure: a partial failure is a broadcast",
        ),
        ({"count": 5, "every": "0s"}, "generate[0]: 'every' must be more than 0s"),
        ({"count": 5, "operations": {"node.reboot": 1}}, "generate[0].operations.node.reboot"),
        ({"count": 5, "statuses": {"completed": 0}}, "'statuses' needs weights of 0 or more"),
        ({"count": -1}, "generate[0].count: Input should be greater than or equal to 0"),
    ],
)
def test_bad_generate_blocks_name_file_line_and_field(
    tmp_path: Path, block: dict[str, Any], message: str
) -> None:
    with pytest.raises(FixtureError) as info:
        app_for(fixtures(tmp_path, block))
    assert message in str(info.value)
    assert "/osapi/generated.yaml:" in str(info.value)


def test_two_sets_need_two_names(tmp_path: Path) -> None:
    path = fixtures(tmp_path, {"count": 5})
    (path / "osapi" / "more.yaml").write_text("generate: [{count: 3}]\n")
    with pytest.raises(FixtureError, match="a second set named 'generated'"):
        app_for(path)


def test_control_api_pages_through_generated_ids(big: Client) -> None:
    body = big.handle._call("GET", "/jobs/osapi", params={"offset": 10, "limit": 5})
    assert body["total"] == 3008
    assert body["ids"] == big.generated_ids(3000)[2:7]
    big.handle.delete_job("osapi", body["ids"][0])
    assert big.get(f"/job/{body['ids'][0]}").status_code == 404
    assert big.handle._call("GET", "/jobs/osapi", params={"limit": 1})["total"] == 3007
