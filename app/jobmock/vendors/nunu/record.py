"""Recording nunu jobs: each job document with its run's document, which nunu's fixtures take in
its own field names, and a followed job's status timeline."""

from __future__ import annotations

from typing import Any

from jobmock.core.export import Span
from jobmock.core.recording.api import VendorApi
from jobmock.core.recording.options import required, unused
from jobmock.core.recording.vendor import (
    Progress,
    RecordedJob,
    RecordOptions,
    Seen,
    timestamp,
)
from jobmock.vendors.nunu import SPEC

SLUG = SPEC.slug
#: The key the replaying jobmock takes: the mock's own, never the one recorded with.
REPLAY_KEY = "nunu_test_key"
DEFAULT_PROJECT = "test"
PAGE = 100


class NunuRecorder:
    personal = frozenset({"user_id", "key_id"})

    def connect(self, options: RecordOptions) -> VendorApi:
        unused(options, SLUG, "jwt_secret", "workspace")
        key = required(options.credential, SLUG, "the API key (sent as X-Api-Key) as --credential")
        base = options.base_url.rstrip("/")
        if options.project:
            base += f"/project/{options.project}"
        return VendorApi(SPEC.title, base, {"X-Api-Key": key}, options.timeout)

    def job_ids(self, api: VendorApi) -> list[str]:
        ids: list[str] = []
        page = 0
        while True:
            params = {"status": "all", "page": page, "page_size": PAGE}
            body = api.get("/jobs", params, about="the job list").body
            ids += [job["job_id"] for job in body["data"]]
            page += 1
            if page >= body["pagination"]["total_pages"]:
                return ids[::-1]

    def record(self, api: VendorApi, job_id: str) -> RecordedJob:
        job = api.get(f"/jobs/{job_id}", about=f"job {job_id}").body
        runs = [
            api.get(f"/runs/{run_id}", about=f"run {run_id} of job {job_id}").body
            for run_id in (run["multiplayer_run_id"] for run in job.get("runs") or [])
        ]
        return RecordedJob(job_id, job, {"runs": runs} if runs else {})

    def progress(self, api: VendorApi, job_id: str) -> Progress:
        answer = api.get(f"/jobs/{job_id}", about=f"job {job_id}")
        status = answer.body["status"]
        return Progress({"job": status}, status == "COMPLETED", answer.at)

    def with_timeline(self, recorded: RecordedJob, seen: list[Seen]) -> RecordedJob:
        job = dict(recorded.job)
        created = timestamp(job["created_at"])
        steps: list[dict[str, Any]] = []
        for item in seen:
            offset = max(0.0, (item.at - created).total_seconds()) if steps else 0.0
            steps.append({"status": item.state, "at": Span(offset)})
        run = (job.get("runs") or [{}])[0]
        if steps and run.get("result"):
            steps[-1]["result"] = run["result"]
        # The timeline gives the times; nunu's fixtures refuse a job that states both.
        for name in ("status", "completed_at"):
            job.pop(name, None)
        job["timeline"] = steps
        return RecordedJob(recorded.job_id, job, recorded.sections)

    def definitions(self, _options: RecordOptions, jobs: list[RecordedJob]) -> dict[str, Any]:
        projects = sorted({job.job["project_id"] for job in jobs} or {DEFAULT_PROJECT})
        if projects == [DEFAULT_PROJECT]:
            return {}
        return {
            "projects": [{"id": project} for project in projects],
            "keys": [{"key": REPLAY_KEY, "project": projects[0]}],
        }
