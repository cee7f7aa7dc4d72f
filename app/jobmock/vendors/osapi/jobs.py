"""Jobs created at runtime, by a node operation or a retry: each targeted agent's deliveries
planned from the job's seed, as offsets from its creation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from jobmock.core import golang
from jobmock.core.generate import Generator
from jobmock.vendors.osapi.agent_runs import plan_agent
from jobmock.vendors.osapi.records import (
    API_HOST,
    Agent,
    Event,
    OsapiJob,
    Outcome,
    Reply,
)
from jobmock.vendors.osapi.targets import reached

if TYPE_CHECKING:
    from jobmock.vendors.osapi.loader import OsapiData

DAY = 86_400 * golang.NS_PER_SECOND
DEFAULT_OPERATION: Mapping[str, Any] = MappingProxyType({"data": {}, "type": "node.hostname.get"})


def agent_uptime(generator: Generator, agent: Agent, created: int, epoch: int) -> int:
    """An agent's uptime at ``created``: booted some days before the app's epoch."""
    booted = generator.rng("osapi", "boot", agent.hostname).randint(DAY // 4, 40 * DAY)
    return booted + max(0, created - epoch)


def new_job(
    job_id: str,
    operation: Mapping[str, Any],
    target: str,
    data: OsapiData,
    generator: Generator,
    *,
    created: int,
    epoch: int,
    modify: bool,
    submitted: bool = False,
    ttl: int | None = None,
    outcomes: Mapping[str, Outcome] | None = None,
) -> OsapiJob:
    """A job a node operation (or, with ``submitted``, a retry) creates at ``created``;
    ``outcomes`` (by hostname, or ``"*"``) overrides what the agents do with it."""
    rng = generator.rng("osapi", job_id)
    events: list[Event] = [Event(0, "submitted", API_HOST, coarse=True)] if submitted else []
    replies: list[Reply] = []
    kind = str(operation.get("type", ""))
    for agent in reached(target, data.agents, rng):
        override = (outcomes or {}).get(agent.hostname) or (outcomes or {}).get("*")
        if override is not None:
            agent = replace(agent, outcomes=MappingProxyType({kind: override}))
        plan = plan_agent(
            agent,
            kind,
            operation.get("data"),
            rng,
            start=0,
            created=created,
            uptime=agent_uptime(generator, agent, created, epoch),
            modify=modify,
            redeliver=data.redeliver,
        )
        events.extend(plan.events)
        replies.extend(plan.replies)
    return OsapiJob(
        job_id=job_id,
        operation=operation,
        events=tuple(sorted(events, key=lambda e: e.offset)),
        replies=tuple(sorted(replies, key=lambda r: r.offset)),
        target=target,
        created_at=created,
        ttl=ttl,
    )
