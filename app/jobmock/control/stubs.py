"""The control API's stubs and scenarios (``/_mock/stubs``, ``/_mock/scenarios``): the service,
shared by its routes and the in-process handle, and its router."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Query, Request
from starlette.responses import Response

from jobmock.control.models import NO_BODY, parse
from jobmock.control.service import locked
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fault_rules import why_unmatchable
from jobmock.core.scenarios import find, unknown
from jobmock.core.stubs import STUB_FIELDS, StubBook, StubSpec, book_of

if TYPE_CHECKING:
    from jobmock.control.service import Controller
    from jobmock.runtime import Runtime

SCENARIO_BODY = '{"scenario": NAME} (GET /_mock/scenarios?vendor= lists the names)'


class StubControl:
    """The operations behind ``/_mock/stubs`` and ``/_mock/scenarios``."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    @property
    def runtime(self) -> Runtime:
        return self.controller.runtime

    @property
    def book(self) -> StubBook:
        return book_of(self.runtime.store)

    @locked
    def add(self, body: Any) -> dict[str, Any]:
        if isinstance(body, Mapping) and body.get("vendor") is None:
            vendors = ", ".join(self.controller.runtime.vendors)
            raise BadRequest(f"'vendor' is required: one of {vendors}")
        spec = parse(StubSpec, body, STUB_FIELDS)
        vendor = self.controller.vendor(spec.vendor)
        matcher = spec.matcher()
        why = why_unmatchable(matcher, spec.vendor, vendor.spec.base_path, vendor.operations)
        if why is not None:
            raise BadRequest(f"{why[0]}: {why[1]}; the stub could never answer")
        return self.book.add(spec).describe()

    def described(self) -> list[dict[str, Any]]:
        return self.book.list()

    @locked
    def delete(self, stub_id: int) -> None:
        if not self.book.remove(stub_id):
            raise NotFound(f"no stub {stub_id}")

    @locked
    def clear(self, vendor: str | None = None) -> None:
        if vendor is not None:
            self.controller.vendor(vendor)
        self.book.clear(vendor)

    def scenarios(self, vendor: str | None) -> dict[str, Any]:
        if not vendor:
            served = ", ".join(self.controller.runtime.vendors)
            raise BadRequest(f"'vendor' is required (?vendor=): one of {served}")
        spec = self.controller.vendor(vendor).spec
        return {
            "vendor": vendor,
            "default": self.book.scenarios.get(vendor),
            "default_origin": self.book.origins.get(vendor),
            "scenarios": [s.describe() for s in spec.scenarios],
        }

    @locked
    def use(self, vendor: str, body: Any) -> dict[str, Any]:
        spec = self.controller.vendor(vendor).spec
        if body is NO_BODY or not isinstance(body, Mapping) or set(body) != {"scenario"}:
            raise BadRequest(f"expected {SCENARIO_BODY}")
        name = body["scenario"]
        if not isinstance(name, str) or find(spec.scenarios, name) is None:
            raise BadRequest(unknown(vendor, spec.scenarios, str(name)))
        self.book.use(vendor, name)
        return self.scenarios(vendor)

    @locked
    def forget(self, vendor: str) -> None:
        self.controller.vendor(vendor)
        self.book.forget(vendor)

    def call(self, method: str, parts: list[str], body: Any, params: Mapping[str, Any]) -> Any:
        """One operation by method and path (the in-process handle's way in); None: not ours."""
        match method, parts:
            case "POST", ["stubs"]:
                return self.add(body)
            case "GET", ["stubs"]:
                return {"stubs": self.described()}
            case "DELETE", ["stubs"]:
                return self.clear(params.get("vendor"))
            case "DELETE", ["stubs", stub_id] if stub_id.isdigit():
                return self.delete(int(stub_id))
            case "GET", ["scenarios"]:
                return self.scenarios(params.get("vendor"))
            case "PUT", ["scenarios", vendor]:
                return self.use(vendor, body)
            case "DELETE", ["scenarios", vendor]:
                return self.forget(vendor)
        return NotImplemented


def install_stubs(app: FastAPI, controller: Controller) -> None:
    """The routes on the control app itself (``include_router`` would hide them from the 405's
    ``Allow``)."""
    from jobmock.control.answers import json_response
    from jobmock.control.routes import JSON_BODY, body_of

    control = StubControl(controller)

    @app.post("/stubs", summary="Answer the next matching calls", openapi_extra=JSON_BODY)
    async def add_stub(request: Request) -> Response:
        return json_response(control.add(await body_of(request)), status=201)

    @app.get("/stubs", summary="The stubs, with how many calls each answered")
    async def list_stubs() -> Response:
        return json_response({"stubs": control.described()})

    @app.delete("/stubs", summary="Remove every stub (or one vendor's)", status_code=204)
    async def clear_stubs(vendor: Annotated[str | None, Query()] = None) -> Response:
        control.clear(vendor)
        return Response(status_code=204)

    @app.delete("/stubs/{stub_id}", summary="Remove one stub", status_code=204)
    async def delete_stub(stub_id: int) -> Response:
        control.delete(stub_id)
        return Response(status_code=204)

    @app.get("/scenarios", summary="A vendor's named scenarios, and its default")
    async def scenarios(vendor: Annotated[str | None, Query()] = None) -> Response:
        return json_response(control.scenarios(vendor))

    @app.put(
        "/scenarios/{vendor}",
        summary="Every job the vendor's clients create follows this scenario",
        openapi_extra=JSON_BODY,
    )
    async def use_scenario(vendor: str, request: Request) -> Response:
        return json_response(control.use(vendor, await body_of(request)))

    @app.delete("/scenarios/{vendor}", summary="New jobs follow no scenario", status_code=204)
    async def forget_scenario(vendor: str) -> Response:
        control.forget(vendor)
        return Response(status_code=204)
