"""nunu's named scenarios (``core.scenarios``): a started run's jobs follow them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario, retry_scenarios

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
    *retry_scenarios(_on),
)
