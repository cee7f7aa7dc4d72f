"""HTTP routes of the control API; each one is a thin wrapper over ``Controller``."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from starlette.responses import Response

from jobmock import __version__
from jobmock.control.service import Controller
from jobmock.core.asgi import install_error_handlers
from jobmock.core.docs import ASSET_ROUTE, asset_response, install_docs
from jobmock.core.errors import MockError, Unauthorized


def render_error(err: MockError) -> Response:
    body = json.dumps({"error": err.message}).encode()
    return Response(
        body, status_code=err.status, media_type="application/json", headers=err.headers
    )


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data).encode(), status_code=status, media_type="application/json")


AnyJSON = Annotated[Any, Body()]


def create_control_app(controller: Controller) -> FastAPI:
    app = FastAPI(
        title="jobmock control API",
        version=__version__,
        description="Reset, move the clock, add jobs and read back what clients sent.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    install_error_handlers(app, render_error)
    install_docs(app)
    token = controller.runtime.settings.control_token

    if token:

        @app.middleware("http")
        async def require_token(request: Request, call_next: Any) -> Response:
            # Health for probes; the docs assets for every docs page, which cannot send a token.
            if request.url.path.endswith("/health") or ASSET_ROUTE in request.url.path:
                return await call_next(request)  # type: ignore[no-any-return]
            if request.headers.get("authorization") != f"Bearer {token}":
                return render_error(
                    Unauthorized(
                        "the control API needs 'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>'"
                    )
                )
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
    async def open_session(name: str, body: Annotated[Any, Body()] = None) -> Response:
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

    @app.post("/clock", summary="Advance, set or switch the mock clock")
    async def post_clock(body: AnyJSON) -> Response:
        return json_response(controller.update_clock(body))

    @app.get("/jobs/{vendor}", summary="Ids of the vendor's jobs (``limit`` at a time)")
    async def list_jobs(
        vendor: str,
        offset: Annotated[int, Query()] = 0,
        limit: Annotated[int, Query()] = 1000,
    ) -> Response:
        return json_response(controller.job_ids(vendor, offset, limit))

    @app.post("/jobs/{vendor}", summary="Add a job, given in fixture format", status_code=201)
    async def add_job(vendor: str, body: AnyJSON) -> Response:
        return json_response(controller.add_job(vendor, body), status=201)

    @app.delete("/jobs/{vendor}/{job_id}", summary="Remove a job", status_code=204)
    async def delete_job(vendor: str, job_id: str) -> Response:
        controller.delete_job(vendor, job_id)
        return Response(status_code=204)

    @app.get("/requests", summary="What clients sent, oldest first")
    async def requests(
        vendor: Annotated[str | None, Query()] = None,
        method: Annotated[str | None, Query()] = None,
        path: Annotated[str | None, Query()] = None,
        job: Annotated[str | None, Query()] = None,
    ) -> Response:
        found = controller.requests(vendor=vendor, method=method, path=path, job=job)
        return json_response({"requests": found})

    @app.delete("/requests", summary="Forget the journal", status_code=204)
    async def clear_requests() -> Response:
        controller.clear_requests()
        return Response(status_code=204)

    @app.post("/faults", summary="Inject a fault", status_code=201)
    async def add_fault(body: AnyJSON) -> Response:
        return json_response(controller.add_fault(body), status=201)

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

    @app.post("/rate-limits", summary="Switch the vendors' rate limits on or off")
    async def set_rate_limits(body: AnyJSON) -> Response:
        return json_response(controller.set_rate_limits(body))

    return app
