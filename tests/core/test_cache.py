"""The bounded memo behind per-job caches: it keeps the most recently used values, makes each
value once while it is kept, and never grows past its size."""

from __future__ import annotations

from jobmock.core.cache import LRU


def counting() -> tuple[list[str], LRU[str, str]]:
    made: list[str] = []
    return made, LRU(2)


def get(cache: LRU[str, str], made: list[str], key: str) -> str:
    def make() -> str:
        made.append(key)
        return key.upper()

    return cache.get(key, make)


def test_a_kept_value_is_made_once() -> None:
    made, cache = counting()
    assert [get(cache, made, k) for k in ("a", "a", "b", "a")] == ["A", "A", "B", "A"]
    assert made == ["a", "b"]


def test_the_least_recently_used_value_goes_first() -> None:
    made, cache = counting()
    for key in ("a", "b", "a", "c"):  # reading "a" again keeps it over "b"
        get(cache, made, key)
    assert len(cache) == 2
    get(cache, made, "a")
    get(cache, made, "b")
    assert made == ["a", "b", "c", "b"]


def test_clear_forgets_everything() -> None:
    made, cache = counting()
    get(cache, made, "a")
    cache.clear()
    assert len(cache) == 0
    get(cache, made, "a")
    assert made == ["a", "a"]
