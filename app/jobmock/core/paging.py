"""One page of a list that merges explicit jobs (fixtures, jobs clients created or changed) with
generated sets of any size, newest first, without materialising the generated jobs.

Every source is ordered by a key (creation time in microseconds, newest first) and can say how
many of its items are newer than a key. A binary search on the key finds where the page starts
in each source; the page is then a k-way merge of a few items from each.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobmock.core.generated_sets import BlockMix


class Source(Protocol):
    def count(self) -> int: ...

    def newer_than(self, key: int) -> int:
        """How many items have a key greater than ``key``."""

    def iter_from(self, rank: int) -> Iterator[tuple[int, Any]]:
        """(key, item) pairs, newest first, starting at the ``rank``-th item."""

    def key_bounds(self) -> tuple[int, int] | None:
        """The smallest and largest key, if the source is not empty."""


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

    def key_bounds(self) -> tuple[int, int] | None:
        return (self.items[-1][0], self.items[0][0]) if self.items else None


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

    def __post_init__(self) -> None:
        self.settled = max(self.start, min(self.settled, self.stop))
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
        matched = self.mix.count(self.category_ok, stop, self.settled)
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

    def iter_from(self, rank: int) -> Iterator[tuple[int, Any]]:
        for i in self._fresh[rank:]:
            yield self.key_of(i), self.make(i)
        if not self.tail_ok:
            return
        # The wanted tail rank counts only jobs not excluded; excluded ones before it push the
        # raw skip further (they are few: jobs clients changed).
        raw = max(0, rank - len(self._fresh))
        for index in self._tail_excluded:
            if self.mix.count(self.category_ok, index, self.settled) <= raw:
                raw += 1
            else:
                break
        excluded = set(self._tail_excluded)
        for i in self.mix.iter_matching(self.category_ok, self.settled, self.stop, skip=raw):
            if i not in excluded:
                yield self.key_of(i), self.make(i)

    def key_bounds(self) -> tuple[int, int] | None:
        if self.count() == 0:
            return None
        return self.key_of(self.stop - 1), self.key_of(self.start)


def merged_page(sources: Sequence[Source], offset: int, size: int) -> tuple[list[Any], int]:
    """Items ``[offset, offset + size)`` of all sources merged newest first, and the total."""
    total = sum(source.count() for source in sources)
    if offset >= total or size <= 0:
        return [], total
    bounds = [b for s in sources if (b := s.key_bounds()) is not None]
    low, high = min(b[0] for b in bounds) - 1, max(b[1] for b in bounds)
    # The smallest key K with at most `offset` items newer than it is the key of the item at
    # position `offset`.
    while low < high:
        middle = (low + high) // 2
        if sum(s.newer_than(middle) for s in sources) <= offset:
            high = middle
        else:
            low = middle + 1
    ranks = [s.newer_than(low) for s in sources]
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
