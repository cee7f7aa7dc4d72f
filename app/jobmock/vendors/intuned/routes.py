"""Intuned's HTTP surface: the eleven operations of ``projects.jobs`` and ``projects.jobs.runs``
under ``/api/v1/workspace/{workspaceId}/projects/{projectName}``, each a thin call into the
backend. Operation ids are the vendor's own (``getJobRun``...)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.responses import Response, StreamingResponse

from jobmock.core.asgi import request_body
from jobmock.core.fastpath import FastResponse, FastRoute, header
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.backend import IntunedBackend

# Declared for the OpenAPI document; the backend does the checking (auto_error=False keeps
# FastAPI's own 403 out of it).
ApiKey = Annotated[str | None, Security(APIKeyHeader(name="x-api-key", auto_error=False))]
Timeline = Annotated[str | None, Header(alias="X-Jobmock-Timeline", include_in_schema=False)]

# Documented constraints only: the backend checks them, in the vendor's order and words.
# The examples are the bundled fixtures' (Swagger UI's "Try it out" starts from them).
WorkspaceId = Annotated[
    str,
    Path(
        json_schema_extra={"format": "uuid"},
        examples=["123e4567-e89b-12d3-a456-426614174000"],
    ),
]
ProjectName = Annotated[str, Path(examples=["my-project"])]
JobId = Annotated[
    str,
    Path(json_schema_extra={"pattern": r"^[a-zA-Z0-9\-_]{7,}$"}, examples=["my-sample-job"]),
]
JobRunId = Annotated[str, Path(examples=["jr_abc123def456ghi789xyz"])]

PREFIX = "/api/v1/workspace/{workspaceId}/projects/{projectName}"
JOBS_TAG: list[str | Enum] = ["projects.jobs"]
RUNS_TAG: list[str | Enum] = ["projects.jobs.runs"]
_ERROR = {"model": s.ErrorBody}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {**_ERROR, "description": "Bad Request"},
    401: {**_ERROR, "description": "Unauthorized"},
    404: {**_ERROR, "description": "Not Found"},
}
#: getJobs is streamed in pieces of about this many bytes.
CHUNK = 64 * 1024


def json_body(model: BaseModel, status: int = 200) -> Response:
    return Response(
        model.model_dump_json(exclude_unset=True), status_code=status, media_type="application/json"
    )


async def json_array(items: Iterable[BaseModel]) -> AsyncIterator[bytes]:
    """``items`` as one JSON array, in pieces: a list of a million jobs is never held whole.
    Each piece is made on the event loop, as every other answer is."""
    chunk = bytearray(b"[")
    for number, item in enumerate(items):
        if number:
            chunk += b","
        chunk += item.model_dump_json(exclude_unset=True).encode()
        if len(chunk) >= CHUNK:
            yield bytes(chunk)
            chunk.clear()
    chunk += b"]"
    yield bytes(chunk)


def create_router(backend: IntunedBackend) -> APIRouter:
    router = APIRouter(prefix=PREFIX, responses=ERRORS)

    @router.get(
        "/jobs",
        response_model=list[s.JobListItem],
        tags=JOBS_TAG,
        operation_id="getJobs",
        summary="Get Jobs",
    )
    async def get_jobs(
        workspaceId: WorkspaceId, projectName: ProjectName, x_api_key: ApiKey
    ) -> Response:
        """Get all jobs of a project (unpaged, as Intuned does: streamed)."""
        jobs = backend.list_jobs(x_api_key, workspaceId, projectName)
        return StreamingResponse(json_array(jobs), media_type="application/json")

    @router.post(
        "/jobs",
        response_model=s.CreateJobResponse,
        status_code=201,
        tags=JOBS_TAG,
        operation_id="createJob",
        summary="Create Job",
        openapi_extra=request_body(s.CreateJobRequest),
    )
    async def create_job(
        workspaceId: WorkspaceId, projectName: ProjectName, request: Request, x_api_key: ApiKey
    ) -> Response:
        """Create a job."""
        body = await request.body()
        result = backend.create_job(x_api_key, workspaceId, projectName, body)
        return json_body(result, status=201)

    @router.get(
        "/jobs/{jobId}",
        response_model=s.Job,
        tags=JOBS_TAG,
        operation_id="getJob",
        summary="Get Job",
    )
    async def get_job(
        workspaceId: WorkspaceId, projectName: ProjectName, jobId: JobId, x_api_key: ApiKey
    ) -> Response:
        """Get a job."""
        return json_body(backend.get_job(x_api_key, workspaceId, projectName, jobId))

    @router.put(
        "/jobs/{jobId}",
        response_model=s.UpdateJobResponse,
        tags=JOBS_TAG,
        operation_id="updateJob",
        summary="Update Job",
        openapi_extra=request_body(s.UpdateJobRequest),
    )
    async def update_job(
        workspaceId: WorkspaceId,
        projectName: ProjectName,
        jobId: JobId,
        request: Request,
        x_api_key: ApiKey,
    ) -> Response:
        """Update (replace) a job's configuration."""
        body = await request.body()
        return json_body(backend.update_job(x_api_key, workspaceId, projectName, jobId, body))

    @router.delete(
        "/jobs/{jobId}",
        status_code=204,
        tags=JOBS_TAG,
        operation_id="deleteJob",
        summary="Delete Job",
        response_class=Response,
    )
    async def delete_job(
        workspaceId: WorkspaceId, projectName: ProjectName, jobId: JobId, x_api_key: ApiKey
    ) -> Response:
        """Delete a job."""
        backend.remove_job(x_api_key, workspaceId, projectName, jobId)
        return Response(status_code=204)

    @router.post(
        "/jobs/{jobId}/pause",
        response_model=s.PauseJobResponse,
        tags=JOBS_TAG,
        operation_id="pauseJob",
        summary="Pause Job",
    )
    async def pause_job(
        workspaceId: WorkspaceId, projectName: ProjectName, jobId: JobId, x_api_key: ApiKey
    ) -> Response:
        """Pause a job: no scheduled runs, and its active runs pause."""
        return json_body(backend.pause_job(x_api_key, workspaceId, projectName, jobId))

    @router.post(
        "/jobs/{jobId}/resume",
        response_model=s.ResumeJobResponse,
        tags=JOBS_TAG,
        operation_id="resumeJob",
        summary="Resume Job",
    )
    async def resume_job(
        workspaceId: WorkspaceId, projectName: ProjectName, jobId: JobId, x_api_key: ApiKey
    ) -> Response:
        """Resume a paused job and its paused runs."""
        return json_body(backend.resume_job(x_api_key, workspaceId, projectName, jobId))

    @router.post(
        "/jobs/{jobId}/trigger",
        response_model=s.TriggerJobResponse,
        tags=JOBS_TAG,
        operation_id="triggerJob",
        summary="Trigger Job",
    )
    async def trigger_job(
        workspaceId: WorkspaceId,
        projectName: ProjectName,
        jobId: JobId,
        x_api_key: ApiKey,
        timeline: Timeline = None,
    ) -> Response:
        """Start a JobRun now. ``X-Jobmock-Timeline`` (a JSON list of steps) overrides how it
        progresses."""
        result = backend.trigger_job(x_api_key, workspaceId, projectName, jobId, timeline)
        return json_body(result)

    @router.get(
        "/jobs/{jobId}/runs",
        response_model=s.JobRunList,
        tags=RUNS_TAG,
        operation_id="getJobRuns",
        summary="Get Job Runs",
    )
    async def get_job_runs(
        workspaceId: WorkspaceId,
        projectName: ProjectName,
        jobId: JobId,
        request: Request,
        x_api_key: ApiKey,
    ) -> Response:
        """List a job's runs (``pageSize``, ``pageNumber`` from 0, ``sortBy`` such as
        ``start_time,desc/status,asc``)."""
        query = dict(request.query_params)
        return json_body(backend.list_runs(x_api_key, workspaceId, projectName, jobId, query))

    @router.get(
        "/jobs/{jobId}/runs/{jobRunId}",
        response_model=s.GetJobRunResponse,
        tags=RUNS_TAG,
        operation_id="getJobRun",
        summary="Get Job Run",
    )
    async def get_job_run(
        workspaceId: WorkspaceId,
        projectName: ProjectName,
        jobId: JobId,
        jobRunId: JobRunId,
        x_api_key: ApiKey,
    ) -> Response:
        """Get information and results for a specific JobRun."""
        result = backend.get_run(x_api_key, workspaceId, projectName, jobId, jobRunId)
        return json_body(result)

    @router.post(
        "/jobs/{jobId}/runs/{jobRunId}/terminate",
        response_model=s.TerminateJobRunResponse,
        tags=RUNS_TAG,
        operation_id="terminateJobRun",
        summary="Terminate Job Run",
    )
    async def terminate_job_run(
        workspaceId: WorkspaceId,
        projectName: ProjectName,
        jobId: JobId,
        jobRunId: JobRunId,
        x_api_key: ApiKey,
    ) -> Response:
        """Terminate a running JobRun."""
        result = backend.terminate_run(x_api_key, workspaceId, projectName, jobId, jobRunId)
        return json_body(result)

    return router


def fast_routes(backend: IntunedBackend) -> list[FastRoute]:
    """getJobRun, the read clients poll, served by the gate before FastAPI: the same answer as
    the route above (``tests/core/test_fastpath.py`` compares them)."""

    def job_run(params: Mapping[str, str], scope: Mapping[str, Any]) -> FastResponse:
        result = backend.get_run(
            header(scope, b"x-api-key"),
            params["workspaceId"],
            params["projectName"],
            params["jobId"],
            params["jobRunId"],
        )
        return FastResponse(200, result.model_dump_json(exclude_unset=True).encode())

    return [FastRoute("GET", PREFIX + "/jobs/{jobId}/runs/{jobRunId}", "getJobRun", job_run)]
