"""Intuned's named scenarios (``core.scenarios``): a triggered run follows them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario

_on = partial(Scenario, operations=("triggerJob",), created="/jobRunId")

SCENARIOS = (
    _on(
        name="slow-then-fails",
        description="PENDING for 30 minutes, then FAILURE with an infrastructure error",
        headers={
            "X-Jobmock-Timeline": [
                {"status": "PENDING", "at": "0s"},
                {
                    "status": "FAILURE",
                    "at": "30m",
                    "error": {
                        "message": "The run failed",
                        "code": "internal-server-error",
                        "category": "infrastructure",
                    },
                },
            ]
        },
    ),
    _on(
        name="stuck-queued",
        description="PENDING for ever",
        headers={"X-Jobmock-Timeline": [{"status": "PENDING", "at": "0s"}]},
    ),
    _on(
        name="rate-limited-twice",
        description="the run's first two reads are 429 with Retry-After: 30, then it runs as usual",
        faults=({"method": "GET", "status": 429, "retry_after": 30, "times": 2},),
    ),
    _on(
        name="fails-then-succeeds-on-retry",
        description="the run's first read is a 500, the next ones succeed; it runs as usual",
        faults=({"method": "GET", "status": 500, "times": 1},),
    ),
)
