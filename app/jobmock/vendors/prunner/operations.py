"""prunner's six endpoints (spec/prunner.md §1), each handler a thin call into the backend.

Every operation checks the token first, as prunner's JWT middleware does; unknown paths and
wrong methods under its mounts are answered after the same check (``middleware.py``). Handlers
read the raw query string and body themselves, as Go does.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from starlette.responses import Response, StreamingResponse

from jobmock.core.answers import JsonAnswer
from jobmock.core.operations import Call, Operation, OperationTable
from jobmock.vendors.prunner import schemas as s
from jobmock.vendors.prunner.middleware import authenticate

if TYPE_CHECKING:
    from jobmock.vendors.prunner.backend import PrunnerBackend

ERROR = {"model": s.ErrorBody}
UNAUTHORIZED = {"description": "No or invalid token: the reason as plain text (`token is expired`)"}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"jwtCookie": []}]
#: Go's net/http sends a Content-Length when the handler wrote no more than this; else chunks.
GO_CHUNKING_AFTER = 2048
#: What a streamed response sends at a time.
CHUNK = 64 * 1024


def _query(name: str, description: str, example: str) -> dict[str, Any]:
    """A required query parameter; ``example`` is from the bundled fixtures."""
    return {
        "name": name,
        "in": "query",
        "required": True,
        "description": description,
        "schema": {"type": "string", "examples": [example]},
    }


def _extra(*parameters: dict[str, Any]) -> dict[str, Any]:
    return {"security": SECURITY, "parameters": list(parameters)}


JOB_ID = _query("id", "Job id (a UUID)", "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8")


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
    return JsonAnswer("".join(head).encode())


def pipelines(backend: PrunnerBackend, _: Call) -> Response:
    """List pipelines, whether each is running and whether a job would be accepted now."""
    return JsonAnswer(backend.list_pipelines())


def pipelines_jobs(backend: PrunnerBackend, _: Call) -> Response:
    """Every pipeline, and every job held, newest first (streamed: no paging in prunner)."""
    return streamed_json(backend.pipelines_jobs())


def schedule(backend: PrunnerBackend, call: Call) -> Response:
    """Start a job of the pipeline, or queue it. The optional header ``X-Jobmock-Tasks``
    (``{"build": {"exit_code": 1, "duration": "5s"}}``) sets how its tasks run."""
    tasks = call.header(b"x-jobmock-tasks")
    return JsonAnswer(backend.schedule(call.principal, call.body, tasks), 202)


def job_detail(backend: PrunnerBackend, call: Call) -> Response:
    """Get details about a single job."""
    return JsonAnswer(backend.job_detail(call.query))


def job_logs(backend: PrunnerBackend, call: Call) -> Response:
    """A task's stdout and stderr, as far as it has run."""
    return JsonAnswer(backend.job_logs(call.query))


def job_cancel(backend: PrunnerBackend, call: Call) -> Response:
    """Cancels the job and all tasks, but does not wait until all tasks are canceled."""
    return JsonAnswer(backend.cancel(call.query))


_op = partial(Operation, auth=authenticate)
_job = partial(_op, errors={401: UNAUTHORIZED, 400: ERROR, 404: ERROR})

OPERATIONS = OperationTable([
    _op("GET", "/pipelines/", "pipelines", pipelines, summary="List pipelines",
        response_model=s.Pipelines, errors={401: UNAUTHORIZED}, openapi_extra=_extra()),
    # chi serves the mount's root with and without its slash.
    _op("GET", "/pipelines", "pipelines", pipelines, documented=False),
    _op("GET", "/pipelines/jobs", "pipelinesJobs", pipelines_jobs,
        summary="Get pipelines and jobs", response_model=s.PipelinesJobs,
        errors={401: UNAUTHORIZED}, openapi_extra=_extra()),
    _op("POST", "/pipelines/schedule", "pipelinesSchedule", schedule,
        summary="Schedule a pipeline execution", response_model=s.ScheduleResponse,
        status_code=202, errors={401: UNAUTHORIZED, 400: ERROR}, openapi_extra=_extra(),
        body=s.ScheduleRequest),
    _job("GET", "/job/detail", "jobDetail", job_detail, hot=True, summary="Get job details",
         response_model=s.Job, openapi_extra=_extra(JOB_ID)),
    _job("GET", "/job/logs", "jobLogs", job_logs, summary="Get job logs",
         response_model=s.JobLogs,
         openapi_extra=_extra(JOB_ID, _query("task", "Task name", "task_name"))),
    _job("POST", "/job/cancel", "jobCancel", job_cancel, summary="Cancel a running job",
         response_model=bool, errors={401: UNAUTHORIZED, 400: ERROR, 404: ERROR, 500: ERROR},
         openapi_extra=_extra(JOB_ID)),
])  # fmt: skip
