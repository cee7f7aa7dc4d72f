"""getJobRuns over a generated job's history, in every order ``sortBy`` allows: the pages found
by counting (the history is never materialised) equal a plain sort of all the runs, while runs
move on the clock, are triggered, terminated and paused."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from tests.vendors.intuned.generated_client import Client, Doc, app_for, fixtures

FIELDS = (
    "start_time",
    "end_time",
    "created_at",
    "updated_at",
    "type",
    "status",
    "payloads",
    "successful_runs",
    "failed_runs",
    "id",
)
MULTI = (
    "status,asc/start_time,desc",
    "start_time,desc/status,asc",
    "status,desc/failed_runs,desc/end_time,asc",
    "type,asc/successful_runs,asc/updated_at,desc",
    "failed_runs,asc/payloads,desc",
    "status,asc/id,desc",
    "end_time,desc/id,asc",
    "successful_runs,desc/status,asc/created_at,asc",
)
ORDERS = [f"{f},{d}" for f, d in product(FIELDS, ("asc", "desc"))] + list(MULTI)


class Later:
    """Sorts the other way round."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Later) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Later) and bool(self.value == other.value)

    __hash__ = None  # type: ignore[assignment]


def expected(runs: list[Doc], sort: str) -> list[str]:
    """A plain sort of every run: the keys in turn (nulls last ascending, first descending),
    then the newest first."""
    keys = [
        (name, direction == "desc") for name, direction in (p.split(",") for p in sort.split("/"))
    ]

    def key(run: Doc) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name, desc in keys:
            value = run[name]
            if value is None:
                parts.append((0,) if desc else (1,))
            else:
                parts.append((1, Later(value)) if desc else (0, value))
        return (*parts, Later(run["created_at"]))

    return [run["id"] for run in sorted(runs, key=key)]


def check_orders(client: Client, job: str) -> None:
    everything = client.runs(job)
    assert len({r["id"] for r in everything}) == len(everything)
    for number, sort in enumerate(ORDERS):
        size = (7, 33, 100)[number % 3]
        found = [r["id"] for r in client.runs(job, sort, size)]
        assert found == expected(everything, sort), (job, sort, size)
    beyond = client.get(f"/jobs/{job}/runs", pageSize=100, pageNumber=50)
    assert beyond == {"jobRuns": [], "totalCount": len(everything)}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    block = {
        "count": 12,
        "seed": 3,
        "runs": 100,
        "schedules": {"15m": 1, "1h": 1},
        "manual": 1,
        "manual_every": "2h",
        "paused": 0,
        "duration": ["1m", "30m"],
        "results": {"SUCCESS": 4, "COMPLETED": 2, "FAILURE": 2, "CANCELED": 1, "TERMINATED": 1},
    }
    made = Client(app_for(fixtures(tmp_path, block)))
    yield made
    made.close()


def test_every_order_over_a_moving_history(client: Client) -> None:
    ids = client.generated_ids(12)
    moving = [j for j in ids if client.runs(j, size=1)[0]["status"] == "PENDING"]
    by_hand = [j for j in ids if client.get(f"/jobs/{j}")["schedule"] is None]
    assert moving and by_hand
    chosen = [moving[0], by_hand[0]]
    for job in chosen:
        check_orders(client, job)

    # A past run still moving is terminated; other runs are triggered (one cancelled, as
    # another is active) and fired by the schedule; one job is paused mid-run.
    client.handle.advance("10s")
    first = client.runs(chosen[0], size=1)[0]["id"]
    assert client.http.post(f"/jobs/{chosen[0]}/runs/{first}/terminate").status_code == 200
    client.handle.advance("7m20s")
    for job in chosen:
        client.http.post(f"/jobs/{job}/trigger")
        client.handle.advance("13s")
        client.http.post(f"/jobs/{job}/trigger")
    client.handle.advance("47m")
    client.http.post(f"/jobs/{chosen[1]}/trigger")
    client.handle.advance("9s")
    assert client.http.post(f"/jobs/{chosen[1]}/pause").status_code == 200
    for job in chosen:
        check_orders(client, job)

    client.handle.advance("5h")
    for job in chosen:
        check_orders(client, job)
