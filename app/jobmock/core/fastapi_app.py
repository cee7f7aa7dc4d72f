"""FastAPI plumbing shared by every vendor sub-app: error handlers that route every failure
(unknown route, wrong method, bad input, crash) through the vendor's renderer, and an OpenAPI
document that describes the vendor's API rather than FastAPI's defaults (no 422 anywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from inspect import Parameter, Signature
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Path, Request
from fastapi import Security as SecurityParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader, HTTPBearer
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
from jobmock.core.gate import vendor_path
from jobmock.core.operations import Call, Operation, OperationTable, Security, in_order

if TYPE_CHECKING:
    from starlette.types import Scope

    from jobmock.core.vendor import ErrorRenderer, VendorSpec

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


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Every method ``routes`` have for the request's path (the control API's ``Allow``)."""
    methods: set[str] = set()
    for route in routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route_methods
    return in_order(methods)


def install_error_handlers(
    app: FastAPI, render: ErrorRenderer, methods_on: Callable[[str], list[str]] | None = None
) -> None:
    """``methods_on``: the methods served on a path, for the ``Allow`` of a 405."""

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
            path = vendor_path(request.scope)
            methods = methods_on(path) if methods_on is not None else []
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


def add_route(app: FastAPI, op: Operation, backend: Any) -> None:
    """``op`` as a FastAPI route. The endpoint's signature declares what the OpenAPI document
    shows (path parameters, security); the handler reads the request through a ``Call``."""
    handler, auth, reads_body = op.handler, op.auth, op.body is not None
    # A change is one step of the state, also across processes sharing it (``jobmock.shared``):
    # a backend that keeps state holds its store.
    store = getattr(backend, "store", None) if op.method not in ("GET", "HEAD") else None

    async def endpoint(request: Request, **_: Any) -> Response:
        call = Call(request.scope, request.path_params)
        if auth is not None:
            call.principal = auth(backend, call)
        if reads_body:
            call.body = await request.body()
        if store is None:
            return handler(backend, call)
        with store.lock:
            return handler(backend, call)

    endpoint.__signature__ = Signature(  # type: ignore[attr-defined]
        [Parameter("request", Parameter.KEYWORD_ONLY, annotation=Request), *_documented(op)]
    )
    endpoint.__doc__ = handler.__doc__
    endpoint.__name__ = getattr(handler, "__name__", op.operation_id)
    extra = dict(op.openapi_extra)
    if op.body is not None:
        extra.update(request_body(op.body, op.body_required))
    more: dict[str, Any] = {"response_class": Response} if op.status_code == 204 else {}
    app.add_api_route(
        op.template,
        endpoint,
        methods=[op.method],
        response_model=op.response_model,
        status_code=op.status_code,
        tags=list(op.tags),
        operation_id=op.operation_id,
        summary=op.summary or None,
        responses={status: dict(answer) for status, answer in op.errors.items()} or None,
        openapi_extra=extra or None,
        include_in_schema=op.documented,
        **more,
    )


def _documented(op: Operation) -> list[Parameter]:
    params = [
        Parameter(
            param.name,
            Parameter.KEYWORD_ONLY,
            annotation=Annotated[
                str,
                Path(
                    description=param.description,
                    examples=list(param.examples) or None,
                    json_schema_extra=dict(param.schema) if param.schema else None,
                ),
            ],
        )
        for param in op.params
    ]
    if op.security is not None:
        scheme = SecurityParam(_scheme(op.security))
        annotation = Annotated[Any, scheme]
        params.append(Parameter("security_", Parameter.KEYWORD_ONLY, annotation=annotation))
    return params


def _scheme(security: Security) -> APIKeyHeader | HTTPBearer:
    # auto_error=False: the backend checks credentials, in the vendor's words.
    if security.kind == "api_key_header":
        return APIKeyHeader(name=security.name, auto_error=False)
    return HTTPBearer(auto_error=False, bearerFormat=security.name)


def build_vendor_app(
    spec: VendorSpec,
    table: OperationTable,
    backend: Any,
    render: ErrorRenderer,
    *,
    description: str,
    servers: list[dict[str, str]],
    then: Callable[[FastAPI], None] | None = None,
) -> FastAPI:
    """The vendor's FastAPI app: a route per operation of ``table``, its OpenAPI document;
    ``then`` is applied to it once built (prunner extends its OpenAPI document)."""
    app = FastAPI(
        title=spec.title,
        version=spec.api_version,
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
    for op in table:
        add_route(app, op, backend)
    install_error_handlers(app, render, table.allowed)
    request_models = list(dict.fromkeys(op.body for op in table if op.body is not None))

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
    if then is not None:
        then(app)
    return app
