"""OSAPI fixture files: the signing key and roles, server settings, agents, jobs.

A job is written in OSAPI's own field names (a ``GET /job/{id}`` document works), and can be as
short as its ``status``: the agents' events, replies and timings are generated, seeded by the job
id. Whatever document fields a fixture gives are checked against what OSAPI would compute from
those events, so a fixture cannot describe a job the real server could not show.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from jobmock.core import golang
from jobmock.core.durations import parse_duration
from jobmock.core.fixture_files import Duration, FixtureModel

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LABEL_SEGMENT = re.compile(r"^[a-zA-Z0-9_-]+$")

JobStatus = Literal["submitted", "processing", "completed", "failed", "partial_failure", "skipped"]
EventKind = Literal[
    "submitted", "acknowledged", "started", "completed", "failed", "skipped", "retried"
]
AgentState = Literal["acknowledged", "started", "completed", "failed", "skipped"]
ReplyStatus = Literal["completed", "failed", "skipped"]
FinalStatus = Literal["completed", "failed", "partial_failure", "skipped"]
GeneratedOperation = Literal["node.hostname.get", "node.status.get", "command.shell.execute"]
DEFAULT_STATUSES: dict[FinalStatus, int] = {
    "completed": 80,
    "failed": 10,
    "partial_failure": 6,
    "skipped": 4,
}
#: How far back (seconds) a generated set may reach: its dates must stay printable.
_OLDEST = 1000 * 365.25 * 86_400
DEFAULT_OPERATIONS: dict[GeneratedOperation, int] = {
    "command.shell.execute": 6,
    "node.status.get": 2,
    "node.hostname.get": 2,
}


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
Seconds = Duration


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
    created_ago: Seconds | None = None
    """Instead of ``created``: created this long before the server starts (and every reset)."""
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

    @model_validator(mode="after")
    def _one_creation_time(self) -> JobFixture:
        if self.created is not None and self.created_ago is not None:
            raise ValueError("give 'created' or 'created_ago', not both")
        return self


class GenerateFixture(FixtureModel):
    """A generated set: ``count`` jobs computed from their index, never stored."""

    name: str = Field(default="generated", min_length=1)
    """Part of the set's key: two sets need different names."""
    count: int = Field(ge=0, le=1_000_000_000)
    seed: int = 0
    statuses: dict[FinalStatus, int] = Field(default_factory=lambda: dict(DEFAULT_STATUSES))
    """The final statuses, as weights: exact in every block of ``sum(weights)`` jobs."""
    agents: list[str] | None = Field(default=None, min_length=1)
    """Fixture agents the jobs run on (default: every agent that responds)."""
    broadcast: float = Field(default=0.25, ge=0.0, le=1.0)
    """Share of completed, failed and skipped jobs sent to ``_all`` or a label reaching two or
    more agents (partial failures always are); the others go to one hostname or ``_any``."""
    operations: dict[GeneratedOperation, int] = Field(
        default_factory=lambda: dict(DEFAULT_OPERATIONS)
    )
    """Operation types, as weights."""
    commands: list[str] | None = Field(default=None, min_length=1)
    """Shell commands ``command.shell.execute`` jobs run (default: a catalog of admin tasks)."""
    every: Seconds = 1800.0
    """How far apart jobs are created, newest first."""
    until: Seconds = 0.0
    """How long before the server starts the newest job was created."""
    duration: tuple[Seconds, Seconds] = (20.0, 600.0)
    """How long a shell command runs, between these two (queries take milliseconds)."""

    @model_validator(mode="after")
    def _sane(self) -> GenerateFixture:
        if self.every <= 0:
            raise ValueError("'every' must be more than 0s")
        if self.duration[0] > self.duration[1]:
            raise ValueError("'duration' is [shortest, longest]")
        if self.until + self.count * self.every > _OLDEST:
            raise ValueError(
                "the oldest job would be created more than 1000 years ago: lower 'count' or 'every'"
            )
        for name in ("statuses", "operations"):
            weights = getattr(self, name).values()
            if any(w < 0 for w in weights) or not any(weights):
                raise ValueError(f"'{name}' needs weights of 0 or more, at least one above 0")
        return self


class OsapiFixtureFile(FixtureModel):
    schema_version: Literal[1] = 1
    security: SecurityFixture | None = None
    server: ServerFixture | None = None
    agents: list[AgentFixture] = Field(default_factory=list)
    jobs: list[JobFixture] = Field(default_factory=list)
    generate: list[GenerateFixture] = Field(default_factory=list)
