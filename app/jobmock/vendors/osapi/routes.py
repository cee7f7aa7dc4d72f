"""OSAPI's HTTP surface, on the seed's paths (``/job/{id}``) and HEAD's (``/api/job/{id}``).

Each handler passes raw values to the backend: path parameters are plain strings (the backend
binds them as OSAPI does, before auth), and the Authorization header is read as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from jobmock.core.asgi import request_body
from jobmock.core.errors import MockError
from jobmock.core.fastpath import FastResponse, FastRoute, header
from jobmock.vendors.osapi import schemas as s
from jobmock.vendors.osapi.backend import OsapiBackend

_bearer = HTTPBearer(auto_error=False, bearerFormat="JWT")


async def _authorization(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> str | None:
    return request.headers.get("authorization")


Auth = Annotated[str | None, Depends(_authorization)]
# Documented only: the backend binds the id as OSAPI does (400 before auth, google/uuid's words).
JobId = Annotated[
    str,
    Path(
        description="UUID of the job.",
        json_schema_extra={"format": "uuid"},
        examples=["3fa85f64-5717-4562-b3fc-2c963f66afa6"],
    ),
]
Outcomes = Annotated[str | None, Header(alias="X-Jobmock-Outcomes", include_in_schema=False)]
JSON = "application/json"


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "Invalid request parameters",
        401: "Unauthorized: missing or rejected bearer token",
        403: "Forbidden: the token lacks the permission",
        404: "Not found",
        415: "Unsupported Media Type",
        500: "Internal error",
    }
    # Echo answers what it catches itself (binding, media type) as {"message"}; OSAPI's
    # handlers answer {"error"}. A 400 can be either.
    models: dict[int, Any] = {400: s.EchoError | s.ErrorResponse, 415: s.EchoError}
    return {
        code: {"model": models.get(code, s.ErrorResponse), "description": text[code]}
        for code in statuses
    }


def _json(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=JSON)


def _query(request: Request) -> dict[str, list[str]]:
    params = request.query_params
    return {key: params.getlist(key) for key in params}


def create_router(backend: OsapiBackend, prefix: str = "") -> APIRouter:
    """The routes under ``prefix``: ``""`` (the seed, 41b9500ac) or ``"/api"`` (HEAD)."""
    head = prefix == "/api"
    router = APIRouter(prefix=prefix, include_in_schema=not head)

    @router.get(
        "/job",
        response_model=s.ListJobsResponse,
        responses=_errors(400, 401, 403, 500),
        tags=["Job"],
        operation_id="getJobs" if head else "GetJob",
        summary="List jobs",
    )
    async def get_jobs(request: Request, authorization: Auth) -> Response:
        """``status`` (submitted, processing, completed, failed, partial_failure), ``limit``
        (1-100, default 10), ``offset``; newest first, with ``status_counts``."""
        params = "GetJobsParams" if head else "GetJobParams"
        return _json(backend.get_jobs(_query(request), authorization, params))

    @router.get(
        "/job/{id}",
        response_model=s.JobDetailResponse,
        responses=_errors(400, 401, 403, 404, 500),
        tags=["Job"],
        operation_id="GetJobByID",
        summary="Get job detail",
    )
    async def get_job_by_id(id: JobId, authorization: Auth) -> Response:
        """The job as its agents' events show it at the time of the request."""
        return _json(backend.get_job_by_id(id, authorization))

    @router.delete(
        "/job/{id}",
        status_code=204,
        response_class=Response,
        responses=_errors(400, 401, 403, 404, 500),
        tags=["Job"],
        operation_id="DeleteJobByID",
        summary="Delete a job",
    )
    async def delete_job_by_id(id: JobId, authorization: Auth) -> Response:
        """The job is 404 from then on."""
        backend.delete_job_by_id(id, authorization)
        return Response(status_code=204)

    @router.post(
        "/job/{id}/retry",
        response_model=s.CreateJobResponse,
        status_code=201,
        responses=_errors(400, 401, 403, 404, 415, 500),
        tags=["Job"],
        operation_id="RetryJobByID",
        summary="Retry a job",
        openapi_extra=request_body(s.RetryJobRequest, required=False),
    )
    async def retry_job_by_id(
        id: JobId, request: Request, authorization: Auth, outcomes: Outcomes = None
    ) -> Response:
        """A new job with the same operation, sent to ``target_hostname`` (default ``_any``)."""
        body = await request.body()
        content_type = request.headers.get("content-type")
        answer = backend.retry_job_by_id(id, body, content_type, authorization, outcomes)
        return _json(answer, 201)

    @router.get(
        "/node/{hostname}",
        response_model=s.NodeStatusCollectionResponse,
        responses=_errors(400, 401, 403, 500),
        tags=["Node"],
        operation_id="GetNodeStatus",
        summary="Retrieve node status",
    )
    async def get_node_status(
        hostname: str, authorization: Auth, outcomes: Outcomes = None
    ) -> Response:
        """Creates a ``node.status.get`` job; ``_any``, ``_all``, a hostname or ``key:value``."""
        op = "node.status.get"
        return _json(backend.node_operation(op, hostname, authorization, outcomes_header=outcomes))

    @router.get(
        "/node/{hostname}/hostname",
        response_model=s.HostnameCollectionResponse,
        responses=_errors(400, 401, 403, 500),
        tags=["Node"],
        operation_id="GetNodeHostname",
        summary="Retrieve node hostname",
    )
    async def get_node_hostname(
        hostname: str, authorization: Auth, outcomes: Outcomes = None
    ) -> Response:
        """Creates a ``node.hostname.get`` job."""
        op = "node.hostname.get"
        return _json(backend.node_operation(op, hostname, authorization, outcomes_header=outcomes))

    @router.post(
        "/node/{hostname}/command/shell",
        response_model=s.CommandResultCollectionResponse,
        status_code=202,
        responses=_errors(400, 401, 403, 415, 500),
        tags=["Node"],
        operation_id="PostNodeCommandShell",
        summary="Execute a shell command",
        openapi_extra=request_body(s.CommandShellRequest),
    )
    async def post_node_command_shell(
        hostname: str, request: Request, authorization: Auth, outcomes: Outcomes = None
    ) -> Response:
        """Creates a ``command.shell.execute`` job (``sleep N`` runs N seconds on the clock)."""
        body = await request.body()
        content_type = request.headers.get("content-type")
        answer = backend.node_operation(
            "command.shell.execute", hostname, authorization, body, content_type, outcomes
        )
        return _json(answer, 202)

    if head:

        @router.get("/{rest:path}", include_in_schema=False)
        async def page_not_found() -> Response:
            """HEAD serves its UI at ``GET /*`` and answers Go's plain-text 404 under /api."""
            raise MockError("404 page not found", status=404, reason="page_not_found")

    return router


def fast_routes(backend: OsapiBackend) -> list[FastRoute]:
    """GetJobByID, the read clients poll, on both path styles, served by the gate before
    FastAPI: the same answer as the route above (``tests/core/test_fastpath.py`` compares them;
    the gate adds Echo's headers through ``VendorApp.own_headers``)."""

    def job(params: Mapping[str, str], scope: Mapping[str, Any]) -> FastResponse:
        return FastResponse(
            200, backend.get_job_by_id(params["id"], header(scope, b"authorization"))
        )

    return [FastRoute("GET", prefix + "/job/{id}", "GetJobByID", job) for prefix in ("", "/api")]
