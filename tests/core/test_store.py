from __future__ import annotations

from datetime import UTC, datetime

from jobmock.core.clock import AppClock
from jobmock.core.journal import JournalEntry
from jobmock.core.store import Store, Table


def test_table_overlays_changes_on_an_untouched_base() -> None:
    base = {"a": 1, "b": 2}
    table = Table(base)
    table.put("c", 3)
    table.put("a", 10)
    assert table.delete("b")
    assert not table.delete("missing")
    assert (table.get("a"), table.get("b"), table.get("c")) == (10, None, 3)
    assert list(table.keys()) == ["a", "c"]
    assert len(table) == 2
    assert "b" not in table and "c" in table
    assert base == {"a": 1, "b": 2}
    table.reset()
    assert list(table.keys()) == ["a", "b"]
    assert table.get("a") == 1


def test_store_reset_clears_everything_it_owns() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = AppClock("manual", start)
    store = Store(clock, journal_size=10)
    table = store.table({"x": 1})
    table.put("y", 2)
    store.record_poll("v", "x", start)
    store.journal.add(
        JournalEntry(
            seq=1,
            vendor="v",
            method="GET",
            path="/",
            raw_path="/",
            query={},
            query_string="",
            headers={},
            body="",
            at="",
        )
    )
    hooks: list[str] = []
    store.on_reset(lambda: hooks.append("reset"))
    clock.advance(60)
    assert store.reset() == start
    assert store.epoch == start
    assert list(table.keys()) == ["x"]
    assert store.polls("v", "x") == []
    assert len(store.journal) == 0
    assert hooks == ["reset"]


def test_poll_log_counts_every_read_and_bounds_memory() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    store = Store(AppClock("manual", start))
    for _ in range(2000):
        log = store.record_poll("v", "j", start)
    assert log.count == 2000
    assert len(store.polls("v", "j")) == 1024
