"""prunner fixture files: pipelines in prunner's own ``pipelines.yml`` vocabulary, jobs, secret.

A pipeline is written exactly as for prunner (spec/prunner.md §6), so a real ``pipelines.yml``
works as it is; each task (and ``on_error``) may add how the mock runs it: ``duration``,
``exit_code``, ``stdout``, ``stderr``. Scripts are never executed. Jobs name their pipeline and
may give their creation time, user, variables, a cancel request and per-task outcomes; their
state is derived from the pipeline's schedule on the clock, like a job scheduled through the API.
A ``generate:`` block adds a pipeline's history: jobs computed from their index (``generated.py``).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from jobmock.core.durations import parse_duration
from jobmock.core.fixture_files import Duration, FixtureModel, Timestamp
from jobmock.vendors.prunner.params import parse_job_id

_GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_GO_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
MIN_SECRET = 16


def go_duration(value: Any) -> float:
    """Seconds in a Go duration string (``"10s"``, ``"1m30s"``, ``"1.5h"``), as prunner's YAML
    reads ``start_delay`` and ``retention_period``."""
    if isinstance(value, str):
        text = value.strip()
        sign = -1.0 if text.startswith("-") else 1.0
        body = text.lstrip("+-")
        if body == "0":
            return 0.0
        pos, seconds = 0, 0.0
        for match in _GO_DURATION.finditer(body):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _GO_UNITS[match.group(2)]
            pos = match.end()
        if body and pos == len(body):
            return sign * seconds
    raise ValueError("must be a Go duration such as '10s', '1m30s' or '1.5h'")


def mock_duration(value: Any) -> float:
    """How long a task runs: seconds, ``"90s"``-style text, or ``never`` (until canceled)."""
    if value == "never":
        return math.inf
    return parse_duration(value)


def _job_id(value: Any) -> Any:
    if isinstance(value, str):
        parsed = parse_job_id(value)
        if parsed is None:
            raise ValueError("must be a UUID such as 52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8")
        return parsed
    return value


GoDuration = Annotated[float, BeforeValidator(go_duration)]
MockDuration = Annotated[float, BeforeValidator(mock_duration)]
JobId = Annotated[str, BeforeValidator(_job_id)]
ExitCode = Annotated[int, Field(ge=0, le=255)]


class Outcome(FixtureModel):
    """How the mock runs a task (defaults: a seeded 2-20 s, exit code 0, generated output)."""

    duration: MockDuration | None = Field(default=None, ge=0)
    exit_code: ExitCode | None = None
    stdout: str | None = None
    stderr: str | None = None

    def given(self) -> list[str]:
        return [
            name
            for name in ("duration", "exit_code", "stdout", "stderr")
            if name in self.model_fields_set
        ]


class TaskFixture(Outcome):
    script: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    allow_failure: bool = False
    env: dict[str, str] = Field(default_factory=dict)
    """Accepted as prunner does; scripts never run, so it changes nothing."""


class OnErrorFixture(Outcome):
    script: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)


class PipelineFixture(FixtureModel):
    concurrency: int = 0
    """0 means prunner's default of 1."""
    queue_limit: int | None = None
    queue_strategy: str = "append"
    start_delay: GoDuration = 0.0
    continue_running_tasks_after_failure: bool = False
    retention_period: GoDuration = 0.0
    retention_count: int = 0
    env: dict[str, str] = Field(default_factory=dict)
    tasks: dict[str, TaskFixture] = Field(default_factory=dict)
    on_error: OnErrorFixture | None = None

    @field_validator("queue_strategy")
    @classmethod
    def _strategy(cls, value: str) -> str:
        if value == "partitioned_replace":
            raise ValueError(
                "partitioned_replace is new in prunner v1.4.0-beta1; jobmock emulates v1.3.0 "
                "(use append or replace)"
            )
        if value not in ("append", "replace"):
            raise ValueError(f'unknown queue strategy: "{value}" (use append or replace)')
        return value

    @model_validator(mode="after")
    def _prunner_rules(self) -> PipelineFixture:
        # The checks and wording of prunner's definition.PipelineDef.validate.
        if self.concurrency < 0:
            raise ValueError("concurrency must be greater than 0")
        if self.queue_limit is not None and self.queue_limit < 0:
            raise ValueError("queue_limit must not be negative")
        if self.start_delay < 0:
            raise ValueError("start_delay must not be negative")
        if self.start_delay > 0 and self.queue_limit == 0:
            raise ValueError("start_delay needs queue_limit > 0")
        for name, task in self.tasks.items():
            for dependency in task.depends_on:
                if dependency not in self.tasks:
                    raise ValueError(
                        f'missing task "{dependency}" referenced in depends_on of task "{name}"'
                    )
        return self


