"""nunu's HTTP surface: both path styles (legacy ``/api/v1/jobs/...`` and project-scoped
``/api/v1/project/{projectId}/jobs/...``), each handler a thin call into the backend."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.responses import Response

from jobmock.core.answers import JsonAnswer
from jobmock.core.operations import Call, Operation, OperationTable, Param, Security
from jobmock.vendors.nunu import schemas as s

if TYPE_CHECKING:
    from jobmock.vendors.nunu.backend import NunuBackend

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": s.ErrorBody, "description": "Bad Request"},
    401: {"model": s.ErrorBody, "description": "Unauthorized - missing or invalid API key"},
    403: {"model": s.ErrorBody, "description": "Forbidden - API key lacks required permission"},
    404: {"model": s.ErrorBody, "description": "Not found"},
}
# Documented only: the backend answers a malformed id with nunu's own 400.
JOB_ID = Param(
    "jobId", examples=("f80f6230-3a4f-431a-9d55-d11b867fed4e",), schema={"format": "uuid"}
)
RUN_ID = Param("runId", examples=("lkkg6t5612m",))
PROJECT_ID = Param("projectId", "The project's id (its slug)", examples=("test",))


def json_body(model: BaseModel, status: int = 200, exclude_none: bool = False) -> Response:
    return JsonAnswer(model.model_dump_json(exclude_none=exclude_none).encode(), status)


def _key(call: Call) -> str | None:
    return call.header(b"x-api-key")


def get_job(backend: NunuBackend, call: Call) -> Response:
    """Get Job Details."""
    params = call.params
    return JsonAnswer(backend.get_job(_key(call), params["jobId"], params.get("projectId")))


def get_run(backend: NunuBackend, call: Call) -> Response:
    """Get Run Details."""
    params = call.params
    return JsonAnswer(backend.get_run(_key(call), params["runId"], params.get("projectId")))


def list_jobs(backend: NunuBackend, call: Call) -> Response:
    """List Jobs (``status``, ``multiplayer_test_id``, ``test_plan_execution_id``, ``tags``,
    ``page``, ``page_size``)."""
    query = dict(call.query_items())
    return json_body(backend.list_jobs(_key(call), query, call.params.get("projectId")))


def list_runs(backend: NunuBackend, call: Call) -> Response:
    """List Runs (``state``, ``multiplayer_test_id``, ``job_id``, ``test_plan_execution_id``,
    ``test_type``, ``tags``, ``bugs``, ``page``, ``page_size``)."""
    query = dict(call.query_items())
    return json_body(backend.list_runs(_key(call), query, call.params.get("projectId")))


def start_run(backend: NunuBackend, call: Call) -> Response:
    """Start a Run. ``X-Jobmock-Timeline`` (a JSON list of steps) overrides how it
    progresses."""
    timeline = call.header(b"x-jobmock-timeline")
    result = backend.start_run(_key(call), call.body, call.params.get("projectId"), timeline)
    return json_body(result, status=201, exclude_none=True)


def stop_runs(backend: NunuBackend, call: Call) -> Response:
    """Stop Runs."""
    status, result = backend.stop_runs(_key(call), call.body, call.params.get("projectId"))
    return json_body(result, status=status, exclude_none=True)


def _surface(prefix: str, scoped: bool) -> list[Operation]:
    """The six operations under ``prefix``; the scoped ones end their ids in ``Scoped``."""
    suffix = "Scoped" if scoped else ""
    where = (PROJECT_ID,) if scoped else ()
    op = partial(
        Operation,
        tags=("project-scoped" if scoped else "legacy",),
        errors=ERRORS,
        security=Security("api_key_header", "X-Api-Key"),
    )
    return [
        op("GET", f"{prefix}/jobs/{{jobId}}", f"getJobDetails{suffix}", get_job, hot=True,
           summary="Get Job Details", response_model=s.Job, params=(JOB_ID, *where)),
        op("GET", f"{prefix}/runs/{{runId}}", f"getRunDetails{suffix}", get_run, hot=True,
           summary="Get Run Details", response_model=s.RunDetails, params=(RUN_ID, *where)),
        op("GET", f"{prefix}/jobs", f"listJobs{suffix}", list_jobs, hot=True,
           summary="List Jobs", response_model=s.JobList, params=where),
        op("GET", f"{prefix}/runs", f"listRuns{suffix}", list_runs, hot=True,
           summary="List Runs", response_model=s.RunList, params=where),
        op("POST", f"{prefix}/runs", f"startRun{suffix}", start_run, status_code=201,
           summary="Start a Run", response_model=s.StartRunResponse, params=where,
           body=s.StartRunRequest),
        op("POST", f"{prefix}/runs/stop", f"stopRuns{suffix}", stop_runs,
           summary="Stop Runs", response_model=s.StopRunsResponse, params=where,
           body=s.StopRunsRequest),
    ]  # fmt: skip


OPERATIONS = OperationTable(
    [*_surface("/api/v1", scoped=False), *_surface("/api/v1/project/{projectId}", scoped=True)]
)
