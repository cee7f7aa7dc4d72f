"""``GET /_mock/requests.har``: the journal as HAR 1.2 (``core.har``), filtered as
``GET /_mock/requests`` is."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from starlette.responses import Response

from jobmock.control.service import Controller


def install_har(app: FastAPI, controller: Controller) -> None:
    """On the control app itself: ``include_router`` would hide the route from the 405's
    ``Allow``."""
    from jobmock.control.answers import json_response
    from jobmock.core.har import journal_har

    @app.get("/requests.har", summary="The journal as HAR 1.2, for browsers and HTTP tools")
    async def requests_har(
        vendor: Annotated[str | None, Query()] = None,
        method: Annotated[str | None, Query()] = None,
        path: Annotated[str | None, Query()] = None,
        job: Annotated[str | None, Query()] = None,
        operation: Annotated[str | None, Query()] = None,
    ) -> Response:
        found = controller.requests(vendor, method, path, job, operation)
        return json_response(journal_har(found))
