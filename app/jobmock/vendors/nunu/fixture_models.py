"""nunu fixture files: projects, API keys, tests, deployment configs, builds, test plans, jobs.

Jobs are written in nunu's own field names, so a document copied from the API docs works: a Job
(with its ``runs`` summary), optionally a Run document under ``runs:`` at the top level (merged
into its job), and optionally a ``timeline`` instead of a fixed ``status``. Whatever is left out
is generated, seeded by the job id. Job and run must agree (spec/nunu.md §7): a fixture where
they do not is refused at startup, naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from jobmock.core.fixture_files import Duration, FixtureModel, Timestamp
from jobmock.vendors.nunu.schemas import ItemStatus, JobStatus, RunResult, RunState, TestType

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SLUG_RE = re.compile(r"^[A-Za-z0-9_-]+$")
RUN_ID_RE = re.compile(r"^[a-z0-9]+$")

Permission = Literal[
    "project:read-runs",
    "project:operate-runs",
    "project:manage-build-storage",
    "project:edit-tests",
    "project:view-configs",
]
DEFAULT_PERMISSIONS: tuple[Permission, ...] = ("project:read-runs", "project:operate-runs")
DEFAULT_RESULTS: dict[RunResult, int] = {"SUCCESS": 85, "FAILED": 8, "ERROR": 4, "STOPPED": 3}


def _uuid(value: Any) -> Any:
    if isinstance(value, str) and not UUID_RE.match(value):
        raise ValueError("must be a lowercase UUID such as f80f6230-3a4f-431a-9d55-d11b867fed4e")
    return value


Uuid = Annotated[str, BeforeValidator(_uuid)]


class ProjectFixture(FixtureModel):
    id: str
    organization: str = "default"

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise ValueError("a project id is a slug of letters, digits, '-' and '_'")
        return value


class KeyFixture(FixtureModel):
    key: str
    id: Uuid | None = None
    """The key's UUID (``initiator.value.key_id`` of the runs it starts)."""
    project: str | None = None
    organization: str | None = None
    permissions: list[Permission] = Field(default_factory=lambda: list(DEFAULT_PERMISSIONS))
    expires_at: Timestamp | None = None
    disabled: bool = False

    @model_validator(mode="after")
    def _kind(self) -> KeyFixture:
        if self.key.startswith("nunu_org_"):
            if not self.organization or self.project:
                raise ValueError(
                    "an organization key (nunu_org_...) needs 'organization' and no 'project'"
                )
        elif self.key.startswith("nunu_"):
            if not self.project or self.organization:
                raise ValueError("a project key (nunu_...) needs 'project' and no 'organization'")
        else:
            raise ValueError("nunu keys start with 'nunu_' (project) or 'nunu_org_' (organization)")
        return self


class DeviceFixture(FixtureModel):
    name: str
    os_version: str


class DeploymentConfigFixture(FixtureModel):
    id: Uuid
    name: str
    project: str | None = None
    platform: str = "lt_phone"
    """What jobs started with this config show as ``platform``."""
    kind: str = "android-native"
    """What their players show as ``platform.kind``."""
    device: DeviceFixture = DeviceFixture(name="Pixel 8", os_version="14")


class BuildFixture(FixtureModel):
    id: Uuid
    name: str
    project: str | None = None


class TimelineStepFixture(FixtureModel):
    status: JobStatus
    at: Duration | None = None
    after_polls: int | None = Field(default=None, ge=0)
    result: RunResult | None = None

    @model_validator(mode="after")
    def _result_on_completed(self) -> TimelineStepFixture:
        if self.result is not None and self.status != "COMPLETED":
            raise ValueError("'result' belongs on the COMPLETED step")
        if self.at is None and self.after_polls is None:
            raise ValueError("give 'at' (e.g. '30s') or 'after_polls' (e.g. 3)")
        return self


class StepTestFixture(FixtureModel):
    test_step_id: str | None = None
    goal: str | None = None
    finish_condition: str = ""
    test_type: TestType | None = None


class ItemFixture(FixtureModel):
    id: str
    expected: str
    status: ItemStatus = "passed"
    comment: str | None = None


class StepFixture(FixtureModel):
    step_number: int | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    duration_ms: float | None = None
    run_state: RunState | None = None
    run_result: RunResult | None = None
    report: str | None = None
    items: list[ItemFixture] | None = None
    test: StepTestFixture | None = None
    goal: str | None = None
    """Shorthand for ``test.goal``, for steps of a test definition."""


class ArtifactFixture(FixtureModel):
    filename: str
    url: str | None = None
    size: int | None = Field(default=None, ge=0)
    uploaded_at: Timestamp | None = None


class PlatformFixture(FixtureModel):
    kind: str
    config: dict[str, Any] | None = None


class PlayerFixture(FixtureModel):
    id: str | None = None
    state: RunState | None = None
    result: RunResult | None = None
    player_number: int | None = Field(default=None, ge=1)
    test_name: str | None = None
    composite_test_id: Uuid | None = None
    step_count: int | None = Field(default=None, ge=0)
    completed_step_count: int | None = Field(default=None, ge=0)
    platform: PlatformFixture | None = None
    artifacts: list[ArtifactFixture] | None = None
    steps: list[StepFixture] | None = None


class TestRefFixture(FixtureModel):
    id: Uuid | None = None
    name: str | None = None
    type: TestType | None = None


