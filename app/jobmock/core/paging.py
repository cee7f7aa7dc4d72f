"""One page of a list that merges explicit jobs (fixtures, jobs clients created or changed) with
generated sets of any size, newest first, without materialising the generated jobs.

Every source is ordered by a key (creation time in microseconds, newest first), can say how
many of its items are newer than a key and give the key at a rank, each by arithmetic for a
generated set. A search by rank finds the key the page starts at (a few counts, at any depth);
the page is then a k-way merge of a few items from each source.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobmock.core.generated_sets import BlockMix, Selection


class Source(Protocol):
    def count(self) -> int: ...

    def newer_than(self, key: int) -> int:
        """How many items have a key greater than ``key``."""

    def iter_from(self, rank: int) -> Iterator[tuple[int, Any]]:
        """(key, item) pairs, newest first, starting at the ``rank``-th item."""

    def key_at(self, rank: int) -> int:
        """The key of the ``rank``-th item (``rank`` below ``count()``)."""


class ListSource:
    """Explicit items: a list of (key, item) already filtered, in any order."""

    def __init__(self, items: Sequence[tuple[int, Any]]) -> None:
        self.items = sorted(items, key=lambda pair: pair[0], reverse=True)
        self._negated = [-key for key, _ in self.items]

    def count(self) -> int:
        return len(self.items)

    def newer_than(self, key: int) -> int:
        return bisect_left(self._negated, -key)

    def iter_from(self, rank: int) -> Iterator[tuple[int, Any]]:
        yield from self.items[rank:]

    def key_at(self, rank: int) -> int:
        return self.items[rank][0]


@dataclass
class BulkSource:
    """A generated set seen through a filter.

    Indices ``[start, stop)`` exist. Below ``settled`` an index's state can still change, so
    ``fresh_ok`` decides each one; from ``settled`` on every job is in its final state, and
    ``tail_ok`` says whether that state passes the filter. ``category_ok`` filters the static
    category of every index; ``excluded`` indices (jobs clients changed) are left out.
    """

    mix: BlockMix
    key_of: Callable[[int], int]
    bound_of: Callable[[int], int]
    """The smallest index whose key is at most the given key."""
    start: int
    stop: int
    settled: int
    category_ok: Callable[[int], bool]
    fresh_ok: Callable[[int], bool]
    tail_ok: bool
    make: Callable[[int], Any]
    excluded: frozenset[int] = frozenset()
    _fresh: list[int] = field(init=False)
    _tail_excluded: list[int] = field(init=False)
    _selection: Selection = field(init=False)

    def __post_init__(self) -> None:
        self.settled = max(self.start, min(self.settled, self.stop))
        self._selection = self.mix.select(self.category_ok)
        self._fresh = [
            i
            for i in range(self.start, self.settled)
            if i not in self.excluded
            and self.category_ok(self.mix.category(i))
            and self.fresh_ok(i)
        ]
        self._tail_excluded = sorted(
            i
            for i in self.excluded
            if self.settled <= i < self.stop and self.category_ok(self.mix.category(i))
        )

    def _tail_count(self, stop: int) -> int:
        if not self.tail_ok or stop <= self.settled:
            return 0
        matched = self._selection.count(self.settled, stop)
        return matched - bisect_left(self._tail_excluded, stop)

    def count(self) -> int:
        return len(self._fresh) + self._tail_count(self.stop)

    def newer_than(self, key: int) -> int:
        bound = min(max(self.bound_of(key), self.start), self.stop)
        while bound > self.start and self.key_of(bound - 1) <= key:
            bound -= 1
        while bound < self.stop and self.key_of(bound) > key:
            bound += 1
        return bisect_left(self._fresh, bound) + self._tail_count(bound)

    def _tail_skip(self, rank: int) -> int:
        """The raw skip into the settled matches for the ``rank``-th item of the source: the
        excluded ones before it push it further (they are few: jobs clients changed)."""
        raw = max(0, rank - len(self._fresh))
        for index in self._tail_excluded:
            if self._selection.count(self.settled, index) <= raw:
                raw += 1
            else:
                break
        return raw

    def key_at(self, rank: int) -> int:
        if rank < len(self._fresh):
            return self.key_of(self._fresh[rank])
        skip = self._tail_skip(rank)
        return self.key_of(self._selection.nth(self._selection.before(self.settled) + skip))

    def iter_from(self, rank: int) -> Iterator[tuple[int, Any]]:
        for i in self._fresh[rank:]:
            yield self.key_of(i), self.make(i)
        if not self.tail_ok:
            return
        excluded = set(self._tail_excluded)
        for i in self._selection.iter_from(self.settled, self.stop, skip=self._tail_skip(rank)):
            if i not in excluded:
                yield self.key_of(i), self.make(i)


def merged_page(sources: Sequence[Source], offset: int, size: int) -> tuple[list[Any], int]:
    """Items ``[offset, offset + size)`` of all sources merged newest first, and the total."""
    counts = [source.count() for source in sources]
    total = sum(counts)
    if offset >= total or size <= 0:
        return [], total
    boundary = min(
        key
        for source, count in zip(sources, counts, strict=True)
        if (key := _last_fitting(sources, source, count, total - count, offset)) is not None
    )
    ranks = [s.newer_than(boundary) for s in sources]
    skip = offset - sum(ranks)  # items that share the boundary key
    streams = [s.iter_from(rank) for s, rank in zip(sources, ranks, strict=True)]
    merged = heapq.merge(*streams, key=lambda pair: -pair[0])
    page = []
    for _, item in merged:
        if skip:
            skip -= 1
            continue
        page.append(item)
        if len(page) == size:
            break
    return page, total


def _last_fitting(
    sources: Sequence[Source], source: Source, count: int, others: int, offset: int
) -> int | None:
    """The oldest key of ``source`` with at most ``offset`` items of all sources newer than it.

    The page starts at the smallest key K with at most ``offset`` items newer: the key of the
    item at ``offset``, so the oldest such key of one source or another. Within a source the
    keys that qualify are a prefix by rank, and every rank up to ``offset - others`` qualifies
    (at most ``rank`` of its own items and ``others`` of the rest are newer), so the search
    gallops from there: a few steps at any depth, instead of a bisection over the key range.
    """

    def fits(rank: int) -> bool:
        key = source.key_at(rank)
        return sum(s.newer_than(key) for s in sources) <= offset

    if count == 0:
        return None
    low = offset - others
    if low >= count:
        return source.key_at(count - 1)
    if low < 0:
        if not fits(0):
            return None
        low = 0
    step = 1
    while low + step < count and fits(low + step):
        low += step
        step *= 2
    high = min(low + step, count)  # the first rank known not to fit (or the end)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return source.key_at(low)
