from __future__ import annotations

import pytest

from jobmock.core.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("90s", 90),
        ("5m", 300),
        ("1h", 3600),
        ("1h30m", 5400),
        ("250ms", 0.25),
        ("2d", 172800),
        ("1.5s", 1.5),
        ("45", 45),
        (" 2m 30s ", 150),
        (12, 12),
        (0.5, 0.5),
    ],
)
def test_parse(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "m5", "-5s", "5x", True, -1])
def test_parse_rejects(text: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "seconds, text", [(300, "5m"), (7200, "2h"), (90, "90s"), (1.5, "1.5s"), (0, "0s")]
)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds
