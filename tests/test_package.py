"""Packaging and import cost: what every project that installs jobmock pays."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import jobmock
import jobmock.testing
from tests.helpers import ROOT


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("statement", ["import jobmock", "import jobmock.testing"])
def test_import_is_light(statement: str) -> None:
    modules = imported_after(statement)
    heavy = {"fastapi", "starlette", "faker", "uvicorn", "pydantic", "httpx", "jwt", "yaml"}
    assert not heavy & modules


def test_neither_faker_nor_fastapi_is_imported_to_build_the_app() -> None:
    modules = imported_after(
        "from jobmock import create_app, Settings; create_app(Settings(clock='manual'))"
    )
    assert "faker" not in modules
    assert "fastapi" not in modules, "the FastAPI apps are built when first needed"


@pytest.mark.parametrize("module", [jobmock, jobmock.testing])
def test_exported_members(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names == sorted(names)
    for name in names:
        assert getattr(module, name) is not None


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        jobmock.nothing  # noqa: B018


def test_wheel_ships_the_fixtures(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("jobmock-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "jobmock/fixtures/nunu/seed.yaml" in names
    assert "jobmock/vendors/nunu/backend.py" in names
    assert "jobmock/py.typed" in names  # PEP 561: a consumer's mypy reads jobmock's hints
    # The dashboard's page: no build step at install, so the files themselves.
    for name in ("index.html", "app.js", "app.css"):
        assert f"jobmock/control/ui/{name}" in names
    assert not any(name.startswith(("app/", "tests/")) for name in names)
