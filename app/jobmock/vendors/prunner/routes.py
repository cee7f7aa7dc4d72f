"""prunner's six endpoints (spec/prunner.md §1), each handler a thin call into the backend.

Authentication, unknown paths and wrong methods are answered before these run
(``middleware.py``); handlers read the raw query string and body themselves, as Go does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from jobmock.core.asgi import request_body
from jobmock.core.fastpath import FastResponse, FastRoute, query_string
from jobmock.vendors.prunner import schemas as s
from jobmock.vendors.prunner.backend import PrunnerBackend
from jobmock.vendors.prunner.middleware import USER, authorization, cookies

ERROR = {"model": s.ErrorBody}
UNAUTHORIZED = {"description": "No or invalid token: the reason as plain text (`token is expired`)"}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"jwtCookie": []}]


def _query(name: str, description: str, example: str) -> dict[str, Any]:
    """A required query parameter; ``example`` is from the bundled fixtures."""
    return {
        "name": name,
        "in": "query",
        "required": True,
        "description": description,
        "schema": {"type": "string", "examples": [example]},
    }


def _extra(*parameters: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"security": SECURITY, "parameters": list(parameters), **more}


JOB_ID = _query("id", "Job id (a UUID)", "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8")


def json_bytes(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json")


#: Go's net/http sends a Content-Length when the handler wrote no more than this; else chunks.
GO_CHUNKING_AFTER = 2048
#: What a streamed response sends at a time.
CHUNK = 64 * 1024


def _chunks(head: list[str], parts: Iterator[str]) -> Iterator[bytes]:
    yield "".join(head).encode()  # the first bytes leave at once
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


def streamed_json(parts: Iterator[str]) -> Response:
    """A document written part by part, as Go's ``http.ResponseWriter`` sends it: with a
    Content-Length if it is over within 2048 bytes, else chunked, never held whole."""
    head: list[str] = []
    size = 0
    for part in parts:
        head.append(part)
        size += len(part.encode())
        if size > GO_CHUNKING_AFTER:
            return StreamingResponse(_chunks(head, parts), media_type="application/json")
    return json_bytes("".join(head).encode())


def _query_string(request: Request) -> str:
    return bytes(request.scope.get("query_string", b"")).decode("utf-8", "replace")


def create_router(backend: PrunnerBackend) -> APIRouter:
    router = APIRouter(responses={401: UNAUTHORIZED})

    async def pipelines() -> Response:
        """List pipelines, whether each is running and whether a job would be accepted now."""
        return json_bytes(backend.list_pipelines())

    router.add_api_route(
        "/pipelines/",
        pipelines,
        methods=["GET"],
        response_model=s.Pipelines,
        operation_id="pipelines",
        summary="List pipelines",
        openapi_extra=_extra(),
    )
    router.add_api_route(
        "/pipelines", pipelines, methods=["GET"], operation_id="pipelines", include_in_schema=False
    )

    @router.get(
        "/pipelines/jobs",
        response_model=s.PipelinesJobs,
        operation_id="pipelinesJobs",
        summary="Get pipelines and jobs",
        openapi_extra=_extra(),
    )
    async def pipelines_jobs() -> Response:
        """Every pipeline, and every job held, newest first (streamed: no paging in prunner)."""
        return streamed_json(backend.pipelines_jobs())

    @router.post(
        "/pipelines/schedule",
        response_model=s.ScheduleResponse,
        status_code=202,
        operation_id="pipelinesSchedule",
        summary="Schedule a pipeline execution",
        responses={400: ERROR},
        openapi_extra=_extra(**request_body(s.ScheduleRequest)),
    )
    async def schedule(request: Request) -> Response:
        """Start a job of the pipeline, or queue it. The optional header ``X-Jobmock-Tasks``
        (``{"build": {"exit_code": 1, "duration": "5s"}}``) sets how its tasks run."""
        body = await request.body()
        user = request.scope["state"][USER]
        tasks = request.headers.get("x-jobmock-tasks")
        return json_bytes(backend.schedule(user, body, tasks), status=202)

    @router.get(
        "/job/detail",
        response_model=s.Job,
        operation_id="jobDetail",
        summary="Get job details",
        responses={400: ERROR, 404: ERROR},
        openapi_extra=_extra(JOB_ID),
    )
    async def job_detail(request: Request) -> Response:
        """Get details about a single job."""
        return json_bytes(backend.job_detail(_query_string(request)))

    @router.get(
        "/job/logs",
        response_model=s.JobLogs,
        operation_id="jobLogs",
        summary="Get job logs",
        responses={400: ERROR, 404: ERROR},
        openapi_extra=_extra(JOB_ID, _query("task", "Task name", "task_name")),
    )
    async def job_logs(request: Request) -> Response:
        """A task's stdout and stderr, as far as it has run."""
        return json_bytes(backend.job_logs(_query_string(request)))

    @router.post(
        "/job/cancel",
        response_model=bool,
        operation_id="jobCancel",
        summary="Cancel a running job",
        responses={400: ERROR, 404: ERROR, 500: ERROR},
        openapi_extra=_extra(JOB_ID),
    )
    async def job_cancel(request: Request) -> Response:
        """Cancels the job and all tasks, but does not wait until all tasks are canceled."""
        return json_bytes(backend.cancel(_query_string(request)))

    return router


def fast_routes(backend: PrunnerBackend) -> list[FastRoute]:
    """``GET /job/detail``, the read clients poll, served by the gate before FastAPI: the token
    checked first as in ``AuthBeforeRouting``, then the same answer as the route above
    (``tests/core/test_fastpath.py`` compares them)."""

    def detail(_: Mapping[str, str], scope: MutableMapping[str, Any]) -> FastResponse:
        backend.authenticate(authorization(scope), cookies(scope))
        return FastResponse(200, backend.job_detail(query_string(scope)))

    return [FastRoute("GET", "/job/detail", "jobDetail", detail)]
