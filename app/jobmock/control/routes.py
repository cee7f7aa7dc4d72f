"""HTTP routes of the control API; each one is a thin wrapper over ``Controller``, which checks
every value (bodies through ``control.models``)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from jobmock import __version__
from jobmock.control.answers import json_response, render_error
from jobmock.control.dashboard import install_dashboard, is_ui_path
from jobmock.control.har_routes import install_har
from jobmock.control.inspect import install_inspect
from jobmock.control.models import read_json
from jobmock.control.service import TOKEN_NEEDED, Controller, no_route, token_matches
from jobmock.control.stubs import install_stubs
from jobmock.control.webhooks import add_routes as add_webhook_routes
from jobmock.control.webhooks import is_public
from jobmock.core.docs import ASSET_ROUTE, asset_response, install_docs
from jobmock.core.errors import MethodNotAllowed, NotFound, Unauthorized
from jobmock.core.fastapi_app import allowed_methods, install_error_handlers


async def body_of(request: Request) -> Any:
    """The body as JSON, whatever its content type (``curl -d`` sends a form type)."""
    return read_json(await request.body())


#: Documents a JSON body the handler reads itself, for /_mock/docs.
JSON_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {}}}}}


def create_control_app(controller: Controller) -> FastAPI:
    app = FastAPI(
        title="jobmock control API",
        version=__version__,
        description="Reset, move the clock, add jobs and read back what clients sent.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    # A trailing slash is a path of its own here, answered by the 404 below, never a redirect.
    app.router.redirect_slashes = False
    install_error_handlers(app, render_error)
    install_docs(app)
    framework = app.exception_handlers[StarletteHTTPException]

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return render_error(NotFound(no_route(request.method, request.url.path)))
        if exc.status_code == 405:
            allow = ", ".join(allowed_methods(app.router.routes, request.scope))
            message = f"{request.url.path} takes {allow}, not {request.method}"
            return render_error(MethodNotAllowed(message, allow=allow))
        answer = framework(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, on_http)
    token = controller.runtime.settings.control_token

    if token:

        @app.middleware("http")
        async def require_token(request: Request, call_next: Any) -> Response:
            # Only the health route itself (a job id "health" does not open the rest), and the
            # docs assets for every docs page, which cannot send a token; and the dashboard's
            # files, whose page asks for the token.
            route = request.scope["path"].removeprefix(request.scope.get("root_path", ""))
            public = is_public(request.method, route) or is_ui_path(route)
            if route == "/health" or route.startswith(ASSET_ROUTE + "/") or public:
                return await call_next(request)  # type: ignore[no-any-return]
            if not token_matches(request.headers.get("authorization"), token):
                return render_error(Unauthorized(TOKEN_NEEDED))
            return await call_next(request)  # type: ignore[no-any-return]

    @app.get("/health", summary="Liveness and what this server emulates")
    async def health() -> Response:
        return json_response(controller.health())

    @app.post("/reset", summary="Back to the loaded fixtures and the start time")
    async def reset() -> Response:
        return json_response(controller.reset())

    @app.post("/reload", summary="Re-read the fixture files and serve them, as a restart would")
    async def reload() -> Response:
        return json_response(controller.reload())

    @app.get("/sessions", summary="The sessions this server holds (/_session/NAME/...)")
    async def sessions() -> Response:
        return json_response(controller.sessions())

    @app.put("/sessions/{name}", summary="A fresh session NAME, optionally on its own clock mode")
    async def open_session(name: str, request: Request) -> Response:
        body = await body_of(request)
        # Building a session loads its fixtures (~0.1 s): off the event loop.
        return json_response(await asyncio.to_thread(controller.open_session, name, body))

    @app.delete("/session", summary="End this session (under /_session/NAME)", status_code=204)
    async def end_session() -> Response:
        controller.end_session()
        return Response(status_code=204)

    @app.api_route(ASSET_ROUTE + "/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def docs_asset(name: str, request: Request) -> Response:
        return asset_response(name, request.headers.get("if-none-match"))

    @app.get("/clock", summary="The mock clock")
    async def get_clock() -> Response:
        return json_response(controller.clock())

    @app.post("/clock", summary="Advance, set or switch the mock clock", openapi_extra=JSON_BODY)
    async def post_clock(request: Request) -> Response:
        # In a thread: a move delivers the webhooks it crosses, maybe to this very server.
        body = await body_of(request)
        return json_response(await asyncio.to_thread(controller.update_clock, body))

    @app.get("/jobs/{vendor}", summary="Ids of the vendor's jobs (``limit`` at a time)")
    async def list_jobs(
        vendor: str,
        offset: Annotated[int, Query()] = 0,
        limit: Annotated[int, Query()] = 1000,
    ) -> Response:
        return json_response(controller.job_ids(vendor, offset, limit))

    @app.post(
        "/jobs/{vendor}",
        summary="Add a job, given in fixture format",
        status_code=201,
        openapi_extra=JSON_BODY,
    )
    async def add_job(vendor: str, request: Request) -> Response:
        return json_response(controller.add_job(vendor, await body_of(request)), status=201)

    @app.delete("/jobs/{vendor}/{job_id}", summary="Remove a job", status_code=204)
    async def delete_job(vendor: str, job_id: str) -> Response:
        controller.delete_job(vendor, job_id)
        return Response(status_code=204)

    install_har(app, controller)

    @app.get("/requests", summary="What clients sent, oldest first")
    async def requests(
        vendor: Annotated[str | None, Query()] = None,
        method: Annotated[str | None, Query()] = None,
        path: Annotated[str | None, Query()] = None,
        job: Annotated[str | None, Query()] = None,
        operation: Annotated[str | None, Query()] = None,
    ) -> Response:
        found = controller.requests(vendor, method, path, job, operation)
        return json_response({"requests": found})

    @app.delete("/requests", summary="Forget the journal", status_code=204)
    async def clear_requests() -> Response:
        controller.clear_requests()
        return Response(status_code=204)

    @app.post("/faults", summary="Inject a fault", status_code=201, openapi_extra=JSON_BODY)
    async def add_fault(request: Request) -> Response:
        return json_response(controller.add_fault(await body_of(request)), status=201)

    @app.get("/faults", summary="The fault rules, with how often each matched and fired")
    async def list_faults() -> Response:
        return json_response({"faults": controller.faults()})

    @app.delete("/faults", summary="Remove every fault rule (or one vendor's)", status_code=204)
    async def clear_faults(vendor: Annotated[str | None, Query()] = None) -> Response:
        controller.clear_faults(vendor)
        return Response(status_code=204)

    @app.delete("/faults/{fault_id}", summary="Remove one fault rule", status_code=204)
    async def delete_fault(fault_id: int) -> Response:
        controller.delete_fault(fault_id)
        return Response(status_code=204)

    @app.get("/rate-limits", summary="Each vendor's documented rate limit, and if it is on")
    async def rate_limits() -> Response:
        return json_response(controller.rate_limits())

    @app.post(
        "/rate-limits",
        summary="Switch the vendors' rate limits on or off",
        openapi_extra=JSON_BODY,
    )
    async def set_rate_limits(request: Request) -> Response:
        return json_response(controller.set_rate_limits(await body_of(request)))

    add_webhook_routes(app, controller.runtime)
    install_stubs(app, controller)
    install_inspect(app, controller)
    install_dashboard(app)
    return app
