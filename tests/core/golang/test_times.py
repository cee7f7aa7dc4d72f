"""Go's ``time`` package: RFC 3339 timestamps, ``Duration.String`` (the cases of Go's own
time_test.go among them) and ``ParseDuration`` with its error text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobmock.core.clock import micros
from jobmock.core.golang.times import (
    NS_PER_SECOND,
    duration,
    from_ns,
    parse_duration,
    parse_rfc3339,
    rfc3339,
    rfc3339_micros,
    rfc3339_nano,
    to_ns,
)

NS = NS_PER_SECOND
MS = 1_000_000


@pytest.mark.parametrize(
    "ns, text",
    [
        (0, "0s"),
        (1, "1ns"),
        (999, "999ns"),
        (1_100, "1.1µs"),
        (1_500, "1.5µs"),
        (1_840_000, "1.84ms"),
        (2_200 * 1000, "2.2ms"),
        (3_300 * MS, "3.3s"),
        (63_200 * MS, "1m3.2s"),
        (4 * 60 * NS + 5 * NS, "4m5s"),
        (4 * 60 * NS + 5_001 * MS, "4m5.001s"),
        (90 * NS + 3 * MS, "1m30.003s"),
        (3600 * NS, "1h0m0s"),
        (3723 * NS + NS // 2, "1h2m3.5s"),
        (5 * 3600 * NS + 6 * 60 * NS + 7_001 * MS, "5h6m7.001s"),
        (8 * 60 * NS + 1, "8m0.000000001s"),
        (2**63 - 1, "2562047h47m16.854775807s"),
        (-NS, "-1s"),
        (-(2**63), "-2562047h47m16.854775808s"),
    ],
)
def test_duration_string(ns: int, text: str) -> None:
    assert duration(ns) == text
    if ns >= 0:
        assert parse_duration(text) == ns


@pytest.mark.parametrize(
    "text, ns",
    [("0", 0), ("1.5h", 5400 * NS), (".5s", NS // 2), ("1h30m", 5400 * NS), ("10us", 10_000)],
)
def test_parse_duration(text: str, ns: int) -> None:
    assert parse_duration(text) == ns


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("", '""'),
        ("3", '"3"'),
        ("1d", '"1d"'),
        ('1s"', '"1s\\""'),
        # time's own quote, not strconv's: the UTF-8 bytes of whatever is not printable ASCII
        ("1µ", '"1\\xc2\\xb5"'),
        ("1\a", '"1\\x07"'),
    ],
)
def test_parse_duration_errors_quote_as_the_time_package_does(text: str, quoted: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert str(info.value) == f"time: invalid duration {quoted}"


def test_timestamps() -> None:
    ns = 1_774_001_730_187_342_911
    assert rfc3339(ns) == "2026-03-20T10:15:30Z"
    assert rfc3339_micros(ns // 1000) == "2026-03-20T10:15:30Z"
    assert rfc3339_nano(ns) == "2026-03-20T10:15:30.187342911Z"
    assert rfc3339_nano(ns - 911) == "2026-03-20T10:15:30.187342Z"
    assert rfc3339_nano(1_774_001_730 * NS) == "2026-03-20T10:15:30Z"
    assert rfc3339(-1) == "1969-12-31T23:59:59Z"
    assert parse_rfc3339("2026-03-20T12:15:30.187342911+02:00") == ns
    assert parse_rfc3339("2026-03-20t10:15:30z") == 1_774_001_730 * NS
    assert parse_rfc3339("2026-03-20 10:15:30") is None
    assert parse_rfc3339("2026-02-30T10:15:30Z") is None


def test_clock_conversions_are_exact() -> None:
    when = datetime(2025, 5, 4, 9, 42, 0, 999_999, tzinfo=UTC)
    assert micros(when) == 1_746_351_720_999_999
    assert to_ns(when) == 1_746_351_720_999_999_000
    assert from_ns(to_ns(when)) == when.replace(microsecond=0)
    assert rfc3339_micros(micros(when)) == "2025-05-04T09:42:00Z"
