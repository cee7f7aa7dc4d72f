"""A vendor's default scenario in its fixture files (``scenario: NAME``): every job its clients
create follows it to its end on the manual clock, a client's header still chooses another, a
test's ``use_scenario`` lasts until reset or reload, and a name the vendor does not have stops
startup, reload, ``jobmock validate`` and ``jobmock generate`` naming file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
import yaml

from jobmock import Settings, create_app
from jobmock.cli import main
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing import JobmockError
from jobmock.testing.handle import InProcessHandle
from tests.conftest import START
from tests.helpers import ROOT
from tests.stubs.conftest import TARGETS
from tests.stubs.courses import COURSES, course

#: Per vendor: the fixtures' default, and the scenario a client's header chooses instead.
CHOICES = {
    "nunu": ("slow-then-fails", "stuck-queued"),
    "intuned": ("slow-then-fails", "stuck-queued"),
    "prunner": ("rate-limited-twice", "fails-then-succeeds-on-retry"),
    "osapi": ("skipped", "rate-limited-twice"),
}
NUNU_NAMES = "slow-then-fails, stuck-queued, rate-limited-twice, fails-then-succeeds-on-retry"


def folder_with(root: Path, vendor: str, scenario: str) -> Path:
    """The bundled fixtures of ``vendor`` under ``root``, plus ``scenario.yaml`` holding
    ``scenario`` (a comment on line 1, the setting on line 2)."""
    folder = root / vendor
    shutil.copytree(ROOT / "fixtures" / vendor, folder)
    (folder / "scenario.yaml").write_text(f"# every new job\n{scenario}\n")
    return folder


def serve(root: Path, vendor: str) -> JobmockApp:
    settings = Settings(clock="manual", start_time=START, fixtures=root, vendors=(vendor,))
    return create_app(settings)


def chosen(client: httpx.Client, vendor: str) -> tuple[str | None, str | None]:
    listed = client.get("/_mock/scenarios", params={"vendor": vendor}).json()
    return listed["default"], listed["default_origin"]


def created(client: httpx.Client, vendor: str, **headers: str) -> str:
    response = TARGETS[vendor].create(client, **headers)
    assert response.status_code in (200, 201, 202), response.text
    return TARGETS[vendor].created(response)


@pytest.mark.parametrize("vendor", list(CHOICES))
def test_every_new_job_follows_the_fixture_default(vendor: str, tmp_path: Path) -> None:
    default, other = CHOICES[vendor]
    folder = folder_with(tmp_path, vendor, f"scenario: {default}")
    handle = InProcessHandle(serve(tmp_path, vendor))
    origin = f"fixture {folder}/scenario.yaml:2"
    with handle.client() as client:
        assert chosen(client, vendor) == (default, origin)
        job = created(client, vendor)
        assert handle.requests(vendor=vendor)[-1].notes == [f"scenario {default}"]
        assert course(client, handle, vendor, job) == COURSES[vendor, default]

        # A client's header still chooses another, for the job it creates.
        handle.reset()
        job = created(client, vendor, **{"X-Jobmock-Scenario": other})
        assert handle.requests(vendor=vendor)[-1].notes == [f"scenario {other}"]
        assert course(client, handle, vendor, job) == COURSES[vendor, other]

        # A test's choice, and a test's "none", last until reset brings the fixture's back.
        handle.reset()
        handle.use_scenario(vendor, other)
        assert chosen(client, vendor) == (other, "api")
        handle.use_scenario(vendor, None)
        assert chosen(client, vendor) == (None, None)
        created(client, vendor)
        assert handle.requests(vendor=vendor)[-1].notes == []
        handle.reset()
        assert chosen(client, vendor) == (default, origin)
        job = created(client, vendor)
        assert course(client, handle, vendor, job) == COURSES[vendor, default]


def test_reload_reads_the_default_again(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "nunu", "scenario: stuck-queued")
    handle = InProcessHandle(serve(tmp_path, "nunu"))
    handle.use_scenario("nunu", "slow-then-fails")
    handle.reload()
    with handle.client() as client:
        assert chosen(client, "nunu") == ("stuck-queued", f"fixture {folder}/scenario.yaml:2")
        # The file changed: a bad name keeps the previous fixtures, a good one is served.
        (folder / "scenario.yaml").write_text("scenario: stuck\n")
        with pytest.raises(JobmockError) as info:
            handle.reload()
        assert str(info.value) == (
            "invalid fixtures, still serving the previous ones: "
            f"{folder}/scenario.yaml:1: scenario: nunu has no scenario 'stuck'; its scenarios: "
            f"{NUNU_NAMES}"
        )
        assert chosen(client, "nunu")[0] == "stuck-queued"
        (folder / "scenario.yaml").write_text("scenario: slow-then-fails\n")
        handle.reload()
        assert chosen(client, "nunu") == ("slow-then-fails", f"fixture {folder}/scenario.yaml:1")


@pytest.mark.parametrize(
    ("vendor", "setting", "message"),
    [
        ("nunu", "scenario: slow-then-fail", "nunu has no scenario 'slow-then-fail'; its "
         f"scenarios: {NUNU_NAMES}"),
        ("intuned", "scenario: stuck", "intuned has no scenario 'stuck'; its scenarios: "
         "slow-then-fails, stuck-queued, rate-limited-twice, fails-then-succeeds-on-retry"),
        ("prunner", "scenario: stuck-queued", "prunner has no scenario 'stuck-queued'; its "
         "scenarios: rate-limited-twice, fails-then-succeeds-on-retry"),
        ("osapi", "scenario: failed", "osapi has no scenario 'failed'; its scenarios: fails, "
         "skipped, rate-limited-twice, fails-then-succeeds-on-retry"),
        ("nunu", "scenario: [stuck-queued]", "give one of nunu's scenario names: "
         f"{NUNU_NAMES} (got ['stuck-queued'])"),
        ("nunu", "scenario:", f"give one of nunu's scenario names: {NUNU_NAMES} (got None)"),
    ],
)  # fmt: skip
def test_a_bad_default_stops_startup(
    vendor: str, setting: str, message: str, tmp_path: Path
) -> None:
    folder = folder_with(tmp_path, vendor, setting)
    with pytest.raises(FixtureError) as info:
        serve(tmp_path, vendor)
    assert str(info.value) == f"{folder}/scenario.yaml:2: scenario: {message}"


def test_the_default_is_set_once(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "prunner", "scenario: rate-limited-twice")
    (folder / "zz.yaml").write_text("scenario: fails-then-succeeds-on-retry\n")
    with pytest.raises(FixtureError) as info:
        serve(tmp_path, "prunner")
    assert str(info.value) == (
        f"{folder}/zz.yaml:1: scenario: scenario is set in two files (first at "
        f"{folder}/scenario.yaml:2); set it once"
    )


def test_validate_reports_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, "prunner", "scenario: rate-limited-twice")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out == (
        "prunner: ok (10 pipelines, 15 jobs, 60 generated; scenario rate-limited-twice)\n"
    )
    (folder / "scenario.yaml").write_text("# every new job\nscenario: rate-limited\n")
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"prunner: invalid\n{folder}/scenario.yaml:2: scenario: prunner has no scenario "
        "'rate-limited'; its scenarios: rate-limited-twice, fails-then-succeeds-on-retry\n"
    )


def test_generate_writes_the_default_and_it_serves(tmp_path: Path) -> None:
    source = tmp_path / "source"
    folder_with(source, "nunu", "scenario: slow-then-fails")
    out = tmp_path / "out" / "nunu"
    out.mkdir(parents=True)
    args = ["generate", "nunu", "--count", "2", "--fixtures", str(source)]
    assert main([*args, "--out", str(out / "jobs.yaml")]) == 0
    written = (out / "jobs.yaml").read_text()
    assert list(yaml.safe_load(written))[:3] == ["schema_version", "scenario", "projects"]
    line = written.splitlines().index("scenario: slow-then-fails") + 1
    # A folder holding only that file serves the default, as the source folder does.
    handle = InProcessHandle(serve(tmp_path / "out", "nunu"))
    with handle.client() as client:
        assert chosen(client, "nunu") == ("slow-then-fails", f"fixture {out}/jobs.yaml:{line}")
        job = created(client, "nunu")
        assert course(client, handle, "nunu", job) == COURSES["nunu", "slow-then-fails"]
    # --jobs-only is for a folder that has its definitions, the default among them.
    assert main([*args, "--out", str(out / "more.yaml"), "--jobs-only"]) == 0
    assert "scenario" not in yaml.safe_load((out / "more.yaml").read_text())


def test_generate_refuses_a_bad_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, "prunner", "scenario: nope")
    assert main(["generate", "prunner", "--count", "1", "--fixtures", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"jobmock: invalid fixtures:\n{folder}/scenario.yaml:2: scenario: prunner has no "
        "scenario 'nope'; its scenarios: rate-limited-twice, fails-then-succeeds-on-retry\n"
    )
