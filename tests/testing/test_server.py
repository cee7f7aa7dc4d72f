"""``MockServer``: a jobmock on a real port for clients that cannot take a transport, with the
handle and base URLs a test needs, answering with no header uvicorn would add."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from jobmock import Settings, create_app
from jobmock.testing import MockServer
from tests.conftest import START

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serves_on_a_port_the_kernel_picks_with_the_vendors_base_urls() -> None:
    with MockServer(start_time=START) as server:
        assert server.port != 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.base_url("nunu") == f"{server.url}/nunu/api/v1"
        status, headers, body = get(
            f"{server.base_url('nunu')}/jobs/{SEED_JOB}", **{"X-Api-Key": "nunu_test_key"}
        )
    assert status == 200 and SEED_JOB.encode() in body
    assert headers["date"] == "Sun, 01 Nov 2026 12:00:00 GMT"  # the mock clock's, once
    assert "server" not in {name.lower() for name in headers}


def test_the_handle_drives_the_served_app_in_process() -> None:
    with MockServer(start_time=START) as server:
        server.handle.advance("1h")
        _, _, body = get(f"{server.url}/_mock/clock")
    assert b'"now": "2026-11-01T13:00:00+00:00"' in body


def test_overrides_are_settings_on_top_of_the_given_ones() -> None:
    settings = Settings(clock="manual", vendors=("nunu", "osapi"))
    with MockServer(settings, vendor="osapi") as server:
        assert server.base_url("osapi") == server.url
        status, _, _ = get(f"{server.url}/_mock/health")
    assert status == 200


def test_an_app_of_ones_own_is_served_as_it_is() -> None:
    app = create_app(Settings(clock="manual", start_time=START))
    with MockServer(app=app) as server:
        assert server.app is app


def test_the_url_before_start_and_after_stop_is_an_error() -> None:
    server = MockServer()
    with pytest.raises(RuntimeError, match="the server is not running"):
        server.url  # noqa: B018
    with server:
        url = server.url
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_mock/health", timeout=2)


def test_a_port_in_use_is_an_os_error() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        with pytest.raises(OSError), MockServer(port=taken.getsockname()[1]):
            pass
    finally:
        taken.close()


def test_check_reraises_a_crash_inside_the_mock_once() -> None:
    server = MockServer()
    crash = RuntimeError("a bug in the mock")
    server.crashes.append(crash)
    with pytest.raises(RuntimeError) as info:
        server.check()
    assert info.value is crash
    server.check()
