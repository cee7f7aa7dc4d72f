"""``jobmock generate``: for every vendor, a plain YAML file that stands alone and serves the same
documents as the ``generate:`` block it was written from."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from jobmock import Settings, create_app
from jobmock.cli import main
from jobmock.testing import InProcessHandle, JobmockTransport
from tests.helpers import ROOT
from tests.vendors.osapi.conftest import token as osapi_token
from tests.vendors.prunner.conftest import token as prunner_token

#: Intuned's scheduled runs sit on their schedule's ticks: both servers start at midnight UTC.
START = datetime(2026, 11, 1, tzinfo=UTC)
WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
DURATION = re.compile(r"(\d+d)?(\d+h)?(\d+m)?(\d+(\.\d+)?s)?")
DURATION_KEYS = {"created_ago", "at", "duration", "cancel_after"}

Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    vendor: str
    definitions: str
    """The bundled file the block's folder takes its keys, projects, pipelines or agents from."""
    block: Doc
    headers: dict[str, str]
    paths: Callable[[Doc], list[str]]
    """Every detail document of one exported job (its job, and its runs where they have one)."""
    sections: list[str]
    """The file's sections: the definitions its jobs need, then ``jobs``."""
    summary: Callable[[int], str]
    """What ``jobmock validate`` says of a folder holding only the file, for ``n`` jobs."""


CASES = [
    Case(
        "nunu",
        "project.yaml",
        # STOPPED jobs share their initiator with stopped_by: the case that made aliases.
        {"name": "history", "count": 25, "seed": 3, "results": {"SUCCESS": 2, "STOPPED": 2}},
        {"X-Api-Key": "nunu_test_key"},
        lambda job: (
            [f"/nunu/api/v1/jobs/{job['job_id']}"]
            + [f"/nunu/api/v1/runs/{run['multiplayer_run_id']}" for run in job["runs"]]
        ),
        ["projects", "keys", "deployment_configs", "builds", "tests", "test_plans"],
        lambda n: f"nunu: ok ({n} jobs, 7 keys, 3 projects, 4 tests)",
    ),
    Case(
        "intuned",
        "seed.yaml",
        {
            "name": "history",
            "count": 6,
            "seed": 3,
            "runs": 4,
            "schedules": {"1h": 2, "1d": 1},
            "manual": 1,
            "paused": 20,
        },
        {"x-api-key": "intuned_test_key"},
        lambda job: [
            f"/intuned/api/v1/workspace/{WORKSPACE}/projects/{job['project']}/jobs/{job['id']}"
            + suffix
            for suffix in ["", *(f"/runs/{run['id']}" for run in job["runs"])]
        ],
        ["workspaces", "projects"],
        lambda n: f"intuned: ok ({n} jobs, {4 * n} runs, 1 projects, 1 workspaces)",
    ),
    Case(
        "prunner",
        "pipelines.yaml",
        {
            "pipeline": "ci",
            "name": "history",
            "count": 20,
            "seed": 3,
            "every": "2m",
            "until": "10s",
            "outcomes": {"succeeded": 3, "failed": 1, "canceled": 1},
            "users": ["ci", "j.doe"],
            "variables": {"branch": "main"},
            "durations": {"test": ["1m", "3m"], "build": ["30s", "90s"]},
        },
        {"Authorization": f"Bearer {prunner_token()}"},
        lambda job: [f"/prunner/job/detail?id={job['id']}"],
        ["pipelines"],
        lambda n: f"prunner: ok (1 pipelines, {n} jobs)",
    ),
    Case(
        "osapi",
        "agents.yaml",
        {"name": "history", "count": 25, "seed": 3, "every": "30m", "duration": ["1m", "15m"]},
        {"Authorization": f"Bearer {osapi_token(issued_at=START)}"},
        lambda job: [f"/osapi/job/{job['id']}"],
        ["agents"],
        lambda n: f"osapi: ok ({n} jobs, 3 agents, 3 roles)",
    ),
]


def source_folder(root: Path, case: Case) -> Path:
    folder = root / case.vendor
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / case.vendor / case.definitions, folder)
    (folder / "generated.yaml").write_text(yaml.safe_dump({"generate": [case.block]}))
    return root


def generate(case: Case, source: Path, out: Path, *args: str) -> str:
    """``jobmock generate`` from ``source`` into ``out`` (alone in its vendor folder)."""
    out.parent.mkdir(parents=True)
    argv = ["generate", case.vendor, "--fixtures", str(source), "--out", str(out), *args]
    assert main(argv) == 0
    return out.read_text()


