"""The docs pages render in a real browser with no network: headless Chromium, every other host
unresolvable, loads each page from ``jobmock serve`` and must show every operation of its
document, with the jobmock as the selected server; its network log must show that the page asked
nothing of another host. Skipped where Chromium is not installed (``.ci/run`` installs it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.helpers import Served, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    # Any request to a host but this machine fails, as it would offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # Virtual time: the page's scripts and requests run until idle, not for a wall-clock while.
    "--virtual-time-budget=30000",
]


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serving(["--clock", "manual"]) as served:
        yield served


def browse(url: str, profile: Path) -> tuple[str, list[dict[str, Any]]]:
    """The page's DOM once its scripts ran, and the requests made for it (Chromium's own
    background requests are told apart by their network isolation key: the page's site)."""
    assert CHROMIUM is not None
    netlog = profile / "netlog.json"
    done = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile / 'profile'}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    log = json.loads(netlog.read_text())
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    site = f"http://{urlsplit(url).hostname}"
    requests = [
        event["params"]
        for event in log["events"]
        if types.get(event["type"]) == "URL_REQUEST_START_JOB"
        and str(event.get("params", {}).get("network_isolation_key", "")).startswith(site)
    ]
    return done.stdout, requests


PAGES = ["/nunu", "/intuned", "/prunner", "/osapi", "/_mock"]


@pytest.mark.parametrize("mount", PAGES)
def test_the_docs_page_renders_every_operation_offline(
    mount: str, server: Served, tmp_path: Path
) -> None:
    document = json.loads(urllib.request.urlopen(f"{server.url}{mount}/openapi.json").read())
    dom, requests = browse(f"{server.url}{mount}/docs", tmp_path)
    operations = sorted(
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )
    shown = sorted(
        re.findall(r'class="opblock opblock-(\w+)[^"]*".*?data-path="([^"]*)"', dom, re.S)
    )
    assert shown == operations
    servers = re.search(r'<select id="servers">\s*<option value="([^"]*)"', dom)
    assert servers is not None and servers.group(1) == mount, "Try it out calls this jobmock"
    asked = {params["url"] for params in requests}
    assert {f"{server.url}{mount}/openapi.json", f"{server.url}{mount}/docs"} <= asked
    assert {
        f"{server.url}/_mock/static/swagger-ui/{name}"
        for name in ("swagger-ui.css", "swagger-ui-bundle.js", "favicon.png")
    } <= asked
    assert [url for url in asked if not url.startswith(server.url + "/")] == []
