"""shelf: a fifth vendor made for the tests, to show what a vendor is to core: a spec, a table
of operations (``operations.py``), a backend the control API drives, and fixtures. It is
served by registering its ``VENDOR`` (``tests/test_fifth_vendor.py``); nothing in
``jobmock.core`` names it.

``GET /v1/jobs/{jobId}`` (with ``X-Shelf-Key: shelf_key``) answers ``{"id", "state"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobmock.core.errors import BadRequest, NotFound, Unauthorized
from jobmock.core.vendor import Vendor, VendorApp, VendorContext, VendorSpec

if TYPE_CHECKING:
    from jobmock.core.export import FixtureReader
    from jobmock.core.fixture_files import LoadedFile

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "shelf_key"
SPEC = VendorSpec(
    slug="shelf",
    title="Shelf API",
    api_version="1.0",
    real_base_url="https://shelf.example/v1",
    base_path="/v1",
    job_params=("jobId",),
    default_credentials=f"X-Shelf-Key: {KEY}",
)


class ShelfCatalogue:
    """What the control API reads and changes: the jobs by id."""

    def __init__(self, jobs: dict[str, str]) -> None:
        self.jobs = jobs

    def add(self, doc: Mapping[str, Any]) -> str:
        if "id" not in doc or "state" not in doc:
            raise BadRequest("a shelf job needs an id and a state")
        self.jobs[str(doc["id"])] = str(doc["state"])
        return str(doc["id"])

    def ids(self, offset: int = 0) -> Iterator[str]:
        return iter(list(self.jobs)[offset:])

    def count(self) -> int:
        return len(self.jobs)

    def delete(self, job_id: str) -> bool:
        return self.jobs.pop(job_id, None) is not None


class ShelfBackend:
    def __init__(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        self.jobs = {str(job["id"]): str(job["state"]) for job in jobs}
        self.catalogue = ShelfCatalogue(self.jobs)

    def get_job(self, key: str | None, job_id: str) -> dict[str, str]:
        if key != KEY:
            raise Unauthorized("bad key")
        if job_id not in self.jobs:
            raise NotFound("no such job", reason="job")
        return {"id": job_id, "state": self.jobs[job_id]}


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.fastapi_app import build_vendor_app
    from jobmock.vendors.nunu.errors import render_error  # nunu's {"error": ...} shape will do
    from tests.shelf.operations import OPERATIONS

    backend = ShelfBackend(_jobs(ctx.fixture_files()))
    app = build_vendor_app(SPEC, OPERATIONS, backend, render_error, description="", servers=[])
    return VendorApp(SPEC, app, backend, render_error, OPERATIONS)


def _jobs(files: list[LoadedFile]) -> list[Mapping[str, Any]]:
    return [job for file in files for job in file.data.get("jobs", [])]


def fixture_reader() -> FixtureReader[Any, Any, Any]:
    from jobmock.core.export import FixtureReader

    def no_set(block: Any, data: Any) -> Any:
        raise AssertionError("shelf has no generated jobs")

    return FixtureReader(
        load=_jobs,
        load_sets=lambda data: [],
        describe=lambda data, sets: f"{len(data)} jobs",
        block=None,
        build_set=no_set,
        sections=(),
    )


VENDOR = Vendor(SPEC, create, fixture_reader)
