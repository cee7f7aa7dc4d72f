"""Intuned response documents: what a client receives, in the vendor's own casing and key order.

JobRun and Job rows are snake_case, response wrappers camelCase, and Get Job says ``projectId``
where the job list says ``project_id``. Documents are dumped with ``exclude_unset``: their
top-level keys are always set (a nullable key is sent as ``null``), while the optional keys of
nested objects (``details``, ``doc_url``, ``maxRuns``...) appear only when they have a value, as
the vendor's examples show. The configuration objects they nest are in ``schemas``.
"""

from __future__ import annotations

from typing import Any, Literal

from jobmock.core.wire import Wire
from jobmock.vendors.intuned.schemas import (
    AuthSession,
    Configuration,
    JobConfigurationSnapshot,
    JobReason,
    JobSource,
    JobState,
    Notification,
    PayloadItem,
    Proxy,
    Results,
    RunError,
    RunReason,
    RunStatus,
    RunType,
    Schedule,
    Sink,
)


class ErrorBody(Wire):
    """The envelope of every error (``retirable`` is the vendor's spelling)."""

    code: str
    category: str
    message: str
    retirable: bool
    details: Any = None
    correlationId: str


class JobRun(Wire):
    id: str
    start_time: str
    end_time: str | None
    workspace_id: str
    project_id: str
    job_id: str
    created_at: str
    updated_at: str
    type: RunType
    status: RunStatus
    payloads: int | None
    successful_runs: int | None
    failed_runs: int | None
    error: RunError | None
    reason: RunReason | None
    job_configuration_snapshot: JobConfigurationSnapshot


class GetJobRunResponse(Wire):
    jobRun: JobRun
    results: Results | None = None


class JobRunList(Wire):
    jobRuns: list[JobRun]
    totalCount: int


class Job(Wire):
    """Get Job: ``projectId`` in camelCase and ``proxy`` as a plain URL."""

    id: str
    configuration: Configuration
    sink: Sink | None
    created_at: str
    next_run_time: str | None
    last_run_time: str | None
    state: JobState
    payload: list[PayloadItem]
    schedule: Schedule | None
    projectId: str
    auth_session: AuthSession | None
    proxy: str | None


class JobListItem(Wire):
    """Get Jobs: ``project_id`` in snake_case and ``proxy`` as an object."""

    id: str
    workspace_id: str
    project_id: str
    configuration: Configuration
    payload: list[PayloadItem]
    sink: Sink | None
    schedule: Schedule | None
    next_run_time: str | None
    last_run_time: str | None
    created_at: str
    auth_session: AuthSession | None
    notifications: list[Notification] | None
    proxy: Proxy | None
    reason: JobReason | None
    state: JobState
    schedule_id: str | None
    source: JobSource


class CreateJobResponse(Wire):
    id: str
    message: Literal["created"]


class UpdateJobResponse(Wire):
    id: str
    message: Literal["updated job successfully"]


class PauseJobResponse(Wire):
    message: Literal["Paused"]


class ResumeJobResponse(Wire):
    message: Literal["Resumed"]


class TriggerJobResponse(Wire):
    jobRunId: str
    message: str


class TerminateJobRunResponse(Wire):
    message: str
