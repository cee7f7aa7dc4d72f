"""Merged pages over explicit items and generated sets equal a brute-force sort and slice."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from jobmock.core.generated_sets import BlockMix, Schedule
from jobmock.core.paging import BulkSource, ListSource, Source, merged_page

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def micros(when: datetime) -> int:
    return int(when.timestamp() * 1_000_000)


def bulk(
    count: int,
    every: float,
    settled: int,
    category: int | None,
    excluded: set[int],
    fresh_ok: int,
    name: str,
) -> tuple[BulkSource, list[tuple[int, str]]]:
    mix = BlockMix([5, 3, 2], name)
    schedule = Schedule(T0, every=every, key=len(name))

    def bound_of(key: int) -> int:
        moment = datetime.fromtimestamp(key / 1_000_000, UTC)
        return schedule.first_created_before(moment)

    def ok(c: int) -> bool:
        return category is None or c == category

    source = BulkSource(
        mix=mix,
        key_of=lambda i: micros(schedule.created(i)),
        bound_of=bound_of,
        start=2,
        stop=count,
        settled=settled,
        category_ok=ok,
        fresh_ok=lambda i: i % fresh_ok == 0,
        tail_ok=True,
        make=lambda i: f"{name}{i}",
        excluded=frozenset(excluded),
    )
    expected = [
        (micros(schedule.created(i)), f"{name}{i}")
        for i in range(2, count)
        if i not in excluded and ok(mix.category(i)) and (i >= settled or i % fresh_ok == 0)
    ]
    return source, expected


@pytest.mark.parametrize("category", [None, 0, 2])
def test_pages_match_brute_force(category: int | None) -> None:
    rng = random.Random(category)
    first, expected_first = bulk(3000, 60.0, 40, category, {50, 51, 700, 2999}, 3, "a")
    second, expected_second = bulk(500, 610.0, 5, category, set(), 1, "b")
    explicit = [(micros(T0) - rng.randrange(10**11), f"x{i}") for i in range(30)]
    expected = sorted([*expected_first, *expected_second, *explicit], key=lambda p: -p[0])
    sources: list[Source] = [ListSource(explicit), first, second]
    for offset in [0, 1, 19, 20, 333, len(expected) - 5, len(expected) - 1, len(expected)]:
        page, total = merged_page(sources, offset, 20)
        assert total == len(expected)
        assert page == [item for _, item in expected[offset : offset + 20]], offset


def test_empty_sources() -> None:
    assert merged_page([ListSource([])], 0, 10) == ([], 0)
    source, _ = bulk(10, 60.0, 0, 1, set(range(10)), 1, "c")
    assert merged_page([source], 0, 10) == ([], 0)


def test_only_fresh_items_when_the_settled_state_fails_the_filter() -> None:
    source, expected = bulk(1000, 60.0, 30, None, {4}, 2, "d")
    source.tail_ok = False
    fresh = [item for key, item in expected if int(item[1:]) < 30]
    assert source.count() == len(fresh)
    page, total = merged_page([source], 3, 5)
    assert (page, total) == (fresh[3:8], len(fresh))


def test_pages_at_every_depth_with_shared_keys() -> None:
    """Explicit items sharing keys with generated ones (and with each other) land where a
    stable sort puts them: sources in order, each newest first."""
    first, expected_first = bulk(5000, 60.0, 25, 1, {3, 4000}, 2, "e")
    second, expected_second = bulk(800, 400.0, 3, None, {799}, 1, "f")
    rng = random.Random(7)
    shared = [key for key, _ in rng.sample(expected_first + expected_second, 40)]
    explicit = [(key, f"y{i}") for i, key in enumerate(shared + shared[:5])]
    ordered = sorted(explicit, key=lambda p: -p[0])
    expected = sorted([*ordered, *expected_first, *expected_second], key=lambda p: -p[0])
    sources: list[Source] = [ListSource(explicit), first, second]
    offsets = [0, 7, *rng.sample(range(len(expected)), 40), len(expected) - 3, len(expected) + 9]
    for offset in offsets:
        for size in (1, 20):
            page, total = merged_page(sources, offset, size)
            assert total == len(expected)
            assert page == [item for _, item in expected[offset : offset + size]], offset
