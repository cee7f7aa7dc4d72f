"""The handle tests use to drive jobmock: the same verbs on an in-process app and on a remote
server (a container in CI), so one test suite runs against both."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from jobmock.core.clock import as_utc
from jobmock.core.errors import MockError


def _time(value: str) -> datetime:
    return as_utc(datetime.fromisoformat(value))


class JobmockError(RuntimeError):
    """The control API refused a request (bad input, unknown vendor or job)."""


class MockHandle(ABC):
    """Control verbs shared by every mode."""

    @abstractmethod
    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """Perform one control operation; raises JobmockError when refused."""

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/health"))

    def reset(self) -> None:
        """Back to the loaded fixtures and the start time."""
        self._call("POST", "/reset")

    def now(self) -> datetime:
        return _time(self._call("GET", "/clock")["now"])

    def clock_mode(self) -> str:
        return str(self._call("GET", "/clock")["mode"])

    def advance(self, duration: str | float) -> datetime:
        """Move the manual clock forward by ``"90s"``, ``"5m"``, ``"1h"`` or seconds."""
        return _time(self._call("POST", "/clock", {"advance": duration})["now"])

    def set_time(self, when: datetime | str) -> datetime:
        value = when.isoformat() if isinstance(when, datetime) else when
        return _time(self._call("POST", "/clock", {"set": value})["now"])

    def set_clock_mode(self, mode: str) -> None:
        self._call("POST", "/clock", {"mode": mode})

    def add_job(self, vendor: str, doc: dict[str, Any]) -> str:
        """Add one job in fixture format; returns its id."""
        return str(self._call("POST", f"/jobs/{vendor}", doc)["id"])

    def job_ids(self, vendor: str) -> list[str]:
        return list(self._call("GET", f"/jobs/{vendor}")["ids"])

    def delete_job(self, vendor: str, job_id: str) -> None:
        self._call("DELETE", f"/jobs/{vendor}/{job_id}")

    def requests(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
    ) -> list[dict[str, Any]]:
        """What clients sent, oldest first, with the status they got and the mock time."""
        params = {
            k: v
            for k, v in {"vendor": vendor, "method": method, "path": path, "job": job}.items()
            if v is not None
        }
        return list(self._call("GET", "/requests", params=params)["requests"])

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")


class InProcessHandle(MockHandle):
    """Drives an app built in this process, without HTTP."""

    def __init__(self, app: Any) -> None:
        from jobmock.main import JobmockApp

        if not isinstance(app, JobmockApp):
            raise TypeError("InProcessHandle needs an app made by jobmock.create_app()")
        self.app = app
        self.controller = app.controller

    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        c = self.controller
        parts = path.strip("/").split("/")
        try:
            match method, parts:
                case "GET", ["health"]:
                    return c.health()
                case "POST", ["reset"]:
                    return c.reset()
                case "GET", ["clock"]:
                    return c.clock()
                case "POST", ["clock"]:
                    return c.update_clock(json)
                case "POST", ["jobs", vendor]:
                    return c.add_job(vendor, json)
                case "GET", ["jobs", vendor]:
                    return {"ids": c.job_ids(vendor)}
                case "DELETE", ["jobs", vendor, job_id]:
                    return c.delete_job(vendor, job_id)
                case "GET", ["requests"]:
                    return {"requests": c.requests(**(params or {}))}
                case "DELETE", ["requests"]:
                    return c.clear_requests()
        except MockError as exc:
            raise JobmockError(exc.message) from None
        raise ValueError(f"no control operation {method} {path}")

    @property
    def crashes(self) -> list[BaseException]:
        return self.app.runtime.crashes


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
            raise JobmockError(f"{response.status_code}: {message}")
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def close(self) -> None:
        self._client.close()
