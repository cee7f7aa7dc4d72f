"""OSAPI's HTTP surface, on the seed's paths (``/job/{id}``) and HEAD's (``/api/job/{id}``).

Each handler passes raw values to the backend: path parameters are plain strings (the backend
binds them as OSAPI does, before auth), and the Authorization header is read as sent.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from jobmock.core.answers import JsonAnswer
from jobmock.core.errors import MockError
from jobmock.core.operations import Call, Operation, OperationTable, Param, Security
from jobmock.vendors.osapi import schemas as s

if TYPE_CHECKING:
    from jobmock.vendors.osapi.backend import OsapiBackend

# Documented only: the backend binds the id as OSAPI does (400 before auth, google/uuid's words).
JOB_ID = Param(
    "id",
    "UUID of the job.",
    examples=("3fa85f64-5717-4562-b3fc-2c963f66afa6",),
    schema={"format": "uuid"},
)
HOSTNAME = Param("hostname")


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


def _auth(call: Call) -> str | None:
    return call.header(b"authorization")


def _outcomes(call: Call) -> str | None:
    return call.header(b"x-jobmock-outcomes")


def _get_jobs(backend: OsapiBackend, call: Call, params: str) -> Response:
    query: dict[str, list[str]] = {}
    for key, value in call.query_items():
        query.setdefault(key, []).append(value)
    return JsonAnswer(backend.get_jobs(query, _auth(call), params))


def get_jobs(backend: OsapiBackend, call: Call) -> Response:
    """``status`` (submitted, processing, completed, failed, partial_failure), ``limit``
    (1-100, default 10), ``offset``; newest first, with ``status_counts``."""
    return _get_jobs(backend, call, "GetJobParams")


def get_jobs_head(backend: OsapiBackend, call: Call) -> Response:
    """As ``get_jobs``; HEAD's errors name its parameters ``GetJobsParams``."""
    return _get_jobs(backend, call, "GetJobsParams")


def get_job_by_id(backend: OsapiBackend, call: Call) -> Response:
    """The job as its agents' events show it at the time of the request."""
    return JsonAnswer(backend.get_job_by_id(call.params["id"], _auth(call)))


def delete_job_by_id(backend: OsapiBackend, call: Call) -> Response:
    """The job is 404 from then on."""
    backend.delete_job_by_id(call.params["id"], _auth(call))
    return Response(status_code=204)


def retry_job_by_id(backend: OsapiBackend, call: Call) -> Response:
    """A new job with the same operation, sent to ``target_hostname`` (default ``_any``)."""
    job, media = call.params["id"], call.header(b"content-type")
    return JsonAnswer(
        backend.retry_job_by_id(job, call.body, media, _auth(call), _outcomes(call)), 201
    )


def _node(backend: OsapiBackend, call: Call, operation: str, media: str | None = None) -> bytes:
    hostname, outcomes = call.params["hostname"], _outcomes(call)
    return backend.node_operation(operation, hostname, _auth(call), call.body, media, outcomes)


def get_node_status(backend: OsapiBackend, call: Call) -> Response:
    """Creates a ``node.status.get`` job; ``_any``, ``_all``, a hostname or ``key:value``."""
    return JsonAnswer(_node(backend, call, "node.status.get"))


def get_node_hostname(backend: OsapiBackend, call: Call) -> Response:
    """Creates a ``node.hostname.get`` job."""
    return JsonAnswer(_node(backend, call, "node.hostname.get"))


def post_node_command_shell(backend: OsapiBackend, call: Call) -> Response:
    """Creates a ``command.shell.execute`` job (``sleep N`` runs N seconds on the clock)."""
    media = call.header(b"content-type")
    return JsonAnswer(_node(backend, call, "command.shell.execute", media), 202)


def page_not_found(_backend: OsapiBackend, _call: Call) -> Response:
    """HEAD serves its UI at ``GET /*`` and answers Go's plain-text 404 under /api."""
    raise MockError("404 page not found", status=404, reason="page_not_found")


def _surface(prefix: str) -> list[Operation]:
    """The operations under ``prefix``: ``""`` (the seed, 41b9500ac, documented) or ``"/api"``
    (HEAD)."""
    head = prefix == "/api"
    op = partial(Operation, documented=not head, security=Security("bearer", "JWT"))
    job, node = partial(op, tags=("Job",)), partial(op, tags=("Node",))
    return [
        job("GET", prefix + "/job", "getJobs" if head else "GetJob",
            get_jobs_head if head else get_jobs, hot=True, summary="List jobs",
            response_model=s.ListJobsResponse, errors=_errors(400, 401, 403, 500)),
        job("GET", prefix + "/job/{id}", "GetJobByID", get_job_by_id, hot=True,
            summary="Get job detail", response_model=s.JobDetailResponse,
            errors=_errors(400, 401, 403, 404, 500), params=(JOB_ID,)),
        job("DELETE", prefix + "/job/{id}", "DeleteJobByID", delete_job_by_id,
            summary="Delete a job", status_code=204, errors=_errors(400, 401, 403, 404, 500),
            params=(JOB_ID,)),
        job("POST", prefix + "/job/{id}/retry", "RetryJobByID", retry_job_by_id,
            summary="Retry a job", response_model=s.CreateJobResponse, status_code=201,
            errors=_errors(400, 401, 403, 404, 415, 500), params=(JOB_ID,),
            body=s.RetryJobRequest, body_required=False),
        node("GET", prefix + "/node/{hostname}", "GetNodeStatus", get_node_status,
             summary="Retrieve node status", response_model=s.NodeStatusCollectionResponse,
             errors=_errors(400, 401, 403, 500), params=(HOSTNAME,)),
        node("GET", prefix + "/node/{hostname}/hostname", "GetNodeHostname", get_node_hostname,
             summary="Retrieve node hostname", response_model=s.HostnameCollectionResponse,
             errors=_errors(400, 401, 403, 500), params=(HOSTNAME,)),
        node("POST", prefix + "/node/{hostname}/command/shell", "PostNodeCommandShell",
             post_node_command_shell, summary="Execute a shell command",
             response_model=s.CommandResultCollectionResponse, status_code=202,
             errors=_errors(400, 401, 403, 415, 500), params=(HOSTNAME,),
             body=s.CommandShellRequest),
    ]  # fmt: skip


OPERATIONS = OperationTable(
    [
        *_surface(""),
        *_surface("/api"),
        Operation("GET", "/api/{rest:path}", "page_not_found", page_not_found, documented=False),
    ]
)
