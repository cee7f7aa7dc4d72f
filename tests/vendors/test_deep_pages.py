"""A page deep in a generated set, found by counting, equals the page of a brute-force listing:
the same jobs written out as plain fixture jobs (``jobmock generate``), which every vendor lists
by sorting them all. Pages at the start, in the middle, the last full one, the last partial one
and past the end, with every kind of filter, while the newest jobs still move and after."""

from __future__ import annotations

import random
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

#: Intuned's scheduled runs sit on their schedule's ticks: both servers start at midnight.
START = datetime(2026, 11, 1, tzinfo=UTC)
INTUNED = "/intuned/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/my-project"

Params = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    path: str
    """May hold ``{job}``: the first generated job's id."""
    filters: list[Params]
    paging: Callable[[int, int], Params]
    """(page number, page size) to the vendor's query parameters."""
    total: Callable[[Any], int]


def pages(number: int, size: int) -> Params:
    return {"page": number, "page_size": size}


def offsets(number: int, size: int) -> Params:
    return {"offset": number * size, "limit": size}


def page_numbers(number: int, size: int) -> Params:
    return {"pageNumber": number, "pageSize": size}


@dataclass(frozen=True)
class Case:
    vendor: str
    definitions: str
    block: dict[str, Any]
    headers: dict[str, str]
    listings: list[Listing]
    first_job: Callable[[Any], str]
    changes: Callable[[Any], list[tuple[str, str]]] = lambda _jobs: []
    """Requests that change generated jobs (the listing then serves them as explicit ones)."""


NUNU_TOTAL = lambda body: body["pagination"]["total_count"]  # noqa: E731
TEST_ID = "a5060a07-d386-4279-98ce-b33fb884201e"

CASES = [
    Case(
        "nunu",
        "project.yaml",
        {
            "name": "history",
            "count": 700,
            "seed": 5,
            "every": "3m",
            "until": "1m",
            "duration": ["5m", "20m"],
            "results": {"SUCCESS": 13, "FAILED": 3, "ERROR": 2, "STOPPED": 2},
        },
        {"X-Api-Key": "nunu_test_key"},
        [
            Listing(
                "/nunu/api/v1/jobs",
                [
                    {},
                    {"status": "completed"},
                    {"status": "running"},
                    {"multiplayer_test_id": TEST_ID},
                    {"tags": "location"},
                ],
                pages,
                NUNU_TOTAL,
            ),
            Listing(
                "/nunu/api/v1/runs",
                [
                    {},
                    {"state": "completed"},
                    {"state": "running"},
                    {"bugs": "true"},
                    {"bugs": "false", "test_type": "verification"},
                ],
                pages,
                NUNU_TOTAL,
            ),
        ],
        lambda jobs: str(jobs[0]["job_id"]),
    ),
    Case(
        "osapi",
        "agents.yaml",
        {"name": "history", "count": 700, "seed": 3, "every": "4m", "duration": ["1m", "15m"]},
        {"Authorization": f"Bearer {osapi_token(issued_at=START)}"},
        [
            Listing(
                "/osapi/job",
                [{}, {"status": "failed"}, {"status": "completed"}, {"status": "processing"}],
                offsets,
                lambda body: body["total_items"],
            )
        ],
        lambda jobs: str(jobs[0]["id"]),
        lambda jobs: [("DELETE", f"/osapi/job/{jobs[i]['id']}") for i in (1, 250, 251, 690)],
    ),
    Case(
        "intuned",
        "seed.yaml",
        {
            "name": "history",
            "count": 2,
            "seed": 3,
            "runs": 600,
            "schedules": {"15m": 1},
            "manual": 0,
            "paused": 0,
            "duration": ["1m", "20m"],
        },
        {"x-api-key": "intuned_test_key"},
        [
            Listing(
                INTUNED + "/jobs/{job}/runs",
                [{}, {"sortBy": "status,asc"}, {"sortBy": "end_time,asc"}],
                page_numbers,
                lambda body: body["totalCount"],
            )
        ],
        lambda jobs: str(jobs[0]["id"]),
    ),
]


@dataclass
class Pair:
    """The generated set and its brute-force twin, on clocks that move together."""

    case: Case
    clients: list[httpx.Client]
    handles: list[InProcessHandle]
    job: str
    changes: list[tuple[str, str]]

    def advance(self, seconds: int) -> None:
        for handle in self.handles:
            handle.advance(seconds)

    def both(self, path: str, params: Params) -> tuple[httpx.Response, httpx.Response]:
        generated, brute = (client.get(path, params=params) for client in self.clients)
        return generated, brute


@pytest.fixture(params=CASES, ids=lambda case: case.vendor)
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    case: Case = request.param
    source = tmp_path / "source" / case.vendor
    source.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / case.vendor / case.definitions, source)
    (source / "generated.yaml").write_text(yaml.safe_dump({"generate": [case.block]}))
    brute = tmp_path / "brute" / case.vendor
    brute.mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / case.vendor / case.definitions, brute)
    out = brute / "jobs.yaml"
    argv = ["generate", case.vendor, "--fixtures", str(source.parent), "--out", str(out)]
    assert main([*argv, "--jobs-only"]) == 0
    jobs = yaml.safe_load(out.read_text())["jobs"]
    apps = [
        create_app(Settings(clock="manual", start_time=START, fixtures=folder.parent))
        for folder in (source, brute)
    ]
    clients = [
        httpx.Client(
            transport=JobmockTransport(app), base_url="http://jobmock", headers=case.headers
        )
        for app in apps
    ]
    handles = [InProcessHandle(app) for app in apps]
    yield Pair(case, clients, handles, case.first_job(jobs), case.changes(jobs))
    for client in clients:
        client.close()


def test_every_page_equals_the_brute_force_listing(pair: Pair) -> None:
    case = pair.case
    rng = random.Random(case.vendor)
    compared = partial_pages = 0
    for advance in (0, 7 * 60, 2 * 3600):  # the newest still moving, then settled
        pair.advance(advance)
        if advance == 2 * 3600:
            for method, path in pair.changes:
                answers = [client.request(method, path) for client in pair.clients]
                assert answers[0].status_code < 300 and answers[1].status_code < 300
        for listing in case.listings:
            path = listing.path.format(job=pair.job)
            for filters in listing.filters:
                for size in (20, 7):
                    first, _ = pair.both(path, {**filters, **listing.paging(0, size)})
                    assert first.status_code == 200, first.text
                    total = listing.total(first.json())
                    full, partial = divmod(total, size)
                    numbers = {
                        0,
                        1,
                        full - 1,
                        full,
                        full + 3,
                        *rng.sample(range(full + 1), min(3, full + 1)),
                    }
                    for number in sorted(n for n in numbers if n >= 0):
                        params = {**filters, **listing.paging(number, size)}
                        generated, brute = pair.both(path, params)
                        assert generated.status_code == 200, generated.text
                        assert generated.json() == brute.json(), (path, params, advance)
                        assert generated.content == brute.content
                        compared += 1
                        partial_pages += number == full and partial > 0
    assert compared > 100 and partial_pages > 0
