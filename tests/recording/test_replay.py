"""Record from a jobmock playing the vendor, serve the recording from a second one: every
document is the same, byte for byte (detail and list documents, runs, logs), and the
credential the recording used is nowhere in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from jobmock.cli import main
from jobmock.core.auth import mint_jwt
from tests.recording.conftest import (
    INTUNED_KEY,
    NUNU_KEY,
    PRUNNER_SECRET,
    WORKSPACE,
    osapi_token,
    playing,
    replaying,
)
from tests.vendors.osapi.conftest import token as default_osapi_token
from tests.vendors.prunner.conftest import token as default_prunner_token


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


def prunner_paths(client: httpx.Client) -> list[str]:
    paths = ["/pipelines/", "/pipelines/jobs"]
    for job in client.get("/pipelines/jobs").json()["jobs"]:
        paths.append(f"/job/detail?id={job['id']}")
        paths += [f"/job/logs?id={job['id']}&task={t['name']}" for t in job["tasks"] or []]
    return paths


def osapi_paths(client: httpx.Client) -> list[str]:
    paths = ["/job?limit=100", "/job?status=completed", "/job?limit=5&offset=3"]
    return paths + [f"/job/{item['id']}" for item in client.get("/job?limit=100").json()["items"]]


@dataclass(frozen=True)
class Case:
    args: list[str]
    secret: str
    """What must not be in the recording."""
    headers: dict[str, str]
    """The vendor's, for the recorded credential."""
    replay_headers: dict[str, str]
    """The replaying jobmock's own default credential."""
    prefix: str
    paths: Callable[[httpx.Client], list[str]]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


CASES = {
    "nunu": Case(
        ["--credential", NUNU_KEY],
        NUNU_KEY,
        {"X-Api-Key": NUNU_KEY},
        {"X-Api-Key": "nunu_test_key"},
        "",
        nunu_paths,
    ),
    "intuned": Case(
        ["--credential", INTUNED_KEY, "--workspace", WORKSPACE, "--project", "my-project"],
        INTUNED_KEY,
        {"x-api-key": INTUNED_KEY},
        {"x-api-key": "intuned_test_key"},
        f"/{WORKSPACE}/projects/my-project",
        intuned_paths,
    ),
    # prunner: the secret given, for the recording to sign its own token.
    "prunner": Case(
        ["--jwt-secret", PRUNNER_SECRET],
        PRUNNER_SECRET,
        bearer(mint_jwt(PRUNNER_SECRET, {"sub": "j.doe"})),
        bearer(default_prunner_token()),
        "",
        prunner_paths,
    ),
    "osapi": Case(
        ["--credential", osapi_token()],
        osapi_token(),
        bearer(osapi_token()),
        bearer(default_osapi_token()),
        "",
        osapi_paths,
    ),
}


@pytest.mark.parametrize("slug", sorted(CASES))
def test_a_recording_serves_the_vendors_documents_byte_for_byte(
    slug: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[slug]
    out = tmp_path / "recorded"
    with playing(tmp_path, slug) as vendor:
        base = vendor.base_url(slug)
        code = main(["record", slug, "--base-url", base, *case.args, "--all", "--out", str(out)])
        assert code == 0, capsys.readouterr().err
        recording = out / slug / "recorded.yaml"
        text = recording.read_text()
        count = len(yaml.safe_load(text)["jobs"])
        assert capsys.readouterr().err == f"recorded {count} job(s) of {slug} into {recording}\n"
        assert case.secret not in text
        assert sorted(p.name for p in (out / slug).iterdir()) == ["recorded.yaml"]
        with (
            replaying(out, slug) as replay,
            httpx.Client(base_url=base + case.prefix, headers=case.headers) as theirs,
            httpx.Client(
                base_url=replay.base_url(slug) + case.prefix, headers=case.replay_headers
            ) as ours,
        ):
            checked = case.paths(theirs)
            assert len(checked) > 12
            for path in checked:
                expected, got = theirs.get(path), ours.get(path)
                assert expected.status_code == 200, path
                assert (got.status_code, got.content) == (200, expected.content), path
