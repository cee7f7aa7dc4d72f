"""nunu's HTTP surface: both path styles (legacy ``/api/v1/jobs/...`` and project-scoped
``/api/v1/project/{projectId}/jobs/...``), each handler a thin call into the backend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.responses import Response

from jobmock.core.asgi import request_body
from jobmock.core.fastpath import FastResponse, FastRoute, header
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.backend import NunuBackend

# Declared for the OpenAPI document; the backend does the checking (auto_error=False keeps
# FastAPI's own 403 out of it).
ApiKey = Annotated[str | None, Security(APIKeyHeader(name="X-Api-Key", auto_error=False))]
Timeline = Annotated[str | None, Header(alias="X-Jobmock-Timeline", include_in_schema=False)]
# Documented only: the backend answers a malformed id with nunu's own 400.
JobId = Annotated[
    str,
    Path(json_schema_extra={"format": "uuid"}, examples=["f80f6230-3a4f-431a-9d55-d11b867fed4e"]),
]
RunId = Annotated[str, Path(examples=["lkkg6t5612m"])]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": s.ErrorBody, "description": "Bad Request"},
    401: {"model": s.ErrorBody, "description": "Unauthorized - missing or invalid API key"},
    403: {"model": s.ErrorBody, "description": "Forbidden - API key lacks required permission"},
    404: {"model": s.ErrorBody, "description": "Not found"},
}


def json_body(model: BaseModel, status: int = 200, exclude_none: bool = False) -> Response:
    return Response(
        model.model_dump_json(exclude_none=exclude_none),
        status_code=status,
        media_type="application/json",
    )


def _project_id(
    projectId: Annotated[str, Path(description="The project's id (its slug)", examples=["test"])],
) -> None:
    """Declares the prefix's ``projectId`` in the OpenAPI document; handlers read it from the
    request (the backend checks it against the key)."""


def create_router(backend: NunuBackend, prefix: str) -> APIRouter:
    """The routes under ``prefix``: ``/api/v1`` (legacy) or ``/api/v1/project/{projectId}``."""
    scoped = "{projectId}" in prefix
    router = APIRouter(
        prefix=prefix, responses=ERRORS, dependencies=[Depends(_project_id)] if scoped else []
    )
    tag = "project-scoped" if scoped else "legacy"
    suffix = "Scoped" if scoped else ""

    def project_of(request: Request) -> str | None:
        return request.path_params.get("projectId") if scoped else None

    @router.get(
        "/jobs/{jobId}",
        response_model=s.Job,
        tags=[tag],
        operation_id=f"getJobDetails{suffix}",
        summary="Get Job Details",
    )
    async def get_job(jobId: JobId, request: Request, x_api_key: ApiKey) -> Response:
        """Get Job Details."""
        return json_body(backend.get_job(x_api_key, jobId, project_of(request)))

    @router.get(
        "/runs/{runId}",
        response_model=s.RunDetails,
        tags=[tag],
        operation_id=f"getRunDetails{suffix}",
        summary="Get Run Details",
    )
    async def get_run(runId: RunId, request: Request, x_api_key: ApiKey) -> Response:
        """Get Run Details."""
        return json_body(backend.get_run(x_api_key, runId, project_of(request)))

    @router.get(
        "/jobs",
        response_model=s.JobList,
        tags=[tag],
        operation_id=f"listJobs{suffix}",
        summary="List Jobs",
    )
    async def list_jobs(request: Request, x_api_key: ApiKey) -> Response:
        """List Jobs (``status``, ``multiplayer_test_id``, ``test_plan_execution_id``, ``tags``,
        ``page``, ``page_size``)."""
        query = dict(request.query_params)
        return json_body(backend.list_jobs(x_api_key, query, project_of(request)))

    @router.get(
        "/runs",
        response_model=s.RunList,
        tags=[tag],
        operation_id=f"listRuns{suffix}",
        summary="List Runs",
    )
    async def list_runs(request: Request, x_api_key: ApiKey) -> Response:
        """List Runs (``state``, ``multiplayer_test_id``, ``job_id``, ``test_plan_execution_id``,
        ``test_type``, ``tags``, ``bugs``, ``page``, ``page_size``)."""
        query = dict(request.query_params)
        return json_body(backend.list_runs(x_api_key, query, project_of(request)))

    @router.post(
        "/runs",
        response_model=s.StartRunResponse,
        status_code=201,
        tags=[tag],
        operation_id=f"startRun{suffix}",
        summary="Start a Run",
        openapi_extra=request_body(s.StartRunRequest),
    )
    async def start_run(request: Request, x_api_key: ApiKey, timeline: Timeline = None) -> Response:
        """Start a Run. ``X-Jobmock-Timeline`` (a JSON list of steps) overrides how it
        progresses."""
        body = await request.body()
        result = backend.start_run(x_api_key, body, project_of(request), timeline)
        return json_body(result, status=201, exclude_none=True)

    @router.post(
        "/runs/stop",
        response_model=s.StopRunsResponse,
        tags=[tag],
        operation_id=f"stopRuns{suffix}",
        summary="Stop Runs",
        openapi_extra=request_body(s.StopRunsRequest),
    )
    async def stop_runs(request: Request, x_api_key: ApiKey) -> Response:
        """Stop Runs."""
        body = await request.body()
        status, result = backend.stop_runs(x_api_key, body, project_of(request))
        return json_body(result, status=status, exclude_none=True)

    return router


def fast_routes(backend: NunuBackend) -> list[FastRoute]:
    """The detail reads, served by the gate before FastAPI: the same answers as the routes above
    (``tests/core/test_fastpath.py`` compares them), at a third of the cost."""

    def job(params: Mapping[str, str], scope: Mapping[str, Any]) -> FastResponse:
        key = header(scope, b"x-api-key")
        document = backend.get_job(key, params["jobId"], params.get("projectId"))
        return FastResponse(200, document.model_dump_json().encode())

    def run(params: Mapping[str, str], scope: Mapping[str, Any]) -> FastResponse:
        key = header(scope, b"x-api-key")
        document = backend.get_run(key, params["runId"], params.get("projectId"))
        return FastResponse(200, document.model_dump_json().encode())

    return [
        FastRoute("GET", "/api/v1/jobs/{jobId}", "getJobDetails", job),
        FastRoute("GET", "/api/v1/project/{projectId}/jobs/{jobId}", "getJobDetailsScoped", job),
        FastRoute("GET", "/api/v1/runs/{runId}", "getRunDetails", run),
        FastRoute("GET", "/api/v1/project/{projectId}/runs/{runId}", "getRunDetailsScoped", run),
    ]
