"""FastAPI plumbing shared by every vendor sub-app: error handlers that route every failure
(unknown route, wrong method, bad input, crash) through the vendor's renderer, and an OpenAPI
document that describes the vendor's API rather than FastAPI's defaults (no 422 anywhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRouter
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from jobmock.core.docs import install_docs
from jobmock.core.errors import (
    CRASH_KEY,
    BadRequest,
    MethodNotAllowed,
    MockError,
    NotFound,
    ServerError,
    error_for_status,
)

if TYPE_CHECKING:
    from starlette.types import Scope

    from jobmock.core.vendor import ErrorRenderer

SCHEMA_REF = "#/components/schemas/{model}"


def request_body(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON body that the handler reads itself.

    Handlers read bodies themselves so that auth runs before body validation, as on the real
    services; a FastAPI body parameter would answer 400 for bad JSON before checking the key.
    """
    ref = {"$ref": SCHEMA_REF.format(model=model.__name__)}
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": ref}}}}


def describe_validation(exc: RequestValidationError) -> str:
    """One readable sentence for a request that failed FastAPI's validation."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where, field = (loc[0], ".".join(loc[1:])) if loc else ("request", "")
        if err.get("type") == "json_invalid":
            parts.append("request body is not valid JSON")
            continue
        if err.get("type") == "missing" and where == "body" and not field:
            parts.append("request body is required")
            continue
        label = {
            "body": "body field",
            "query": "query parameter",
            "path": "path parameter",
            "header": "header",
        }.get(where, where)
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{label} '{field}': {message}" if field else f"{label}: {message}")
    return "; ".join(parts) or "invalid request"


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Every method ``routes`` have for the request's path, in a stable order. Starlette's 405
    names only the methods of the first route whose path matched (``GET`` for ``/runs``, though
    ``POST /runs`` exists)."""
    methods: set[str] = set()
    for route in routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route_methods
    order = {method: i for i, method in enumerate(_METHOD_ORDER)}
    return sorted(methods, key=lambda m: (order.get(m, len(order)), m))


def install_error_handlers(
    app: FastAPI, render: ErrorRenderer, routes: Sequence[BaseRoute] = ()
) -> None:
    """``routes``: the app's routes, for the ``Allow`` of a 405."""

    async def on_mock_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, MockError)
        return render(exc)

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render(BadRequest(describe_validation(exc), reason="validation"))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        err: MockError
        if exc.status_code == 404:
            err = NotFound("Not Found", reason="route")
        elif exc.status_code == 405:
            methods = allowed_methods(routes, request.scope)
            allow = ", ".join(methods) if methods else headers.get("Allow", "")
            err = MethodNotAllowed("Method Not Allowed", allow=allow, reason="route")
        else:
            err = error_for_status(exc.status_code, str(exc.detail), headers=headers, reason="http")
        return render(err)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # Starlette re-raises after sending this; the gate records the exception for the test,
        # and must do so before the 500 leaves (the test may look as soon as it has it).
        request.scope[CRASH_KEY] = exc
        return render(ServerError("Internal server error", reason="crash"))

    app.add_exception_handler(MockError, on_mock_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


def _strip_framework_defaults(schema: dict[str, Any]) -> dict[str, Any]:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("422", None)
    schemas = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return schema


def build_vendor_app(
    *,
    title: str,
    version: str,
    description: str,
    servers: list[dict[str, str]],
    routers: Iterable[APIRouter],
    render: ErrorRenderer,
    request_models: Iterable[type[BaseModel]] = (),
) -> FastAPI:
    app = FastAPI(
        title=title,
        version=version,
        description=description,
        servers=servers,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    install_docs(app)
    # A trailing slash is an unknown path to the vendors (each answers it with its own 404),
    # never Starlette's bare 307 redirect.
    app.router.redirect_slashes = False
    routers = list(routers)
    for router in routers:
        app.include_router(router)
    install_error_handlers(app, render, [route for router in routers for route in router.routes])

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                servers=app.servers,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in request_models:
                body = model.model_json_schema(ref_template=SCHEMA_REF)
                components.update(body.pop("$defs", {}))
                components[model.__name__] = body
            app.openapi_schema = _strip_framework_defaults(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
