"""Every page jobmock serves works offline: each URL it references, and each URL those reference in
turn (HTML src/href, CSS url() and @import, JS imports and source maps, the document Swagger UI
loads), is on this jobmock and answers 200 with the right content type."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.routing import Route

from jobmock import Settings, create_app
from jobmock.core.lazy_app import LazyApp
from jobmock.main import JobmockApp
from jobmock.testing.transport import JobmockTransport
from jobmock.vendors import VENDORS

BASE = "http://jobmock.test:8000"
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".json": "application/json",
    "": "text/html; charset=utf-8",
}
CSS_URL = re.compile(r"""url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+["']([^"']+)["']""")
# Statements ``import x from "u"``, ``import "u"``; calls ``import("u")``, ``importScripts("u")``.
JS_IMPORT = re.compile(
    r"""(?:(?:^|[;{}])\s*import\s*(?:[\w*{}\s,$]+\sfrom\s*)?|\bimport\(\s*|"""
    r"""\bimportScripts\(\s*)["']([^"']+)["']""",
    re.M,
)
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.M)
# The document a Swagger UI page loads (``SwaggerUIBundle({url: '...'})``).
SWAGGER_DOCUMENT = re.compile(r"""\burl:\s*['"]([^'"]+)['"]""")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "poster") and v]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def references(content_type: str, text: str) -> list[str]:
    if content_type.startswith("text/html"):
        parser = _Refs()
        parser.feed(text)
        inline = "\n".join(parser.scripts)
        return [
            *parser.urls,
            *references("text/javascript", inline),
            *SWAGGER_DOCUMENT.findall(inline),
        ]
    if content_type.startswith("text/css"):
        found = [next(g for g in groups if g) for groups in CSS_URL.findall(text) if any(groups)]
        return [*found, *CSS_IMPORT.findall(text), *SOURCE_MAP.findall(text)]
    if content_type.startswith("text/javascript"):
        return [*JS_IMPORT.findall(text), *SOURCE_MAP.findall(text)]
    return []


def crawl(client: httpx.Client, pages: list[str]) -> dict[str, httpx.Response]:
    """Fetch ``pages`` and everything they reference, transitively; asserts on the way."""
    seen: dict[str, httpx.Response] = {}
    todo = [urljoin(BASE, page) for page in pages]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = seen[url] = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        suffix = PurePosixPath(urlsplit(url).path).suffix
        assert response.headers["content-type"] == CONTENT_TYPES[suffix], url
        for ref in references(response.headers["content-type"], response.text):
            parts = urlsplit(ref)
            if parts.scheme == "data":
                continue  # inline
            assert not parts.netloc and not parts.scheme, f"{url} references {ref}"
            todo.append(urljoin(url, ref).split("#")[0])
    return seen


def _fastapi_apps(app: JobmockApp) -> Iterator[FastAPI]:
    serving = app._serving
    for asgi in (serving.control, *(v.asgi for v in serving.runtime.vendors.values())):
        while not isinstance(asgi, FastAPI):  # built when first needed: built now
            asgi = asgi.resolve() if isinstance(asgi, LazyApp) else asgi.app  # type: ignore[attr-defined]
        yield asgi


def pages(app: JobmockApp, mounts: dict[str, str]) -> list[str]:
    """Every fixed GET path outside the OpenAPI documents, under its mount: the docs pages, the
    documents, and any page added later."""
    found = []
    # Undocumented vendor operations (an alias, a path style) are answers, not pages.
    operations = {op.template for v in app.runtime.vendors.values() for op in v.operations}
    for fastapi_app, mount in zip(_fastapi_apps(app), mounts.values(), strict=True):
        for route in fastapi_app.routes:
            if not isinstance(route, Route) or "{" in route.path or route.path in operations:
                continue
            if "GET" in (route.methods or ()) and not route.include_in_schema:
                found.append(mount + route.path)
    return found


def _client(settings: Settings) -> tuple[JobmockApp, httpx.Client]:
    app = create_app(settings)
    return app, httpx.Client(transport=JobmockTransport(app), base_url=BASE)


LAYOUTS: list[tuple[str, dict[str, Any]]] = [
    ("every vendor", {}),
    *[(f"--vendor {v.spec.slug}", {"vendor": v.spec.slug}) for v in VENDORS],
]


@pytest.mark.parametrize(("layout", "options"), LAYOUTS, ids=[name for name, _ in LAYOUTS])
@pytest.mark.parametrize("session", ["", "/_session/docs-test"], ids=["root", "session"])
def test_every_page_and_asset_is_served_by_jobmock(
    layout: str, options: dict[str, Any], session: str
) -> None:
    app, client = _client(Settings(clock="manual", **options))
    with client:
        mounts = {"control": f"{session}/_mock"}
        for slug in app.runtime.vendors:
            mounts[slug] = session if app.runtime.single_vendor else f"{session}/{slug}"
        found = pages(app, mounts)
        assert sorted(p.rsplit("/", 1)[1] for p in found) == sorted(
            ["docs", "openapi.json"] * len(mounts)
        ), "a new page: check that it loads nothing from elsewhere"
        fetched = crawl(client, found)
    assets = {urlsplit(url).path for url in fetched if "/static/" in url}
    assert assets == {
        "/_mock/static/swagger-ui/swagger-ui-bundle.js",
        "/_mock/static/swagger-ui/swagger-ui.css",
        "/_mock/static/swagger-ui/favicon.png",
    }
    for url, response in fetched.items():
        if url.endswith("/openapi.json"):
            mount = urlsplit(url).path.removesuffix("/openapi.json") or "/"
            assert response.json()["servers"][0] == {"url": mount}, "Try it out calls jobmock"


def test_docs_page_loads_the_local_files_and_never_the_online_validator(
    client: httpx.Client,
) -> None:
    page = client.get("/nunu/docs")
    assert page.status_code == 200
    parser = _Refs()
    parser.feed(page.text)
    assert parser.urls == [
        "/_mock/static/swagger-ui/swagger-ui.css",
        "/_mock/static/swagger-ui/favicon.png",
        "/_mock/ui",  # the link to the dashboard
        "/_mock/static/swagger-ui/swagger-ui-bundle.js",
    ]
    assert SWAGGER_DOCUMENT.findall(page.text) == ["/nunu/openapi.json"]
    assert '"validatorUrl": null' in page.text


def test_assets_are_cached_and_revalidated(client: httpx.Client) -> None:
    url = "/_mock/static/swagger-ui/swagger-ui-bundle.js"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=86400"
    assert "SwaggerUIBundle" in first.text
    again = client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    head = client.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(first.content))


def test_unknown_asset_and_wrong_method_answer_in_the_control_shape(client: httpx.Client) -> None:
    missing = client.get("/_mock/static/swagger-ui/redoc.standalone.js")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "no docs asset 'redoc.standalone.js'; jobmock serves favicon.png, "
        "swagger-ui-bundle.js, swagger-ui.css under /_mock/static/swagger-ui/"
    }
    post = client.post("/_mock/static/swagger-ui/swagger-ui.css")
    assert post.status_code == 405
    assert post.headers["allow"] == "GET, HEAD"
    assert post.json() == {
        "error": "/_mock/static/swagger-ui/swagger-ui.css takes GET, HEAD, not POST"
    }


def test_assets_need_no_control_token() -> None:
    _, client = _client(Settings(clock="manual", control_token="s3cret"))
    with client:
        assert client.get("/_mock/docs").status_code == 401
        asset = client.get("/_mock/static/swagger-ui/swagger-ui.css")
        assert asset.status_code == 200
        assert client.get("/nunu/docs").status_code == 200


def test_the_crawler_finds_every_kind_of_reference() -> None:
    """The checks above pass only because nothing is found elsewhere, not because nothing is found:
    FastAPI's own page (CDN files) is caught, and so is each kind of reference."""
    cdn = get_swagger_ui_html(openapi_url="/openapi.json", title="t").body
    assert [urlsplit(u).netloc for u in references("text/html", bytes(cdn).decode())] == [
        "cdn.jsdelivr.net",
        "fastapi.tiangolo.com",
        "cdn.jsdelivr.net",
        "",  # the document
    ]
    css = "a{b:url(x.png)} c{d:url('y.svg')} @import \"z.css\";\n/*# sourceMappingURL=m.map*/"
    assert references("text/css", css) == ["x.png", "y.svg", "z.css", "m.map"]
    js = 'import a from "./a.js";import "./b.js";import("./c.js");importScripts("d.js")'
    js += "\n//# sourceMappingURL=e.map"
    assert references("text/javascript", js) == ["./a.js", "./b.js", "./c.js", "d.js", "e.map"]
