"""Recording Intuned jobs: each job as Get Jobs lists it (the one shape with ``notifications``)
and every run as Get Job Run answers it, which Intuned's fixtures take as they are; a followed
job's runs get their status timelines."""

from __future__ import annotations

from typing import Any

from jobmock.core.export import Span
from jobmock.core.recording.api import Answer, VendorApi
from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.options import required, unused
from jobmock.core.recording.vendor import (
    Progress,
    RecordedJob,
    RecordOptions,
    Seen,
    timestamp,
)
from jobmock.vendors.intuned import SPEC
from jobmock.vendors.intuned.fixture_models import DEFAULT_KEY
from jobmock.vendors.intuned.records import TERMINAL

SLUG = SPEC.slug
PAGE = 100
#: Run statuses a followed run is still polled in.
ACTIVE = frozenset({"PENDING"})


class IntunedRecorder:
    personal = frozenset({"headers", "url", "signed_url"})

    def __init__(self) -> None:
        self._listed: dict[str, dict[str, Any]] | None = None
        self._project_id: str | None = None

    def connect(self, options: RecordOptions) -> VendorApi:
        unused(options, SLUG, "jwt_secret")
        key = required(options.credential, SLUG, "the API key (sent as x-api-key) as --credential")
        workspace = required(options.workspace, SLUG, "the workspace id as --workspace")
        project = required(options.project, SLUG, "the project name as --project")
        base = f"{options.base_url.rstrip('/')}/{workspace}/projects/{project}"
        return VendorApi(SPEC.title, base, {"x-api-key": key}, options.timeout)

    def _list(self, api: VendorApi) -> dict[str, dict[str, Any]]:
        if self._listed is None:
            jobs = api.get("/jobs", about="the job list").body
            self._listed = {job["id"]: job for job in jobs}
        return self._listed

    def job_ids(self, api: VendorApi) -> list[str]:
        # In the vendor's order: Get Jobs lists them as the file holds them.
        return list(self._list(api))

    def record(self, api: VendorApi, job_id: str) -> RecordedJob:
        # Get Job first: an unknown id is the vendor's own 404, named.
        detail = api.get(f"/jobs/{job_id}", about=f"job {job_id}").body
        job = dict(self._list(api).get(job_id) or detail)
        self._project_id = job.get("project_id") or job.get("projectId")
        job.pop("projectId", None)
        job["runs"] = [
            _run(api.get(f"/jobs/{job_id}/runs/{run_id}", about=f"run {run_id} of job {job_id}"))
            for run_id in self._run_ids(api, job_id)
        ]
        return RecordedJob(job_id, job)

    def _run_ids(self, api: VendorApi, job_id: str) -> list[str]:
        ids: list[str] = []
        page = 0
        while True:
            params = {"pageSize": PAGE, "pageNumber": page, "sortBy": "created_at,asc"}
            body = api.get(f"/jobs/{job_id}/runs", params, about=f"the runs of job {job_id}").body
            ids += [run["id"] for run in body["jobRuns"]]
            page += 1
            if page * PAGE >= body["totalCount"]:
                return ids

    def progress(self, api: VendorApi, job_id: str) -> Progress:
        params = {"pageSize": PAGE, "sortBy": "created_at,desc"}
        answer = api.get(f"/jobs/{job_id}/runs", params, about=f"the runs of job {job_id}")
        states = {run["id"]: run["status"] for run in answer.body["jobRuns"]}
        return Progress(states, not ACTIVE & set(states.values()), answer.at)

    def with_timeline(self, recorded: RecordedJob, seen: list[Seen]) -> RecordedJob:
        moved = {item.unit for item in seen if item.state in ACTIVE}
        runs = []
        for response in recorded.job["runs"]:
            run = dict(response["jobRun"])
            if run["id"] in moved:
                run = _with_timeline(run, [item for item in seen if item.unit == run["id"]])
            runs.append({**response, "jobRun": run})
        return RecordedJob(recorded.job_id, {**recorded.job, "runs": runs}, recorded.sections)

    def definitions(self, options: RecordOptions, _jobs: list[RecordedJob]) -> dict[str, Any]:
        if options.workspace is None or options.project is None:
            raise RecordError(f"{SLUG}: give --workspace and --project")
        project: dict[str, Any] = {"name": options.project, "workspace": options.workspace}
        if self._project_id:
            project["id"] = self._project_id
        return {
            "workspaces": [{"id": options.workspace, "keys": [DEFAULT_KEY]}],
            "projects": [project],
        }


def _run(answer: Answer) -> dict[str, Any]:
    """A Get Job Run answer as a fixture run. Without ``results`` it has none: the fixtures
    would make some up for a run that leaves them out."""
    response = dict(answer.body)
    response.setdefault("results", None)
    run = response["jobRun"]
    if run["status"] not in TERMINAL | ACTIVE and run.get("updated_at"):
        # Caught pausing or resuming: its status from the moment it was last changed.
        seen = Seen(run["id"], run["status"], timestamp(run["updated_at"]))
        response["jobRun"] = _with_timeline(run, [seen])
    return response


def _with_timeline(run: dict[str, Any], seen: list[Seen]) -> dict[str, Any]:
    """A run seen pending and then in its status, as a run whose timeline replays that."""
    created = timestamp(run["created_at"])
    steps: list[dict[str, Any]] = [{"status": "PENDING", "at": Span(0.0)}]
    status = run["status"]
    if status not in ACTIVE:
        end = run.get("end_time")
        at = timestamp(end) if end else seen[-1].at
        step: dict[str, Any] = {"status": status, "at": Span((at - created).total_seconds())}
        names = ("successful_runs", "failed_runs", "error") if status in TERMINAL else ()
        for name in (*names, "reason"):
            if run.get(name) is not None:
                step[name] = run[name]
        steps.append(step)
    kept = {
        name: value
        for name, value in run.items()
        if name
        not in {"status", "start_time", "end_time", "updated_at", "successful_runs", "failed_runs"}
        | {"error", "reason"}
    }
    return {**kept, "timeline": steps}
