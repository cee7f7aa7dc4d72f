"""``jobmock`` subcommands, called as ``main(argv)`` and, where it matters, as a process."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jobmock import Settings
from jobmock.cli import main
from jobmock.cli.serving import request_line, request_printer
from jobmock.core.journal import JournalEntry
from jobmock.settings import known_vendors
from tests.helpers import ROOT, jobmock_command, run, serving

SLUGS = known_vendors()


def test_validate_the_bundled_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "fixtures")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("nunu: ok (")


def test_validate_reports_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nunu").mkdir()
    (tmp_path / "nunu" / "jobs.yaml").write_text("jobs:\n  - status: DONE\n")
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/nunu/jobs.yaml:2: jobs[0].status: Input should be" in err


def test_validate_needs_vendor_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"jobmock: cannot tell which vendor {tmp_path} is for: it has no vendor folder (nunu/, "
        "intuned/, prunner/, osapi/) and is not named after a vendor; give --vendor\n"
    )


def test_validate_one_vendor_folder(capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT / "fixtures" / "prunner"
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out == (
        f"prunner ({folder}): ok (10 pipelines, 15 jobs, 60 generated)\n"
    )


def test_validate_one_file_with_the_rest_of_its_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # jobs.yaml names pipelines defined in pipelines.yaml: alone, it would not be valid.
    path = ROOT / "fixtures" / "prunner" / "jobs.yaml"
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"prunner ({path}, with the rest of fixtures/prunner): ok "
        "(10 pipelines, 15 jobs, 60 generated)\n"
    )


def test_validate_a_file_elsewhere_needs_its_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "jobs.yaml"
    path.write_text("jobs:\n  - status: DONE\n")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"jobmock: cannot tell which vendor {path} is for: keep it in a folder named after "
        "its vendor (nunu/, intuned/, prunner/, osapi/) or give --vendor\n"
    )
    assert main(["validate", str(path), "--vendor", "nunu"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        f"nunu ({path}): invalid\n{path}:2: jobs[0].status: Input should be 'QUEUED'"
    )


def test_validate_a_root_folder_for_one_vendor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "fixtures"), "--vendor", "osapi"]) == 0
    out = capsys.readouterr().out
    assert (
        out
        == f"osapi ({ROOT / 'fixtures' / 'osapi'}): ok (9 jobs, 40 generated, 3 agents, 3 roles)\n"
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["nothing.yaml"], "nothing.yaml does not exist"),
        ([str(ROOT / "README.md")], f"{ROOT / 'README.md'} is not a fixture file (.yaml or .yml)"),
        (
            [str(ROOT / "fixtures"), "--vendor", "acme"],
            "invalid settings: vendors: unknown vendor 'acme'; jobmock emulates: "
            "nunu, intuned, prunner, osapi",
        ),
    ],
)
def test_validate_usage_errors(
    args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", *args]) == 2
    assert capsys.readouterr().err == f"jobmock: {error}\n"


def test_routes_lists_every_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    out = capsys.readouterr().out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    for line in (
        "METHOD PATH OPERATION SUMMARY",
        "GET /nunu/api/v1/jobs/{jobId} getJobDetails Get Job Details",
        "GET /nunu/api/v1/runs/{runId} getRunDetails Get Run Details",
        "POST /nunu/api/v1/runs/stop stopRuns Stop Runs",
        "GET /nunu/api/v1/project/{projectId}/jobs/{jobId} getJobDetailsScoped Get Job Details",
        "GET /osapi/job/{id} GetJobByID Get job detail",
    ):
        assert line in lines


def test_openapi_describes_the_vendor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "nunu"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["info"]["title"] == "nunu.ai API"
    paths = document["paths"]
    assert "/api/v1/jobs/{jobId}" in paths
    assert "/api/v1/project/{projectId}/runs/stop" in paths
    text = json.dumps(document)
    assert "422" not in text and "HTTPValidationError" not in text
    get_job = paths["/api/v1/jobs/{jobId}"]["get"]
    assert set(get_job["responses"]) >= {"200", "400", "401", "403", "404"}
    assert get_job["security"] == [{"APIKeyHeader": []}]
    start = paths["/api/v1/runs"]["post"]
    ref = start["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.rsplit("/", 1)[1] in document["components"]["schemas"]


def test_unknown_vendor_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi", "acme"]) == 2
    assert f"unknown vendor 'acme'; jobmock emulates: {', '.join(SLUGS)}" in (
        capsys.readouterr().err
    )


def test_serve_refuses_bad_fixtures_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "nunu").mkdir()
    (tmp_path / "nunu" / "keys.yaml").write_text("keys:\n  - key: nunu_x\n    projekt: test\n")
    result = run(["serve", "--fixtures", str(tmp_path), "--port", "0"])
    assert result.returncode == 2
    assert "invalid fixtures" in result.stderr
    assert f"{tmp_path}/nunu/keys.yaml:3: keys[0].projekt: unknown field" in result.stderr


def test_serve_answers_with_the_seed_document() -> None:
    with serving(["--port", "0"]) as server:
        request = urllib.request.Request(
            f"{server.url}/nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e",
            headers={"X-Api-Key": "nunu_test_key"},
        )
        with urllib.request.urlopen(request) as response:
            body = json.loads(response.read())
            # Like the vendors: one Date header (the app's, from its clock), no "server: uvicorn".
            assert response.headers["server"] is None
            (date,) = response.headers.get_all("date")
            assert date.endswith(" GMT")
        assert body["job_id"] == "f80f6230-3a4f-431a-9d55-d11b867fed4e"
        assert body["status"] == "COMPLETED"
        assert any("/nunu/api/v1" in line and "nunu_test_key" in line for line in server.banner)
        assert server.banner[0].startswith("jobmock ")
        assert ": clock real at " in server.banner[0]


def test_serve_with_a_scaled_clock_from_a_start_time() -> None:
    args = ["--port", "0", "--clock-scale", "60", "--start-time", "2030-01-01T00:00:00Z"]
    with serving(args) as server:
        assert ": clock real x60 at 2030-01-01T00:0" in server.banner[0]
        with urllib.request.urlopen(f"{server.url}/_mock/clock") as response:
            clock = json.loads(response.read())
            assert response.headers["date"].startswith("Tue, 01 Jan 2030 0")
        assert (clock["mode"], clock["scale"]) == ("real", 60.0)
        assert clock["now"] > "2030-01-01T00:00:00"


def test_serve_one_vendor_at_the_root_with_settings_from_the_environment() -> None:
    env = {
        "JOBMOCK_VENDOR": "nunu",
        "JOBMOCK_CLOCK": "manual",
        "JOBMOCK_START_TIME": "2030-01-01T00:00:00Z",
        "JOBMOCK_CLOCK_SCALE": "60",
    }
    with serving(["--port", "0"], env=env) as server:
        request = urllib.request.Request(
            f"{server.url}/api/v1/jobs?page_size=1", headers={"X-Api-Key": "nunu_test_key"}
        )
        assert json.loads(urllib.request.urlopen(request).read())["pagination"]["page_size"] == 1
        clock = json.loads(urllib.request.urlopen(f"{server.url}/_mock/clock").read())
        assert clock == {"now": "2030-01-01T00:00:00+00:00", "mode": "manual", "scale": 60.0}


def test_health_command(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(["--port", "0"]) as server:
        assert main(["health", "--url", server.url]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "ok"
    assert main(["health", "--url", server.url, "--timeout", "0.5"]) == 2
    assert "unhealthy" in capsys.readouterr().err


def test_invalid_settings_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--vendor", "acme"]) == 2
    assert "invalid settings: vendor: unknown vendor 'acme'" in capsys.readouterr().err
    assert main(["serve", "--clock-scale", "0"]) == 2
    assert "invalid settings: clock_scale: Input should be greater than 0" in (
        capsys.readouterr().err
    )


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_served_socket_is_tcp_so_nodelay_applies() -> None:
    # asyncio sets TCP_NODELAY only on sockets created with IPPROTO_TCP; without it every
    # response pays Nagle's ~40 ms delay.
    import socket

    from jobmock.testing.server import bind

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["osapi", "--roles", "read,bogus"],
            "osapi token: unknown role(s) 'bogus'; OSAPI knows read, write, admin",
        ),
        (
            ["osapi", "--permissions", "job:read,job:delete"],
            "osapi token: unknown permission(s) 'job:delete'; OSAPI knows agent:read, ",
        ),
        (
            ["prunner", "--roles", "admin"],
            "prunner token: prunner tokens carry no roles or permissions (prunner reads sub, "
            "exp, iat and nbf); add any other claim with --claim KEY=VALUE",
        ),
    ],
)
def test_token_refuses_options_the_vendor_would_not_honour(
    args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"jobmock: {error}")
    assert captured.out == ""


def test_token_for_osapi_with_known_roles(capsys: pytest.CaptureFixture[str]) -> None:
    import jwt

    assert main(["token", "osapi", "--roles", "read,write", "--permissions", "job:read"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert (claims["roles"], claims["permissions"]) == (["read", "write"], ["job:read"])


@pytest.mark.parametrize("command", [["routes"], ["generate", "nunu", "--count", "2000"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(command: list[str]) -> None:
    """``jobmock routes | head``: the reader has gone before the command writes."""
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [*jobmock_command(), *command], stdout=write, stderr=subprocess.PIPE, timeout=60
        )
    finally:
        os.close(write)
    assert result.stderr == b""
    assert result.returncode == 1


def test_token_for_a_vendor_without_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "nunu"]) == 2
    assert "nunu does not use signed tokens; use X-Api-Key: nunu_test_key" in (
        capsys.readouterr().err
    )


def test_serve_watch_reloads_edited_fixtures(tmp_path: Path) -> None:
    shutil.copytree(Settings().fixtures_dir / "nunu", tmp_path / "nunu")
    job = tmp_path / "nunu" / "jobs.yaml"
    with serving(
        ["--port", "0", "--fixtures", str(tmp_path), "--vendors", "nunu", "--watch"]
    ) as server:
        assert f"  watching {tmp_path} for changes" in server.banner
        url = f"{server.url}/nunu/api/v1/jobs/6bf46c69-7d2c-4f82-aeea-cbe226e87555"
        request = urllib.request.Request(url, headers={"X-Api-Key": "nunu_test_key"})
        assert json.loads(urllib.request.urlopen(request).read())["template_data"] == {
            "country": "Germany"
        }
        job.write_text(job.read_text().replace("{country: Germany}", "{country: Japan}"))
        deadline = time.monotonic() + 20
        while json.loads(urllib.request.urlopen(request).read())["template_data"] != {
            "country": "Japan"
        }:
            assert time.monotonic() < deadline, "the edit was not served within 20 s"
            time.sleep(0.05)  # waiting for the watcher's thread, not moving a job


def _entry(**fields: object) -> JournalEntry:
    base: dict[str, object] = {
        "seq": 1,
        "vendor": "nunu",
        "method": "GET",
        "path": "/api/v1/jobs/x",
        "raw_path": "/nunu/api/v1/jobs/x",
        "query": {},
        "query_string": "",
        "headers": {},
        "body": "",
        "at": "2026-11-01T12:00:05.250000+00:00",
        "status": 200,
    }
    return JournalEntry(**{**base, **fields})  # type: ignore[arg-type]


def test_request_lines_say_what_a_client_got_and_why() -> None:
    assert request_line(_entry(status=200, state="RUNNING")) == (
        "12:00:05 GET /nunu/api/v1/jobs/x 200  state RUNNING"
    )
    line = request_line(
        _entry(status=404, query_string="page=2", suggestion="/api/v1/jobs/{jobId}")
    )
    assert line == "12:00:05 GET /nunu/api/v1/jobs/x?page=2 404  did you mean /api/v1/jobs/{jobId}?"
    dropped = request_line(_entry(status=0, fault=3, notes=["fault 3: drop"]))
    assert dropped == "12:00:05 GET /nunu/api/v1/jobs/x dropped  fault 3: drop"
    limited = request_line(_entry(status=429, retry_after="12"))
    assert limited.endswith(" 429  Retry-After 12")


def test_request_printer_levels(capsys: pytest.CaptureFixture[str]) -> None:
    ok, missing, faulted = _entry(), _entry(status=404), _entry(status=200, fault=1)
    assert request_printer("warning") is None
    info = request_printer("info")
    debug = request_printer("debug")
    assert info is not None and debug is not None
    for entry in (ok, missing, faulted):
        info(entry)
    assert capsys.readouterr().out.splitlines() == [request_line(missing), request_line(faulted)]
    debug(ok)
    assert capsys.readouterr().out == request_line(ok) + "\n"


def test_serve_prints_the_requests_a_client_should_look_at() -> None:
    args = ["--port", "0", "--clock", "manual", "--start-time", "2030-01-01T00:00:00Z"]
    with serving(args) as server:
        for path in (
            "/nunu/api/v1/job/f80f6230-3a4f-431a-9d55-d11b867fed4e",
            "/_session/logs/nunu/api/v1/jobs/nope",
        ):
            request = urllib.request.Request(
                server.url + path, headers={"X-Api-Key": "nunu_test_key"}
            )
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request)
        line = server.wait_for_output("/nunu/api/v1/job/")
        assert line == (
            "00:00:00 GET /nunu/api/v1/job/f80f6230-3a4f-431a-9d55-d11b867fed4e 404  "
            "did you mean GET /api/v1/jobs/{jobId}?"
        )
        assert server.wait_for_output("/_session/logs/nunu/api/v1/jobs/nope 400")


def test_serve_refuses_a_missing_fixture_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing-here"
    assert main(["serve", "--fixtures", str(missing), "--port", "0"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"jobmock: invalid fixtures:\n{missing}: no such fixture folder\n"
    assert captured.out == ""


def test_validate_checks_the_faults_sections_as_start_up_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nunu"
    folder.mkdir()
    (folder / "faults.yaml").write_text("faults:\n  - status: 503\n    tiems: 2\n")
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"nunu: invalid\n{folder}/faults.yaml:3: faults[0].tiems: unknown field (check its "
        "spelling and indentation)\n"
    )
    (folder / "faults.yaml").write_text("faults:\n  - status: 503\n    times: 2\n")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.endswith("; 1 fault rule)\n")
