"""Generated sets: ids that map back to their index, exact mixes, newest-first schedules."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from jobmock.core.generated_sets import BlockMix, Feistel, IdCodec, Schedule

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_feistel_is_a_permutation() -> None:
    perm = Feistel(42, 16)
    out = [perm.encrypt(i) for i in range(1 << 16)]
    assert sorted(out) == list(range(1 << 16))
    assert all(perm.decrypt(v) == i for i, v in enumerate(out))
    with pytest.raises(ValueError):
        Feistel(1, 15)


@pytest.mark.parametrize("index", [0, 1, 7, 999_999, 1_000_000, (1 << 40) - 1])
def test_ids_round_trip(index: int) -> None:
    codec = IdCodec("nunu", 0, "jobs")
    assert codec.index_of_uuid(codec.uuid(index)) == index
    assert codec.index_of_base36(codec.base36(index)) == index
    assert codec.index_of_hex(codec.hex(index)) == index
    assert codec.index_of_hex(codec.hex(index, 32), 32) == index


def test_id_shapes() -> None:
    codec = IdCodec("nunu", 0, "jobs")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", codec.uuid(3)
    )
    assert re.fullmatch(r"[0-9a-z]{11}", codec.base36(3))
    ids = [codec.uuid(i) for i in range(200)]
    assert len({i[:8] for i in ids}) == 200, "no shared prefix: ids look random"


def test_foreign_ids_are_not_ours() -> None:
    codec = IdCodec("nunu", 0, "jobs")
    other = IdCodec("nunu", 1, "jobs")
    assert codec.index_of_uuid(other.uuid(5)) is None
    assert codec.index_of_uuid("f80f6230-3a4f-431a-9d55-d11b867fed4e") is None
    assert codec.index_of_uuid("not a uuid") is None
    assert codec.index_of_base36("lkkg6t5612m") is None
    assert codec.index_of_base36("short") is None
    assert codec.index_of_hex("zz" * 12) is None
    misses = sum(codec.index_of_uuid(other.uuid(i)) is not None for i in range(20_000))
    assert misses == 0


def test_mix_is_exact_per_block_and_seeded() -> None:
    mix = BlockMix([7, 2, 1], "set")
    counts = Counter(mix.category(i) for i in range(1000))
    assert counts == {0: 700, 1: 200, 2: 100}
    assert [mix.category(i) for i in range(50)] == [
        BlockMix([7, 2, 1], "set").category(i) for i in range(50)
    ]
    assert [mix.category(i) for i in range(50)] != [
        BlockMix([7, 2, 1], "other").category(i) for i in range(50)
    ]


@pytest.mark.parametrize("start, stop", [(0, 0), (0, 5), (3, 1005), (10, 20), (17, 99_983)])
def test_mix_counts_without_scanning_whole_blocks(start: int, stop: int) -> None:
    mix = BlockMix([7, 2, 1], "set")
    for category in range(3):
        expected = sum(1 for i in range(start, stop) if mix.category(i) == category)
        assert mix.count(category.__eq__, stop, start) == expected


@pytest.mark.parametrize("skip", [0, 1, 9, 10, 11, 5000])
def test_mix_iterates_matches_after_a_skip(skip: int) -> None:
    mix = BlockMix([7, 2, 1], "set")
    expected = [i for i in range(3, 60_000) if mix.category(i) == 2][skip : skip + 5]
    found = mix.iter_matching(lambda c: c == 2, 3, 60_000, skip=skip)
    assert [next(found) for _ in range(5)] == expected


@pytest.mark.parametrize("weights", [[7, 2, 1], [16, 0, 2, 1, 1, 5, 0, 3], [1], [0, 9, 4]])
def test_a_selection_counts_and_locates_as_a_scan_does(weights: list[int]) -> None:
    mix = BlockMix(weights, "selection")
    everything = [mix.category(i) for i in range(3000)]
    rng = random.Random(len(weights))
    for wanted in [{0}, {1, 2}, set(range(0, len(weights), 2)), set(range(len(weights)))]:
        selection = mix.select(wanted.__contains__)
        matches = [i for i, c in enumerate(everything) if c in wanted]
        for _ in range(200):
            start, stop = sorted(rng.randrange(3001) for _ in range(2))
            assert selection.count(start, stop) == sum(start <= i < stop for i in matches)
        for rank in [0, 1, len(matches) // 2, len(matches) - 1]:
            if rank >= 0 and matches:
                assert selection.nth(rank) == matches[rank]
        deep = 10**12 + 7
        assert selection.count(deep, deep + 3000) == sum(
            1 for i in range(deep, deep + 3000) if mix.category(i) in wanted
        )


def test_a_count_or_a_rank_asks_no_index_its_category() -> None:
    """Counting and locating at any depth is arithmetic: the predicate is asked once per
    category, when the selection is made, and never about an index."""
    asked: list[int] = []
    mix = BlockMix([7, 2, 1], "set")

    def wanted(category: int) -> bool:
        asked.append(category)
        return category == 2

    selection = mix.select(wanted)
    assert asked == [0, 1, 2]
    edges = [*range(17, 20), *range(10**12, 10**12 + 5)]  # whole blocks of 10 in between
    expected = (10**12 - 20) // 10 + sum(1 for i in edges if mix.category(i) == 2)
    assert selection.count(17, 10**12 + 5) == expected
    assert mix.category(selection.nth(10**9)) == 2
    assert asked == [0, 1, 2]


def test_mix_refuses_empty_weights() -> None:
    with pytest.raises(ValueError):
        BlockMix([0, 0])
    assert list(BlockMix([1, 0]).iter_matching(lambda c: c == 1, 0, 100)) == []


def test_schedule_is_newest_first() -> None:
    schedule = Schedule(T0, every=60.0, key=3)
    times = [schedule.created(i) for i in range(1000)]
    assert times == sorted(times, reverse=True)
    assert times[0] <= T0
    assert all(0 < (a - b).total_seconds() < 120 for a, b in itertools.pairwise(times))
    moment = schedule.created(500)
    assert schedule.first_created_before(moment) == 500
    assert schedule.first_created_before(T0) == 0
