"""The pytest plugin, tested with pytest's own pytester: fixtures, overrides, the marker, the
re-raise of a bug inside the mock, xdist, and remote mode against a running jobmock."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jobmock.testing import RemoteHandle
from jobmock.vendors import get_spec
from tests.helpers import ROOT, serving

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
#: The plugins this suite's dependencies install, which cost seconds per run and xdist worker.
PLUGINS_NOT_UNDER_TEST = (
    *("-p", "no:schemathesis", "-p", "no:hypothesispytest"),
    *("-p", "no:faker", "-p", "no:anyio", "-p", "no:respx"),
)


@pytest.fixture(autouse=True)
def _only_the_plugins_under_test(pytester: pytest.Pytester) -> None:
    """The test projects load jobmock's plugin (and xdist), not the other plugins this suite's
    dependencies install, which cost seconds per run and xdist worker."""
    pytester.makeini(f"[pytest]\naddopts = {' '.join(PLUGINS_NOT_UNDER_TEST)}\n")


def test_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        ADDED = []

        def test_server_and_handle(jobmock, jobmock_server):
            assert jobmock_server.url.startswith("http://127.0.0.1:")
            assert jobmock.base_url("nunu") == jobmock_server.url + "/nunu/api/v1"
            r = httpx.get(jobmock.base_url("nunu") + "/jobs/{SEED_JOB}",
                          headers={{"X-Api-Key": "nunu_test_key"}})
            assert r.json()["status"] == "COMPLETED"
            assert [e.status for e in jobmock.requests(vendor="nunu")] == [200]
            jobmock.advance("5m")
            ADDED.append(jobmock.add_job("nunu", {{"status": "QUEUED"}}))
            jobmock.fail_next("nunu")

        def test_each_test_starts_clean(jobmock):
            assert jobmock.requests() == []
            assert jobmock.faults() == []
            assert ADDED and ADDED[0] not in jobmock.job_ids("nunu")
            assert jobmock.now() < jobmock.now().replace(year=3000)

        def test_in_process_client_without_a_port(jobmock):
            with jobmock.client("nunu", headers={{"X-Api-Key": "nunu_test_key"}}) as client:
                assert client.get("/jobs/{SEED_JOB}").status_code == 200
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_settings_override_and_marker(pytester: pytest.Pytester) -> None:
    fixtures = pytester.mkdir("myfixtures") / "nunu"
    fixtures.mkdir()
    (fixtures / "jobs.yaml").write_text(
        "jobs:\n  - job_id: 11111111-2222-4333-8444-555555555555\n    status: RUNNING\n"
    )
    pytester.makeconftest(
        """
        import pytest
        from jobmock import Settings

        @pytest.fixture(scope="session")
        def jobmock_settings(pytestconfig):
            return Settings(clock="manual", fixtures=pytestconfig.rootpath / "myfixtures",
                            start_time="2030-01-01T00:00:00Z")
        """
    )
    pytester.makepyfile(
        f"""
        import pytest

        def test_own_fixtures(jobmock):
            assert jobmock.job_ids("nunu") == ["11111111-2222-4333-8444-555555555555"]
            assert jobmock.now().isoformat() == "2030-01-01T00:00:00+00:00"

        @pytest.mark.jobmock(now="2031-06-01T08:00:00Z")
        def test_marker_sets_the_clock(jobmock):
            assert jobmock.now().isoformat() == "2031-06-01T08:00:00+00:00"

        @pytest.mark.jobmock(fixtures="{ROOT / "fixtures"}")
        def test_marker_gives_a_server_of_its_own(jobmock, jobmock_server):
            assert "{SEED_JOB}" in jobmock.job_ids("nunu")
            assert jobmock.url != jobmock_server.url

        @pytest.mark.jobmock(colour="red")
        def test_unknown_marker_option(jobmock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "E * pytest.UsageError: @pytest.mark.jobmock(colour='red'): unknown option(s) colour; "
            "valid options: now, fixtures, seed, vendors, vendor, rate_limits, start_time"
        ]
    )


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            "'2031-06-01'",
            "@pytest.mark.jobmock('2031-06-01'): takes options by name; valid options: now, "
            "fixtures, seed, vendors, vendor, rate_limits, start_time",
        ),
        (
            "now='soon'",
            "@pytest.mark.jobmock(now='soon'): takes an ISO 8601 time such as "
            "'2026-01-01T09:00:00Z', or a datetime",
        ),
        (
            "vendors='nunu,acme'",
            "@pytest.mark.jobmock(vendors='nunu,acme'): unknown vendor 'acme'; jobmock "
            "emulates: nunu, intuned, prunner, osapi (got 'nunu,acme')",
        ),
        (
            "seed='x'",
            "@pytest.mark.jobmock(seed='x'): Input should be a valid integer, unable to parse "
            "string as an integer (got 'x')",
        ),
    ],
)
def test_bad_marker_values_are_usage_errors(
    pytester: pytest.Pytester, options: str, error: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.jobmock({options})
        def test_marked(jobmock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"E * pytest.UsageError: {error}"])


def test_a_marker_naming_a_missing_fixture_folder(pytester: pytest.Pytester) -> None:
    missing = pytester.path / "nothing-here"
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.jobmock(fixtures="{missing}")
        def test_marked(jobmock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"E * pytest.UsageError: @pytest.mark.jobmock(fixtures='{missing}'): invalid fixtures:",
            "E * nothing-here: no such fixture folder",  # relative to the working folder
        ]
    )


