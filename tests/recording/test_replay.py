"""Record from a jobmock playing the vendor, serve the recording from a second one: every
document is the same, byte for byte (detail and list documents, runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml

from jobmock.cli import main
from tests.recording.conftest import INTUNED_KEY, NUNU_KEY, WORKSPACE, playing, replaying

Paths = Callable[[httpx.Client], list[str]]


def nunu_paths(client: httpx.Client) -> list[str]:
    jobs = client.get("/jobs", params={"status": "all", "page_size": 100}).json()["data"]
    paths = ["/jobs?status=all&page_size=100", "/runs?page_size=100", "/jobs?status=running"]
    for job in jobs:
        paths.append(f"/jobs/{job['job_id']}")
        paths += [f"/runs/{run['multiplayer_run_id']}" for run in job["runs"]]
    return paths


def intuned_paths(client: httpx.Client) -> list[str]:
    paths = ["/jobs"]
    for job in client.get("/jobs").json():
        runs = f"/jobs/{job['id']}/runs"
        paths += [f"/jobs/{job['id']}", f"{runs}?pageSize=100", f"{runs}?sortBy=status,asc"]
        listed = client.get(runs, params={"pageSize": 100}).json()["jobRuns"]
        paths += [f"{runs}/{run['id']}" for run in listed]
    return paths


CASES = {
    "nunu": (["--credential", NUNU_KEY], {"X-Api-Key": NUNU_KEY}, "", nunu_paths),
    "intuned": (
        ["--credential", INTUNED_KEY, "--workspace", WORKSPACE, "--project", "my-project"],
        {"x-api-key": "intuned_test_key"},
        f"/{WORKSPACE}/projects/my-project",
        intuned_paths,
    ),
}
#: What the replaying jobmock takes: its own default credential.
REPLAY_HEADERS = {"nunu": {"X-Api-Key": "nunu_test_key"}, "intuned": {"x-api-key": "intuned_test_key"}}


@pytest.mark.parametrize("slug", sorted(CASES))
def test_a_recording_serves_the_vendors_documents_byte_for_byte(
    slug: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, headers, prefix, paths = CASES[slug]
    out = tmp_path / "recorded"
    with playing(tmp_path, slug) as vendor:
        base = vendor.base_url(slug)
        code = main(["record", slug, "--base-url", base, *args, "--all", "--out", str(out)])
        assert code == 0, capsys.readouterr().err
        recording = out / slug / "recorded.yaml"
        count = len(yaml.safe_load(recording.read_text())["jobs"])
        assert capsys.readouterr().err == f"recorded {count} job(s) of {slug} into {recording}\n"
        text = recording.read_text()
        secret = args[1]
        assert secret not in text
        with (
            replaying(out, slug) as replay,
            httpx.Client(base_url=base + prefix, headers=headers) as theirs,
            httpx.Client(
                base_url=replay.base_url(slug) + prefix, headers=REPLAY_HEADERS[slug]
            ) as ours,
        ):
            checked = paths(theirs)
            assert len(checked) > 20
            for path in checked:
                expected, got = theirs.get(path), ours.get(path)
                assert expected.status_code == 200, path
                assert (got.status_code, got.content) == (200, expected.content), path
