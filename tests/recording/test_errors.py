"""What a recording says when it cannot be made: the vendor's own answer, named; nothing
written as if whole; options the vendor cannot use refused before anything is read."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from jobmock.cli import main
from tests.helpers import run
from tests.recording.conftest import NUNU_KEY, WORKSPACE, playing

DONE = "c6f87718-6d76-407e-881e-d162ae2eb154"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def record(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["record", *args])
    return code, capsys.readouterr().err


def test_a_wrong_credential_is_the_vendors_401(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with playing(tmp_path, "nunu") as vendor:
        base = vendor.base_url("nunu")
        code, err = record(
            capsys, "nunu", "--base-url", base, "--credential", "nunu_wrong",
            "--job", DONE, "--out", str(tmp_path / "out"),
        )  # fmt: skip
    assert code == 2
    assert err == (
        f"jobmock: record nunu: job {DONE}: nunu.ai API answered 401 to GET "
        f'{base}/jobs/{DONE}: {{"error": "Invalid API key"}}\n'
    )
    assert not (tmp_path / "out").exists()


def test_an_unknown_job_is_named_and_nothing_is_written_as_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with playing(tmp_path, "nunu") as vendor:
        base = vendor.base_url("nunu")
        code, err = record(
            capsys, "nunu", "--base-url", base, "--credential", NUNU_KEY,
            "--job", DONE, "--job", UNKNOWN, "--out", str(out),
        )  # fmt: skip
    partial = out / "nunu" / "recorded.yaml.partial"
    assert code == 2
    assert err == (
        f"jobmock: record nunu: job {UNKNOWN}: nunu.ai API answered 404 to GET "
        f'{base}/jobs/{UNKNOWN}: {{"error": "Job not found"}}\n'
        f"nothing was written as a whole recording; the 1 job(s) read before that are in "
        f"{partial}\n"
    )
    assert sorted(p.name for p in (out / "nunu").iterdir()) == ["recorded.yaml.partial"]
    text = partial.read_text()
    assert text.startswith("# PARTIAL RECORDING: ")
    assert f"# job {UNKNOWN}: nunu.ai API answered 404" in text
    assert f"job_id: {DONE}" in text
    assert NUNU_KEY not in text


def test_a_whole_recording_replaces_an_earlier_partial_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "nunu").mkdir(parents=True)
    (out / "nunu" / "recorded.yaml.partial").write_text("# PARTIAL RECORDING\n")
    with playing(tmp_path, "nunu") as vendor:
        code, _ = record(
            capsys, "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY,
            "--job", DONE, "--out", str(out),
        )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in (out / "nunu").iterdir()) == ["recorded.yaml"]


def test_a_vendor_that_is_down_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/api/v1"
    code, err = record(
        capsys, "nunu", "--base-url", base, "--credential", NUNU_KEY, "--all",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2
    assert err.startswith(
        f"jobmock: record nunu: the job list: cannot reach nunu.ai API at {base} (ConnectError: "
    )
    assert err.endswith("); is the URL right and the server up?\n")
    assert not (tmp_path / "out").exists()


def test_a_follow_that_outlasts_its_timeout_is_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = "18f135d2-5f55-4203-b018-50c5a38fd547"  # RUNNING for ever
    out = tmp_path / "out"
    with playing(tmp_path, "nunu") as vendor:
        code, err = record(
            capsys, "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY,
            "--job", DONE, "--follow", running, "--timeout", "0.05s", "--interval", "0.01s",
            "--out", str(out),
        )  # fmt: skip
    assert code == 2
    assert err.startswith(
        f"jobmock: record nunu: job {running}: still running after 0.05s of --follow "
        "(job RUNNING); give a longer --timeout\nnothing was written as a whole recording"
    )
    assert sorted(p.name for p in (out / "nunu").iterdir()) == ["recorded.yaml.partial"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nunu"], "record: say which jobs: --job ID (repeatable), --all, or --follow ID"),
        (["acme", "--all"], "record: unknown vendor 'acme' (one of nunu, intuned, prunner, osapi)"),
        (["nunu", "--all", "--timeout", "soon"], None),
        (
            ["nunu", "--all"],
            "record nunu: nunu: give the API key (sent as X-Api-Key) as --credential",
        ),
        (
            ["nunu", "--all", "--credential", NUNU_KEY, "--workspace", WORKSPACE],
            "record nunu: nunu: --workspace means nothing to nunu; leave it out",
        ),
        (
            ["intuned", "--all", "--credential", "k", "--project", "p"],
            "record intuned: intuned: give the workspace id as --workspace",
        ),
    ],
)
def test_what_cannot_be_done_is_refused_before_reading(
    args: list[str], message: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, err = record(
        capsys, *args[:1], "--base-url", "http://127.0.0.1:9/none", *args[1:], "--out", str(out)
    )
    assert code == 2
    if message is not None:
        assert err == f"jobmock: {message}\n"
    else:
        assert err.startswith("jobmock: record: --timeout/--interval: ")
    assert not out.exists()


def test_an_out_folder_that_cannot_be_written_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a-file"
    out.write_text("")
    with playing(tmp_path, "nunu") as vendor:
        code, err = record(
            capsys, "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY,
            "--job", DONE, "--out", str(out),
        )  # fmt: skip
    assert code == 2
    assert err.startswith(f"jobmock: record nunu: cannot write into {out}: ")


def test_an_answer_of_another_shape_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with playing(tmp_path, "nunu") as vendor:
        # A 200 in the shape of an error: not the list the recording reads.
        vendor.handle.fail_next("nunu", operation="listJobs", status=200, message="surprise")
        code, err = record(
            capsys, "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY,
            "--all", "--out", str(tmp_path / "out"),
        )  # fmt: skip
    assert (code, err) == (
        2,
        "jobmock: record nunu: the job list: the vendor's answer is not in the shape jobmock "
        "knows (no 'data'); is the base URL the one the vendor's clients use?\n",
    )


def test_an_answer_that_is_not_json_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with playing(tmp_path, "nunu") as vendor:
        vendor.handle.add_fault("nunu", operation="getJobDetails", malformed=True)
        base = vendor.base_url("nunu")
        code, err = record(
            capsys, "nunu", "--base-url", base, "--credential", NUNU_KEY, "--job", DONE,
            "--out", str(tmp_path / "out"),
        )  # fmt: skip
    assert code == 2
    assert err.startswith(
        f"jobmock: record nunu: job {DONE}: nunu.ai API answered GET {base}/jobs/{DONE} with "
        "something that is not JSON: "
    )


def test_the_installed_command_records_and_fails_with_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with playing(tmp_path, "nunu") as vendor:
        base = vendor.base_url("nunu")
        args = ["record", "nunu", "--base-url", base, "--job", DONE, "--out", str(out)]
        done = run(args, env={"JOBMOCK_RECORD_CREDENTIAL": NUNU_KEY})
        refused = run(args, env={"JOBMOCK_RECORD_CREDENTIAL": "nunu_wrong"})
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == f"recorded 1 job(s) of nunu into {out / 'nunu' / 'recorded.yaml'}\n"
    assert refused.returncode == 2
    assert "401 to GET" in refused.stderr and '{"error": "Invalid API key"}' in refused.stderr
