"""``jobmock ctl`` against a real ``jobmock serve`` subprocess with a control token: every verb,
its output, and the exit codes for a refusal (1), bad usage (2) and a server that is down (3)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock.cli import main
from tests.helpers import Served, jobmock_command, serving

TOKEN = "s3cret"
SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
KEY = {"X-Api-Key": "nunu_test_key"}


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    args = ["--port", "0", "--clock", "manual", "--start-time", "2026-11-01T12:00:00Z"]
    with serving([*args, "--control-token", TOKEN]) as served:
        yield served


@pytest.fixture
def ctl(
    server: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Served]:
    """The server, reset, with JOBMOCK_URL and JOBMOCK_CONTROL_TOKEN set as a shell would."""
    monkeypatch.setenv("JOBMOCK_URL", server.url)
    monkeypatch.setenv("JOBMOCK_CONTROL_TOKEN", TOKEN)
    assert main(["ctl", "reset"]) == 0
    assert main(["ctl", "faults", "clear"]) == 0
    capsys.readouterr()
    yield server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["ctl", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_clock(ctl: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "clock") == (0, "2026-11-01T12:00:00+00:00  manual clock, scale 1\n", "")
    assert run(capsys, "clock", "advance", "5m")[1] == (
        "2026-11-01T12:05:00+00:00  manual clock, scale 1\n"
    )
    assert run(capsys, "clock", "advance", "90")[1].startswith("2026-11-01T12:06:30+00:00")
    code, out, _ = run(capsys, "clock", "set", "2026-11-02T08:00:00Z", "--json")
    assert (code, json.loads(out)) == (
        0,
        {"now": "2026-11-02T08:00:00+00:00", "mode": "manual", "scale": 1.0},
    )
    assert run(capsys, "clock", "freeze")[1] == "2026-11-02T08:00:00+00:00  manual clock, scale 1\n"
    code, out, _ = run(capsys, "clock", "resume")
    assert (code, out.split()[1:]) == (0, ["real", "clock,", "scale", "1"])
    assert run(capsys, "clock", "freeze")[1].split()[1:] == ["manual", "clock,", "scale", "1"]
    assert run(capsys, "reset")[1] == "2026-11-01T12:00:00+00:00  manual clock, scale 1\n"


def test_faults_add_list_remove_and_clear(ctl: Served, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "faults", "add", "nunu", "--operation", "getJobDetails", "--status", "503",
        "--retry-after", "30", "--times", "2",
    )  # fmt: skip
    assert code == 0 and re.fullmatch(r"added fault \d+\n", out)
    fault_id = int(out.split()[-1])
    answer = httpx.get(f"{ctl.url}/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "30")
    code, out, _ = run(capsys, "faults", "list")
    (listed,) = [json.loads(line) for line in out.splitlines()]
    assert (listed["id"], listed["operation"], listed["status"]) == (fault_id, "getJobDetails", 503)
    assert (listed["times"], listed["matched"], listed["fired"]) == (2, 1, 1)
    assert run(capsys, "faults", "add", "nunu", "--drop", "--always")[0] == 0
    assert len(json.loads(run(capsys, "faults", "list", "--json")[1])) == 2
    assert run(capsys, "faults", "remove", str(fault_id)) == (0, "", "")
    assert run(capsys, "faults", "clear", "--vendor", "nunu") == (0, "", "")
    assert run(capsys, "faults", "list") == (0, "", "")


def test_a_refusal_exits_1_with_the_servers_reason(
    ctl: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "faults", "add", "nunu", "--operation", "getJob")
    assert (code, out) == (1, "")
    assert err == (
        f"jobmock ctl: {ctl.url} refused: 400: operation: nunu has no operation 'getJob'; "
        "the closest: getJobDetails, listJobs, getJobDetailsScoped (`jobmock routes` lists "
        "every operation id); the rule could never fire\n"
    )
    code, _, err = run(capsys, "clock", "advance", "5x")
    assert code == 1 and "400: advance: invalid duration '5x'" in err


def test_the_token_comes_from_the_environment_or_the_flag(
    ctl: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JOBMOCK_CONTROL_TOKEN")
    assert run(capsys, "reset") == (
        1,
        "",
        f"jobmock ctl: {ctl.url} refused: 401: the control API needs "
        "'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>'\n",
    )
    assert run(capsys, "--token", TOKEN, "reset")[0] == 0


def test_requests_lists_filters_and_exports(
    ctl: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    with httpx.Client(base_url=ctl.url) as client:
        client.get(f"/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
        client.get(f"/nunu/api/v1/job/{SEED_JOB}", headers=KEY)
        client.get("/intuned/api/v1/workspace/w/projects/p/jobs")
    code, out, _ = run(capsys, "requests")
    lines = out.splitlines()
    first = int(lines[0].split()[1].removeprefix("#"))
    assert (code, lines) == (
        0,
        [
            f"12:00:00 #{first} GET /nunu/api/v1/jobs/{SEED_JOB} -> 200 (getJobDetails)",
            f"12:00:00 #{first + 1} GET /nunu/api/v1/job/{SEED_JOB} -> 404 (no route)  "
            "did you mean GET /api/v1/jobs/{jobId}?",
            f"12:00:00 #{first + 2} GET /intuned/api/v1/workspace/w/projects/p/jobs -> 401 "
            "(getJobs)",
        ],
    )
    assert run(capsys, "requests", "--vendor", "intuned")[1] == lines[2] + "\n"
    code, out, _ = run(
        capsys, "requests", "--vendor", "nunu", "--operation", "getJobDetails", "--json"
    )
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [first]
    code, out, _ = run(capsys, "requests", "--har", "--vendor", "nunu")
    har = json.loads(out)
    assert har["log"]["version"] == "1.2"
    assert [e["request"]["url"].split("/nunu")[1] for e in har["log"]["entries"]] == [
        f"/api/v1/jobs/{SEED_JOB}",
        f"/api/v1/job/{SEED_JOB}",
    ]


def test_requests_tail_follows_new_requests(ctl: Served) -> None:
    command = [*jobmock_command(), "ctl", "--url", ctl.url, "--token", TOKEN]
    tail = subprocess.Popen(
        [*command, "requests", "--tail", "--vendor", "nunu", "--interval", "0.05"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert tail.stdout is not None
        httpx.get(f"{ctl.url}/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
        first = tail.stdout.readline()
        httpx.get(f"{ctl.url}/nunu/api/v1/runs", headers=KEY)
        second = tail.stdout.readline()
    finally:
        tail.terminate()
        tail.communicate(timeout=10)
    assert first.endswith(f"GET /nunu/api/v1/jobs/{SEED_JOB} -> 200 (getJobDetails)\n")
    assert second.endswith("GET /nunu/api/v1/runs -> 200 (listRuns)\n")


def test_a_server_that_is_down_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out, err = run(capsys, "--url", f"http://127.0.0.1:{port}", "reset")
    assert (code, out) == (3, "")
    assert err.startswith(f"jobmock ctl: cannot reach jobmock at http://127.0.0.1:{port}: ")
    assert err.endswith("(is it running? give its root with --url or JOBMOCK_URL)\n")


def test_bad_usage_exits_2(ctl: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "stubs", "add", "nunu", "--json", "{a") == (
        2,
        "",
        "jobmock: ctl: --json: not JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))\n",
    )
    assert run(capsys, "stubs", "add", "nunu", "--header", "X-Test")[2] == (
        "jobmock: ctl: --header 'X-Test': expected NAME:VALUE\n"
    )
    with pytest.raises(SystemExit) as usage:
        main(["ctl", "clock", "rewind"])
    assert usage.value.code == 2


def test_stubs_add_posts_the_documented_body(
    ctl: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if httpx.get(f"{ctl.url}/_mock/stubs", headers=headers).status_code == 404:
        pytest.skip("this jobmock has no POST /_mock/stubs (issue 14, part 2)")
    code, out, _ = run(
        capsys, "stubs", "add", "nunu", "--operation", "getJobDetails", "--status", "200",
        "--json", '{"status": "SOMETHING_NEW"}', "--header", "X-Test: 1",
    )  # fmt: skip
    assert code == 0 and out.startswith("added stub ")
    answer = httpx.get(f"{ctl.url}/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
    assert (answer.status_code, answer.json(), answer.headers["x-test"]) == (
        200,
        {"status": "SOMETHING_NEW"},
        "1",
    )
    assert run(capsys, "stubs", "clear") == (0, "", "")


def test_tab_completion_lists_the_verbs_and_actions(tmp_path: Path) -> None:
    def complete(line: str) -> list[str]:
        answer = tmp_path / "completions"
        env = {
            **os.environ,
            "_ARGCOMPLETE": "1",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        }
        subprocess.run(jobmock_command(), env=env, check=True, timeout=60)
        return answer.read_text().split("\x0b")

    assert complete("jobmock ctl cl") == ["clock "]
    assert [w for w in complete("jobmock ctl faults ") if not w.startswith("-")] == [
        "add",
        "list",
        "clear",
        "remove",
    ]
