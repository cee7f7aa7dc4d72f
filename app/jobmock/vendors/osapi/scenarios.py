"""OSAPI's named scenarios (``core.scenarios``): a job a node operation creates follows them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario

_on = partial(
    Scenario,
    operations=("GetNodeStatus", "GetNodeHostname", "PostNodeCommandShell"),
    created="/job_id",
)

SCENARIOS = (
    _on(
        name="fails",
        description="every agent fails the job (error: disk full)",
        headers={"X-Jobmock-Outcomes": {"*": {"status": "failed", "error": "disk full"}}},
    ),
    _on(
        name="skipped",
        description="every agent skips the job",
        headers={"X-Jobmock-Outcomes": {"*": {"status": "skipped"}}},
    ),
    _on(
        name="rate-limited-twice",
        description="the job's first two reads are 429 with Retry-After: 30, then it is as usual",
        faults=({"method": "GET", "status": 429, "retry_after": 30, "times": 2},),
    ),
    _on(
        name="fails-then-succeeds-on-retry",
        description="the job's first read is a 500, the next ones succeed",
        faults=({"method": "GET", "status": 500, "times": 1},),
    ),
)
