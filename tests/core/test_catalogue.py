"""The job catalogue: fixture, client-made and generated jobs by id, for the control API."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from threading import RLock
from typing import Any

import pytest

from jobmock.core.catalogue import BuildsJobs, Catalogue
from jobmock.core.errors import BadRequest
from jobmock.core.fixture_files import Invalid
from jobmock.core.store import Table


@dataclass(frozen=True)
class Job:
    job_id: str
    note: str = "stored"


@dataclass(frozen=True)
class Numbered:
    """A generated set whose job ``i`` is ``{prefix}{i}``."""

    prefix: str
    size: int

    @property
    def count(self) -> int:
        return self.size

    def index_of(self, job_id: str) -> int | None:
        rest = job_id.removeprefix(self.prefix)
        if rest == job_id or not rest.isdigit() or int(rest) >= self.size:
            return None
        return int(rest)

    def job_id(self, index: int) -> str:
        return f"{self.prefix}{index}"

    def job(self, index: int) -> Job:
        return Job(self.job_id(index), "generated")


class Kind:
    """A vendor whose fixture documents are ``{"id": ...}``; ``dropped`` records deletions."""

    def __init__(self) -> None:
        self.catalogue: Catalogue[Job, BuildsJobs[Job]] = Catalogue(
            Table({"f1": Job("f1"), "f2": Job("f2")}),
            (Numbered("a", 3), Numbered("b", 1_000_000)),
            self,
            RLock(),
        )
        self.dropped: list[str] = []

    def find_job(self, job_id: str) -> Job | None:
        return self.catalogue.lookup(job_id)

    def record_job(self, doc: Mapping[str, Any]) -> Job:
        if not isinstance(doc.get("id"), str):
            raise Invalid(("id",), "must be a string")
        return Job(doc["id"], "added")

    def keep_job(self, job: Job) -> None:
        self.catalogue.table.put(job.job_id, job)

    def drop_job(self, job: Job) -> None:
        self.dropped.append(job.job_id)
        self.catalogue.table.delete(job.job_id, exists=True)


@pytest.fixture
def kind() -> Kind:
    return Kind()


def test_ids_list_stored_jobs_then_each_set_in_order(kind: Kind) -> None:
    ids = kind.catalogue.ids()
    assert list(itertools.islice(ids, 7)) == ["f1", "f2", "a0", "a1", "a2", "b0", "b1"]
    assert kind.catalogue.count() == 2 + 3 + 1_000_000


def test_an_offset_deep_in_a_set_starts_there(kind: Kind) -> None:
    assert list(itertools.islice(kind.catalogue.ids(999_000), 2)) == ["b998995", "b998996"]
    assert list(kind.catalogue.ids(1_000_004)) == ["b999999"]
    assert list(kind.catalogue.ids(2_000_000)) == []


def test_the_table_answers_before_the_sets(kind: Kind) -> None:
    assert kind.catalogue.lookup("a1") == Job("a1", "generated")
    kind.catalogue.add({"id": "a1"})
    assert kind.catalogue.lookup("a1") == Job("a1", "added")
    assert kind.catalogue.generated("a1") is None
    assert kind.catalogue.generated("a2") == (Numbered("a", 3), 2)
    assert kind.catalogue.lookup("a3") is None  # beyond the set


def test_a_changed_generated_job_is_listed_and_counted_once(kind: Kind) -> None:
    before = kind.catalogue.count()
    assert kind.catalogue.add({"id": "a1"}) == "a1"
    assert list(kind.catalogue.ids())[:5] == ["f1", "f2", "a1", "a0", "a2"]
    assert kind.catalogue.count() == before
    assert kind.catalogue.add({"id": "new"}) == "new"
    assert kind.catalogue.count() == before + 1


def test_delete_drops_stored_and_generated_jobs_once(kind: Kind) -> None:
    before = kind.catalogue.count()
    assert kind.catalogue.delete("f1")
    assert kind.catalogue.delete("b5")
    assert not kind.catalogue.delete("b5")
    assert not kind.catalogue.delete("nothing")
    assert kind.dropped == ["f1", "b5"]
    assert kind.catalogue.lookup("b5") is None
    assert "b5" not in itertools.islice(kind.catalogue.ids(), 20)
    assert kind.catalogue.count() == before - 2


def test_an_invalid_document_is_a_400_naming_the_field(kind: Kind) -> None:
    with pytest.raises(BadRequest) as raised:
        kind.catalogue.add({"id": 7})
    assert raised.value.message == "id: must be a string"
    assert kind.catalogue.count() == 2 + 3 + 1_000_000
