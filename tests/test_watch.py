"""``jobmock serve --watch``: a change to the fixture files is reloaded once it has settled, and
only changes to fixture files count."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jobmock.watch import FixtureWatcher, fingerprint


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "nunu").mkdir()
    (tmp_path / "nunu" / "extra.yaml").write_text("jobs: []\n")
    return tmp_path / "nunu"


def watching(folder: Path) -> tuple[FixtureWatcher, list[int]]:
    calls: list[int] = []
    return FixtureWatcher([folder], lambda: calls.append(1)), calls


def test_a_change_is_reloaded_once_it_has_settled(folder: Path) -> None:
    watcher, calls = watching(folder)
    assert not watcher.check()
    (folder / "extra.yaml").write_text("jobs: [] # a longer file, so the size changes\n")
    assert not watcher.check()  # seen, maybe half-written: wait one interval
    assert watcher.check()
    assert calls == [1]
    assert not watcher.check()
    assert calls == [1]


def test_a_file_still_changing_is_not_reloaded_until_it_stops(folder: Path) -> None:
    watcher, calls = watching(folder)
    for size in range(1, 4):
        (folder / "extra.yaml").write_text("jobs: []\n" + "#" * size)
        assert not watcher.check()
    assert watcher.check()
    assert calls == [1]


def test_new_and_deleted_files_count_other_files_do_not(folder: Path) -> None:
    watcher, calls = watching(folder)
    (folder / "notes.txt").write_text("not a fixture")
    (folder / ".extra.yaml.swp").write_text("an editor's")
    assert not watcher.check() and not watcher.check()
    (folder / "more.yml").write_text("jobs: []\n")
    watcher.check()
    assert watcher.check()
    (folder / "more.yml").unlink()
    watcher.check()
    assert watcher.check()
    assert calls == [1, 1]


def test_a_change_back_to_what_is_loaded_is_no_change(folder: Path) -> None:
    watcher, calls = watching(folder)
    (folder / "more.yml").write_text("jobs: []\n")
    assert not watcher.check()
    (folder / "more.yml").unlink()
    assert not watcher.check() and not watcher.check()
    assert calls == []


def test_the_fingerprint_holds_the_fixture_files_with_their_sizes(folder: Path) -> None:
    (folder / "notes.txt").write_text("not a fixture")
    (folder / "more.yml").write_text("jobs: []\n# two lines\n")
    found = {(Path(path).name, size) for path, size, _ in fingerprint([folder])}
    assert found == {("extra.yaml", 9), ("more.yml", 21)}
    assert fingerprint([folder / "gone"]) == frozenset()


def test_the_thread_reloads_a_change_and_ends_when_stopped(folder: Path) -> None:
    changed = threading.Event()
    watcher = FixtureWatcher([folder], changed.set, interval=0.01).start()
    try:
        (folder / "extra.yaml").write_text("jobs: [] # edited\n")
        assert changed.wait(timeout=10)
    finally:
        watcher.stop()
    assert not any(t.name == "jobmock-watch" and t.is_alive() for t in threading.enumerate())
