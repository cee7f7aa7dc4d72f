"""The jobmock pytest plugin (registered as a ``pytest11`` entry point).

Fixtures:

- ``jobmock_settings`` (session): the ``Settings`` of the session's server (manual clock).
  Override it in a ``conftest.py`` to point at your own fixtures, seed or vendors.
- ``jobmock_server`` (session): a jobmock on a free port in a background thread
  (``MockServer``), or the server named by ``--jobmock-url`` / ``JOBMOCK_URL``.
- ``jobmock`` (function): the control handle, reset before each test; an exception raised
  inside the mock while the test ran is re-raised at its teardown.
- ``jobmock_intercept`` (function): ``jobmock.intercept()`` for the test; the vendors' real hosts
  are served in process (``jobmock_intercept_urls`` names other ones).

Marker: ``@pytest.mark.jobmock(now=..., fixtures=..., seed=..., vendors=..., vendor=...,
rate_limits=..., start_time=...)``.
``now`` sets the clock for one test; the other options give that test a server of its own.
``@pytest.mark.jobmock_scenarios("nunu")`` runs a test once per scenario (``scenario_marker``).

This module imports nothing heavy: every project that installs jobmock loads it in every test
run, so FastAPI, uvicorn and the app are imported only when a jobmock fixture is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

# Fixtures pytest finds by being in the plugin module.
from jobmock.testing.intercept_fixtures import (  # noqa: F401
    jobmock_intercept,
    jobmock_intercept_urls,
)
from jobmock.testing.scenario_marker import (  # the marker's hook and fixture, registered here
    MARKER_LINE,
    jobmock_scenario,  # noqa: F401
    pytest_generate_tests,  # noqa: F401
)

if TYPE_CHECKING:
    from jobmock.settings import Settings
    from jobmock.testing.handle import MockHandle

#: Marker options that need an app of their own (the session server's data cannot change).
OWN_SERVER_OPTIONS = ("fixtures", "seed", "vendors", "vendor", "rate_limits", "start_time")
MARKER_OPTIONS = ("now", *OWN_SERVER_OPTIONS)


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
        help="with --jobmock-url: the name of the session the run makes on the remote jobmock "
        "(also JOBMOCK_SESSION); by default each run and xdist worker gets one of its own",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "jobmock(now=None, fixtures=None, seed=None, vendors=None, vendor=None, "
        "rate_limits=None, start_time=None): "
        "per-test jobmock options (now sets the clock; the others start a server of its own)",
    )
    config.addinivalue_line("markers", MARKER_LINE)


class RemoteServer:
    """An already-running jobmock, driven through its control API in a session of its own
    (``/_session/NAME``), ended when the test run is over.

    The session is made fresh with a manual clock, whatever the server's own clock does (a
    container's runs): tests then see what they see in-process, where the clock moves only
    when told, and ``assert_polled`` measures on it.
    """

    def __init__(self, url: str, session: str, token: str | None = None) -> None:
        from jobmock.testing.handle import RemoteHandle

        root = RemoteHandle(url, token=token)
        try:
            root.open_session(session, clock="manual")
        finally:
            root.close()
        self.session = session
        self.url = f"{url.rstrip('/')}/_session/{session}"
        self.handle: MockHandle = RemoteHandle(self.url, token=token)
        self.crashes: list[BaseException] = []

    def base_url(self, vendor: str) -> str:
        return self.handle.base_url(vendor)

    def stop(self) -> None:
        try:
            self.handle.end_session()
        finally:
            self.handle.close()  # type: ignore[attr-defined]


def _remote_session(config: pytest.Config) -> str:
    """The session a remote run uses: the one asked for, or one per run and xdist worker,
    whose resets and clock would otherwise trample each other's (or a person's using the
    server) on the shared server."""
    asked = config.getoption("jobmock_session") or os.environ.get("JOBMOCK_SESSION")
    if asked:
        return str(asked)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "pytest")
    return f"{worker}-{os.urandom(4).hex()}"


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
            session=_remote_session(request.config),
            token=os.environ.get("JOBMOCK_CONTROL_TOKEN"),
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


def _marker_error(problem: str) -> pytest.UsageError:
    return pytest.UsageError(f"@pytest.mark.jobmock{problem}")


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("jobmock")
    if marker is None:
        return {}
    valid = ", ".join(MARKER_OPTIONS)
    if marker.args:
        shown = ", ".join(map(repr, marker.args))
        raise _marker_error(f"({shown}): takes options by name; valid options: {valid}")
    unknown = [name for name in marker.kwargs if name not in MARKER_OPTIONS]
    if unknown:
        shown = ", ".join(f"{name}={marker.kwargs[name]!r}" for name in unknown)
        raise _marker_error(
            f"({shown}): unknown option(s) {', '.join(unknown)}; valid options: {valid}"
        )
    return dict(marker.kwargs)


def _marker_now(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise _marker_error(
        f"(now={value!r}): takes an ISO 8601 time such as '2026-01-01T09:00:00Z', or a datetime"
    )


def _own_settings(base: dict[str, Any], options: dict[str, Any]) -> Settings:
    from pydantic import ValidationError

    from jobmock.core.fixture_files import describe_error
    from jobmock.settings import Settings

    try:
        return Settings(**{**base, **options})
    except ValidationError as exc:
        name = next((str(e["loc"][0]) for e in exc.errors() if e["loc"]), "")
        problems = "; ".join(describe_error(e) for e in exc.errors(include_url=False))
        raise _marker_error(f"({name}={options.get(name)!r}): {problems}") from None


def _own_server(jobmock_server: Any, options: dict[str, Any]) -> Any:
    remote = isinstance(jobmock_server, RemoteServer)
    base = {} if remote else jobmock_server.app.runtime.settings.model_dump(exclude_unset=True)
    settings = _own_settings(base, options)
    if remote:
        pytest.skip(
            f"@pytest.mark.jobmock({', '.join(options)}) needs an in-process server; "
            "it cannot change a remote jobmock's data"
        )
    from jobmock.core.fixture_files import FixtureError
    from jobmock.testing.server import MockServer

    try:
        return MockServer(settings).start()
    except FixtureError as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        raise _marker_error(f"({shown}): invalid fixtures:\n{exc}") from None


@pytest.fixture
def jobmock(request: pytest.FixtureRequest, jobmock_server: Any) -> Iterator[MockHandle]:
    """The jobmock control handle: ``advance()``, ``add_job()``, ``fail_next()``,
    ``requests()``, ``assert_polled()``... Reset before the test."""
    options = _marker_options(request)
    now = _marker_now(options.pop("now")) if "now" in options else None
    server = _own_server(jobmock_server, options) if options else jobmock_server
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
