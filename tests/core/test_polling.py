"""assert_polled's analysis of a journal: each check, and a message that says what happened."""

from __future__ import annotations

from typing import Any

from jobmock.core.polling import check_polling


def poll(
    second: int,
    status: int = 200,
    state: str = "RUNNING",
    terminal: bool = False,
    retry_after: str | None = None,
    job: str = "j1",
) -> dict[str, Any]:
    return {
        "vendor": "v",
        "job": job,
        "method": "GET",
        "path": f"/jobs/{job}",
        "status": status,
        "at": f"2026-01-01T00:{second // 60:02d}:{second % 60:02d}+00:00",
        "wall": 1000.0 + second / 10,
        "state": state,
        "terminal": terminal,
        "retry_after": retry_after,
        "fault": None,
    }


GOOD = [poll(0), poll(30), poll(60), poll(90, state="DONE", terminal=True)]


def test_a_well_behaved_client_passes() -> None:
    check = check_polling(GOOD, "v", "j1", times=4, min_interval="30s")
    assert check.ok, check.message()


def test_other_jobs_and_writes_are_not_polls() -> None:
    entries = [*GOOD, poll(100, job="j2"), {**poll(120), "method": "POST"}]
    assert len(check_polling(entries, "v", "j1").polls) == 4


def test_never_polled() -> None:
    assert check_polling([], "v", "j1").problems == ["it was never polled"]


def test_counts() -> None:
    assert check_polling(GOOD, "v", "j1", times=3).problems == ["polled 4 times, expected 3"]
    assert check_polling(GOOD, "v", "j1", min_times=5).problems == [
        "polled 4 times, expected at least 5"
    ]
    assert check_polling(GOOD, "v", "j1", max_times=2).problems == [
        "polled 4 times, expected at most 2"
    ]


def test_min_interval_on_the_mock_or_the_real_clock() -> None:
    check = check_polling(GOOD, "v", "j1", min_interval="1m")
    assert check.problems == [
        "3 poll(s) came sooner than 1m after the previous one (#2 after 30.0s, #3 after 30.0s, "
        "#4 after 30.0s)"
    ]
    real = check_polling(GOOD, "v", "j1", min_interval=5, clock="real")
    assert real.problems[0].startswith("3 poll(s) came sooner than 5s")


def test_polling_after_terminal() -> None:
    entries = [*GOOD, poll(120, state="DONE", terminal=True)]
    check = check_polling(entries, "v", "j1")
    assert check.problems == [
        "it kept polling after the job was terminal: 1 more poll(s) after #4 showed DONE"
    ]
    assert check_polling(entries, "v", "j1", stops_when_terminal=False).ok


def test_retry_after_ignored() -> None:
    entries = [poll(0, status=503, retry_after="10"), poll(5), poll(20)]
    check = check_polling(entries, "v", "j1")
    assert check.problems == ["poll #2 came 5.0s after #1, which said Retry-After 10"]
    assert check_polling(entries, "v", "j1", honours_retry_after=False).ok


def test_message_shows_the_timeline() -> None:
    entries = [poll(0, status=503, retry_after="10"), poll(5)]
    message = check_polling(entries, "v", "j1").message()
    assert message.splitlines() == [
        "v job j1: poll #2 came 5.0s after #1, which said Retry-After 10",
        "polls (mock clock):",
        "    1. 2026-01-01T00:00:00+00:00  GET /jobs/j1  503, RUNNING, Retry-After 10",
        "    2. 2026-01-01T00:00:05+00:00 (+5.0s)  GET /jobs/j1  200, RUNNING",
    ]


def test_message_on_the_real_clock_shows_mock_clock_times() -> None:
    entries = [poll(0, status=503, retry_after="10"), poll(50)]
    message = check_polling(entries, "v", "j1", clock="real").message()
    assert message.splitlines() == [
        "v job j1: poll #2 came 5.0s after #1, which said Retry-After 10",
        "polls (mock clock, gaps in real time):",
        "    1. 2026-01-01T00:00:00+00:00  GET /jobs/j1  503, RUNNING, Retry-After 10",
        "    2. 2026-01-01T00:00:50+00:00 (+5.0s)  GET /jobs/j1  200, RUNNING",
    ]
