"""The dashboard (``/_mock/ui``): one hand-written page, its script and its stylesheet, shipped in
the package (``control/ui/``) and served from memory, gzipped for browsers that take it.

The files hold no data and no secret, so they are served without the control token (the page
asks for the token and sends it with every control request it makes); everything the page shows
it reads through the control API.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fastapi import FastAPI, Request
from starlette.responses import Response

from jobmock.control import CONTROL_PREFIX
from jobmock.core.docs import etag_of
from jobmock.core.errors import NotFound

#: The page's route under the control API's root, and its files by the name they are served as.
UI_ROUTE = "/ui"
_FILES = {
    "": ("index.html", "text/html; charset=utf-8"),
    "app.js": ("app.js", "text/javascript; charset=utf-8"),
    "app.css": ("app.css", "text/css; charset=utf-8"),
}
# The page's own rules: its scripts and styles from this server only, and nothing sent anywhere
# else (checked in the browser tests too).
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class File:
    body: bytes
    gzipped: bytes
    media_type: str
    etag: str


@cache
def ui_file(name: str) -> File:
    """One file of the page, read once per process; NotFound for any other name."""
    known = _FILES.get(name)
    if known is None:
        served = ", ".join(f"{UI_ROUTE}/{n}" for n in _FILES)
        raise NotFound(f"the dashboard has no file {name!r}; /{CONTROL_PREFIX} serves {served}")
    body = files("jobmock.control").joinpath("ui", known[0]).read_bytes()
    return File(body, gzip.compress(body, mtime=0), known[1], etag_of(body))


def ui_response(name: str, request: Request) -> Response:
    found = ui_file(name)
    headers = {
        "etag": found.etag,
        "cache-control": "no-cache",
        "vary": "accept-encoding",
        "x-content-type-options": "nosniff",
    }
    if name == "":
        headers["content-security-policy"] = _POLICY
        headers["referrer-policy"] = "no-referrer"
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["content-encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


def is_ui_path(route: str) -> bool:
    """Whether ``route`` (under the control API) is one of the page's files, which the control
    token does not guard."""
    return route == UI_ROUTE or route.startswith(UI_ROUTE + "/")


def install_dashboard(app: FastAPI) -> None:
    router = app.router

    @router.get(UI_ROUTE, summary="The dashboard (a web page)")
    async def page(request: Request) -> Response:
        return ui_response("", request)

    @router.head(UI_ROUTE, include_in_schema=False)
    async def page_head(request: Request) -> Response:
        return ui_response("", request)

    @router.api_route(UI_ROUTE + "/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def asset(name: str, request: Request) -> Response:
        return ui_response(name, request)
