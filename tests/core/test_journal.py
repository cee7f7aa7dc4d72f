"""The journal: a bounded record of requests, newest last, that finds them the way a test asks
(by vendor, method, job, operation, or a path in any of the forms a client writes it)."""

from __future__ import annotations

import contextvars
from typing import Any

import httpx

from jobmock import Settings, create_app
from jobmock.core.journal import Journal, JournalEntry, note_served, serving
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

BASES = {"nunu": "/api/v1", "prunner": ""}


def entry(
    journal: Journal, vendor: str | None, method: str, path: str, **more: Any
) -> JournalEntry:
    added = JournalEntry(
        seq=journal.next_seq(),
        vendor=vendor,
        method=method,
        path=path,
        raw_path=f"/{vendor}{path}" if vendor else path,
        query={},
        query_string="",
        headers={},
        body="",
        at="2026-11-01T12:00:00+00:00",
        **more,
    )
    journal.add(added)
    return added


def filled() -> Journal:
    journal = Journal()
    entry(journal, "nunu", "GET", "/api/v1/jobs/abc", job="abc", operation="getJobDetails")
    entry(journal, "nunu", "POST", "/api/v1/runs", operation="createRun")
    entry(journal, "prunner", "GET", "/job/detail", job="abc", operation="jobDetail")
    entry(journal, None, "GET", "/nunuu/api/v1/jobs")
    return journal


def seqs(entries: list[JournalEntry]) -> list[int]:
    return [e.seq for e in entries]


def test_keeps_the_newest_entries_and_numbers_every_one() -> None:
    journal = Journal(size=2)
    for n in range(4):
        entry(journal, "nunu", "GET", f"/api/v1/jobs/{n}")
    assert [(e.seq, e.path) for e in journal] == [(3, "/api/v1/jobs/2"), (4, "/api/v1/jobs/3")]
    assert (len(journal), journal.size) == (2, 2)
    journal.clear()
    assert list(journal) == []
    assert entry(journal, "nunu", "GET", "/api/v1/jobs").seq == 5


def test_a_size_below_one_keeps_one() -> None:
    journal = Journal(size=0)
    entry(journal, "nunu", "GET", "/a")
    entry(journal, "nunu", "GET", "/b")
    assert [e.path for e in journal] == ["/b"]


def test_the_listener_is_told_of_each_entry_as_it_is_added() -> None:
    journal = Journal()
    told: list[str] = []
    journal.listener = lambda e: told.append(e.path)
    entry(journal, "nunu", "GET", "/api/v1/jobs")
    assert told == ["/api/v1/jobs"]


def test_find_by_vendor_method_job_and_operation() -> None:
    journal = filled()
    assert seqs(journal.find()) == [1, 2, 3, 4]
    assert seqs(journal.find(vendor="nunu")) == [1, 2]
    assert seqs(journal.find(method="post")) == [2]
    assert seqs(journal.find(job="abc")) == [1, 3]
    assert seqs(journal.find(vendor="prunner", job="abc")) == [3]
    assert seqs(journal.find(operation="createRun")) == [2]
    assert journal.find(vendor="osapi") == []


def test_find_by_path_as_the_client_the_docs_or_jobmock_write_it() -> None:
    journal = filled()
    for path in ("/jobs/abc", "/api/v1/jobs/abc", "/nunu/api/v1/jobs/abc", "/jobs/*"):
        assert seqs(journal.find(path=path, base_paths=BASES)) == [1], path
    assert journal.find(path="/abc", base_paths=BASES) == []
    assert seqs(journal.find(path="/**", base_paths=BASES)) == [1, 2, 3, 4]
    assert seqs(journal.find(path="/nunuu/api/v1/jobs", base_paths=BASES)) == [4]


def test_a_backend_notes_what_it_served_only_while_a_request_is_served() -> None:
    def request() -> dict[str, Any]:
        info = serving()
        note_served("abc", "COMPLETED", True)
        return info

    note_served("ignored", "RUNNING", False)  # no request: nothing to fill, no error
    # A copied context, as each request has: what it notes stays with it.
    assert contextvars.copy_context().run(request) == {
        "job": "abc",
        "state": "COMPLETED",
        "terminal": True,
    }


def test_journal_is_bounded() -> None:
    app = create_app(Settings(clock="manual", start_time=START, journal_size=3))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        for i in range(5):
            client.get(f"/nunu/api/v1/jobs/{i}")
        paths = [e["path"] for e in client.get("/_mock/requests").json()["requests"]]
    assert paths == ["/api/v1/jobs/2", "/api/v1/jobs/3", "/api/v1/jobs/4"]


def test_an_entry_packed_and_unpacked_reads_as_it_did() -> None:
    """What a shared journal (``jobmock.shared``) keeps of an entry: decoded or not, it reads
    back the same, however far it had been decoded when packed."""
    arriving = JournalEntry.arriving(
        0,
        "nunu",
        "GET",
        "/api/v1/jobs/abc",
        "/nunu/api/v1/jobs/abc",
        b"page=2&q=a%20b",
        [(b"x-api-key", b"k"), (b"accept", b"a"), (b"accept", b"b")],
        START,
        1_700_000_000.5,
    )
    arriving.status, arriving.state, arriving.terminal = 200, "RUNNING", False
    arriving.keep_body(b'{"x": 1}')
    arriving.notes.append("a note")
    decoded = JournalEntry.arriving(
        0, "nunu", "GET", "/api/v1/jobs", "/nunu/api/v1/jobs", b"a=1", [], START, 0.0
    )
    assert decoded.headers == {} and decoded.query == {"a": "1"} and decoded.at  # read once
    made = entry(Journal(), "prunner", "POST", "/job/cancel", job="abc", fault=3, error="E")

    for original in (arriving, decoded, made):
        back = JournalEntry.unpacked(7, original.packed())

        assert back.to_dict() == {**original.to_dict(), "seq": 7}
        assert back.arrived == original.arrived
    assert JournalEntry.unpacked(1, arriving.packed()).headers == {
        "x-api-key": "k",
        "accept": "a, b",
    }
