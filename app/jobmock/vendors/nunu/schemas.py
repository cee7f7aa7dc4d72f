"""nunu.ai wire models, in the vendor's field names and key order (spec/nunu.md sections 6-8).

Timestamps are pre-formatted strings: nunu writes ``2026-03-03T15:50:19.544603+00:00`` (always
six fraction digits and ``+00:00``), which is not what pydantic would emit for a datetime.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jobmock.core.jsontypes import STRICT, JsonInt
from jobmock.core.wire import Wire

JobStatus = Literal["QUEUED", "STARTING", "RUNNING", "STOPPING", "CLEANING_UP", "COMPLETED"]
RunState = Literal["INITIALIZING", "RUNNING", "COMPLETED"]
RunResult = Literal[
    "SUCCESS", "FAILED", "SKIPPED", "BLOCKED", "TIMEOUT", "ERROR", "STOPPED", "MAX_STEPS"
]
TestType = Literal["verification", "discovery", "task"]
ItemStatus = Literal[
    "passed", "failed", "skipped", "blocked", "stopped", "timeout", "error", "pending"
]


class ErrorBody(Wire):
    error: str


class Retries(Wire):
    total: int
    remaining: int


class JobRunSummary(Wire):
    multiplayer_run_id: str
    state: RunState | None
    result: RunResult | None
    started_at: str | None
    completed_at: str | None
    players: int


class Job(Wire):
    job_id: str
    project_id: str
    status: JobStatus
    created_at: str
    completed_at: str | None
    multiplayer_test_id: str
    test_name: str | None
    platform: str | None
    build_id: str | None
    test_plan_execution_id: str | None
    queue_rejection_reason: str | None
    templating_enabled: bool
    template_data: dict[str, Any] | None
    stopped_by: dict[str, Any] | None
    tags: list[str]
    retries: Retries
    runs: list[JobRunSummary]


class BugInfo(Wire):
    bug_label: str
    bug_count: int


class TestRef(Wire):
    id: str
    name: str
    type: TestType


class BuildRef(Wire):
    id: str
    name: str


class Initiator(Wire):
    type: str
    value: dict[str, Any]


class Device(Wire):
    name: str
    os_version: str


class PlatformConfig(Wire):
    device: Device


class PlayerPlatform(Wire):
    kind: str
    config: PlatformConfig


class Artifact(Wire):
    filename: str
    url: str
    size: int
    uploaded_at: str


class StepTest(Wire):
    test_step_id: str
    goal: str
    finish_condition: str
    test_type: TestType


class VerificationItem(Wire):
    id: str
    expected: str
    status: ItemStatus
    comment: str | None


class RunStep(Wire):
    step_number: int
    start_time: str | None
    end_time: str | None
    duration_ms: int | None
    run_state: RunState
    run_result: RunResult | None
    report: str | None
    test: StepTest


class VerificationRunStep(RunStep):
    """Steps of verification tests also carry per-item verdicts (latest schema only)."""

    items: list[VerificationItem] | None


class Player(Wire):
    id: str
    state: RunState
    result: RunResult | None
    player_number: int
    test_name: str
    composite_test_id: str
    step_count: int
    completed_step_count: int
    platform: PlayerPlatform


class PlayerDetails(Player):
    artifacts: list[Artifact]
    steps: list[RunStep | VerificationRunStep]


class _RunHead(Wire):
    multiplayer_run_id: str
    job_id: str
    project_id: str
    state: RunState
    result: RunResult | None
    bug_info: BugInfo | None
    test: TestRef
    build: BuildRef | None
    created_at: str
    started_at: str | None
    completed_at: str | None
    duration_ms: float | None
    initiator: Initiator
    tags: list[str]


class Run(_RunHead):
    """A run as ``GET /runs`` lists it: no template fields, no artifacts or steps."""

    players: list[Player]


class RunDetails(_RunHead):
    """``GET /runs/{runId}``: the list item plus template data and per-player detail."""

    templating_enabled: bool
    template_data: dict[str, Any] | None
    players: list[PlayerDetails]


class Pagination(Wire):
    page: int
    page_size: int
    total_count: int
    total_pages: int


class JobList(Wire):
    data: list[Job]
    pagination: Pagination


class RunList(Wire):
    data: list[Run]
    pagination: Pagination


# --- requests and their answers ----------------------------------------------------------------


class RequestBody(BaseModel):
    """nunu's OpenAPI document types every body field and answers 400 for invalid parameters;
    nothing says it converts values, so a JSON value must have its field's type, as under a
    JSON Schema validator: ``"1"`` is not an integer, ``1`` not a boolean (``core.jsontypes``).
    Unknown keys are dropped."""

    model_config = ConfigDict(**STRICT, extra="ignore")


class PlayerDeploymentConfig(RequestBody):
    deployment_config_id: str
    build_id: str | None = None


class StartRunRequest(RequestBody):
    """``POST /runs``: one of ``multiplayer_test_id``, ``test_plan_id``, ``instructions``."""

    # As nunu's own document says: a deployment config for every player, and one for a build.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["deployment_config_id"]},
                {"required": ["multiplayer_test_id", "player_deployment_configs"]},
            ],
            "dependentRequired": {"build_id": ["deployment_config_id"]},
        }
    )

    multiplayer_test_id: str | None = None
    test_plan_id: str | None = None
    instructions: str | None = None
    deployment_config_id: str | None = Field(
        default=None,
        description="Required, except for a multiplayer test whose player_deployment_configs "
        "has an entry for every player",
    )
    build_id: str | None = None
    player_deployment_configs: dict[str, PlayerDeploymentConfig] | None = None
    name: str | None = None
    agent_config_id: str | None = None
    additional_tags: list[str] = Field(default_factory=list)
    retries: JsonInt = Field(default=0, ge=0, le=10)
    instances: JsonInt = Field(default=1, ge=1, le=10)
    run_on_all_configured_devices: bool = False
    render_templates: bool = False
    template_data: dict[str, Any] | None = None
    options: dict[str, Any] | None = None


class StartRunResponse(BaseModel):
    """201 body. Keys that do not apply to the kind of start are left out, as nunu does."""

    message: str | None = None
    build_id: str | None = None
    test_id: str | None = None
    test_plan_execution_id: str | None = None
    job_ids: list[str]


class StopRunsRequest(RequestBody):
    job_ids: list[str] = Field(min_length=1)


class StopResult(BaseModel):
    job_id: str
    ok: bool
    status: int
    message: str | None = None
    error: str | None = None


class StopRunsResponse(Wire):
    ok: bool
    message: str
    received_count: int
    stopped_count: int
    results: list[StopResult]
