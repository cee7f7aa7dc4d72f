"""shelf: a fifth vendor made for the tests, to show what a vendor is to core: a spec, a table
of operations (``operations.py``), a backend the control API drives, and fixtures. It is served
by registering its spec (``tests/test_fifth_vendor.py``); nothing in ``jobmock.core`` names it.

``GET /v1/jobs/{jobId}`` (with ``X-Shelf-Key: shelf_key``) answers ``{"id", "state"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jobmock.core.errors import BadRequest, NotFound, Unauthorized
from jobmock.core.vendor import VendorApp, VendorContext, VendorSpec

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "shelf_key"
SPEC = VendorSpec(
    slug="shelf",
    title="Shelf API",
    api_version="1.0",
    real_base_url="https://shelf.example/v1",
    base_path="/v1",
    module="tests.shelf",
    job_params=("jobId",),
    default_credentials=f"X-Shelf-Key: {KEY}",
)


class ShelfBackend:
    def __init__(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        self.jobs = {str(job["id"]): str(job["state"]) for job in jobs}

    def get_job(self, key: str | None, job_id: str) -> dict[str, str]:
        if key != KEY:
            raise Unauthorized("bad key")
        if job_id not in self.jobs:
            raise NotFound("no such job", reason="job")
        return {"id": job_id, "state": self.jobs[job_id]}

    # --- what the control API needs ---

    def add_job(self, doc: Mapping[str, Any]) -> str:
        if "id" not in doc or "state" not in doc:
            raise BadRequest("a shelf job needs an id and a state")
        self.jobs[str(doc["id"])] = str(doc["state"])
        return str(doc["id"])

    def job_ids(self, offset: int = 0) -> Iterable[str]:
        return list(self.jobs)[offset:]

    def job_count(self) -> int:
        return len(self.jobs)

    def delete_job(self, job_id: str) -> bool:
        return self.jobs.pop(job_id, None) is not None


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.asgi import build_vendor_app
    from jobmock.vendors.nunu.errors import render_error  # nunu's {"error": ...} shape will do
    from tests.shelf.operations import OPERATIONS

    jobs = [job for file in ctx.fixture_files() for job in file.data.get("jobs", [])]
    backend = ShelfBackend(jobs)
    app = build_vendor_app(SPEC, OPERATIONS, backend, render_error, description="", servers=[])
    return VendorApp(SPEC, app, backend, render_error, OPERATIONS)


def check_fixtures(directory: Path) -> str:
    from jobmock.core.fixtures import load_dir

    return f"{sum(len(f.data.get('jobs', [])) for f in load_dir(directory))} jobs"
