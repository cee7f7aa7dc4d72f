from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle
from jobmock.testing.transport import JobmockTransport

pytest_plugins = ["pytester"]

START = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(clock="manual", start_time=START)


@pytest.fixture(scope="session")
def session_app(settings: Settings) -> JobmockApp:
    return create_app(settings)


@pytest.fixture
def app(session_app: JobmockApp) -> Iterator[JobmockApp]:
    """The shared app, reset before each test; a crash inside it fails the test."""
    session_app.runtime.store.reset()
    session_app.runtime.crashes.clear()
    yield session_app
    crashes = list(session_app.runtime.crashes)
    session_app.runtime.crashes.clear()
    if crashes:
        raise crashes[0]


@pytest.fixture(scope="session")
def _transport(session_app: JobmockApp) -> Iterator[JobmockTransport]:
    transport = JobmockTransport(session_app)
    yield transport
    transport.close()


@pytest.fixture
def client(app: JobmockApp, _transport: JobmockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=_transport, base_url="http://jobmock") as c:
        yield c


@pytest.fixture
def handle(app: JobmockApp) -> InProcessHandle:
    return InProcessHandle(app)