class JobFixture(FixtureModel):
    """A job of a pipeline: its state comes from the pipeline's schedule on the clock."""

    id: JobId | None = None
    pipeline: str
    created: Timestamp | None = None
    """When it was scheduled; a job without it is scheduled at server start (and every reset)."""
    created_ago: Duration | None = None
    """Instead of ``created``: scheduled this long before the server starts (and every reset)."""
    user: str = ""
    variables: dict[str, Any] | None = None
    cancel_after: MockDuration | None = Field(default=None, ge=0)
    """A cancel request (``POST /job/cancel``) this long after ``created``."""
    tasks: dict[str, Outcome] = Field(default_factory=dict)
    """Per-task outcomes for this job only (``on_error`` included), over the pipeline's."""

    @model_validator(mode="after")
    def _one_creation_time(self) -> JobFixture:
        if self.created is not None and self.created_ago is not None:
            raise ValueError("give 'created' or 'created_ago', not both")
        return self


JobOutcome = Literal["succeeded", "failed", "canceled"]
DEFAULT_OUTCOMES: dict[JobOutcome, int] = {"succeeded": 85, "failed": 10, "canceled": 5}


class GenerateFixture(FixtureModel):
    """A pipeline's history: ``count`` jobs computed from their index, never stored."""

    pipeline: str
    name: str = "generated"
    """Part of the set's key: ids change if it is renamed."""
    count: int = Field(ge=0, le=1_000_000_000)
    seed: int = 0
    every: Duration = 3600.0
    """How far apart jobs are created, newest first (jittered within that slot)."""
    until: Duration = 0.0
    """How long before the server starts the newest job was created."""
    outcomes: dict[JobOutcome, Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: dict(DEFAULT_OUTCOMES)
    )
    """The mix, as weights: exact in every block of ``sum(weights)`` jobs."""
    users: list[str] = Field(default_factory=lambda: ["ci"], min_length=1)
    """Who scheduled them (the token's ``sub``), picked per job."""
    variables: dict[str, Any] | None = None
    """The ``variables`` of every job."""
    durations: dict[str, tuple[Duration, Duration]] = Field(default_factory=dict)
    """Per task (``on_error`` included): how long it runs, between these two (whole seconds);
    default: the pipeline's ``duration``, else 2-20 s."""

    @model_validator(mode="after")
    def _sane(self) -> GenerateFixture:
        if self.every <= 0:
            raise ValueError("'every' must be more than 0s")
        if not any(self.outcomes.values()):
            raise ValueError("'outcomes' needs at least one weight above 0")
        for task, (shortest, longest) in self.durations.items():
            if shortest > longest or math.floor(longest) < math.ceil(shortest):
                raise ValueError(f"durations.{task}: [shortest, longest] must hold a whole second")
        return self


class PrunnerFixtureFile(FixtureModel):
    schema_version: Literal[1] = 1
    jwt_secret: str | None = Field(default=None, min_length=MIN_SECRET)
    """HS256 secret (prunner's ``.prunner.yml`` key); JOBMOCK_PRUNNER_JWT_SECRET wins over it."""
    success_exit_code: Literal[-1, 0] | None = None
    """``exitCode`` of a task that succeeded: -1 as prunner v1.3.0 reports it, or 0."""
    pipelines: dict[str, PipelineFixture] = Field(default_factory=dict)
    jobs: list[JobFixture] = Field(default_factory=list)
    generate: list[GenerateFixture] = Field(default_factory=list)
