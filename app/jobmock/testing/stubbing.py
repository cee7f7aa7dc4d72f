"""The handle's verbs for stubs and scenarios (a mixin of ``MockHandle``): ``POST
/_mock/stubs`` and ``/_mock/scenarios`` from Python."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.control.service import Controller

_UNSET: Any = object()


class StubVerbs:
    """Needs the handle's ``_call``."""

    def _call(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        raise NotImplementedError

    def _stubs_call(
        self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """``_call`` for ``/stubs`` and ``/scenarios``: straight to ``control.stubs`` in process
        (a handle with a ``controller``), over HTTP otherwise."""
        controller: Controller | None = getattr(self, "controller", None)
        if controller is None:
            return self._call(method, path, body, params)
        from jobmock.control.stubs import StubControl
        from jobmock.core.errors import MockError
        from jobmock.testing.handle import JobmockError

        parts = path.removeprefix("/").split("/")
        try:
            return StubControl(controller).call(method, parts, body, params or {})
        except MockError as exc:
            raise JobmockError(exc.message, exc.status) from None

    def stub_next(
        self,
        vendor: str,
        operation: str | None = None,
        *,
        status: int | None = None,
        json: Any = _UNSET,
        body: str | None = None,
        patch: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        times: int | None = 1,
        job: str | None = None,
        path: str | None = None,
        method: str | None = None,
    ) -> dict[str, Any]:
        """The next ``times`` matching calls (every one if None) get exactly this answer
        (``json=`` any JSON value, ``body=`` text), or jobmock's own answer with ``patch`` (a
        JSON Patch) applied. Returns the stub as ``GET /_mock/stubs`` lists it (its ``id``)."""
        given = {
            "operation": operation,
            "status": status,
            "body": body,
            "patch": patch,
            "headers": headers,
            "job": job,
            "path": path,
            "method": method,
        }
        stub: dict[str, Any] = {"vendor": vendor, "times": times}
        stub.update({k: v for k, v in given.items() if v is not None})
        if json is not _UNSET:
            stub["json"] = json
        return dict(self._stubs_call("POST", "/stubs", stub))

    def stubs(self) -> list[dict[str, Any]]:
        """Every stub, with ``hits`` (calls answered) and ``exhausted``."""
        return list(self._stubs_call("GET", "/stubs")["stubs"])

    def remove_stub(self, stub_id: int) -> None:
        self._stubs_call("DELETE", f"/stubs/{stub_id}")

    def clear_stubs(self, vendor: str | None = None) -> None:
        self._stubs_call("DELETE", "/stubs", params={"vendor": vendor} if vendor else None)

    def scenarios(self, vendor: str) -> list[dict[str, Any]]:
        """The vendor's named scenarios (name, description, headers, faults)."""
        return list(self._stubs_call("GET", "/scenarios", params={"vendor": vendor})["scenarios"])

    def use_scenario(self, vendor: str, name: str | None) -> None:
        """Every job the vendor's clients create from now on follows scenario ``name`` (None:
        none); a client's ``X-Jobmock-Scenario`` header still wins. Until reset, which brings
        back the fixtures' default (``scenario:``), if any."""
        if name is None:
            self._stubs_call("DELETE", f"/scenarios/{vendor}")
        else:
            self._stubs_call("PUT", f"/scenarios/{vendor}", {"scenario": name})
