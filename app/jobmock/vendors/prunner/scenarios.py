"""prunner's named scenarios (``core.scenarios``): a scheduled job follows them. How its tasks
run is the pipeline's (``X-Jobmock-Tasks`` names them), so these are fault sequences only."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario, retry_scenarios

_on = partial(Scenario, operations=("pipelinesSchedule",), created="/jobId")

SCENARIOS = (*retry_scenarios(_on),)
