"""The operations behind the control API, shared by its HTTP routes and the in-process handle."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from jobmock import __version__
from jobmock.core.clock import CLOCK_MODES, as_utc, check_scale
from jobmock.core.durations import parse_duration
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.faults import FaultSpec
from jobmock.core.fixtures import validate_document
from jobmock.core.vendor import VendorApp

if TYPE_CHECKING:
    from jobmock.main import Runtime


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    if not isinstance(value, str):
        raise BadRequest(f"'set' must be an ISO 8601 timestamp, got {value!r}")
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        raise BadRequest(f"'set' must be an ISO 8601 timestamp, got {value!r}") from None


CLOCK_FIELDS = "'advance', 'set', 'mode', 'freeze' or 'scale'"


class Controller:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def vendor(self, slug: str) -> VendorApp:
        vendor = self.runtime.vendors.get(slug)
        if vendor is None:
            served = ", ".join(self.runtime.vendors) or "none"
            raise NotFound(f"unknown vendor {slug!r}; this server emulates: {served}")
        return vendor

    def health(self) -> dict[str, Any]:
        runtime = self.runtime
        health = {
            "status": "ok",
            "version": __version__,
            "vendors": list(runtime.vendors),
            "base_paths": {slug: runtime.base_url("", slug) for slug in runtime.vendors},
        }
        if runtime.session is not None:
            health["session"] = runtime.session  # base paths are under /_session/NAME then
        return health

    def reset(self) -> dict[str, Any]:
        self.runtime.store.reset()
        return {"status": "ok", **self.clock()}

    def reload(self) -> dict[str, Any]:
        """Re-read the fixture files and serve them, as a restart would."""
        from jobmock.core.fixtures import FixtureError

        host = self.runtime.host
        if host is None:
            raise BadRequest("this app was not built by create_app() and cannot reload")
        try:
            runtime = host.reload(self.runtime.session)
        except FixtureError as exc:
            problems = "; ".join(str(problem) for problem in exc.problems)
            message = f"invalid fixtures, still serving the previous ones: {problems}"
            raise BadRequest(message) from None
        assert runtime.controller is not None
        return {"status": "ok", "vendors": list(runtime.vendors), **runtime.controller.clock()}

    def sessions(self) -> dict[str, Any]:
        host = self.runtime.host
        names = host.sessions.names() if host is not None else []
        limit = host.sessions.limit if host is not None else 0
        return {"session": self.runtime.session, "sessions": names, "limit": limit}

    def open_session(self, name: str, body: Any) -> dict[str, Any]:
        """A fresh session ``name``, in place of one of that name; ``{"clock": "manual"}`` gives
        it a clock of that mode (the server's otherwise)."""
        host = self.runtime.host
        if host is None:
            raise BadRequest("this app was not built by create_app() and holds no sessions")
        body = {} if body is None else body
        if not isinstance(body, Mapping) or set(body) - {"clock"}:
            raise BadRequest("expected a JSON object with optionally 'clock' ('real' or 'manual')")
        clock = body.get("clock")
        if clock is not None and clock not in CLOCK_MODES:
            raise BadRequest(f"'clock' must be 'real' or 'manual', got {clock!r}")
        from jobmock.core.fixtures import FixtureError

        try:
            runtime = host.open_session(name, clock)
        except FixtureError as exc:
            problems = "; ".join(str(problem) for problem in exc.problems)
            raise BadRequest(f"invalid fixtures: {problems}") from None
        assert runtime.controller is not None
        return {"session": name, **runtime.controller.clock()}

    def end_session(self) -> None:
        host, name = self.runtime.host, self.runtime.session
        if host is None or name is None:
            raise BadRequest(
                "this is the root, not a session: send DELETE /_session/NAME/_mock/session"
            )
        host.sessions.end(name)

    def clock(self) -> dict[str, Any]:
        clock = self.runtime.clock
        return {"now": clock.now().isoformat(), "mode": clock.mode, "scale": clock.scale}

    def update_clock(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Applied in this order: ``scale``, ``mode`` or ``freeze``, ``set``, ``advance``; so
        ``{"set": t, "freeze": false, "scale": 60}`` runs at 60x from ``t``."""
        if not isinstance(body, Mapping):
            raise BadRequest(f"expected a JSON object with {CLOCK_FIELDS}")
        unknown = set(body) - {"advance", "set", "mode", "freeze", "scale"}
        if unknown:
            raise BadRequest(f"unknown clock field(s) {sorted(unknown)}; use {CLOCK_FIELDS}")
        if not body:
            raise BadRequest(
                "expected one of 'advance' (e.g. \"90s\"), 'set' (ISO 8601), 'mode' "
                "('real' or 'manual'), 'freeze' (true or false) or 'scale' (e.g. 60)"
            )
        if "mode" in body and "freeze" in body:
            raise BadRequest("give 'mode' or 'freeze', not both")
        if "mode" in body and body["mode"] not in CLOCK_MODES:
            raise BadRequest(f"'mode' must be 'real' or 'manual', got {body['mode']!r}")
        if "freeze" in body and not isinstance(body["freeze"], bool):
            raise BadRequest(f"'freeze' must be true or false, got {body['freeze']!r}")
        when = parse_time(body["set"]) if "set" in body else None
        seconds: float | None = None
        if "advance" in body:
            try:
                seconds = parse_duration(body["advance"])
            except (ValueError, TypeError) as exc:
                raise BadRequest(f"'advance': {exc}") from None
        scale: float | None = None
        if "scale" in body:
            try:
                scale = check_scale(body["scale"])
            except ValueError as exc:
                raise BadRequest(f"'scale': {exc}") from None
        clock = self.runtime.clock
        if seconds is not None:
            try:
                (when or clock.now()) + timedelta(seconds=seconds)
            except OverflowError:
                raise BadRequest(f"'advance': {body['advance']!r} is beyond year 9999") from None
        # Everything is checked before anything moves: a refused request changes nothing.
        if scale is not None:
            clock.set_scale(scale)
        if "mode" in body:
            clock.set_mode(body["mode"])
        elif body.get("freeze") is True:
            clock.set_mode("manual")
        elif body.get("freeze") is False:
            clock.resume()
        if when is not None:
            clock.set(when)
        if seconds is not None:
            clock.advance(seconds)
        return self.clock()

    def add_job(self, slug: str, doc: Any) -> dict[str, Any]:
        if not isinstance(doc, Mapping):
            raise BadRequest("expected one job as a JSON object, in fixture format")
        job_id = self.vendor(slug).backend.add_job(doc)
        return {"vendor": slug, "id": job_id}

    def job_ids(self, slug: str, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
        if offset < 0 or not 1 <= limit <= 100_000:
            raise BadRequest("offset must be 0 or more and limit between 1 and 100000")
        backend = self.vendor(slug).backend
        ids = list(itertools.islice(backend.job_ids(offset), limit))
        return {"vendor": slug, "ids": ids, "total": backend.job_count(), "offset": offset}

    def delete_job(self, slug: str, job_id: str) -> None:
        if not self.vendor(slug).backend.delete_job(job_id):
            raise NotFound(f"no {slug} job {job_id!r}")

    def requests(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
    ) -> list[dict[str, Any]]:
        if vendor is not None:
            self.vendor(vendor)
        entries = self.runtime.store.journal.find(vendor=vendor, method=method, path=path, job=job)
        return [entry.to_dict() for entry in entries]

    def clear_requests(self) -> None:
        self.runtime.store.journal.clear()

    # --- faults and rate limits ----------------------------------------------------------------

    def add_fault(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, Mapping):
            raise BadRequest("expected one fault rule as a JSON object")
        spec = validate_document(FaultSpec, body)
        if spec.vendor is None:
            raise BadRequest(f"'vendor' is required: one of {', '.join(self.runtime.vendors)}")
        self.vendor(spec.vendor)
        return self.runtime.faults.add(spec.vendor, spec).describe()

    def faults(self) -> list[dict[str, Any]]:
        return self.runtime.faults.list()

    def delete_fault(self, fault_id: int) -> None:
        if not self.runtime.faults.remove(fault_id):
            raise NotFound(f"no fault {fault_id}")

    def clear_faults(self, vendor: str | None = None) -> None:
        if vendor is not None:
            self.vendor(vendor)
        self.runtime.faults.clear(vendor)

    def rate_limits(self) -> dict[str, Any]:
        return {
            slug: {"enabled": limiter.enabled, "limit": limiter.rule.describe()}
            for slug, limiter in self.runtime.limiters.items()
        }

    def set_rate_limits(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, Mapping) or not isinstance(body.get("enabled"), bool):
            raise BadRequest('expected {"enabled": true|false} and optionally "vendor"')
        slug = body.get("vendor")
        if slug is not None:
            self.vendor(slug)
            if slug not in self.runtime.limiters:
                raise BadRequest(f"{slug} documents no rate limit")
        for name, limiter in self.runtime.limiters.items():
            if slug in (None, name):
                limiter.enabled = body["enabled"]
        return self.rate_limits()
