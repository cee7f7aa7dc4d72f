"""prunner's named scenarios (``core.scenarios``): a scheduled job follows them. How its tasks
run is the pipeline's (``X-Jobmock-Tasks`` names them), so these are fault sequences only."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario

_on = partial(Scenario, operations=("pipelinesSchedule",), created="/jobId")

SCENARIOS = (
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
