"""OSAPI wire models, for the OpenAPI document (responses are written as bytes by ``golang``).

Field names and their alphabetical order are OSAPI's; absent means OSAPI leaves the key out,
``None`` on ``changed`` is a JSON null that is always present.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from jobmock.core.wire import Wire


class ErrorResponse(Wire):
    error: str = Field(description="What went wrong (``details`` and ``code`` are never sent).")


class EchoError(Wire):
    message: str = Field(description="Echo's own error text (routing, binding).")


class AgentState(Wire):
    duration: str | None = Field(None, description="Go duration from started to finished.")
    error: str | None = None
    status: str = Field(description="acknowledged, started, completed, failed or skipped.")


class AgentResponse(Wire):
    changed: bool | None
    data: Any = None
    error: str | None = None
    hostname: str
    status: str = Field(description="completed, failed or skipped.")


class TimelineEvent(Wire):
    error: str | None = None
    event: str
    hostname: str = Field(description="The agent, or _api for submitted and retried.")
    message: str
    timestamp: str = Field(description="RFC 3339, whole seconds.")


class JobDetailResponse(Wire):
    agent_states: dict[str, AgentState] | None = Field(None, description="By raw hostname.")
    changed: bool | None = Field(description="Always present; null unless a change is known.")
    created: str = Field(description="RFC 3339, whole seconds.")
    error: str | None = Field(None, description="Only for failed and skipped jobs.")
    hostname: str | None = Field(None, description="Agent of the last completed/failed event.")
    id: str
    operation: dict[str, Any] | None = None
    responses: dict[str, AgentResponse] | None = Field(None, description="By sanitized hostname.")
    result: Any = Field(None, description="The data of the only response, if there is one.")
    status: str = Field(
        description="submitted, processing, completed, failed, partial_failure or skipped."
    )
    timeline: list[TimelineEvent] | None = None
    updated_at: str | None = Field(None, description="The latest event's raw timestamp.")


class ListJobsResponse(Wire):
    items: list[JobDetailResponse]
    status_counts: dict[str, int] | None
    total_items: int


class CreateJobResponse(Wire):
    job_id: str
    revision: int
    status: str = Field(description='Always "created".')
    timestamp: str


class RetryJobRequest(Wire):
    target_hostname: str | None = Field(
        None, description="_any (default), _all, a hostname or key:value."
    )


class CommandShellRequest(Wire):
    command: str = Field(description="Run through /bin/sh -c.")
    cwd: str | None = None
    timeout: int | None = Field(None, ge=1, le=300, description="Seconds (default 30).")


class HostnameResult(Wire):
    changed: bool | None = None
    error: str | None = None
    hostname: str
    labels: dict[str, str] | None = None
    status: str = Field(description="ok, failed or skipped.")


class HostnameCollectionResponse(Wire):
    job_id: str
    results: list[HostnameResult]


class NodeStatusResult(Wire):
    changed: bool | None = None
    disks: list[dict[str, Any]] | None = None
    error: str | None = None
    hostname: str
    load_average: dict[str, float] | None = None
    memory: dict[str, int] | None = None
    os_info: dict[str, str] | None = None
    status: str
    uptime: str | None = None


class NodeStatusCollectionResponse(Wire):
    job_id: str
    results: list[NodeStatusResult]


class CommandResult(Wire):
    changed: bool | None = None
    duration_ms: int | None = None
    error: str | None = None
    exit_code: int | None = None
    hostname: str
    status: str
    stderr: str | None = None
    stdout: str | None = None


class CommandResultCollectionResponse(Wire):
    job_id: str
    results: list[CommandResult]