def test_a_bug_in_the_mock_fails_the_test_that_hit_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        def test_hits_a_bug(jobmock, jobmock_server, monkeypatch):
            backend = jobmock_server.app.runtime.vendors["nunu"].backend
            def broken(*args, **kwargs):
                raise RuntimeError("bug inside the mock")
            monkeypatch.setattr(backend, "get_job", broken)
            r = httpx.get(jobmock.base_url("nunu") + "/jobs/{SEED_JOB}",
                          headers={{"X-Api-Key": "nunu_test_key"}})
            assert r.status_code == 500

        def test_next_one_is_fine(jobmock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_hits_a_bug*", "*RuntimeError: bug inside the mock*"]
    )


def test_xdist_gives_each_worker_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_record(jobmock, jobmock_server, n):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            with open(f"urls-{worker}.txt", "a") as out:
                out.write(jobmock_server.url + "\\n")
            jobmock.advance(n)
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    urls = {path.read_text().split()[0] for path in pytester.path.glob("urls-gw*.txt")}
    assert len(urls) == 2


def test_remote_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        def test_against_the_running_server(jobmock, jobmock_server):
            assert type(jobmock).__name__ == "RemoteHandle"
            jobmock.fail_next("nunu", status=503)
            url = jobmock.base_url("nunu") + "/jobs/{SEED_JOB}"
            assert httpx.get(url, headers={{"X-Api-Key": "nunu_test_key"}}).status_code == 503
            assert [e.status for e in jobmock.requests()] == [503]
        """
    )
    with serving(["--port", "0"]) as server:
        result = pytester.runpytest("--jobmock-url", server.url)
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", ["in-process", "remote"])
def test_polls_are_measured_on_a_manual_clock_both_ways(
    pytester: pytest.Pytester, mode: str
) -> None:
    """Against a jobmock whose clock runs (``jobmock serve``'s default, as docker-compose runs
    it), the run's session has a manual clock: the same verdict, and mock-clock times."""
    pytester.makepyfile(
        f"""
        import httpx

        def test_polls_too_often(jobmock):
            assert jobmock.clock_mode() == "manual"
            url = jobmock.base_url("nunu") + "/jobs/{SEED_JOB}"
            for _ in range(2):
                httpx.get(url, headers={{"X-Api-Key": "nunu_test_key"}})
                jobmock.advance("10s")
            jobmock.assert_polled("nunu", "{SEED_JOB}", min_interval="30s",
                                  stops_when_terminal=False)
        """
    )
    if mode == "remote":
        with serving(["--port", "0"]) as server:
            result = pytester.runpytest("--jobmock-url", server.url)
    else:
        result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    poll = f"GET /api/v1/jobs/{SEED_JOB}  200, COMPLETED [[]terminal]"
    result.stdout.fnmatch_lines(
        [
            f"E * nunu job {SEED_JOB}: 1 poll(s) came sooner than 30s after the previous one "
            "(#2 after 10.0s)",
            "E * polls (mock clock):",
            f"E *  1. 20??-??-??T??:??:??.??????+00:00  {poll}",
            f"E *  2. 20??-??-??T??:??:??.??????+00:00 (+10.0s)  {poll}",
        ]
    )


def test_the_readme_examples_pass_against_a_running_jobmock() -> None:
    """tests/examples (the docs' examples, which the suite also runs in-process) against
    ``jobmock serve`` as it starts by default, with a running clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    with serving(["--port", "0"]) as server:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                *PLUGINS_NOT_UNDER_TEST,
                "--jobmock-url",
                server.url,
                "tests/examples",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        root = RemoteHandle(server.url)
        try:
            sessions = root.sessions()
        finally:
            root.close()
    assert result.returncode == 0, result.stdout + result.stderr
    examples = len(list((ROOT / "tests" / "examples").glob("test_howto_*.py")))
    # One file has two tests; the scenarios example runs once per nunu scenario.
    runs = examples + 1 + len(get_spec("nunu").scenarios) - 1
    assert f"{runs} passed" in result.stdout
    assert sessions == []


def test_remote_mode_in_a_named_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_in_the_session(jobmock, jobmock_server):
            assert jobmock_server.url.endswith("/_session/ci-42")
            assert jobmock.base_url("nunu") == jobmock_server.url + "/nunu/api/v1"
            assert jobmock.health()["session"] == "ci-42"
            jobmock.advance("1h")
        """
    )
    with serving(["--port", "0", "--clock", "manual"]) as server:
        root = RemoteHandle(server.url)
        before = root.now()
        result = pytester.runpytest("--jobmock-url", server.url, "--jobmock-session", "ci-42")
        try:
            assert root.now() == before  # the session's advance did not move the root clock
            sessions = root.sessions()
        finally:
            root.close()
    result.assert_outcomes(passed=1)
    assert sessions == []  # ended with the test run


def test_remote_mode_under_xdist_gives_each_worker_a_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_clock_is_this_workers_own(jobmock, jobmock_server, n):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            assert f"/_session/{worker}-" in jobmock_server.url
            start = jobmock.now()
            jobmock.advance(n * 60)
            assert (jobmock.now() - start).total_seconds() == n * 60
        """
    )
    with serving(["--port", "0"]) as server:
        result = pytester.runpytest_subprocess(
            "-n", "2", "-p", "no:cacheprovider", "--jobmock-url", server.url
        )
    result.assert_outcomes(passed=8)


def test_remote_mode_skips_markers_that_need_their_own_server(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.jobmock(seed=3)
        def test_needs_own(jobmock):
            pass
        """
    )
    with serving(["--port", "0"]) as server:
        result = pytester.runpytest("--jobmock-url", server.url, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs an in-process server*"])


def test_unused_plugin_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy():
            assert "jobmock.testing.plugin" in sys.modules
            for heavy in ("fastapi", "uvicorn", "jobmock.main", "httpx"):
                assert heavy not in sys.modules, heavy
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
