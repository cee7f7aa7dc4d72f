"""Control endpoints for looking inside a running jobmock (what the dashboard reads; scripts can
read the same): jobs with their state and course on the mock clock, one job's document and the
polls clients made of it, each vendor's operations, the journal newest first with filters, and a
long poll that answers when something changed.

Everything here reads; nothing counts as a client's request (no poll is recorded, nothing is
journaled), and nothing runs on the vendors' request path.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.inspection import InspectsJobs, JobInspection

if TYPE_CHECKING:
    from jobmock.control.service import Controller
    from jobmock.core.journal import JournalEntry

#: Jobs one listing answers at most; and ids a listing filtered by state reads at most before
#: answering (the page asks again from ``next_offset``): a million generated jobs are never read
#: in one request.
MAX_PAGE = 200
MAX_SCAN = 5000
#: The longest a ``GET /changes`` waits, and how often it looks (seconds of real time).
MAX_WAIT = 25.0
LOOK_EVERY = 0.2
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


def _int(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return value


def _only(query: Mapping[str, str], *names: str) -> None:
    unknown = sorted(set(query) - set(names))
    if unknown:
        raise BadRequest(
            f"unknown parameter {unknown[0]!r}; this endpoint takes {', '.join(names)}"
        )


def _status_matches(wanted: str, status: int) -> bool:
    return str(status) == wanted or (wanted in STATUS_CLASSES and status // 100 == int(wanted[0]))


def _check_status(wanted: str | None) -> None:
    if wanted is not None and not (
        wanted in STATUS_CLASSES or (wanted.isdigit() and 100 <= int(wanted) <= 599)
    ):
        raise BadRequest(
            f"status must be a code from 100 to 599 or a class like 4xx, not {wanted!r}"
        )


class Inspector:
    """The reads behind the routes, on one app's controller."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    def _inspector(self, slug: str) -> InspectsJobs:
        backend = self.controller.vendor(slug).backend
        if not isinstance(backend, InspectsJobs):
            raise BadRequest(
                f"{slug} does not describe its jobs to the control API (its backend has no "
                f"inspect()); GET /_mock/jobs/{slug} lists their ids"
            )
        return backend

    def _now(self) -> datetime:
        return self.controller.runtime.clock.now()

    def jobs(self, slug: str, query: Mapping[str, str]) -> dict[str, Any]:
        _only(query, "offset", "limit", "state")
        backend = self._inspector(slug)
        catalogue = self.controller.vendor(slug).backend.catalogue
        offset = _int(query, "offset", 0, 0, 10**12)
        limit = _int(query, "limit", 50, 1, MAX_PAGE)
        state = query.get("state")
        now = self._now()
        found: list[dict[str, Any]] = []
        scanned = 0
        ids = catalogue.ids(offset)
        for job_id in itertools.islice(ids, MAX_SCAN if state else limit):
            scanned += 1
            inspection = backend.inspect(job_id)
            if inspection is None:
                if state is None:
                    found.append({"id": job_id, "state": None})
            elif state is None or inspection.state == state:
                found.append(inspection.summary(now))
            if len(found) == limit:
                break
        more = next(ids, None) is not None
        return {
            "vendor": slug,
            "now": now.isoformat(),
            "total": catalogue.count(),
            "offset": offset,
            "next_offset": offset + scanned if more else None,
            "jobs": found,
        }

    def job(self, slug: str, job_id: str) -> dict[str, Any]:
        inspection = self._inspector(slug).inspect(job_id)
        if inspection is None:
            raise NotFound(f"no {slug} job {job_id!r} (or a client can no longer read it)")
        now = self._now()
        document = inspection.document()
        try:
            parsed: Any = json.loads(document)
        except ValueError:
            parsed = document.decode("utf-8", "replace")
        return {
            "vendor": slug,
            "now": now.isoformat(),
            **inspection.summary(now),
            "document": parsed,
            "polls": self.polls(slug, inspection),
        }

    def polls(self, slug: str, inspection: JobInspection) -> list[dict[str, Any]]:
        """The requests that read the job (journaled with its id), oldest first, each with the
        mock-clock seconds since the one before."""
        names = {inspection.job_id, *inspection.journal_ids}
        polls: list[dict[str, Any]] = []
        previous: datetime | None = None
        for entry in self.controller.runtime.store.journal:
            if entry.vendor != slug or entry.job not in names:
                continue
            at = datetime.fromisoformat(entry.at)
            polls.append(
                {
                    "seq": entry.seq,
                    "at": entry.at,
                    "operation": entry.operation,
                    "status": entry.status,
                    "state": entry.state,
                    "fault": entry.fault,
                    "interval": (at - previous).total_seconds() if previous else None,
                }
            )
            previous = at
        return polls

    def vendors(self) -> dict[str, Any]:
        runtime = self.controller.runtime
        root = f"/_session/{runtime.session}" if runtime.session is not None else ""
        single = runtime.single_vendor
        return {
            "session": runtime.session,
            "vendors": [
                {
                    "slug": slug,
                    "title": vendor.spec.title,
                    "api_version": vendor.spec.api_version,
                    "real_base_url": vendor.spec.real_base_url,
                    "base_path": runtime.base_url(root, slug),
                    "docs": f"{root}/docs" if single == slug else f"{root}/{slug}/docs",
                    "credentials": vendor.spec.default_credentials,
                    "jobs": vendor.backend.catalogue.count(),
                }
                for slug, vendor in runtime.vendors.items()
            ],
        }

    def operations(self, slug: str) -> dict[str, Any]:
        vendor = self.controller.vendor(slug)
        return {
            "vendor": slug,
            "operations": [
                {"id": op.operation_id, "method": op.method, "path": op.template}
                for op in vendor.operations.operations
            ],
        }

    def journal(self, query: Mapping[str, str]) -> dict[str, Any]:
        _only(query, "vendor", "status", "job", "operation", "after", "limit")
        vendor, status = query.get("vendor"), query.get("status")
        if vendor is not None:
            self.controller.vendor(vendor)
        _check_status(status)
        after = _int(query, "after", 0, 0, 10**12)
        limit = _int(query, "limit", 100, 1, 1000)
        journal = self.controller.runtime.store.journal
        entries = journal.find(
            vendor=vendor, job=query.get("job"), operation=query.get("operation")
        )
        chosen: list[JournalEntry] = []
        for entry in reversed(entries):
            if entry.seq <= after or len(chosen) == limit:
                break
            if status is None or _status_matches(status, entry.status):
                chosen.append(entry)
        return {"last": journal.seq, "requests": [entry.to_dict() for entry in chosen]}

    def version(self) -> str:
        """Changes whenever something the dashboard shows does, besides a running clock."""
        runtime = self.controller.runtime
        clock = runtime.clock
        faults = [(f["id"], f["matched"], f["fired"]) for f in runtime.faults.list()]
        counts = [v.backend.catalogue.count() for v in runtime.vendors.values()]
        parts = (
            runtime.store.journal.seq,
            clock.mode,
            clock.scale,
            clock.now().isoformat() if clock.mode == "manual" else "",
            faults,
            counts,
            runtime.store.epoch.isoformat(),
            self.controller.sessions()["sessions"],
        )
        return str(hash(json.dumps(parts)) & 0xFFFFFFFF)

    async def changes(self, query: Mapping[str, str]) -> dict[str, Any]:
        _only(query, "version", "wait")
        raw = query.get("wait", "0")
        try:
            wait = float(raw)
        except ValueError:
            wait = -1.0
        if not 0 <= wait <= MAX_WAIT:
            raise BadRequest(f"wait must be seconds from 0 to {MAX_WAIT:g}, not {raw!r}")
        seen = query.get("version")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        current = self.version()
        while current == seen and loop.time() < deadline:
            await asyncio.sleep(LOOK_EVERY)
            current = self.version()
        return {"version": current}


