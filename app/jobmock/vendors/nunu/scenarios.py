"""nunu's named scenarios (``core.scenarios``): a started run's jobs follow them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario

_on = partial(Scenario, operations=("startRun", "startRunScoped"), created="/job_ids")

SCENARIOS = (
    _on(
        name="slow-then-fails",
        description="queued 5 minutes, running until 30 minutes, then COMPLETED with ERROR",
        headers={
            "X-Jobmock-Timeline": [
                {"status": "QUEUED", "at": "0s"},
                {"status": "STARTING", "at": "5m"},
                {"status": "RUNNING", "at": "6m"},
                {"status": "COMPLETED", "at": "30m", "result": "ERROR"},
            ]
        },
    ),
    _on(
        name="stuck-queued",
        description="QUEUED for ever",
        headers={"X-Jobmock-Timeline": [{"status": "QUEUED", "at": "0s"}]},
    ),
    _on(
        name="rate-limited-twice",
        description="the job's first two reads are 429 with Retry-After: 30, then it runs as usual",
        faults=({"method": "GET", "status": 429, "retry_after": 30, "times": 2},),
    ),
    _on(
        name="fails-then-succeeds-on-retry",
        description="the job's first read is a 500, the next ones succeed; it runs as usual",
        faults=({"method": "GET", "status": 500, "times": 1},),
    ),
)
