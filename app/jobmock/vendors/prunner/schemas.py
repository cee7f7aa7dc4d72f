"""prunner's wire models, in its field names and order (spec/prunner.md §4.2, §4.3, §5).

They document the API (OpenAPI) and let tests parse what the mock wrote; responses themselves
are written byte for byte by ``render.py``, because prunner's JSON (HTML-escaped, ``null`` times,
omitted empty fields, Go floats) is not what pydantic would emit.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from jobmock.core.wire import Wire

TaskStatus = Literal["waiting", "running", "skipped", "done", "error", "canceled"]


class ErrorBody(Wire):
    error: str


class Task(Wire):
    name: str
    dependsOn: list[str] | None = Field(default=None, description="Left out when empty")
    status: TaskStatus
    start: str | None
    end: str | None
    skipped: bool
    exitCode: int = Field(description="-1 while running and after success; N after exit N")
    errored: bool
    error: str | None = Field(default=None, description="Left out unless the task errored")


class Job(Wire):
    id: str
    pipeline: str
    tasks: list[Task] | None
    completed: bool
    canceled: bool
    errored: bool
    created: str
    start: str | None
    end: str | None
    lastError: str | None = Field(default=None, description="Left out when there is none")
    variables: dict[str, Any] | None = Field(default=None, description="Left out when empty")
    user: str


class PipelineInfo(Wire):
    pipeline: str
    schedulable: bool
    running: bool


class Pipelines(Wire):
    pipelines: list[PipelineInfo]


class PipelinesJobs(Wire):
    pipelines: list[PipelineInfo]
    jobs: list[Job]


class ScheduleRequest(BaseModel):
    pipeline: str = Field(description="Pipeline name", examples=["release"])
    variables: dict[str, Any] | None = Field(default=None, description="Job variables")


class ScheduleResponse(Wire):
    jobId: str


class JobLogs(Wire):
    stdout: str
    stderr: str