def install_inspect(app: FastAPI, controller: Controller) -> None:
    """The routes on the control app (on it, not through ``include_router``: the 405's ``Allow``
    reads the app's own routes)."""
    inspector = Inspector(controller)
    router = app.router

    def answer(data: Any) -> Response:
        return Response(json.dumps(data).encode(), media_type="application/json")

    @router.get("/inspect/{vendor}/jobs", summary="The vendor's jobs with state and course, paged")
    async def jobs(vendor: str, request: Request) -> Response:
        return answer(inspector.jobs(vendor, request.query_params))

    @router.get("/inspect/{vendor}/jobs/{job_id}", summary="One job: document and polls")
    async def job(vendor: str, job_id: str) -> Response:
        return answer(inspector.job(vendor, job_id))

    @router.get("/vendors", summary="The served vendors: base paths, credentials, job counts")
    async def vendors() -> Response:
        return answer(inspector.vendors())

    @router.get("/operations/{vendor}", summary="The vendor's operation ids (for fault rules)")
    async def operations(vendor: str) -> Response:
        return answer(inspector.operations(vendor))

    @router.get("/journal", summary="What clients sent, newest first, filtered")
    async def journal(request: Request) -> Response:
        return answer(inspector.journal(request.query_params))

    @router.get("/changes", summary="Answers when what the dashboard shows has changed")
    async def changes(request: Request) -> Response:
        return answer(await inspector.changes(request.query_params))
