"""getJobRuns' order (``sortBy``) and its pages, for runs held in memory and for the history of
a generated job, which is never materialised.

One comparator serves both: the ``sortBy`` keys in turn, compared at full precision with
PostgreSQL's null order (last ascending, first descending), then the newest creation first.

A generated job's settled runs (``Tail``) are ordered arithmetically. Every key but ``id`` is
either fixed by how a run ends (``status``, ``type``, ``payloads``, the counters: categories of
the run mix) or a time that falls as the run index rises (``start_time``, ``created_at``,
``end_time``, ``updated_at``: runs of a job never overlap). So an order is: groups of categories
in the order of their values, and inside each group the runs by index, one way or the other. Group
sizes come from ``BlockMix.count``; a page is found by counting, and runs still moving or changed
by a client (few) are placed among them by binary search. ``id`` before any time key cannot be
served this way: those orders read every run of the job (``scan``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from typing import Any, TypeVar

from jobmock.core.errors import BadRequest
from jobmock.core.generated_sets import BlockMix

T = TypeVar("T")

SORTABLE = (
    "id",
    "start_time",
    "end_time",
    "created_at",
    "updated_at",
    "type",
    "status",
    "payloads",
    "successful_runs",
    "failed_runs",
)
#: Keys a generated run's category decides.
CATEGORICAL = frozenset({"type", "status", "payloads", "successful_runs", "failed_runs"})

SortKeys = list[tuple[str, bool]]


def sort_keys(raw: str) -> SortKeys:
    """``sortBy``: ``field,direction`` pairs separated by ``/`` -> (field, descending)."""
    if not raw.strip():
        return [("start_time", True)]
    keys = []
    for part in raw.split("/"):
        name, _, direction = part.partition(",")
        name, direction = name.strip(), (direction.strip() or "asc").lower()
        if name not in SORTABLE:
            raise BadRequest(
                f"sortBy: cannot sort by {name!r}; sortable fields: {', '.join(SORTABLE)}.",
                reason="query",
            )
        if direction not in ("asc", "desc"):
            raise BadRequest(
                f"sortBy: direction must be 'asc' or 'desc', got {direction!r}.", reason="query"
            )
        keys.append((name, direction == "desc"))
    return keys


class Desc:
    """A value that sorts the other way round."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Desc) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Desc) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.value)


def part(value: Any, descending: bool) -> tuple[Any, ...]:
    """One key of the comparator, with PostgreSQL's null order."""
    if value is None:
        return (0,) if descending else (1,)
    return (1, Desc(value)) if descending else (0, value)


@dataclass(frozen=True, slots=True)
class Facts:
    """What a run is sorted by (times at full precision)."""

    id: str
    start_time: datetime
    end_time: datetime | None
    created_at: datetime
    updated_at: datetime
    type: str
    status: str
    payloads: int | None
    successful_runs: int | None
    failed_runs: int | None


class Order:
    """The comparator of one ``sortBy``, split where a generated job's runs stop being grouped
    by category: ``prefix`` keys are categorical, the rest starts with a time (or ``id``)."""

    def __init__(self, keys: SortKeys) -> None:
        self.keys = keys
        self.split = len(keys)
        self.time: tuple[str, bool] = ("created_at", True)
        self.scan = False
        for position, (name, descending) in enumerate(keys):
            if name not in CATEGORICAL:
                self.split = position
                self.scan = name == "id"
                self.time = (name, descending)
                break
        self.needs_id = any(name == "id" for name, _ in keys)

    def prefix(self, facts: Facts) -> tuple[Any, ...]:
        return tuple(part(getattr(facts, n), d) for n, d in self.keys[: self.split])

    def suffix(self, facts: Facts) -> tuple[Any, ...]:
        rest = tuple(part(getattr(facts, n), d) for n, d in self.keys[self.split :])
        return (*rest, Desc(facts.created_at))

    def full(self, facts: Facts) -> tuple[Any, ...]:
        return self.prefix(facts) + self.suffix(facts)

    @property
    def newest_first(self) -> bool:
        """Inside a group, runs go by rising index (newest first)."""
        return self.time[1]


def sort_by(items: Iterable[T], facts: Callable[[T], Facts], keys: SortKeys) -> list[T]:
    order = Order(keys)
    return sorted(items, key=lambda item: order.full(facts(item)))


