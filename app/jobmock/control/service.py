"""The operations behind the control API, shared by its HTTP routes and the in-process handle."""

from __future__ import annotations

import functools
import hmac
import itertools
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from jobmock import __version__
from jobmock.control.models import NO_BODY, ClockUpdate, RateLimitSwitch, SessionOpening, parse
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fault_rules import why_unmatchable
from jobmock.core.faults import FAULT_FIELDS, FaultSpec
from jobmock.core.vendor import VendorApp

if TYPE_CHECKING:
    from jobmock.runtime import Runtime


def no_route(method: str, path: str) -> str:
    """The refusal of a control request that names no operation (both modes say the same)."""
    return (
        f"the control API has no {method} {path} (a trailing slash or an empty segment is "
        "never dropped); GET /_mock/docs lists its operations"
    )


def token_matches(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries the control token (compared in constant
    time: the token guards a server others can reach)."""
    expected = f"Bearer {token}".encode()
    return hmac.compare_digest((authorization or "").encode(), expected)


TOKEN_NEEDED = "the control API needs 'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>'"

F = TypeVar("F", bound=Callable[..., Any])


class Serves(Protocol):
    """What ``locked`` needs of the object whose method it runs."""

    @property
    def runtime(self) -> Runtime: ...


def locked(method: F) -> F:
    """Run ``method`` under the store's lock: with a shared state (``jobmock.shared``) it reads
    what other processes changed first and shows them its own changes before it returns, and
    two control calls on two processes never interleave."""

    @functools.wraps(method)
    def run(self: Serves, *args: Any, **kwargs: Any) -> Any:
        with self.runtime.store.lock:
            return method(self, *args, **kwargs)

    return cast(F, run)


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
        from jobmock.core.fixture_files import FixtureError

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
        wanted = (
            SessionOpening()
            if body is NO_BODY or body is None
            else parse(SessionOpening, body, SessionOpening.ACCEPTED)
        )
        clock = wanted.clock
        from jobmock.core.fixture_files import FixtureError

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
        self.runtime.store.drop()

    @locked
    def clock(self) -> dict[str, Any]:
        clock = self.runtime.clock
        return {"now": clock.now().isoformat(), "mode": clock.mode, "scale": clock.scale}

    @locked
    def update_clock(self, body: Any) -> dict[str, Any]:
        """Applied in this order: ``scale``, ``mode`` or ``freeze``, ``set``, ``advance``; so
        ``{"set": t, "freeze": false, "scale": 60}`` runs at 60x from ``t``."""
        update = parse(ClockUpdate, body, ClockUpdate.ACCEPTED)
        clock = self.runtime.clock
        if update.advance is not None:
            try:
                (update.set or clock.now()) + timedelta(seconds=update.advance)
            except OverflowError:
                raise BadRequest(f"advance: {body['advance']!r} is beyond year 9999") from None
        # Everything is checked before anything moves: a refused request changes nothing.
        if update.scale is not None:
            clock.set_scale(update.scale)
        if update.mode is not None:
            clock.set_mode(update.mode)
        elif update.freeze is True:
            clock.set_mode("manual")
        elif update.freeze is False:
            clock.resume()
        if update.set is not None:
            clock.set(update.set)
        if update.advance is not None:
            clock.advance(update.advance)
        return self.clock()

    def add_job(self, slug: str, doc: Any) -> dict[str, Any]:
        self.vendor(slug)
        if doc is NO_BODY or not isinstance(doc, Mapping):
            raise BadRequest("expected one job as a JSON object, in the vendor's fixture format")
        job_id = self.vendor(slug).backend.catalogue.add(doc)
        return {"vendor": slug, "id": job_id}

    def job_ids(self, slug: str, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
        if offset < 0 or not 1 <= limit <= 100_000:
            raise BadRequest("offset must be 0 or more and limit between 1 and 100000")
        catalogue = self.vendor(slug).backend.catalogue
        ids = list(itertools.islice(catalogue.ids(offset), limit))
        return {"vendor": slug, "ids": ids, "total": catalogue.count(), "offset": offset}

    def delete_job(self, slug: str, job_id: str) -> None:
        if not self.vendor(slug).backend.catalogue.delete(job_id):
            raise NotFound(f"no {slug} job {job_id!r}")

    def requests(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        operation: str | None = None,
    ) -> list[dict[str, Any]]:
        if vendor is not None:
            self.vendor(vendor)
        if operation is not None:
            self._check_operation(vendor, operation, method)
        bases = {slug: v.spec.base_path for slug, v in self.runtime.vendors.items()}
        entries = self.runtime.store.journal.find(
            vendor=vendor, method=method, path=path, job=job, operation=operation, base_paths=bases
        )
        return [entry.to_dict() for entry in entries]

    def _check_operation(self, slug: str | None, operation: str, method: str | None) -> None:
        """A filter on an operation the vendor lacks could never match: refused, as a fault
        rule is."""
        if slug is None:
            raise BadRequest("'operation' needs 'vendor': operation ids are each vendor's own")
        vendor = self.vendor(slug)
        spec = FaultSpec(vendor=slug, operation=operation, method=method)
        why = why_unmatchable(spec, slug, vendor.spec.base_path, vendor.operations)
        if why is not None:
            raise BadRequest(f"{why[1]}; no request could match")

    def clear_requests(self) -> None:
        self.runtime.store.journal.clear()

    # --- faults and rate limits ----------------------------------------------------------------

    @locked
    def add_fault(self, body: Any) -> dict[str, Any]:
        spec = parse(FaultSpec, body, FAULT_FIELDS)
        if spec.vendor is None:
            raise BadRequest(f"'vendor' is required: one of {', '.join(self.runtime.vendors)}")
        vendor = self.vendor(spec.vendor)
        why = why_unmatchable(spec, spec.vendor, vendor.spec.base_path, vendor.operations)
        if why is not None:
            raise BadRequest(f"{why[0]}: {why[1]}; the rule could never fire")
        return self.runtime.faults.add(spec.vendor, spec).describe()

    @locked
    def faults(self) -> list[dict[str, Any]]:
        return self.runtime.faults.list()

    @locked
    def delete_fault(self, fault_id: int) -> None:
        if not self.runtime.faults.remove(fault_id):
            raise NotFound(f"no fault {fault_id}")

    @locked
    def clear_faults(self, vendor: str | None = None) -> None:
        if vendor is not None:
            self.vendor(vendor)
        self.runtime.faults.clear(vendor)

    @locked
    def rate_limits(self) -> dict[str, Any]:
        return {
            slug: {"enabled": limiter.enabled, "limit": limiter.rule.describe()}
            for slug, limiter in self.runtime.limiters.items()
        }

    @locked
    def set_rate_limits(self, body: Any) -> dict[str, Any]:
        switch = parse(RateLimitSwitch, body, RateLimitSwitch.ACCEPTED)
        slug = switch.vendor
        if slug is not None:
            self.vendor(slug)
            if slug not in self.runtime.limiters:
                limited = ", ".join(self.runtime.limiters) or "none of the served vendors"
                raise BadRequest(f"{slug} documents no rate limit (these do: {limited})")
        for name, limiter in self.runtime.limiters.items():
            if slug in (None, name):
                limiter.enabled = switch.enabled
        return self.rate_limits()
