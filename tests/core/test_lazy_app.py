"""FastAPI and the routes it serves are built when first needed (``core.lazy_app``): a
``jobmock serve`` answers the polled reads before FastAPI is imported, and builds the rest on a
thread right after start-up."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import httpx

from jobmock import Settings, create_app
from jobmock.core.lazy_app import LazyApp, lazy_parts, warm
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

SEED = "/nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e"


def test_building_the_app_and_answering_a_hot_read_import_no_fastapi() -> None:
    script = f"""
import sys, httpx
from jobmock import create_app
from jobmock.testing.transport import JobmockTransport
app = create_app()
client = httpx.Client(transport=JobmockTransport(app), base_url="http://x")
answer = client.get("{SEED}", headers={{"X-Api-Key": "nunu_test_key"}})
assert answer.status_code == 200, answer.status_code
print("fastapi" in sys.modules)
client.get("/_mock/health")
print("fastapi" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_every_route_is_served_once_built() -> None:
    app = create_app(Settings(clock="manual", start_time=START))
    parts = lazy_parts(app._serving.control, *app._serving.mounts.values())
    assert len(parts) == 5 and not any(part.built for part in parts)
    with httpx.Client(transport=JobmockTransport(app), base_url="http://x") as client:
        listed = client.get("/nunu/api/v1/jobs", headers={"X-Api-Key": "nunu_test_key"})
        assert listed.status_code == 200 and listed.json()["pagination"]["page"] == 0
        assert not any(part.built for part in parts), "a hot read needs no FastAPI app"
        started = client.post("/nunu/api/v1/runs", headers={"X-Api-Key": "nunu_test_key"})
        document = client.get("/prunner/openapi.json").json()
    assert (started.status_code, started.json()) == (400, {"error": "request body is required"})
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "jwtCookie"}
    assert [part.built for part in parts] == [False, True, False, True, False]


def test_warm_builds_each_app_once_while_requests_wait_for_it() -> None:
    builds: list[int] = []
    gate = threading.Event()

    def build() -> Any:
        gate.wait(5)
        builds.append(1)
        return lambda scope, receive, send: None

    lazy = LazyApp(build)
    warming = warm([lazy])
    waiting = threading.Thread(target=lazy.resolve)
    waiting.start()
    gate.set()
    warming.join(5)
    waiting.join(5)
    assert lazy.built and builds == [1]
