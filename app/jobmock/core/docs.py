"""The interactive API docs (``/<slug>/docs``, ``/_mock/docs``), working offline.

FastAPI's docs pages load Swagger UI from a CDN: blank pages on the machines jobmock is for. These
load it from jobmock itself (the files come with the ``fastapi-offline`` package), and their
document names this jobmock as its first server, so "Try it out" calls the mock, never the vendor.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import Response

from jobmock.control import CONTROL_PREFIX
from jobmock.core.errors import NotFound

#: Where the control API serves the assets, under its own root.
ASSET_ROUTE = "/static/swagger-ui"
_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
# The package ships no source maps: a reference to one is a 404 in the browser's devtools.
_SOURCE_MAP = re.compile(rb"\n?(?:/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*)\s*$")
#: Swagger UI's default validator badge sends the document to validator.swagger.io.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}
#: A day: the pages keep working across a restart without fetching 1.7 MB again.
_CACHE_CONTROL = "public, max-age=86400"


def etag_of(body: bytes) -> str:
    """A strong validator for a file jobmock serves from its package."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


@cache
def asset(name: str) -> Asset:
    """One Swagger UI file, read once per process; NotFound for any other name."""
    media_type = _TYPES.get(name)
    if media_type is None:
        raise NotFound(
            f"no docs asset {name!r}; jobmock serves {', '.join(sorted(_TYPES))} "
            f"under /{CONTROL_PREFIX}{ASSET_ROUTE}/"
        )
    body = files("fastapi_offline").joinpath("static", name).read_bytes()
    body = _SOURCE_MAP.sub(b"", body)
    return Asset(body, media_type, etag_of(body))


def asset_response(name: str, if_none_match: str | None) -> Response:
    found = asset(name)
    headers = {"cache-control": _CACHE_CONTROL, "etag": found.etag}
    if if_none_match is not None and found.etag in if_none_match:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


def _assets_url(request: Request) -> str:
    # From the server's root, which is the same for every session and vendor: one cached copy.
    root = request.scope.get("app_root_path", request.scope.get("root_path", ""))
    return f"{root}/{CONTROL_PREFIX}{ASSET_ROUTE}"


def _dashboard_url(request: Request) -> str:
    """The dashboard of the jobmock (or session) serving this docs page."""
    server = request.scope.get("app_root_path", "")
    rest: str = request.scope.get("root_path", "")[len(server) :]
    session = "/".join(rest.split("/")[:3]) if rest.startswith("/_session/") else ""
    return f"{server}{session}/{CONTROL_PREFIX}/ui"


def install_docs(app: FastAPI) -> None:
    """``GET /docs`` and ``GET /openapi.json`` on ``app`` (create it with ``docs_url=None,
    openapi_url=None``): wherever it is mounted, a session or the root, the page finds its
    document and the assets, and the document's first server is that mount."""
    encoded: dict[str, bytes] = {}

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        here = request.scope.get("root_path", "").rstrip("/") or "/"
        body = encoded.get(here)
        if body is None:
            document = app.openapi()
            others = [s for s in document.get("servers", ()) if s.get("url") != here]
            document = {**document, "servers": [{"url": here}, *others]}
            body = encoded[here] = json.dumps(document, separators=(",", ":")).encode()
        return Response(body, media_type="application/json")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> Response:
        root = request.scope.get("root_path", "").rstrip("/")
        assets = _assets_url(request)
        page = get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        link = f'<body>\n<p class="jobmock-dashboard"><a href="{_dashboard_url(request)}">'
        link += "jobmock dashboard: jobs, requests, faults</a></p>"
        return Response(
            bytes(page.body).replace(b"<body>", link.encode(), 1), media_type="text/html"
        )
