"""Reloading the fixtures in place: ``POST /_mock/reload``, the handle's ``reload()``, and the
watcher behind ``jobmock serve --watch``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.cli.serving import reload_fixtures
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing.handle import InProcessHandle, JobmockError
from jobmock.testing.transport import JobmockTransport
from jobmock.watch import FixtureWatcher
from tests.conftest import START

JOB = "0f5b3c4e-6a55-4c8e-9d1e-1a2b3c4d5e6f"
KEY = {"X-Api-Key": "nunu_test_key"}


def write_job(folder: Path, test_name: str) -> Path:
    path = folder / "nunu" / "extra.yaml"
    path.write_text(f"jobs:\n  - job_id: {JOB}\n    status: QUEUED\n    test_name: {test_name}\n")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(Settings().fixtures_dir / "nunu", tmp_path / "nunu")
    write_job(tmp_path, "Before")
    return tmp_path


@pytest.fixture
def app(folder: Path) -> JobmockApp:
    return create_app(
        Settings(fixtures=folder, vendors=("nunu",), clock="manual", start_time=START)
    )


@pytest.fixture
def client(app: JobmockApp) -> Iterator[httpx.Client]:
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as c:
        yield c


def job_name(client: httpx.Client) -> str:
    return str(client.get(f"/nunu/api/v1/jobs/{JOB}", headers=KEY).json()["test_name"])


def test_reload_serves_the_edited_files_as_a_restart_would(
    app: JobmockApp, client: httpx.Client, folder: Path
) -> None:
    crashes = app.runtime.crashes
    added = client.post("/_mock/jobs/nunu", json={"status": "QUEUED"}).json()["id"]
    client.post("/_mock/clock", json={"advance": "1h"})
    write_job(folder, "After")
    assert job_name(client) == "Before"

    response = client.post("/_mock/reload")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "vendors": ["nunu"],
        "now": "2026-11-01T12:00:00+00:00",
        "mode": "manual",
        "scale": 1.0,
    }
    assert job_name(client) == "After"
    assert client.get(f"/nunu/api/v1/jobs/{added}", headers=KEY).status_code == 404
    assert [r["path"] for r in client.get("/_mock/requests").json()["requests"]] == [
        f"/api/v1/jobs/{JOB}",
        f"/api/v1/jobs/{added}",
    ]
    assert app.runtime.crashes is crashes  # a bug hit before the reload still fails its test


def test_bad_files_are_refused_and_nothing_changes(client: httpx.Client, folder: Path) -> None:
    added = client.post("/_mock/jobs/nunu", json={"status": "QUEUED"}).json()["id"]
    moved = client.post("/_mock/clock", json={"advance": "1h"}).json()
    (folder / "nunu" / "extra.yaml").write_text(f"jobs:\n  - job_id: {JOB}\n    statuz: QUEUED\n")

    response = client.post("/_mock/reload")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("invalid fixtures, still serving the previous ones: ")
    assert f"{folder}/nunu/extra.yaml:3: jobs[0].statuz:" in error
    assert job_name(client) == "Before"
    assert client.get(f"/nunu/api/v1/jobs/{added}", headers=KEY).status_code == 200
    assert client.get("/_mock/clock").json() == moved


def test_one_vendor_at_the_root_is_still_there_after_a_reload(folder: Path) -> None:
    app = create_app(Settings(fixtures=folder, vendor="nunu", clock="manual"))
    handle = InProcessHandle(app)
    write_job(folder, "After")
    assert handle.reload()["vendors"] == ["nunu"]
    with handle.client() as client:
        assert client.get(f"/api/v1/jobs/{JOB}", headers=KEY).json()["test_name"] == "After"
    (folder / "nunu" / "extra.yaml").write_text("jobs: 3\n")
    with pytest.raises(JobmockError, match=r"extra\.yaml:1: jobs"):
        handle.reload()


def test_the_serve_callback_says_what_happened(
    app: JobmockApp, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(folder, "After")
    reload_fixtures(app)
    assert capsys.readouterr().out == "jobmock: fixtures reloaded (nunu)\n"
    (folder / "nunu" / "extra.yaml").write_text("jobs: [{job_id: 1}]\n")
    reload_fixtures(app)
    err = capsys.readouterr().err
    assert err.startswith(
        "jobmock: fixtures changed but are invalid; still serving the previous ones:\n"
    )
    assert "extra.yaml:1: jobs[0].job_id" in err


def test_a_folder_that_has_gone_is_refused_and_nothing_changes(
    client: httpx.Client, folder: Path, app: JobmockApp
) -> None:
    moved = client.post("/_mock/clock", json={"advance": "1h"}).json()
    shutil.rmtree(folder)

    response = client.post("/_mock/reload")

    assert response.status_code == 400
    assert response.json() == {
        "error": f"invalid fixtures, still serving the previous ones: {folder}: "
        "no such fixture folder"
    }
    assert job_name(client) == "Before"
    assert client.get("/_mock/clock").json() == moved
    with pytest.raises(JobmockError, match=f"{folder}: no such fixture folder"):
        InProcessHandle(app).reload()


def test_the_watch_keeps_serving_when_the_folder_goes(
    app: JobmockApp, folder: Path, client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    watcher = FixtureWatcher([folder / "nunu"], lambda: reload_fixtures(app))
    shutil.rmtree(folder)
    watcher.check()
    assert watcher.check()
    assert capsys.readouterr().err == (
        "jobmock: fixtures changed but are invalid; still serving the previous ones:\n"
        f"{folder}: no such fixture folder\n"
    )
    assert job_name(client) == "Before"


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_create_app_refuses_a_fixture_folder_that_is_not_one(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "fixtures"
    if kind == "file":
        path.write_text("jobs: []\n")
    what = "a file, not a fixture folder" if kind == "file" else "no such fixture folder"
    with pytest.raises(FixtureError) as raised:
        create_app(Settings(fixtures=path, clock="manual"))
    assert str(raised.value) == f"{path}: {what}"
