"""Intuned fixture files: workspaces and their API keys, projects, jobs and their runs.

Jobs and runs are written in Intuned's own field names, so a Get Job document or a Get Job Run
response copied from the docs works (``{"jobRun": ..., "results": ...}`` is unwrapped). jobmock
adds ``run_timeline`` (how the job's runs progress) and, on a run, ``timeline`` instead of a fixed
``status``. Whatever is left out is generated, seeded by the job and run ids. A ``generate:``
block adds jobs computed from their index (``generated.py``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from jobmock.core.durations import parse_duration
from jobmock.core.fixture_files import Duration, FixtureModel, Timestamp
from jobmock.vendors.intuned import schemas as s

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
DEFAULT_WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
DEFAULT_KEY = "intuned_test_key"
DEFAULT_PROJECT = "my-project"
#: How generated runs can end, and how often by default.
GeneratedStatus = Literal["SUCCESS", "COMPLETED", "FAILURE", "CANCELED", "TERMINATED"]
DEFAULT_RESULTS: dict[GeneratedStatus, int] = {
    "SUCCESS": 85,
    "COMPLETED": 6,
    "FAILURE": 5,
    "CANCELED": 2,
    "TERMINATED": 2,
}
DEFAULT_SCHEDULES = {"1h": 6, "1d": 3}
#: The shortest interval between a generated job's runs.
MIN_EVERY = 60.0
#: How far back a generated history may reach.
MAX_HISTORY = 1000 * 365.25 * 86400


def _uuid(value: Any) -> Any:
    if isinstance(value, str) and not UUID_RE.fullmatch(value):
        raise ValueError("must be a UUID such as 123e4567-e89b-12d3-a456-426614174000")
    return value


def _proxy_url(value: Any) -> Any:
    # The job list shows the proxy as {version, url}; Get Job and Create Job as a URL.
    if isinstance(value, dict) and set(value) <= {"version", "url"} and "url" in value:
        return value["url"]
    return value


Uuid = Annotated[str, BeforeValidator(_uuid)]
ProxyUrl = Annotated[s.Uri, BeforeValidator(_proxy_url)]


class WorkspaceFixture(FixtureModel):
    id: Uuid
    keys: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    """API keys that open this workspace (``x-api-key``)."""


class ProjectFixture(FixtureModel):
    name: str = Field(min_length=1, pattern=r"^[^/]+$")
    id: Uuid | None = None
    """The project's UUID (``project_id`` of its jobs and runs); generated when left out."""
    workspace: Uuid | None = None
    """Its workspace; the first workspace defined when left out."""


class RunStepFixture(FixtureModel):
    """One step of a run's timeline: a status, reached ``at`` a time or ``after_polls`` reads."""

    status: s.RunStatus
    at: Duration | None = None
    after_polls: int | None = Field(default=None, ge=0)
    successful_runs: int | None = Field(default=None, ge=0)
    failed_runs: int | None = Field(default=None, ge=0)
    error: s.RunError | None = None
    reason: s.RunReason | None = None

    @model_validator(mode="after")
    def _when(self) -> RunStepFixture:
        if self.at is None and self.after_polls is None:
            raise ValueError("give 'at' (e.g. '30s') or 'after_polls' (e.g. 3)")
        return self


class RunFixture(FixtureModel):
    """A JobRun as Get Job Run shows it, plus ``results`` beside it and an optional timeline."""

    id: str | None = Field(default=None, min_length=1, pattern=r"^[^/]+$")
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    workspace_id: Uuid | None = None
    project_id: Uuid | None = None
    job_id: str | None = None
    created_at: Timestamp | None = None
    created_ago: Duration | None = None
    """Instead of ``created_at``: created this long before the server starts (and resets)."""
    updated_at: Timestamp | None = None
    type: s.RunType = "MANUAL"
    status: s.RunStatus | None = None
    payloads: int | None = Field(default=None, ge=0)
    successful_runs: int | None = Field(default=None, ge=0)
    failed_runs: int | None = Field(default=None, ge=0)
    error: s.RunError | None = None
    reason: s.RunReason | None = None
    job_configuration_snapshot: s.JobConfigurationSnapshot | None = None
    results: s.Results | None = None
    timeline: list[RunStepFixture] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        # A whole Get Job Run response: {"jobRun": {...}, "results": {...}}.
        if isinstance(data, dict) and "jobRun" in data:
            rest = {k: v for k, v in data.items() if k != "jobRun"}
            inner = data["jobRun"]
            if isinstance(inner, dict):
                return {**inner, **rest}
        return data

    @model_validator(mode="after")
    def _status_or_timeline(self) -> RunFixture:
        if self.created_ago is not None and (self.created_at or self.start_time) is not None:
            raise ValueError("give 'created_ago' or 'created_at'/'start_time', not both")
        if self.status is not None and self.timeline is not None:
            raise ValueError(
                "give either 'status' (a run that stays there) or 'timeline' "
                "(a run that moves on the clock), not both"
            )
        return self


class RateLimitFixture(FixtureModel):
    """Enforce Intuned's documented limit even without ``--rate-limits``."""

    enabled: bool = True
    limit: int = Field(default=20, ge=1)
    window: Duration = 60.0