class RunFixture(FixtureModel):
    """A run, as ``GET /runs/{runId}`` shows it (or the summary inside a job's ``runs``)."""

    multiplayer_run_id: str | None = None
    job_id: Uuid | None = None
    project_id: str | None = None
    state: RunState | None = None
    result: RunResult | None = None
    bug_info: dict[str, Any] | None = None
    test: TestRefFixture | None = None
    build: dict[str, Any] | None = None
    created_at: Timestamp | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    duration_ms: float | None = None
    initiator: dict[str, Any] | None = None
    tags: list[str] | None = None
    templating_enabled: bool | None = None
    template_data: dict[str, Any] | None = None
    players: int | list[PlayerFixture] | None = None

    @field_validator("multiplayer_run_id")
    @classmethod
    def _run_id(cls, value: str | None) -> str | None:
        if value is not None and not RUN_ID_RE.match(value):
            raise ValueError("a run id is lowercase letters and digits, e.g. 'lkkg6t5612m'")
        return value


class TestFixture(FixtureModel):
    """A multiplayer test that ``POST /runs`` can start."""

    id: Uuid
    name: str
    type: TestType = "task"
    project: str | None = None
    tags: list[str] = Field(default_factory=list)
    players: int = Field(default=1, ge=1, le=8)
    steps: list[StepFixture] | int = 1
    bugs: int | None = Field(default=None, ge=0)
    """For verification tests: how many bugs its runs find (``bug_info.bug_count``)."""
    timeline: list[TimelineStepFixture] | None = None
    """How runs of this test progress; the default queues, runs four minutes and succeeds."""


class TestPlanFixture(FixtureModel):
    id: Uuid
    name: str
    project: str | None = None
    tests: list[Uuid] = Field(min_length=1)


class JobFixture(FixtureModel):
    """A job in nunu's own field names, plus ``timeline`` (instead of ``status``)."""

    job_id: Uuid | None = None
    project_id: str | None = None
    status: JobStatus | None = None
    created_at: Timestamp | None = None
    created_ago: Duration | None = None
    """Instead of ``created_at``: created this long before the server starts (and resets)."""
    completed_at: Timestamp | None = None
    multiplayer_test_id: Uuid | None = None
    test_name: str | None = None
    test_type: TestType | None = None
    platform: str | None = None
    build_id: Uuid | None = None
    test_plan_execution_id: Uuid | None = None
    queue_rejection_reason: str | None = None
    templating_enabled: bool | None = None
    template_data: dict[str, Any] | None = None
    stopped_by: dict[str, Any] | None = None
    tags: list[str] | None = None
    retries: dict[str, int] | None = None
    runs: list[RunFixture] | None = Field(default=None, max_length=1)
    timeline: list[TimelineStepFixture] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _status_or_timeline(self) -> JobFixture:
        if self.created_at is not None and self.created_ago is not None:
            raise ValueError("give 'created_at' or 'created_ago', not both")
        if self.status is not None and self.timeline is not None:
            raise ValueError(
                "give either 'status' (a job that stays there) or 'timeline' "
                "(a job that moves on the clock), not both"
            )
        return self


class GenerateFixture(FixtureModel):
    """A generated set: ``count`` jobs computed from their index, never stored."""

    name: str = "generated"
    """Part of the set's key: two sets in one project need different names."""
    count: int = Field(ge=0, le=1_000_000_000)
    seed: int = 0
    project: str | None = None
    tests: list[Uuid] | None = None
    """Fixture tests the jobs run, equally often (default: every test of the project)."""
    results: dict[RunResult, int] = Field(default_factory=lambda: dict(DEFAULT_RESULTS))
    """The outcome mix, as weights: exact in every block of ``sum(weights)`` jobs per test."""
    every: Duration = 1800.0
    """How far apart jobs are created, newest first."""
    until: Duration = 0.0
    """How long before the server starts the newest job was created."""
    duration: tuple[Duration, Duration] = (120.0, 600.0)
    """How long runs take, between these two."""
    platform: str = "lt_phone"
    tags: list[str] = Field(default_factory=list)
    """Added to the test's own tags."""

    @model_validator(mode="after")
    def _sane(self) -> GenerateFixture:
        if self.every <= 0:
            raise ValueError("'every' must be more than 0s")
        if self.duration[0] > self.duration[1]:
            raise ValueError("'duration' is [shortest, longest]")
        if not any(self.results.values()):
            raise ValueError("'results' needs at least one weight above 0")
        return self


class NunuFixtureFile(FixtureModel):
    schema_version: Literal[1] = 1
    projects: list[ProjectFixture] = Field(default_factory=list)
    keys: list[KeyFixture] = Field(default_factory=list)
    tests: list[TestFixture] = Field(default_factory=list)
    deployment_configs: list[DeploymentConfigFixture] = Field(default_factory=list)
    builds: list[BuildFixture] = Field(default_factory=list)
    test_plans: list[TestPlanFixture] = Field(default_factory=list)
    jobs: list[JobFixture] = Field(default_factory=list)
    runs: list[RunFixture] = Field(default_factory=list)
    """Run documents (``GET /runs/{id}``) merged into the job named by their ``job_id``."""
    generate: list[GenerateFixture] = Field(default_factory=list)


def ids(items: Iterable[Any], attr: str = "id") -> list[str]:
    return [getattr(item, attr) for item in items]
