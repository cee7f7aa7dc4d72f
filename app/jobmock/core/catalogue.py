"""A vendor's jobs by id: from its fixtures, made by clients, and generated.

Fixture and client-made jobs live in a store ``Table`` (a reset undoes every change); a generated
set computes its jobs from their index. A client change to a generated job (cancel, delete) is
written to the table, which then answers for that id, so the set's copy is never seen again.

``JobCatalogue`` is what the control API reads and changes (add, ids, count, delete);
``Catalogue`` is the catalogue of every vendor whose jobs are keyed by their id, the vendor
telling it only what is its own through ``JobKind``: how a job a control request names is found,
how a fixture document becomes a job, and what else keeping or dropping one changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from jobmock.core.errors import BadRequest
from jobmock.core.fixture_files import Invalid, format_loc
from jobmock.core.store import Lock, Table


class Identified(Protocol):
    """A vendor's job record, as far as the catalogue needs it."""

    @property
    def job_id(self) -> str: ...


J = TypeVar("J", bound=Identified)
J_co = TypeVar("J_co", covariant=True)
T = TypeVar("T")


class GeneratedJobs(Protocol):
    """What listing ids and counting needs of a vendor's generated set."""

    @property
    def count(self) -> int: ...

    def index_of(self, job_id: str) -> int | None:
        """The index of a job of this set, in O(1); None for any other id."""

    def job_id(self, index: int) -> str: ...


class BuildsJobs(GeneratedJobs, Protocol[J_co]):
    """A generated set that renders job ``index`` as the vendor's record."""

    @property
    def job(self) -> Callable[[int], J_co]:
        """Job ``index`` (a method, or a cache in front of one)."""


S = TypeVar("S", bound=GeneratedJobs)


class JobCatalogue(Protocol):
    """A vendor's jobs as the control API reads and changes them."""

    def add(self, doc: Mapping[str, Any]) -> str:
        """Add one job given in fixture format; returns its id. Raises BadRequest if invalid."""

    def ids(self, offset: int = 0) -> Iterator[str]:
        """Every job id from ``offset`` on, lazily (generated sets can hold millions)."""

    def count(self) -> int: ...

    def delete(self, job_id: str) -> bool: ...


class JobKind(Protocol[J]):
    """What a ``Catalogue`` needs from its vendor (the vendor's backend implements it)."""

    def find_job(self, job_id: str) -> J | None:
        """The job a control request names, fixture, client-made or generated."""

    def record_job(self, doc: Mapping[str, Any]) -> J:
        """The job a fixture document describes (under the store's lock). Raises ``Invalid``,
        or ``BadRequest`` for a refusal in the vendor's own words."""

    def keep_job(self, job: J) -> None:
        """Store a job ``record_job`` made, with whatever else that changes."""

    def drop_job(self, job: J) -> None:
        """Delete a job from the table (a generated one is marked gone), and what hangs on it."""


def recorded(make: Callable[[], T]) -> T:
    """``make()``, with a fixture document's ``Invalid`` as the control API's 400."""
    try:
        return make()
    except Invalid as exc:
        raise BadRequest(f"{format_loc(exc.loc)}: {exc.message}", reason="fixture") from None


def ids_from(
    offset: int,
    explicit: Sequence[str],
    sets: Iterable[S],
    id_at: Callable[[S, int], str | None],
) -> Iterator[str]:
    """Job ids from ``offset`` on: the explicit ones, then each set's (``id_at`` returns None for
    a generated job a client deleted or changed, which is listed with the explicit ones). The
    offset jumps into a set by arithmetic, however far in it lies."""
    yield from explicit[offset:]
    offset = max(0, offset - len(explicit))
    for generated in sets:
        if offset >= generated.count:
            offset -= generated.count
            continue
        for index in range(offset, generated.count):
            job_id = id_at(generated, index)
            if job_id is not None:
                yield job_id
        offset = 0


class Catalogue(Generic[J, S]):
    """Jobs keyed by their id: the table first, then the generated sets."""

    def __init__(
        self, table: Table[str, J], sets: Sequence[S], kind: JobKind[J], lock: Lock
    ) -> None:
        self.table = table
        self.sets = tuple(sets)
        self.kind = kind
        self.lock = lock

    def generated(self, job_id: str) -> tuple[S, int] | None:
        """The set and index of a generated job no client changed or deleted."""
        if self.table.is_changed(job_id):
            return None
        for generated in self.sets:
            index = generated.index_of(job_id)
            if index is not None:
                return generated, index
        return None

    def lookup(self: Catalogue[J, BuildsJobs[J]], job_id: str) -> J | None:
        """A job by id: fixtures and client changes first, then the generated sets."""
        job = self.table.get(job_id)
        if job is not None or self.table.is_changed(job_id):
            return job
        for generated in self.sets:
            index = generated.index_of(job_id)
            if index is not None:
                return generated.job(index)
        return None

    def ids(self, offset: int = 0) -> Iterator[str]:
        """Fixture and client-made jobs first, then the generated ones (lazily); ``offset``
        jumps into a generated set by index arithmetic."""
        return ids_from(offset, list(self.table.keys()), self.sets, self._generated_id)

    def _generated_id(self, generated: S, index: int) -> str | None:
        job_id = generated.job_id(index)
        return None if self.table.is_changed(job_id) else job_id

    def count(self) -> int:
        """Stored jobs, and the generated ones still as generated."""
        sets = self.sets
        moved = sum(
            1 for key in self.table.changed_keys() if any(g.index_of(key) is not None for g in sets)
        )
        return len(self.table) + sum(g.count for g in sets) - moved

    def add(self, doc: Mapping[str, Any]) -> str:
        with self.lock:
            job = recorded(lambda: self.kind.record_job(doc))
            self.kind.keep_job(job)
        return job.job_id

    def delete(self, job_id: str) -> bool:
        with self.lock:
            job = self.kind.find_job(job_id)
            if job is None:
                return False
            self.kind.drop_job(job)
            return True
