"""The jobmock pytest plugin (registered as a ``pytest11`` entry point).

Fixtures:

- ``jobmock_settings`` (session): the ``Settings`` of the session's server (manual clock).
  Override it in a ``conftest.py`` to point at your own fixtures, seed or vendors.
- ``jobmock_server`` (session): a jobmock on a free port in a background thread
  (``MockServer``), or the server named by ``--jobmock-url`` / ``JOBMOCK_URL``.
- ``jobmock`` (function): the control handle, reset before each test; an exception raised
  inside the mock while the test ran is re-raised at its teardown.

Marker: ``@pytest.mark.jobmock(now=..., fixtures=..., seed=..., vendors=..., rate_limits=...)``.
``now`` sets the clock for one test; the other options give that test a server of its own.

This module imports nothing heavy: every project that installs jobmock loads it in every test
run, so FastAPI, uvicorn and the app are imported only when a jobmock fixture is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from jobmock.settings import Settings
    from jobmock.testing.handle import MockHandle

#: Marker options that need an app of their own (the session server's data cannot change).
OWN_SERVER_OPTIONS = ("fixtures", "seed", "vendors", "vendor", "rate_limits", "start_time")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jobmock", "jobmock: offline vendor job APIs")
    group.addoption(
        "--jobmock-url",
        dest="jobmock_url",
        default=None,
        metavar="URL",
        help="drive an already-running jobmock (e.g. a container) instead of starting one; "
        "also JOBMOCK_URL",
    )
    group.addoption(
        "--jobmock-session",
        dest="jobmock_session",
        default=None,
        metavar="NAME",
        help="with --jobmock-url: use the session NAME of the remote jobmock (also "
        "JOBMOCK_SESSION); each xdist worker gets a session of its own without it",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "jobmock(now=None, fixtures=None, seed=None, vendors=None, rate_limits=None): "
        "per-test jobmock options (now sets the clock; the others start a server of its own)",
    )


class RemoteServer:
    """An already-running jobmock, driven through its control API; in a session of its own
    (``/_session/NAME``) when given one, ended when the test run is over."""

    def __init__(self, url: str, token: str | None = None, session: str | None = None) -> None:
        from jobmock.testing.handle import RemoteHandle

        self.session = session
        self.url = url.rstrip("/") + (f"/_session/{session}" if session else "")
        self.handle: MockHandle = RemoteHandle(self.url, token=token)
        self.crashes: list[BaseException] = []

    def base_url(self, vendor: str) -> str:
        return self.handle.base_url(vendor)

    def stop(self) -> None:
        try:
            if self.session:
                self.handle.end_session()
        finally:
            self.handle.close()  # type: ignore[attr-defined]


def _remote_session(config: pytest.Config) -> str | None:
    """The session a remote run uses: the one asked for, or one per xdist worker, whose
    resets and clock would otherwise trample each other's on the shared server."""
    asked = config.getoption("jobmock_session") or os.environ.get("JOBMOCK_SESSION")
    if asked:
        return str(asked)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{worker}-{os.urandom(4).hex()}" if worker else None


@pytest.fixture(scope="session")
def jobmock_settings() -> Settings:
    """Settings of the session's jobmock server: a manual clock and the bundled fixtures."""
    from jobmock.settings import Settings

    return Settings(clock="manual")


@pytest.fixture(scope="session")
def jobmock_server(request: pytest.FixtureRequest, jobmock_settings: Settings) -> Iterator[Any]:
    """One jobmock per test session (per xdist worker), or the remote one of --jobmock-url."""
    url = request.config.getoption("jobmock_url") or os.environ.get("JOBMOCK_URL")
    if url:
        remote = RemoteServer(
            url,
            token=os.environ.get("JOBMOCK_CONTROL_TOKEN"),
            session=_remote_session(request.config),
        )
        yield remote
        remote.stop()
        return
    from jobmock.testing.server import MockServer

    server = MockServer(jobmock_settings).start()
    try:
        yield server
    finally:
        server.stop()


def _own_server(jobmock_server: Any, options: dict[str, Any]) -> Any:
    if isinstance(jobmock_server, RemoteServer):
        pytest.skip(
            f"@pytest.mark.jobmock({', '.join(options)}) needs an in-process server; "
            "it cannot change a remote jobmock's data"
        )
    from jobmock.settings import Settings
    from jobmock.testing.server import MockServer

    base = jobmock_server.app.runtime.settings.model_dump(exclude_unset=True)
    return MockServer(Settings(**{**base, **options})).start()


@pytest.fixture
def jobmock(request: pytest.FixtureRequest, jobmock_server: Any) -> Iterator[MockHandle]:
    """The jobmock control handle: ``advance()``, ``add_job()``, ``fail_next()``,
    ``requests()``, ``assert_polled()``... Reset before the test."""
    marker = request.node.get_closest_marker("jobmock")
    options = dict(marker.kwargs) if marker else {}
    now = options.pop("now", None)
    own = {k: options.pop(k) for k in OWN_SERVER_OPTIONS if k in options}
    if options:
        raise pytest.UsageError(f"unknown @pytest.mark.jobmock option(s): {', '.join(options)}")
    server = _own_server(jobmock_server, own) if own else jobmock_server
    handle: MockHandle = server.handle
    try:
        handle.reset()
        server.crashes.clear()
        if now is not None:
            if handle.clock_mode() != "manual":
                handle.set_clock_mode("manual")
            handle.set_time(now)
        yield handle
        crashes = list(server.crashes)
        server.crashes.clear()
        if crashes:
            raise crashes[0]
    finally:
        if server is not jobmock_server:
            server.stop()
