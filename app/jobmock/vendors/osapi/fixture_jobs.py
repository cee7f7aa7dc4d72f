"""Fixture jobs -> records: a ``JobDetailResponse`` in OSAPI's field names becomes the events
and replies that would produce it, generated from the job id where the fixture is silent.
A pure function of (seed, id, fixture), so a job renders the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from jobmock.core import golang
from jobmock.core.fixture_files import Invalid
from jobmock.core.generate import Generator, Rng
from jobmock.vendors.osapi import render
from jobmock.vendors.osapi.agent_runs import MS, failure_text, run
from jobmock.vendors.osapi.checks import check_document
from jobmock.vendors.osapi.fixture_models import JobFixture
from jobmock.vendors.osapi.jobs import DAY, DEFAULT_OPERATION
from jobmock.vendors.osapi.records import (
    API_HOST,
    Agent,
    Event,
    OsapiJob,
    Outcome,
    Reply,
    is_query,
    sanitize,
)
from jobmock.vendors.osapi.targets import ANY, reached

if TYPE_CHECKING:
    from jobmock.vendors.osapi.loader import OsapiData

#: When a fixture job without ``created`` ran, for output that prints the time (the seed's era).
REFERENCE_TIME = golang.parse_rfc3339("2026-04-09T00:00:00Z") or 0


def job_record(
    fx: JobFixture,
    data: OsapiData,
    generator: Generator,
    *,
    id_key: tuple[Any, ...],
    now: int | None = None,
    check: bool = True,
) -> OsapiJob:
    """The record for one fixture job. ``now`` anchors a job added at runtime (else the epoch);
    ``check=False`` skips comparing the document fields it gives with the events (for jobs
    written by jobmock itself, consistent by construction)."""
    job_id = fx.id or generator.rng("osapi", "job-id", *id_key).uuid4()
    rng = generator.rng("osapi", job_id)
    operation: Mapping[str, Any] | None = DEFAULT_OPERATION
    if "operation" in fx.model_fields_set:
        operation = (
            None if fx.operation is None else {"data": fx.operation.data, "type": fx.operation.type}
        )
    kind = str(operation.get("type", "")) if operation is not None else ""
    created = golang.parse_rfc3339(fx.created) if fx.created is not None else None
    if fx.timeline is not None:
        events, replies = _explicit(fx, kind, data, rng, created)
        offset = 0
    else:
        events, replies = _generated(fx, kind, data, rng, created)
        last = max([e.offset for e in events] or [0])
        offset = -last - rng.randint(60 * golang.NS_PER_SECOND, 3600 * golang.NS_PER_SECOND)
    if fx.created_ago is not None:
        offset = -round(fx.created_ago * golang.NS_PER_SECOND)
    created_at = created
    if created_at is None and now is not None:
        created_at = now + offset
    created_text = None
    if fx.created is not None and created is not None and golang.rfc3339(created) != fx.created:
        created_text = fx.created
    job = OsapiJob(
        job_id=job_id,
        operation=operation,
        events=tuple(events),
        replies=tuple(replies),
        target=fx.target or ANY,
        created_at=created_at,
        created_offset=offset,
        ttl=fx.ttl,
        created_text=created_text,
    )
    if check:
        check_document(fx, job)
    return job


def _host_agent(data: OsapiData, hostname: str) -> Agent:
    return data.agents.get(hostname) or Agent(hostname)


def _reply_data(
    fx: JobFixture, host: str, single: bool, kind: str, agent: Agent, rng: Rng, at: int
) -> tuple[Any, int]:
    """What a completed host answered (the fixture's, else generated) and how long it ran;
    ``at`` is when it ran (ns since the Unix epoch, for commands that print the time)."""
    response = (fx.responses or {}).get(sanitize(host))
    modify = not is_query(kind)
    uptime = rng.randint(DAY // 4, 40 * DAY)
    generated = run(kind, _data_of(fx), agent, rng, now=at, uptime=uptime, modify=modify)
    if response is not None and "data" in response.model_fields_set:
        return response.data, generated.duration
    if single and "result" in fx.model_fields_set:
        return fx.result, generated.duration
    return generated.data, generated.duration


def _data_of(fx: JobFixture) -> Any:
    return fx.operation.data if fx.operation is not None else {}


def _changed(kind: str, status: str, payload: Any) -> bool | None:
    if status != "completed" or is_query(kind) or not isinstance(payload, Mapping):
        return None
    value = payload.get("changed")
    return value if isinstance(value, bool) else None


def _host_error(fx: JobFixture, host: str, status: str, kind: str) -> str:
    state = (fx.agent_states or {}).get(host)
    response = (fx.responses or {}).get(sanitize(host))
    for given in (
        state.error if state else None,
        response.error if response else None,
        fx.error if fx.status in ("failed", "skipped") else None,
    ):
        if given:
            return given
    return failure_text(kind, Outcome("failed" if status == "failed" else "skipped"))


def _hosts(fx: JobFixture, data: OsapiData, rng: Rng) -> list[str]:
    named: list[str] = [*(fx.agent_states or {})]
    for key, response in (fx.responses or {}).items():
        named.append(response.hostname or key)
    if fx.hostname:
        named.append(fx.hostname)
    hosts = list(dict.fromkeys(named))
    if fx.status == "submitted":
        if hosts:
            raise Invalid(("status",), "a submitted job has no agent events yet")
        return []
    if hosts and fx.target is None:
        return hosts
    chosen = reached(fx.target or ANY, data.agents, rng)
    if not chosen and not hosts:
        raise Invalid(("target",), f"no agent is reached by target {fx.target or ANY!r}")
    return list(dict.fromkeys([*sorted(agent.hostname for agent in chosen), *hosts]))


def _states(fx: JobFixture, hosts: list[str]) -> dict[str, str]:
    states: dict[str, str] = {}
    default = {"processing": "started", "failed": "failed", "skipped": "skipped"}
    for host in hosts:
        state = (fx.agent_states or {}).get(host)
        response = (fx.responses or {}).get(sanitize(host))
        given = (state.status if state else None) or (response.status if response else None)
        states[host] = given or default.get(fx.status or "", "completed")
    if fx.status == "partial_failure" and "failed" not in states.values():
        free = [h for h in hosts if not (fx.agent_states or {}).get(h)]
        if len(hosts) < 2 or not free:
            raise Invalid(("status",), "a partial_failure needs one failed and one completed agent")
        states[free[-1]] = "failed"
    return states


def _generated(
    fx: JobFixture,
    kind: str,
    data: OsapiData,
    rng: Rng,
    created: int | None,
) -> tuple[list[Event], list[Reply]]:
    hosts = _hosts(fx, data, rng)
    states = _states(fx, hosts)
    events: list[Event] = []
    replies: list[Reply] = []
    for host, state in states.items():
        agent = _host_agent(data, host)
        ack = rng.randint(2 * MS, 25 * MS)
        begun = ack + rng.randint(200_000, 2 * MS)
        events.append(Event(ack, "acknowledged", host))
        if state == "acknowledged":
            continue
        events.append(Event(begun, "started", host))
        if state == "started":
            continue
        given = (fx.agent_states or {}).get(host)
        if state == "completed":
            at = (created if created is not None else REFERENCE_TIME) + begun
            payload, took = _reply_data(fx, host, len(hosts) == 1, kind, agent, rng, at)
        else:
            payload, took = None, rng.randint(100_000, 3 * MS)
        if given is not None and given.duration is not None:
            took = golang.parse_duration(given.duration)
        end = begun + took + (rng.randint(100_000, 1_500_000) if given is None else 0)
        replied = max(begun, end - rng.randint(50_000, 400_000))
        error = None if state == "completed" else _host_error(fx, host, state, kind)
        replies.append(
            Reply(
                replied,
                host,
                "completed" if state == "completed" else state,  # type: ignore[arg-type]
                data=payload,
                has_data=state == "completed",
                error=error,
                changed=_changed(kind, state, payload),
            )
        )
        events.append(Event(end, state, host, error=error))  # type: ignore[arg-type]
    events.sort(key=lambda e: e.offset)
    replies.sort(key=lambda r: r.offset)
    if fx.updated_at is not None:
        if created is None:
            raise Invalid(("updated_at",), "updated_at needs the job's 'created' as well")
        if not events:
            raise Invalid(("updated_at",), "a job with no events has no updated_at")
        shift = golang.parse_rfc3339(fx.updated_at) - created - events[-1].offset  # type: ignore[operator]
        if events[0].offset + shift < 0:
            raise Invalid(("updated_at",), "updated_at leaves no time for the agents after created")
        events = [_moved(e, shift) for e in events]
        replies = [_moved(r, shift) for r in replies]
    return events, replies


def _moved(item: Any, shift: int) -> Any:
    return replace(item, offset=item.offset + shift)


def _explicit(
    fx: JobFixture, kind: str, data: OsapiData, rng: Rng, created: int | None
) -> tuple[list[Event], list[Reply]]:
    assert fx.timeline is not None
    events: list[Event] = []
    replies: list[Reply] = []
    terminal_hosts = {i.hostname for i in fx.timeline if i.event in ("completed", "failed")}
    last = None
    for i, item in enumerate(fx.timeline):
        loc = ("timeline", i)
        host = item.hostname or (API_HOST if item.event in ("submitted", "retried") else None)
        if host is None:
            raise Invalid((*loc, "hostname"), f"a {item.event} event needs the agent's hostname")
        if (item.timestamp is None) == (item.at is None):
            raise Invalid(loc, "give the event's 'timestamp' or its 'at' (e.g. '250ms')")
        if item.timestamp is not None:
            if created is None:
                raise Invalid((*loc, "timestamp"), "timestamps need the job's 'created' as well")
            offset = golang.parse_rfc3339(item.timestamp) - created  # type: ignore[operator]
        else:
            offset = item.at  # type: ignore[assignment]
        if offset < 0 and not (item.event == "submitted" and offset > -golang.NS_PER_SECOND):
            raise Invalid(loc, "an event cannot happen before the job was created")
        if last is not None and offset < last:
            raise Invalid(loc, "timeline events must be in time order")
        last = offset
        new_job = None
        if item.event == "retried" and item.message and item.message.startswith("Job retried as "):
            new_job = item.message.removeprefix("Job retried as ")
        expected = render.message(item.event, host, new_job)
        if item.message is not None and item.message != expected:
            raise Invalid((*loc, "message"), f"OSAPI writes {expected!r} for this event")
        error = item.error
        if item.event in ("failed", "skipped"):
            error = error if error is not None else _host_error(fx, host, item.event, kind)
        elif error is not None:
            raise Invalid((*loc, "error"), "only failed and skipped events carry an error")
        events.append(
            Event(
                max(offset, 0),
                item.event,
                host,
                error=error,
                new_job_id=new_job,
                coarse=item.event == "submitted",
            )
        )
        if item.event in ("completed", "failed", "skipped"):
            agent = _host_agent(data, host)
            payload: Any = None
            if item.event == "completed":
                at = (created if created is not None else REFERENCE_TIME) + offset
                single = len(terminal_hosts) == 1
                payload, _ = _reply_data(fx, host, single, kind, agent, rng, at)
            replies.append(
                Reply(
                    offset,
                    host,
                    item.event,
                    data=payload,
                    has_data=item.event == "completed",
                    error=error,
                    changed=_changed(kind, item.event, payload),
                )
            )
    return events, replies