@pytest.fixture(params=CASES, ids=lambda case: case.vendor)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def exported(case: Case, tmp_path: Path) -> tuple[Path, Path, str]:
    """(the block's folder, a folder holding only the file written from it, the file)."""
    source = source_folder(tmp_path / "source", case)
    alone = tmp_path / "alone"
    text = generate(case, source, alone / case.vendor / "generated.yaml")
    return source, alone, text


def durations(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in DURATION_KEYS and not isinstance(item, dict):
                yield item
            else:
                yield from durations(item)
    elif isinstance(value, list):
        for item in value:
            yield from durations(item)


def test_the_file_is_plain_yaml_any_loader_reads(
    case: Case, exported: tuple[Path, Path, str]
) -> None:
    _, _, text = exported
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent)]
    assert not [e for e in events if getattr(e, "anchor", None) is not None]
    data = yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python loader
    if hasattr(yaml, "CSafeLoader"):
        assert yaml.load(text, Loader=yaml.CSafeLoader) == data
    assert text.startswith(
        f"# jobmock generate {case.vendor} --count {case.block['count']} --seed 3 "
        "--name history\n# (as served by a jobmock with --seed 0)\nschema_version: 1\n"
    )
    assert len(data["jobs"]) == case.block["count"]
    if case.vendor == "nunu":
        stopped = [job for job in data["jobs"] if "stopped_by" in job]
        assert stopped and all(j["stopped_by"] == j["runs"][0]["initiator"] for j in stopped)
    written = list(durations(data["jobs"]))
    assert len(written) > 2 * case.block["count"]
    for value in written:
        assert isinstance(value, str) and value and DURATION.fullmatch(value), value


def test_the_file_validates_in_a_folder_of_its_own(
    case: Case, exported: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, alone, text = exported
    data = yaml.safe_load(text)
    assert list(data) == ["schema_version", *case.sections, "jobs"]
    if case.vendor == "prunner":
        assert list(data["pipelines"]) == ["ci"]  # only the pipeline its jobs run
    assert [p.name for p in alone.rglob("*") if p.is_file()] == ["generated.yaml"]
    capsys.readouterr()
    assert main(["validate", str(alone)]) == 0
    assert case.summary(case.block["count"]) in capsys.readouterr().out.splitlines()


def test_the_file_serves_the_same_documents_as_its_block(
    case: Case, exported: tuple[Path, Path, str]
) -> None:
    source, alone, text = exported
    jobs = yaml.safe_load(text)["jobs"]
    apps = [
        create_app(Settings(clock="manual", start_time=START, fixtures=f)) for f in (source, alone)
    ]
    handles = [InProcessHandle(app) for app in apps]
    clients = [
        httpx.Client(
            transport=JobmockTransport(app), base_url="http://jobmock", headers=case.headers
        )
        for app in apps
    ]
    compared = 0
    for advance in (0, 200, 3600):  # some still moving at start, settled an hour on
        for handle in handles:
            handle.advance(advance)
        for job in jobs:
            for path in case.paths(job):
                block, file = (client.get(path) for client in clients)
                assert block.status_code == 200, (path, block.text)
                assert (file.status_code, file.content) == (200, block.content), path
                compared += 1
    assert compared >= 3 * case.block["count"]
    for client in clients:
        client.close()


def test_count_0_writes_an_empty_set_that_validates(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = source_folder(tmp_path / "source", case)
    out = tmp_path / "alone" / case.vendor / "generated.yaml"
    text = generate(case, source, out, "--count", "0")
    assert text.endswith("\njobs: []\n")
    assert yaml.safe_load(text)["jobs"] == []
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "alone")]) == 0
    assert case.summary(0) in capsys.readouterr().out.splitlines()


def test_jobs_only_leaves_the_definitions_out(case: Case, tmp_path: Path) -> None:
    source = source_folder(tmp_path / "source", case)
    out = tmp_path / "out" / case.vendor / "generated.yaml"
    text = generate(case, source, out, "--count", "2", "--jobs-only")
    assert "--count 2 --seed 3 --name history --jobs-only\n" in text.splitlines(True)[0]
    assert list(yaml.safe_load(text)) == ["schema_version", "jobs"]


def test_without_a_block_count_is_needed(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / case.vendor
    folder.mkdir()
    shutil.copy(ROOT / "fixtures" / case.vendor / case.definitions, folder)
    assert main(["generate", case.vendor, "--fixtures", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"jobmock: invalid fixtures:\n{folder}: generate.count: "
        "no generate: block to take it from (give --count)\n"
    )
