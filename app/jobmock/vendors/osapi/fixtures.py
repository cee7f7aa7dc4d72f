"""OSAPI fixture files: the signing key and roles, server settings, agents, jobs.

A job is written in OSAPI's own field names (a ``GET /job/{id}`` document works), and can be as
short as its ``status``: the agents' events, replies and timings are generated, seeded by the job
id. Whatever document fields a fixture gives are checked against what OSAPI would compute from
those events, so a fixture cannot describe a job the real server could not show.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from jobmock.core.durations import parse_duration
from jobmock.core.fixtures import FixtureModel
from jobmock.vendors.osapi import golang

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LABEL_SEGMENT = re.compile(r"^[a-zA-Z0-9_-]+$")

JobStatus = Literal["submitted", "processing", "completed", "failed", "partial_failure", "skipped"]
EventKind = Literal[
    "submitted", "acknowledged", "started", "completed", "failed", "skipped", "retried"
]
AgentState = Literal["acknowledged", "started", "completed", "failed", "skipped"]
ReplyStatus = Literal["completed", "failed", "skipped"]


def _uuid(value: Any) -> Any:
    if isinstance(value, str) and not UUID_RE.match(value):
        raise ValueError("must be a lowercase UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6")
    return value


def _ns(value: Any) -> int:
    return round(parse_duration(value) * golang.NS_PER_SECOND)


def _timestamp(value: Any) -> Any:
    if isinstance(value, str) and golang.parse_rfc3339(value) is None:
        raise ValueError("must be an RFC 3339 timestamp such as 2026-03-20T10:15:30Z")
    return value


def _go_duration(value: Any) -> Any:
    if isinstance(value, str):
        golang.parse_duration(value)  # ValueError names the problem
    return value


Uuid = Annotated[str, BeforeValidator(_uuid)]
Nanoseconds = Annotated[int, BeforeValidator(_ns)]
Timestamp = Annotated[str, BeforeValidator(_timestamp)]
GoDuration = Annotated[str, BeforeValidator(_go_duration)]


class RoleFixture(FixtureModel):
    permissions: list[str]


class SecurityFixture(FixtureModel):
    signing_key: str | None = Field(default=None, min_length=1)
    """``controller.api.security.signing_key``; else JOBMOCK_OSAPI_SIGNING_KEY, else the default."""
    roles: dict[str, RoleFixture] = Field(default_factory=dict)
    """Custom roles (``controller.api.security.roles``): override built-ins by name."""


class ServerFixture(FixtureModel):
    job_ttl: Nanoseconds | None = None
    """``nats.kv.ttl``: jobs created through the API vanish after it (``0``: never; 1h default)."""
    redeliver_failed: bool = False
    """JetStream redelivers a failed job (back-off 30s, 2m, 5m, 15m; 5 deliveries)."""


class OSFixture(FixtureModel):
    distribution: str = "Ubuntu"
    version: str = "24.04"


class OutcomeFixture(FixtureModel):
    status: ReplyStatus
    error: str | None = None
    failures: int | None = Field(default=None, ge=1)
    """With ``redeliver_failed``: deliveries that fail before one completes (default: all)."""


class AgentFixture(FixtureModel):
    hostname: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    os: OSFixture = OSFixture()
    outcomes: dict[str, OutcomeFixture] = Field(default_factory=dict)
    """What the agent does with an operation type (``"*"`` for any); default: completes it."""
    responds: bool = True

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, label in value.items():
            if not LABEL_SEGMENT.match(key) or not all(
                LABEL_SEGMENT.match(part) for part in label.split(".")
            ):
                raise ValueError(
                    f"label {key}={label!r}: keys and dot-separated value segments are letters, "
                    "digits, '-' and '_'"
                )
        return value


class OperationFixture(FixtureModel):
    type: str = Field(min_length=1)
    data: Any = Field(default_factory=dict)


class TimelineItemFixture(FixtureModel):
    event: EventKind
    hostname: str | None = None
    timestamp: Timestamp | None = None
    at: Nanoseconds | None = None
    """Instead of ``timestamp``: when, after the job's creation (``"250ms"``, ``"2m"``)."""
    message: str | None = None
    error: str | None = None


class ResponseFixture(FixtureModel):
    status: ReplyStatus | None = None
    hostname: str | None = None
    data: Any = None
    error: str | None = None
    changed: bool | None = None


class AgentStateFixture(FixtureModel):
    status: AgentState | None = None
    error: str | None = None
    duration: GoDuration | None = None


class JobFixture(FixtureModel):
    """A ``JobDetailResponse``, plus ``target`` and ``ttl``."""

    id: Uuid | None = None
    status: JobStatus | None = None
    created: Timestamp | None = None
    operation: OperationFixture | None = None
    result: Any = None
    changed: bool | None = None
    error: str | None = None
    hostname: str | None = None
    updated_at: Timestamp | None = None
    responses: dict[str, ResponseFixture] | None = None
    agent_states: dict[str, AgentStateFixture] | None = None
    timeline: list[TimelineItemFixture] | None = None
    target: str | None = Field(default=None, min_length=1)
    """Where the job was sent: ``_any`` (default), ``_all``, a hostname or ``key:value``."""
    ttl: Nanoseconds | None = None
    """Fixture jobs never expire unless given a ``ttl`` (from their creation)."""


class OsapiFixtureFile(FixtureModel):
    schema_version: Literal[1] = 1
    security: SecurityFixture | None = None
    server: ServerFixture | None = None
    agents: list[AgentFixture] = Field(default_factory=list)
    jobs: list[JobFixture] = Field(default_factory=list)
