"""The handle tests use to drive jobmock: the same verbs on an in-process app and on a remote
server (a container in CI), so one test suite runs against both."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jobmock.core.clock import as_utc
from jobmock.core.errors import MockError
from jobmock.core.polling import Clock, PollCheck, check_polling
from jobmock.testing.intercept_mixin import InterceptMixin
from jobmock.testing.records import RequestRecord
from jobmock.testing.stubbing import StubVerbs
from jobmock.testing.verify import VerifyMixin
from jobmock.testing.webhooks import WebhookVerbs

if TYPE_CHECKING:
    import httpx

    from jobmock.control.service import Controller
    from jobmock.main import JobmockApp

#: The base URL of in-process clients (no port: requests go straight into the app).
IN_PROCESS_URL = "http://jobmock"


def _time(value: str) -> datetime:
    return as_utc(datetime.fromisoformat(value))


class JobmockError(RuntimeError):
    """The control API refused a request (bad input, unknown vendor or job)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status of the refusal (400, 404, ...)."""


class MockHandle(InterceptMixin, VerifyMixin, WebhookVerbs, StubVerbs, ABC):
    """Control verbs shared by every mode."""

    url: str = IN_PROCESS_URL

    @abstractmethod
    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """Perform one control operation; raises JobmockError when refused."""

    # --- server ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/health"))

    def base_url(self, vendor: str) -> str:
        """What a client of ``vendor`` sets as its base URL to reach this jobmock."""
        paths = self.health()["base_paths"]
        if vendor not in paths:
            raise JobmockError(
                f"unknown vendor {vendor!r}; this server emulates: {', '.join(paths)}"
            )
        return f"{self.url.rstrip('/')}{paths[vendor]}"

    def reset(self) -> None:
        """Back to the loaded fixtures and the start time; faults and the journal are cleared."""
        self._call("POST", "/reset")

    def sessions(self) -> list[str]:
        """The names of the sessions the server holds (``/_session/NAME/``)."""
        return list(self._call("GET", "/sessions")["sessions"])

    def open_session(self, name: str, clock: str | None = None) -> dict[str, Any]:
        """Make a fresh session ``name`` on the server (in place of one of that name), its clock
        in mode ``clock`` (``"manual"`` or ``"real"``; the server's by default). Drive it with a
        handle on ``url + "/_session/" + name``."""
        return dict(self._call("PUT", f"/sessions/{name}", {"clock": clock} if clock else None))

    def end_session(self) -> bool:
        """End the session this handle drives (its URL ends in ``/_session/NAME``); False if
        there was none to end (never made, or already ended)."""
        try:
            self._call("DELETE", "/session")
        except JobmockError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def reload(self) -> dict[str, Any]:
        """Re-read the fixture files and serve them, as a restart would; bad fixtures raise
        JobmockError (naming file, line and field) and the server keeps the previous ones."""
        return dict(self._call("POST", "/reload"))

    # --- clock -------------------------------------------------------------------------------

    def now(self) -> datetime:
        return _time(self._call("GET", "/clock")["now"])

    def clock_mode(self) -> str:
        return str(self._call("GET", "/clock")["mode"])

    def clock_scale(self) -> float:
        return float(self._call("GET", "/clock")["scale"])

    def advance(self, duration: str | float) -> datetime:
        """Move the clock forward by ``"90s"``, ``"5m"``, ``"1h"`` or seconds (a running clock
        jumps ahead and runs on from there)."""
        return _time(self._call("POST", "/clock", {"advance": duration})["now"])

    def set_time(self, when: datetime | str) -> datetime:
        value = when.isoformat() if isinstance(when, datetime) else when
        return _time(self._call("POST", "/clock", {"set": value})["now"])

    def set_clock_mode(self, mode: str) -> None:
        """``"manual"`` freezes the clock where it is; ``"real"`` puts it back on wall time."""
        self._call("POST", "/clock", {"mode": mode})

    def freeze(self) -> datetime:
        """Stop the clock where it is (the manual mode)."""
        return _time(self._call("POST", "/clock", {"freeze": True})["now"])

    def resume(self, scale: float | None = None) -> datetime:
        """Let a frozen clock run on from where it stands, ``scale`` times as fast as wall time
        if given."""
        body: dict[str, Any] = {"freeze": False}
        if scale is not None:
            body["scale"] = scale
        return _time(self._call("POST", "/clock", body)["now"])

    def set_clock_scale(self, scale: float) -> None:
        """Run the clock ``scale`` times as fast as wall time from now on."""
        self._call("POST", "/clock", {"scale": scale})

    # --- jobs --------------------------------------------------------------------------------

    def add_job(self, vendor: str, doc: dict[str, Any]) -> str:
        """Add one job in fixture format; returns its id."""
        return str(self._call("POST", f"/jobs/{vendor}", doc)["id"])

    def job_ids(self, vendor: str, offset: int = 0, limit: int = 1000) -> list[str]:
        """Job ids: fixtures and client-made jobs first, then generated ones (paged)."""
        params = {"offset": offset, "limit": limit}
        return list(self._call("GET", f"/jobs/{vendor}", params=params)["ids"])

    def delete_job(self, vendor: str, job_id: str) -> None:
        self._call("DELETE", f"/jobs/{vendor}/{job_id}")

    # --- journal -----------------------------------------------------------------------------

    def requests(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
    ) -> list[RequestRecord]:
        """What clients sent, oldest first, with the status they got and the mock time (``at``)."""
        return [RequestRecord.from_dict(e) for e in self._journal(vendor, method, path, job)]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def polls(self, vendor: str, job: str) -> list[RequestRecord]:
        """The reads of one job, oldest first."""
        polls = check_polling(self._journal(vendor=vendor, job=job), vendor, job).polls
        return [RequestRecord.from_dict(poll) for poll in polls]

    def assert_polled(
        self,
        vendor: str,
        job: str,
        *,
        times: int | None = None,
        min_times: int | None = None,
        max_times: int | None = None,
        min_interval: str | float | None = None,
        stops_when_terminal: bool = True,
        honours_retry_after: bool = True,
        clock: Clock | None = None,
    ) -> PollCheck:
        """Fail (AssertionError, with the poll timeline) unless the client polled ``job`` well.

        ``clock``: measure intervals on the mock clock (the default when it is manual) or in
        real time.
        """
        if clock is None:
            clock = "mock" if self.clock_mode() == "manual" else "real"
        check = check_polling(
            self._journal(vendor=vendor, job=job),
            vendor,
            job,
            times=times,
            min_times=min_times,
            max_times=max_times,
            min_interval=min_interval,
            stops_when_terminal=stops_when_terminal,
            honours_retry_after=honours_retry_after,
            clock=clock,
        )
        if not check.ok:
            raise AssertionError(check.message())
        return check

    # --- faults ------------------------------------------------------------------------------

    def add_fault(self, vendor: str, **rule: Any) -> int:
        """Add a fault rule (see ``POST /_mock/faults``); returns its id."""
        return int(self._call("POST", "/faults", {"vendor": vendor, **rule})["id"])

    def fail_next(
        self,
        vendor: str,
        path: str | None = None,
        operation: str | None = None,
        status: int = 500,
        times: int | None = 1,
        retry_after: float | None = None,
        delay: float | str | None = None,
        drop: bool = False,
        *,
        job: str | None = None,
        method: str | None = None,
        message: str | None = None,
    ) -> int:
        """The next ``times`` matching requests (every one if None) fail with ``status`` in the
        vendor's own error envelope, or with a dropped connection (``drop``)."""
        rule: dict[str, Any] = {
            "path": path,
            "operation": operation,
            "times": times,
            "retry_after": retry_after,
            "delay": delay,
            "job": job,
            "method": method,
            "message": message,
        }
        if drop:
            rule["drop"] = True
        else:
            rule["status"] = status
        return self.add_fault(
            vendor, **{k: v for k, v in rule.items() if v is not None or k == "times"}
        )

    def faults(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/faults")["faults"])

    def remove_fault(self, fault_id: int) -> None:
        self._call("DELETE", f"/faults/{fault_id}")

    def clear_faults(self, vendor: str | None = None) -> None:
        self._call("DELETE", "/faults", params={"vendor": vendor} if vendor else None)

    def rate_limits(self) -> dict[str, Any]:
        return dict(self._call("GET", "/rate-limits"))

    def set_rate_limits(self, enabled: bool, vendor: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"enabled": enabled}
        if vendor is not None:
            body["vendor"] = vendor
        return dict(self._call("POST", "/rate-limits", body))

    # --- clients -----------------------------------------------------------------------------

    def client(self, vendor: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client for ``vendor``'s base URL (or the server root)."""
        import httpx

        base = self.base_url(vendor) if vendor else self.url
        return httpx.Client(base_url=base, **kwargs)


class InProcessHandle(MockHandle):
    """Drives an app built in this process, without HTTP."""

    def __init__(self, app: Any, url: str = IN_PROCESS_URL) -> None:
        from jobmock.main import JobmockApp

        if not isinstance(app, JobmockApp):
            raise TypeError("InProcessHandle needs an app made by jobmock.create_app()")
        self.app: JobmockApp = app
        self.url = url

    @property
    def controller(self) -> Controller:
        return self.app.controller  # read each time: a reload replaces it

    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        from jobmock.control.service import no_route

        c = self.controller
        parts = path.removeprefix("/").split("/")
        params = params or {}
        if "" in parts:  # as over HTTP: a trailing slash or empty segment names no operation
            raise JobmockError(no_route(method, f"/_mock{path}"), 404)
        try:
            match method, parts:
                case "GET", ["health"]:
                    return c.health()
                case "POST", ["reset"]:
                    return c.reset()
                case "POST", ["reload"]:
                    return c.reload()
                case "DELETE", ["session"]:
                    return c.end_session()
                case "GET", ["sessions"]:
                    return c.sessions()
                case "PUT", ["sessions", name]:
                    return c.open_session(name, json)
                case "GET", ["clock"]:
                    return c.clock()
                case "POST", ["clock"]:
                    return c.update_clock(json)
                case "POST", ["jobs", vendor]:
                    return c.add_job(vendor, json)
                case "GET", ["jobs", vendor]:
                    return c.job_ids(
                        vendor, int(params.get("offset", 0)), int(params.get("limit", 1000))
                    )
                case "DELETE", ["jobs", vendor, job_id]:
                    return c.delete_job(vendor, job_id)
                case "GET", ["requests"]:
                    return {"requests": c.requests(**params)}
                case "DELETE", ["requests"]:
                    return c.clear_requests()
                case "POST", ["faults"]:
                    return c.add_fault(json)
                case "GET", ["faults"]:
                    return {"faults": c.faults()}
                case "DELETE", ["faults"]:
                    return c.clear_faults(params.get("vendor"))
                case "DELETE", ["faults", fault_id]:
                    return c.delete_fault(int(fault_id))
                case "GET", ["rate-limits"]:
                    return c.rate_limits()
                case "POST", ["rate-limits"]:
                    return c.set_rate_limits(json)
        except MockError as exc:
            raise JobmockError(exc.message, exc.status) from None
        raise JobmockError(no_route(method, f"/_mock{path}"), 404)

    @property
    def crashes(self) -> list[BaseException]:
        """Exceptions raised inside the mock while serving (bugs in jobmock, not your client)."""
        return self.app.runtime.crashes

    def client(self, vendor: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client routed straight into the app (no port) unless this handle has one."""
        if self.url != IN_PROCESS_URL:
            return super().client(vendor, **kwargs)
        import httpx

        from jobmock.testing.transport import JobmockTransport

        base = self.base_url(vendor) if vendor else self.url
        return httpx.Client(base_url=base, transport=JobmockTransport(self.app), **kwargs)

    def transport(self) -> httpx.BaseTransport:
        """A sync httpx transport into the app, for clients that take an ``httpx.Client``."""
        from jobmock.testing.transport import JobmockTransport

        return JobmockTransport(self.app)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        from jobmock.testing.transport import AsyncJobmockTransport

        return AsyncJobmockTransport(self.app)


class RemoteHandle(MockHandle):
    """Drives a jobmock server over HTTP (its ``/_mock`` control API)."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0) -> None:
        import httpx

        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=f"{self.url}/_mock", headers=headers, timeout=timeout)

    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        response = self._client.request(method, path, json=json, params=params)
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise JobmockError(f"{response.status_code}: {message}", response.status_code)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def close(self) -> None:
        self._client.close()
