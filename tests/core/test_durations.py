from __future__ import annotations

import random
import re

import pytest

from jobmock.core.durations import exact_duration, format_duration, parse_duration


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


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (-0.0, "0s"),
        (90, "1m30s"),
        (3600, "1h"),
        (3600.5, "1h0.5s"),
        (172800, "2d"),
        (1452.35268, "24m12.35268s"),
        (4159882.1376, "48d3h31m22.1376s"),
        (275.588872945, "4m35.588872945s"),
        (0.01656853, "0.01656853s"),
        (1e-05, "0.00001s"),  # never an exponent: the fixtures' grammar has none
        (1e16, "115740740740d17h46m40s"),
        # 2m + 31.363264s lands one ulp away from 151.363264: written in seconds instead.
        (151.363264, "151.363264s"),
    ],
)
def test_exact_duration(seconds: float, text: str) -> None:
    assert exact_duration(seconds) == text
    assert parse_duration(text) == seconds


def test_exact_duration_reads_back_as_the_same_float() -> None:
    rng = random.Random(7)
    grammar = re.compile(r"(\d+d)?(\d+h)?(\d+m)?(\d+(\.\d+)?s)?")
    values = [rng.uniform(0, 1e7) for _ in range(3000)]
    values += [round(rng.uniform(0, 1e5), 6) for _ in range(3000)]
    values += [rng.randrange(10**15) / 1e9 for _ in range(3000)]
    values += [rng.expovariate(0.001) for _ in range(3000)]
    for seconds in values:
        text = exact_duration(seconds)
        assert grammar.fullmatch(text) and text, (seconds, text)
        assert parse_duration(text) == seconds, (seconds, text)


@pytest.mark.parametrize("seconds", [-1.0, -1e-9, float("inf"), float("nan")])
def test_exact_duration_refuses_what_no_duration_is(seconds: float) -> None:
    with pytest.raises(ValueError, match="must be finite and not negative"):
        exact_duration(seconds)
