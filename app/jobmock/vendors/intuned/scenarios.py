"""Intuned's named scenarios (``core.scenarios``): a triggered run follows them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario, retry_scenarios

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
    *retry_scenarios(_on, read="run"),
)
