"""How a client polled a job, read from the journal, and what it did wrong.

The checks: how many times it polled; whether it waited long enough between polls; whether it
stopped once the job was terminal; whether it waited out every ``Retry-After`` it was given.
Failures come with the whole poll timeline, so the report says what happened, not just that
something did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from jobmock.core.durations import format_duration, parse_duration

Clock = Literal["mock", "real"]


def _moment(entry: Mapping[str, Any], clock: Clock) -> float:
    if clock == "real":
        return float(entry["wall"])
    return datetime.fromisoformat(entry["at"]).timestamp()


def _retry_after(entry: Mapping[str, Any]) -> float | None:
    value = entry.get("retry_after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: not produced by jobmock


@dataclass
class PollCheck:
    vendor: str
    job: str
    polls: list[Mapping[str, Any]]
    clock: Clock
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def timeline(self) -> str:
        lines = []
        previous: float | None = None
        for number, entry in enumerate(self.polls, 1):
            moment = _moment(entry, self.clock)
            gap = "" if previous is None else f" (+{moment - previous:.1f}s)"
            previous = moment
            bits = [f"{entry['status']}"]
            if entry.get("state"):
                bits.append(str(entry["state"]) + (" [terminal]" if entry.get("terminal") else ""))
            if entry.get("retry_after"):
                bits.append(f"Retry-After {entry['retry_after']}")
            if entry.get("fault"):
                bits.append(f"fault {entry['fault']}")
            # Mock-clock times whichever clock measured the gaps: they are the times the client
            # was told (Date headers, timestamps), where an epoch float says nothing.
            lines.append(
                f"  {number:>3}. {entry['at']}{gap}  {entry['method']} {entry['path']}  "
                + ", ".join(bits)
            )
        return "\n".join(lines) or "  (no polls)"

    def message(self) -> str:
        head = f"{self.vendor} job {self.job}: " + "; ".join(self.problems)
        gaps = "mock clock" if self.clock == "mock" else "mock clock, gaps in real time"
        return f"{head}\npolls ({gaps}):\n{self.timeline()}"


def check_polling(
    entries: Sequence[Mapping[str, Any]],
    vendor: str,
    job: str,
    *,
    times: int | None = None,
    min_times: int | None = None,
    max_times: int | None = None,
    min_interval: str | float | None = None,
    stops_when_terminal: bool = True,
    honours_retry_after: bool = True,
    clock: Clock = "mock",
) -> PollCheck:
    """Check the reads of ``job`` among journal ``entries`` (as ``requests()`` returns them)."""
    polls = [
        e
        for e in entries
        if e.get("job") == job and e.get("vendor") == vendor and e.get("method") in ("GET", "HEAD")
    ]
    problems: list[str] = []
    count = len(polls)
    if count == 0:
        problems.append("it was never polled")
    if times is not None and count != times:
        problems.append(f"polled {count} times, expected {times}")
    if min_times is not None and count < min_times:
        problems.append(f"polled {count} times, expected at least {min_times}")
    if max_times is not None and count > max_times:
        problems.append(f"polled {count} times, expected at most {max_times}")
    moments = [_moment(e, clock) for e in polls]
    if min_interval is not None:
        least = parse_duration(min_interval)
        short = [
            (i + 2, moments[i + 1] - moments[i])
            for i in range(count - 1)
            if moments[i + 1] - moments[i] < least
        ]
        if short:
            listed = ", ".join(f"#{n} after {gap:.1f}s" for n, gap in short[:5])
            problems.append(
                f"{len(short)} poll(s) came sooner than {format_duration(least)} "
                f"after the previous one ({listed})"
            )
    if stops_when_terminal:
        first = next((i for i, e in enumerate(polls) if e.get("terminal")), None)
        if first is not None and first < count - 1:
            problems.append(
                f"it kept polling after the job was terminal: {count - 1 - first} "
                f"more poll(s) after #{first + 1} showed {polls[first].get('state')}"
            )
    if honours_retry_after:
        for i, entry in enumerate(polls[:-1]):
            wait = _retry_after(entry)
            gap = moments[i + 1] - moments[i]
            if wait is not None and gap < wait:
                problems.append(
                    f"poll #{i + 2} came {gap:.1f}s after #{i + 1}, which said "
                    f"Retry-After {entry['retry_after']}"
                )
    return PollCheck(vendor, job, polls, clock, problems)
