"""A jobmock plays the real vendor: its fixtures are the bundled ones, with a credential of the
recording's own (so a test can look for it in the output), minus what a recording cannot
capture (a job that moves on reads; Intuned runs caught mid-pause, whose counters its fixtures
cannot pin)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from jobmock.testing import MockServer
from jobmock.vendors.osapi.jwt.minting import mint
from tests.conftest import START
from tests.helpers import ROOT

WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
NUNU_KEY = "nunu_recording_secret_key_4711"
INTUNED_KEY = "intuned-recording-secret-4711"
PRUNNER_SECRET = "prunner-recording-secret-4711"
OSAPI_KEY = "osapi-recording-signing-key-4711"
#: nunu's poll-driven job: each read moves it, so the vendor and its recording part ways.
POLL_DRIVEN = "ca02135e-92b1-43f2-8ede-0d7ac3baea9e"
MID_PAUSE = {"PAUSING", "PAUSED", "RESUMING"}


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def vendor_fixtures(tmp: Path, slug: str) -> Path:
    root = tmp / "vendor"
    shutil.copytree(ROOT / "fixtures" / slug, root / slug)

    def fewer_generated(data: dict[str, Any]) -> None:
        # A few generated jobs are as telling as forty, and the suite stays quick.
        for block in data.get("generate", []):
            block["count"] = 4
            if "runs" in block:
                block["runs"] = 5

    if (root / slug / "generated.yaml").exists():
        _edit(root / slug / "generated.yaml", fewer_generated)
    if slug == "nunu":
        (root / "nunu" / "recording.yaml").write_text(
            f"schema_version: 1\nkeys:\n  - {{key: {NUNU_KEY}, project: test}}\n"
        )

        def drop_poll_driven(data: dict[str, Any]) -> None:
            data["jobs"] = [job for job in data["jobs"] if job["job_id"] != POLL_DRIVEN]

        _edit(root / "nunu" / "jobs.yaml", drop_poll_driven)
    if slug == "prunner":
        (root / "prunner" / "recording.yaml").write_text(
            f"schema_version: 1\njwt_secret: {PRUNNER_SECRET}\n"
        )
    if slug == "osapi":
        (root / "osapi" / "recording.yaml").write_text(
            f"schema_version: 1\nsecurity: {{signing_key: {OSAPI_KEY}}}\n"
        )
    if slug == "intuned":

        def add_key(data: dict[str, Any]) -> None:
            data["workspaces"][0]["keys"].append(INTUNED_KEY)

        def drop_mid_pause(data: dict[str, Any]) -> None:
            for job in data["jobs"]:
                job["runs"] = [r for r in job.get("runs", []) if r.get("status") not in MID_PAUSE]

        _edit(root / "intuned" / "seed.yaml", add_key)
        _edit(root / "intuned" / "jobs.yaml", drop_mid_pause)
    return root


def playing(tmp: Path, slug: str, **overrides: Any) -> MockServer:
    """A jobmock on a manual clock at ``START`` playing vendor ``slug``."""
    return MockServer(
        start_time=START, vendors=slug, fixtures=vendor_fixtures(tmp, slug), **overrides
    )


def replaying(out: Path, slug: str) -> MockServer:
    """A second jobmock serving the recording, on the same clock."""
    return MockServer(start_time=START, vendors=slug, fixtures=out)


def osapi_token(key: str = OSAPI_KEY) -> str:
    later = START + timedelta(days=90)
    return mint(
        key.encode(), roles=("admin",), subject="recorder", issued_at=START, expires_at=later
    )
