"""Intuned's HTTP surface: the eleven operations of ``projects.jobs`` and ``projects.jobs.runs``
under ``/api/v1/workspace/{workspaceId}/projects/{projectName}``, each a thin call into the
backend. Operation ids are the vendor's own (``getJobRun``...)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.responses import Response, StreamingResponse

from jobmock.core.answers import JsonAnswer
from jobmock.core.operations import Call, Operation, OperationTable, Param, Security
from jobmock.core.storage import public_root
from jobmock.vendors.intuned import documents as d
from jobmock.vendors.intuned import schemas as s

if TYPE_CHECKING:
    from jobmock.vendors.intuned.backend import IntunedBackend

#: Where the vendor is mounted when others are served too.
MOUNT = "/intuned"
PREFIX = "/api/v1/workspace/{workspaceId}/projects/{projectName}"
_ERROR = {"model": d.ErrorBody}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {**_ERROR, "description": "Bad Request"},
    401: {**_ERROR, "description": "Unauthorized"},
    404: {**_ERROR, "description": "Not Found"},
}
#: getJobs is streamed in pieces of about this many bytes.
CHUNK = 64 * 1024

# Documented constraints only: the backend checks them, in the vendor's order and words.
# The examples are the bundled fixtures' (Swagger UI's "Try it out" starts from them).
WORKSPACE_ID = Param(
    "workspaceId", examples=("123e4567-e89b-12d3-a456-426614174000",), schema={"format": "uuid"}
)
PROJECT_NAME = Param("projectName", examples=("my-project",))
JOB_ID = Param("jobId", examples=("my-sample-job",), schema={"pattern": r"^[a-zA-Z0-9\-_]{7,}$"})
JOB_RUN_ID = Param("jobRunId", examples=("jr_abc123def456ghi789xyz",))
PROJECT = (WORKSPACE_ID, PROJECT_NAME)
JOB = (*PROJECT, JOB_ID)


def json_body(model: BaseModel, status: int = 200) -> Response:
    return JsonAnswer(model.model_dump_json(exclude_unset=True).encode(), status)


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


def _where(call: Call) -> tuple[str | None, str, str]:
    """The API key, workspace and project every operation starts from."""
    params = call.params
    return call.header(b"x-api-key"), params["workspaceId"], params["projectName"]


def get_jobs(backend: IntunedBackend, call: Call) -> Response:
    """Get all jobs of a project (unpaged, as Intuned does: streamed)."""
    jobs = backend.list_jobs(*_where(call))
    return StreamingResponse(json_array(jobs), media_type="application/json")


def create_job(backend: IntunedBackend, call: Call) -> Response:
    """Create a job."""
    return json_body(backend.create_job(*_where(call), call.body), status=201)


def get_job(backend: IntunedBackend, call: Call) -> Response:
    """Get a job."""
    return JsonAnswer(backend.get_job(*_where(call), call.params["jobId"]))


def update_job(backend: IntunedBackend, call: Call) -> Response:
    """Update (replace) a job's configuration."""
    return json_body(backend.update_job(*_where(call), call.params["jobId"], call.body))


def delete_job(backend: IntunedBackend, call: Call) -> Response:
    """Delete a job."""
    backend.remove_job(*_where(call), call.params["jobId"])
    return Response(status_code=204)


def pause_job(backend: IntunedBackend, call: Call) -> Response:
    """Pause a job: no scheduled runs, and its active runs pause."""
    return json_body(backend.pause_job(*_where(call), call.params["jobId"]))


def resume_job(backend: IntunedBackend, call: Call) -> Response:
    """Resume a paused job and its paused runs."""
    return json_body(backend.resume_job(*_where(call), call.params["jobId"]))


def trigger_job(backend: IntunedBackend, call: Call) -> Response:
    """Start a JobRun now. ``X-Jobmock-Timeline`` (a JSON list of steps) overrides how it
    progresses."""
    timeline = call.header(b"x-jobmock-timeline")
    backend.public_root = public_root(call.scope, MOUNT)
    return json_body(backend.trigger_job(*_where(call), call.params["jobId"], timeline))


def get_job_runs(backend: IntunedBackend, call: Call) -> Response:
    """List a job's runs (``pageSize``, ``pageNumber`` from 0, ``sortBy`` such as
    ``start_time,desc/status,asc``)."""
    query = dict(call.query_items())
    return json_body(backend.list_runs(*_where(call), call.params["jobId"], query))


def get_job_run(backend: IntunedBackend, call: Call) -> Response:
    """Get information and results for a specific JobRun."""
    params = call.params
    root = backend.public_root = public_root(call.scope, MOUNT)
    return JsonAnswer(backend.get_run(*_where(call), params["jobId"], params["jobRunId"], root))


def terminate_job_run(backend: IntunedBackend, call: Call) -> Response:
    """Terminate a running JobRun."""
    params = call.params
    return json_body(backend.terminate_run(*_where(call), params["jobId"], params["jobRunId"]))


_op = partial(Operation, errors=ERRORS, security=Security("api_key_header", "x-api-key"))
_jobs = partial(_op, tags=("projects.jobs",))
_runs = partial(_op, tags=("projects.jobs.runs",))
_JOB = PREFIX + "/jobs/{jobId}"
_RUN = _JOB + "/runs/{jobRunId}"

OPERATIONS = OperationTable([
    _jobs("GET", PREFIX + "/jobs", "getJobs", get_jobs, summary="Get Jobs",
          response_model=list[d.JobListItem], params=PROJECT),
    _jobs("POST", PREFIX + "/jobs", "createJob", create_job, summary="Create Job",
          response_model=d.CreateJobResponse, status_code=201, params=PROJECT,
          body=s.CreateJobRequest),
    _jobs("GET", _JOB, "getJob", get_job, hot=True, summary="Get Job", response_model=d.Job,
          params=JOB),
    _jobs("PUT", _JOB, "updateJob", update_job, summary="Update Job",
          response_model=d.UpdateJobResponse, params=JOB, body=s.UpdateJobRequest),
    _jobs("DELETE", _JOB, "deleteJob", delete_job, summary="Delete Job", status_code=204,
          params=JOB),
    _jobs("POST", _JOB + "/pause", "pauseJob", pause_job, summary="Pause Job",
          response_model=d.PauseJobResponse, params=JOB),
    _jobs("POST", _JOB + "/resume", "resumeJob", resume_job, summary="Resume Job",
          response_model=d.ResumeJobResponse, params=JOB),
    _jobs("POST", _JOB + "/trigger", "triggerJob", trigger_job, summary="Trigger Job",
          response_model=d.TriggerJobResponse, params=JOB),
    _runs("GET", _JOB + "/runs", "getJobRuns", get_job_runs, hot=True, summary="Get Job Runs",
          response_model=d.JobRunList, params=JOB),
    _runs("GET", _RUN, "getJobRun", get_job_run, hot=True, summary="Get Job Run",
          response_model=d.GetJobRunResponse, params=(*JOB, JOB_RUN_ID)),
    _runs("POST", _RUN + "/terminate", "terminateJobRun", terminate_job_run,
          summary="Terminate Job Run", response_model=d.TerminateJobRunResponse,
          params=(*JOB, JOB_RUN_ID)),
])  # fmt: skip
