"""OSAPI's named scenarios (``core.scenarios``): a job a node operation creates follows them."""

from __future__ import annotations

from functools import partial

from jobmock.core.scenarios import Scenario, retry_scenarios

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
    *retry_scenarios(_on, then="it is as usual", after=""),
)
