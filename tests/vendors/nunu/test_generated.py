"""Generated nunu jobs: deterministic, count-stable, consistent, listed and filtered with the
fixture jobs, and changed one at a time."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobmock.cli import main
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing import InProcessHandle
from tests.helpers import ROOT
from tests.vendors.helpers import build_app, fixture_folder, http_client
from tests.vendors.nunu.conftest import Nunu
from tests.vendors.nunu.test_consistency import check

Doc = dict[str, Any]
Case = tuple[dict[str, str], Callable[[Doc], bool]]

KEY = {"X-Api-Key": "nunu_test_key"}


def fixtures(tmp_path: Path, generate: dict[str, Any], with_jobs: bool = False) -> Path:
    bundled = ["project.yaml", "jobs.yaml"] if with_jobs else ["project.yaml"]
    return fixture_folder(tmp_path, "nunu", bundled, {"generate": [generate]})


def app_for(path: Path, **settings: Any) -> JobmockApp:
    return build_app(fixtures=path, **settings)


class Client:
    def __init__(self, app: JobmockApp) -> None:
        self.app = app
        self.http = http_client(app, base_url="http://jobmock/nunu/api/v1", headers=KEY)
        self.handle = InProcessHandle(app)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = 0
        while True:
            body = self.get(path, page=page, page_size=100, **params)
            yield from body["data"]
            page += 1
            if page >= body["pagination"]["total_pages"]:
                return

    def generated_ids(self, count: int) -> list[str]:
        return self.handle.job_ids("nunu", limit=count + 100)[-count:]


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Client]:
    path = fixtures(
        tmp_path,
        {"count": 3000, "seed": 4, "every": "20m", "until": "1m", "duration": ["30m", "40m"]},
        with_jobs=True,
    )
    client = Client(app_for(path))
    yield client
    client.http.close()


def test_same_documents_in_two_apps_and_after_reset(tmp_path: Path) -> None:
    path = fixtures(tmp_path, {"count": 50, "seed": 9})
    first, second = Client(app_for(path)), Client(app_for(path))
    ids = first.generated_ids(50)
    assert ids == second.generated_ids(50)
    before = [first.get(f"/jobs/{i}") for i in ids[:10]]
    assert before == [second.get(f"/jobs/{i}") for i in reversed(ids[:10])][::-1]
    first.handle.advance("1h")
    first.handle.reset()
    assert [first.get(f"/jobs/{i}") for i in ids[:10]] == before
    assert first.get("/jobs", page_size=100) == second.get("/jobs", page_size=100)


def test_job_seven_of_a_thousand_is_job_seven_of_ten(tmp_path: Path) -> None:
    small = Client(app_for(fixtures(tmp_path / "a", {"count": 10, "seed": 2})))
    large = Client(app_for(fixtures(tmp_path / "b", {"count": 1000, "seed": 2})))
    seventh = small.generated_ids(10)[7]
    assert large.generated_ids(1000)[7] == seventh
    assert small.get(f"/jobs/{seventh}") == large.get(f"/jobs/{seventh}")
    run_id = small.get(f"/jobs/{seventh}")["runs"][0]["multiplayer_run_id"]
    assert small.get(f"/runs/{run_id}") == large.get(f"/runs/{run_id}")
    other_seed = Client(app_for(fixtures(tmp_path / "c", {"count": 10, "seed": 3})))
    assert seventh not in other_seed.generated_ids(10)


def test_thousands_of_generated_jobs_are_consistent(big: Client) -> None:
    jobs = list(big.pages("/jobs"))
    ids = set(big.generated_ids(3000))
    generated = [j for j in jobs if j["job_id"] in ids]
    assert len(generated) == 3000
    with Nunu.over(big.app) as nunu:
        for job in generated[::3]:
            check(nunu, job)


def test_mix_and_timeline(big: Client) -> None:
    runs = list(big.pages("/runs", state="completed"))
    results = {r["result"] for r in runs}
    assert results >= {"SUCCESS", "FAILED", "ERROR", "STOPPED"}
    newest = big.get(f"/jobs/{big.generated_ids(3000)[0]}")
    assert newest["status"] in ("STARTING", "RUNNING")
    big.handle.advance("1h")
    assert big.get(f"/jobs/{newest['job_id']}")["status"] == "COMPLETED"


def test_list_filters_over_a_mixed_set(big: Client) -> None:
    everything = list(big.pages("/jobs"))
    assert [j["created_at"] for j in everything] == sorted(
        (j["created_at"] for j in everything), reverse=True
    )
    cases: list[Case] = [
        ({"status": "completed"}, lambda j: j["status"] == "COMPLETED"),
        (
            {"status": "running"},
            lambda j: j["status"] in ("STARTING", "RUNNING", "STOPPING", "CLEANING_UP"),
        ),
        (
            {"multiplayer_test_id": "8e81973e-0bec-47b0-b898-d190f9ebdacc"},
            lambda j: j["multiplayer_test_id"] == "8e81973e-0bec-47b0-b898-d190f9ebdacc",
        ),
        ({"tags": "regression"}, lambda j: "regression" in j["tags"]),
        (
            {"tags": "store,regression", "status": "completed"},
            lambda j: {"store", "regression"} <= set(j["tags"]) and j["status"] == "COMPLETED",
        ),
    ]
    for query, keep in cases:
        expected = [j["job_id"] for j in everything if keep(j)]
        assert [j["job_id"] for j in big.pages("/jobs", **query)] == expected, query
        assert big.get("/jobs", **query)["pagination"]["total_count"] == len(expected)


def test_run_filters_over_a_mixed_set(big: Client) -> None:
    everything = list(big.pages("/runs"))
    assert [r["created_at"] for r in everything] == sorted(
        (r["created_at"] for r in everything), reverse=True
    )
    run_cases: list[Case] = [
        ({"bugs": "true"}, lambda r: (r["bug_info"] or {}).get("bug_count", 0) > 0),
        ({"test_type": "verification"}, lambda r: r["test"]["type"] == "verification"),
        (
            {"state": "completed", "tags": "login"},
            lambda r: r["state"] == "COMPLETED" and "login" in r["tags"],
        ),
    ]
    for query, keep in run_cases:
        expected = [r["multiplayer_run_id"] for r in everything if keep(r)]
        assert expected
        assert [r["multiplayer_run_id"] for r in big.pages("/runs", **query)] == expected, query
    one = everything[500]
    assert [r["multiplayer_run_id"] for r in big.pages("/runs", job_id=one["job_id"])] == [
        one["multiplayer_run_id"]
    ]


def test_a_stopped_generated_job_keeps_its_change(big: Client) -> None:
    ids = big.generated_ids(3000)
    newest, neighbour = ids[0], ids[1]
    neighbour_before = big.get(f"/jobs/{neighbour}")
    big.handle.advance("10s")
    response = big.http.post("/runs/stop", json={"job_ids": [newest]})
    assert response.status_code == 200
    big.handle.advance("10s")
    stopped = big.get(f"/jobs/{newest}")
    assert (stopped["status"], stopped["runs"][0]["result"]) == ("COMPLETED", "STOPPED")
    assert big.get(f"/jobs/{neighbour}") == neighbour_before
    listed = [j for j in big.pages("/jobs") if j["job_id"] == newest]
    assert listed == [stopped]
    total = big.get("/jobs")["pagination"]["total_count"]
    big.handle.delete_job("nunu", neighbour)
    assert big.http.get(f"/jobs/{neighbour}").status_code == 404
    assert big.get("/jobs")["pagination"]["total_count"] == total - 1
    big.handle.reset()
    assert big.get(f"/jobs/{newest}")["status"] in ("STARTING", "RUNNING")
    assert big.get(f"/jobs/{neighbour}") == neighbour_before


def test_export_renders_the_same_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exported" / "nunu"
    out.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / "nunu" / "project.yaml", out)
    source = fixtures(tmp_path / "gen", {"count": 30, "seed": 5, "name": "history"})
    args = ["generate", "nunu", "--out", str(out / "jobs.yaml"), "--fixtures", str(source)]
    assert main([*args, "--jobs-only"]) == 0
    exported = Client(app_for(tmp_path / "exported"))
    generated = Client(app_for(source))
    ids = generated.generated_ids(30)
    assert sorted(exported.handle.job_ids("nunu")) == sorted(ids)
    for minutes in (0, 3, 60):
        for handle in (exported.handle, generated.handle):
            handle.reset()
            handle.advance(minutes * 60)
        for job_id in ids[:5] + ids[-3:]:
            job = generated.get(f"/jobs/{job_id}")
            assert exported.get(f"/jobs/{job_id}") == job
            run = job["runs"][0]["multiplayer_run_id"] if job["runs"] else None
            if run:
                assert exported.get(f"/runs/{run}") == generated.get(f"/runs/{run}")


def test_bad_generate_blocks_name_file_line_and_field(tmp_path: Path) -> None:
    blocks: list[tuple[dict[str, Any], str]] = [
        (
            {"count": 5, "tests": ["00000000-0000-4000-8000-000000000000"]},
            "generate[0].tests: unknown test(s): 00000000-0000-4000-8000-000000000000",
        ),
        ({"count": 5, "every": "0s"}, "generate[0]: 'every' must be more than 0s"),
        ({"count": 5, "project": "nowhere"}, "generate[0].project: unknown project 'nowhere'"),
        ({"count": -1}, "generate[0].count: Input should be greater than or equal to 0"),
    ]
    for block, message in blocks:
        path = fixtures(tmp_path / str(blocks.index((block, message))), block)
        with pytest.raises(FixtureError) as info:
            app_for(path)
        assert message in str(info.value)
        assert "/nunu/generated.yaml:" in str(info.value)


def test_control_api_pages_through_generated_ids(big: Client) -> None:
    body = big.handle._call("GET", "/jobs/nunu", params={"offset": 10, "limit": 5})
    fixture_jobs = yaml.safe_load((ROOT / "fixtures" / "nunu" / "jobs.yaml").read_text())["jobs"]
    assert body["total"] == 3000 + len(fixture_jobs)
    assert len(body["ids"]) == 5