@dataclass
class Tail:
    """The settled runs ``[low, high)`` of a generated job, bar ``excluded`` ones (changed by a
    client). ``facts(i)`` describes run ``i``; ``kind_facts(k)`` a run of category ``k``."""

    mix: BlockMix
    shift: int
    low: int
    high: int
    excluded: frozenset[int]
    facts: Callable[[int, bool], Facts]
    kind_facts: Callable[[int], Facts]
    order: Order

    def __post_init__(self) -> None:
        groups: dict[tuple[Any, ...], set[int]] = {}
        for kind in range(len(self.mix.weights)):
            groups.setdefault(self.order.prefix(self.kind_facts(kind)), set()).add(kind)
        self.groups = sorted(groups.items(), key=lambda pair: pair[0])
        self._out = sorted(i for i in self.excluded if self.low <= i < self.high)
        self.sizes = [self._count(kinds, self.low, self.high) for _, kinds in self.groups]

    def _kind(self, index: int) -> int:
        return self.mix.category(index + self.shift)

    def _count(self, kinds: set[int], start: int, stop: int) -> int:
        if stop <= start:
            return 0
        found = self.mix.count(kinds.__contains__, stop + self.shift, start + self.shift)
        return found - sum(1 for i in self._out if start <= i < stop and self._kind(i) in kinds)

    @property
    def total(self) -> int:
        return sum(self.sizes)

    def _forward(self, kinds: set[int], rank: int) -> Iterator[int]:
        """Members of a group by rising index, from the ``rank``-th on."""
        out = [i for i in self._out if self._kind(i) in kinds]
        raw = rank
        for index in out:
            if self.mix.count(kinds.__contains__, index + self.shift, self.low + self.shift) > raw:
                break
            raw += 1
        matching = self.mix.iter_matching(
            kinds.__contains__, self.low + self.shift, self.high + self.shift, skip=raw
        )
        skipped = set(out)
        for shifted in matching:
            if shifted - self.shift not in skipped:
                yield shifted - self.shift

    def slice(self, rank: int, count: int) -> list[int]:
        """Up to ``count`` runs from the ``rank``-th of the whole tail, in order."""
        found: list[int] = []
        for (_, kinds), size in zip(self.groups, self.sizes, strict=True):
            if len(found) >= count:
                break
            if rank >= size:
                rank -= size
                continue
            take = min(count - len(found), size - rank)
            if self.order.newest_first:
                found.extend(islice(self._forward(kinds, rank), take))
            else:
                items = list(islice(self._forward(kinds, size - rank - take), take))
                found.extend(reversed(items))
            rank = 0
        return found

    def before(self, facts: Facts) -> int:
        """How many tail runs sort before a run described by ``facts``."""
        prefix, suffix = self.order.prefix(facts), self.order.suffix(facts)
        needs_id = self.order.needs_id
        total = 0
        for (values, kinds), size in zip(self.groups, self.sizes, strict=True):
            if values < prefix:
                total += size
            elif values == prefix:
                # Inside the group, the suffix starts with a time that falls as the index rises.
                def earlier(i: int) -> bool:
                    return self.order.suffix(self.facts(i, needs_id)) < suffix

                if self.order.newest_first:
                    bound = _first(self.low, self.high, lambda i: not earlier(i))
                    total += self._count(kinds, self.low, bound)
                else:
                    bound = _first(self.low, self.high, earlier)
                    total += self._count(kinds, bound, self.high)
        return total

    def members(self) -> Iterator[int]:
        out = set(self._out)
        return (i for i in range(self.low, self.high) if i not in out)


def _first(low: int, high: int, ok: Callable[[int], bool]) -> int:
    """The smallest ``i`` in ``[low, high)`` with ``ok(i)`` (``ok`` monotone), else ``high``."""
    while low < high:
        middle = (low + high) // 2
        if ok(middle):
            high = middle
        else:
            low = middle + 1
    return low


def page(
    explicit: Sequence[tuple[Facts, T]], tail: Tail, offset: int, size: int
) -> tuple[list[T | int], int]:
    """Runs ``[offset, offset + size)`` of ``explicit`` ones (runs in memory) and the tail
    merged in order, tail runs given by index; and the total."""
    order = tail.order
    total = len(explicit) + tail.total
    if offset >= total:
        return [], total
    if order.scan:
        return _scanned(explicit, tail, offset, size), total
    ranked = sorted(explicit, key=lambda pair: order.full(pair[0]))
    positions = [rank + tail.before(facts) for rank, (facts, _) in enumerate(ranked)]
    end = min(offset + size, total)
    inside = {p: item for p, (_, item) in zip(positions, ranked, strict=True) if offset <= p < end}
    start = offset - sum(1 for p in positions if p < offset)
    runs = iter(tail.slice(start, end - offset - len(inside)))
    return [inside[p] if p in inside else next(runs) for p in range(offset, end)], total


def _scanned(
    explicit: Sequence[tuple[Facts, T]], tail: Tail, offset: int, size: int
) -> list[T | int]:
    """The page found by reading every run (orders with ``id`` before any time)."""
    order = tail.order
    keyed: Iterator[tuple[tuple[Any, ...], int, T | int]] = chain(
        ((order.full(facts), n, item) for n, (facts, item) in enumerate(explicit)),
        ((order.full(tail.facts(i, True)), len(explicit) + i, i) for i in tail.members()),
    )
    best = heapq.nsmallest(offset + size, keyed, key=lambda entry: entry[:2])
    return [item for _, _, item in best[offset:]]
