"""How a nunu job's timeline is built from what a client wrote: a fixture's ``timeline:`` steps
(checked to move forward through the job states), a test's own timeline, the
``X-Jobmock-Timeline`` header, the queue time added before a job that starts past ``QUEUED``, and
explicit fixture timestamps turned into offsets from the job's creation. Problems are raised as
``Invalid(loc, message)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from jobmock.core.fixture_files import Invalid
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.nunu.fixture_models import (
    JobFixture,
    RunFixture,
    TestFixture,
    TimelineStepFixture,
)
from jobmock.vendors.nunu.records import DEFAULT_TIMELINE, JOB_STATUSES


def timeline_from(steps: Sequence[TimelineStepFixture]) -> Timeline:
    order = -1
    out = []
    for i, step in enumerate(steps):
        rank = JOB_STATUSES.index(step.status)
        if rank < order:
            raise Invalid(
                ("timeline", i, "status"),
                f"{step.status} cannot follow {JOB_STATUSES[order]}: nunu jobs move "
                f"{' -> '.join(JOB_STATUSES)}",
            )
        order = rank
        data = {"result": step.result} if step.result else {}
        out.append(Step(step.status, at=step.at, after_polls=step.after_polls, data=data))
    try:
        return Timeline(tuple(out))
    except ValueError as exc:
        raise Invalid(("timeline",), str(exc)) from None


#: How long a fixture job whose timeline starts past QUEUED sat in the queue before it (nunu
#: creates a job, then its run: ``job.created_at < run.created_at``).
QUEUE_LEAD_IN = 4.0


def with_queue_lead_in(line: Timeline) -> tuple[Timeline, float]:
    """``line`` with the queue time a job starting past ``QUEUED`` had before it, and that
    time, by which the job's creation moves back so its states keep their moments."""
    first = line.steps[0]
    if first.state == "QUEUED" or first.at != 0.0:
        return line, 0.0
    shifted = tuple(
        replace(step, at=step.at + QUEUE_LEAD_IN) if step.at is not None else step
        for step in line.steps
    )
    return Timeline((Step("QUEUED", at=0.0), *shifted)), QUEUE_LEAD_IN


def explicit_times(fx: JobFixture, run: RunFixture | None) -> dict[str, float]:
    given = {
        ("runs", 0, "created_at"): ("run_created", run.created_at if run else None),
        ("runs", 0, "started_at"): ("started", run.started_at if run else None),
        ("runs", 0, "completed_at"): ("run_completed", run.completed_at if run else None),
        ("completed_at",): ("completed", fx.completed_at),
    }
    present = {loc: v for loc, v in given.items() if v[1] is not None}
    if not present:
        return {}
    if fx.created_at is None:
        raise Invalid(next(iter(present)), "timestamps need the job's 'created_at' as well")
    if fx.timeline is not None:
        raise Invalid(
            next(iter(present)),
            "a job with a 'timeline' takes its timestamps from it; give only 'created_at'",
        )
    times: dict[str, float] = {}
    last, last_name = 0.0, "created_at"
    for loc, (name, when) in present.items():
        assert when is not None
        offset = (when - fx.created_at).total_seconds()
        if offset < last or (offset == last and name == "run_created"):
            raise Invalid(loc, f"must come after {last_name}")
        times[name], last, last_name = offset, offset, ".".join(str(p) for p in loc)
    return times


def test_timeline(test: TestFixture) -> Timeline:
    return timeline_from(test.timeline) if test.timeline else DEFAULT_TIMELINE


def parse_timeline_header(value: str, loads: Callable[[str], Any]) -> Timeline:
    """A timeline sent by a client in ``X-Jobmock-Timeline`` (JSON list of steps)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        steps = TypeAdapter(list[TimelineStepFixture]).validate_python(loads(value))
    except (ValueError, ValidationError) as exc:
        raise Invalid(("X-Jobmock-Timeline",), f"not a valid timeline: {exc}") from None
    if not steps:
        raise Invalid(("X-Jobmock-Timeline",), "a timeline needs at least one step")
    return timeline_from(steps)
