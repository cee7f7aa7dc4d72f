"""Settings: defaults, ``JOBMOCK_*`` environment variables, and the values refused with a
message that says what is accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from jobmock import Settings
from jobmock.settings import known_vendors, packaged_fixtures
from tests.helpers import ROOT


def test_the_defaults_serve_every_vendor_from_the_bundled_fixtures() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.clock) == ("127.0.0.1", 8000, "real")
    assert settings.served_vendors == known_vendors() == ("nunu", "intuned", "prunner", "osapi")
    assert settings.fixtures_dir == packaged_fixtures()

    # Inside the wheel when installed, the repository's folder in an editable checkout: the same
    # files either way.
    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*.yaml")}

    assert files(settings.fixtures_dir) == files(ROOT / "fixtures")
    assert settings.start_time is None and settings.control_token is None


def test_a_fixture_folder_of_ones_own(tmp_path: Path) -> None:
    assert Settings(fixtures=tmp_path).fixtures_dir == tmp_path


def test_one_vendor_alone_or_a_choice_of_vendors() -> None:
    assert Settings(vendor="prunner").served_vendors == ("prunner",)
    assert Settings(vendors=("osapi", "nunu")).served_vendors == ("osapi", "nunu")
    assert Settings(vendor="intuned", vendors=("nunu",)).served_vendors == ("intuned",)


def test_lists_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMOCK_VENDORS", " nunu, osapi ,")
    monkeypatch.setenv("JOBMOCK_ALLOW_ORIGINS", "http://localhost:3000,https://app.example.com")
    monkeypatch.setenv("JOBMOCK_PORT", "9000")
    monkeypatch.setenv("JOBMOCK_RATE_LIMITS", "true")
    settings = Settings()
    assert settings.vendors == ("nunu", "osapi")
    assert settings.allow_origins == ("http://localhost:3000", "https://app.example.com")
    assert (settings.port, settings.rate_limits) == (9000, True)


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMOCK_SEED", "7")
    assert Settings().seed == 7
    assert Settings(seed=8).seed == 8


def test_the_start_time_is_kept_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    noon = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert Settings(start_time=datetime(2026, 11, 1, 13, 0, tzinfo=paris)).start_time == noon
    assert Settings(start_time=datetime(2026, 11, 1, 12, 0)).start_time == noon
    assert Settings(start_time="2026-11-01T13:00:00+01:00").start_time == noon


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"vendors": "nope"},
            "unknown vendor 'nope'; jobmock emulates: nunu, intuned, prunner, osapi",
        ),
        (
            {"vendor": "Nunu"},
            "unknown vendor 'Nunu'; jobmock emulates: nunu, intuned, prunner, osapi",
        ),
        (
            {"allow_origins": "localhost:3000"},
            "invalid origin 'localhost:3000': give scheme://host[:port] as a browser sends it",
        ),
        ({"clock": "fast"}, "Input should be 'real' or 'manual'"),
        ({"clock_scale": 0}, "Input should be greater than 0"),
        ({"port": 70000}, "Input should be less than or equal to 65535"),
        ({"journal_size": 0}, "Input should be greater than or equal to 1"),
        ({"max_sessions": -1}, "Input should be greater than or equal to 0"),
        ({"portt": 8000}, "Extra inputs are not permitted"),
    ],
)
def test_bad_values_are_refused_naming_what_is_accepted(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(**values)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_settings_cannot_change_once_made() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.port = 9000  # type: ignore[misc]