class JobFixture(FixtureModel):
    """A job in Intuned's field names (Get Job or a Get Jobs item), plus ``project``,
    ``run_timeline`` and ``runs``."""

    id: s.Slug | None = None
    project: str | None = None
    """The project's name; the default project when left out."""
    workspace_id: Uuid | None = None
    project_id: Uuid | None = None
    projectId: Uuid | None = None
    payload: list[s.PayloadItem] | None = None
    configuration: s.Configuration | None = None
    schedule: s.Schedule | None = None
    sink: s.Sink | None = None
    proxy: ProxyUrl | None = None
    auth_session: s.AuthSession | None = None
    notifications: list[s.Notification] | None = None
    state: s.JobState = "ACTIVE"
    reason: s.JobReason | None = None
    source: s.JobSource = "API"
    schedule_id: str | None = None
    created_at: Timestamp | None = None
    created_ago: Duration | None = None
    """Instead of ``created_at``: created this long before the server starts (and resets)."""
    next_run_time: str | None = None
    """Accepted so that a copied document loads; jobmock derives it from the schedule."""
    last_run_time: str | None = None
    """Accepted so that a copied document loads; jobmock derives it from the runs."""
    run_timeline: list[RunStepFixture] | None = Field(default=None, min_length=1)
    """How runs triggered or scheduled from now on progress (default: PENDING for a minute,
    then SUCCESS)."""
    runs: list[RunFixture] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_anchor(self) -> JobFixture:
        if self.created_at is not None and self.created_ago is not None:
            raise ValueError("give 'created_at' or 'created_ago', not both")
        return self


class GenerateFixture(FixtureModel):
    """A generated set: ``count`` jobs, each with ``runs`` past runs, computed from their
    index and never stored."""

    name: str = Field(default="generated", min_length=1)
    """Part of the set's key: two sets in one project need different names."""
    count: int = Field(ge=0, le=1_000_000_000)
    """How many jobs."""
    seed: int = 0
    project: str | None = None
    """The project's name; the workspace's first project when left out."""
    workspace: Uuid | None = None
    runs: int = Field(default=48, ge=0, le=1_000_000_000)
    """Past runs per job, newest first, one per schedule interval."""
    schedules: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_SCHEDULES))
    """Schedule intervals of the jobs (``every``), as weights."""
    manual: int = Field(default=1, ge=0)
    """Weight of jobs without a schedule, whose runs were triggered by hand."""
    manual_every: Duration = 86400.0
    """About how far apart the runs of a job without a schedule are."""
    paused: int = Field(default=10, ge=0, le=100)
    """Percent of jobs paused (their history ends some days before the server starts)."""
    results: dict[GeneratedStatus, int] = Field(default_factory=lambda: dict(DEFAULT_RESULTS))
    """How runs end, as weights: exact in every block of runs of a job."""
    until: Duration = 0.0
    """How long before the server starts the newest runs were created, at the least."""
    duration: tuple[Duration, Duration] = (30.0, 600.0)
    """How long a run takes (at most 40 % of its job's interval, so runs never overlap)."""
    payloads: tuple[int, int] = (1, 8)
    """How many payload items a job has, between these two."""
    configuration: s.Configuration | None = None
    sink: s.Sink | None = None
    auth_session: s.AuthSession | None = None
    proxy: ProxyUrl | None = None
    notifications: list[s.Notification] | None = None

    @model_validator(mode="after")
    def _sane(self) -> GenerateFixture:
        for every in self.schedules:
            try:
                seconds = parse_duration(every)
            except ValueError as exc:
                raise ValueError(f"schedules: {exc}") from None
            if seconds < MIN_EVERY:
                raise ValueError(f"schedules: {every!r} is shorter than a minute")
        if any(w < 0 for w in self.schedules.values()):
            raise ValueError("schedules: weights must not be negative")
        if not sum(self.schedules.values()) + self.manual:
            raise ValueError("'schedules' and 'manual' need a weight above 0 between them")
        if self.manual_every < MIN_EVERY:
            raise ValueError("'manual_every' must be at least a minute")
        spans = [parse_duration(e) for e, w in self.schedules.items() if w]
        spans += [self.manual_every * 1.5] if self.manual else []
        if self.runs * max(spans) + self.until > MAX_HISTORY:
            raise ValueError(
                "'runs' times the longest interval reaches back more than 1000 years: "
                "fewer runs, or shorter intervals"
            )
        if not any(self.results.values()) or any(w < 0 for w in self.results.values()):
            raise ValueError("'results' needs weights of 0 or more, at least one above 0")
        if self.duration[0] > self.duration[1]:
            raise ValueError("'duration' is [shortest, longest]")
        if not 1 <= self.payloads[0] <= self.payloads[1] <= 100:
            raise ValueError("'payloads' is [fewest, most], between 1 and 100")
        return self


class IntunedFixtureFile(FixtureModel):
    schema_version: Literal[1] = 1
    workspaces: list[WorkspaceFixture] = Field(default_factory=list)
    projects: list[ProjectFixture] = Field(default_factory=list)
    jobs: list[JobFixture] = Field(default_factory=list)
    generate: list[GenerateFixture] = Field(default_factory=list)
    rate_limit: RateLimitFixture | None = None
