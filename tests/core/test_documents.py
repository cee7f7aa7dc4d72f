"""``Documents``: a kept body is served only inside its clock window and the store's revision."""

from __future__ import annotations

from datetime import datetime, timedelta

from jobmock.core.clock import AppClock
from jobmock.core.documents import Documents, Fresh, Served
from jobmock.core.journal import serving
from jobmock.core.store import Store
from tests.conftest import START

LATER = START + timedelta(seconds=30)


class Renders:
    """A render that says how often it ran; each body names its run."""

    def __init__(self, until: datetime | None = None, keep: bool = True) -> None:
        self.count = 0
        self.until = until
        self.keep = keep

    def __call__(self) -> Fresh:
        self.count += 1
        served = Served("job-1", f"STATE{self.count}", False)
        return Fresh(b"body%d" % self.count, served, self.until, self.keep)


def kept() -> tuple[Store, Documents]:
    store = Store(AppClock("manual", START))
    return store, Documents(store)


def test_kept_until_the_next_change_and_never_before_it_was_rendered() -> None:
    _, documents = kept()
    render = Renders(until=LATER)
    assert documents.get("k", START, render) == b"body1"
    assert documents.get("k", LATER - timedelta(microseconds=1), render) == b"body1"
    assert documents.get("k", LATER, render) == b"body2"
    assert documents.get("k", START, render) == b"body3", "a clock set back renders again"


def test_until_now_holds_only_while_the_clock_stands() -> None:
    _, documents = kept()
    render = Renders(until=START)
    assert documents.get("k", START, render) == b"body1"
    assert documents.get("k", START, render) == b"body1"
    assert documents.get("k", START + timedelta(microseconds=1), render) == b"body2"


def test_a_change_to_the_store_or_a_reset_retires_what_was_kept() -> None:
    store, documents = kept()
    render = Renders()
    table = store.table({"a": 1})
    assert documents.get("k", START, render) == b"body1"
    assert documents.get("k", LATER, render) == b"body1", "no change on the clock alone"
    table.put("b", 2)
    assert documents.get("k", LATER, render) == b"body2"
    table.delete("a")
    assert documents.get("k", LATER, render) == b"body3"
    store.reset()
    assert documents.get("k", LATER, render) == b"body4"


def test_a_document_not_to_keep_is_rendered_for_every_read() -> None:
    _, documents = kept()
    render = Renders(keep=False)
    assert [documents.get("k", START, render) for _ in range(3)] == [b"body1", b"body2", b"body3"]


def test_a_kept_read_tells_the_journal_what_it_served() -> None:
    _, documents = kept()
    render = Renders()
    documents.get("k", START, render)
    served = serving()
    documents.get("k", START, render)
    assert served == {
        "job": "job-1",
        "state": "STATE1",
        "terminal": False,
        "kept": (0, START, None),
    }


def test_a_document_says_how_long_the_answer_holds() -> None:
    store, documents = kept()
    render = Renders(until=LATER)
    served = serving()
    documents.get("k", START, render)
    assert served["kept"] == (store.revision, START, LATER)
    store.changed()
    served = serving()
    documents.get("j", START, Renders(keep=False))
    assert served.get("volatile") is True


def test_at_most_size_documents_are_kept() -> None:
    store = Store(AppClock("manual", START))
    documents = Documents(store, size=2)
    for key in "abc":
        documents.get(key, START, Renders())
    assert len(documents) == 2
