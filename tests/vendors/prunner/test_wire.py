"""Go's JSON and parameter rules, unit by unit (json-iterator, strconv, net/url, gofrs/uuid)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobmock.vendors.prunner import gojson
from jobmock.vendors.prunner.graph import task_order
from jobmock.vendors.prunner.params import parse_job_id, query_value


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("plain", '"plain"'),
        ('quote " and \\ backslash', '"quote \\" and \\\\ backslash"'),
        ("<b> & </b>", '"\\u003cb\\u003e \\u0026 \\u003c/b\\u003e"'),
        ("line\nfeed\r\ttab", '"line\\nfeed\\r\\ttab"'),
        ("\x00\x01\x08\x0c\x1f\x7f", '"\\u0000\\u0001\\u0008\\u000c\\u001f\x7f"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("é 日本 😀", '"é 日本 😀"'),
    ],
)
def test_strings(text: str, encoded: str) -> None:
    assert gojson.string(text) == encoded


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (100.0, "100"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-9, "1.25e-9"),
        (1e-10, "1e-10"),
        (123456789.123, "123456789.123"),
        (float(2**53 + 1), "9007199254740992"),
        (float(12345678901234567890), "12345678901234567000"),
    ],
)
def test_float64_as_go_writes_it(value: float, encoded: str) -> None:
    assert gojson.number(value) == encoded


def test_values_sort_map_keys_at_every_level() -> None:
    value = {"b": {"z": 1, "a": [True, None]}, "a": "x", "É": 1, "Z": 2}
    assert gojson.value(value) == '{"Z":2,"a":"x","b":{"a":[true,null],"z":1},"É":1}'


def test_timestamps_are_whole_seconds_in_utc() -> None:
    when = datetime(2025, 5, 4, 9, 42, 0, 999_999, tzinfo=UTC)
    assert gojson.timestamp(gojson.micros(when)) == '"2025-05-04T09:42:00Z"'


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("release", '"release"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("tab\there\n", '"tab\\there\\n"'),
        ("\x01\x7f", '"\\x01\\x7f"'),
        ("\u00a0é", '"\\u00a0é"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert gojson.quote(text) == quoted


def test_decoding_reads_the_first_value_as_float64() -> None:
    value = gojson.first_value(b' {"n": 1, "big": 12345678901234567890, "l": [2]} {"x"')
    assert value == {"n": 1.0, "big": 1.2345678901234567e19, "l": [2.0]}
    assert all(isinstance(v, float) for v in (value["n"], value["big"]))


@pytest.mark.parametrize("body", [b"", b" \r\n\t"])
def test_decoding_nothing_is_eof(body: bytes) -> None:
    with pytest.raises(gojson.DecodeError, match=r"^EOF$"):
        gojson.first_value(body)


@pytest.mark.parametrize("body", [b"{", b"NaN", b"Infinity", b"[1e999]", b"{'a': 1}"])
def test_decoding_errors(body: bytes) -> None:
    with pytest.raises(gojson.DecodeError):
        gojson.first_value(body)


# --- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("id=a", "a"),
        ("id=a&id=b", "a"),
        ("x=1&id=%61+b", "a b"),
        ("id", ""),
        ("", ""),
        ("id=a;b&id=c", "c"),
        ("id=%zz&id=ok", "ok"),
        ("%69d=encoded-name", "encoded-name"),
    ],
)
def test_query_value_like_net_url(query: str, value: str) -> None:
    assert query_value(query, "id") == value


CANONICAL = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"


@pytest.mark.parametrize(
    "text",
    [
        CANONICAL,
        CANONICAL.upper(),
        CANONICAL.replace("-", ""),
        "{" + CANONICAL + "}",
        "{" + CANONICAL.replace("-", "") + "}",
        "urn:uuid:" + CANONICAL,
        "urn:uuid:" + CANONICAL.replace("-", ""),
    ],
)
def test_uuid_spellings(text: str) -> None:
    assert parse_job_id(text) == CANONICAL


@pytest.mark.parametrize(
    "text",
    [
        "",
        CANONICAL[:-1],
        "{" + CANONICAL,
        CANONICAL + "}",
        "[" + CANONICAL + "]",
        "URN:UUID:" + CANONICAL,
        "52a5cb79+7556-4c52-8e6f-dd6aaf1bc4c8",
        "52a5cb7-97556-4c52-8e6f-dd6aaf1bc4c8",
        "x" * 36,
    ],
)
def test_invalid_uuids(text: str) -> None:
    assert parse_job_id(text) is None


# --- task order (prunner.go sortTasksByDependencies, its own test cases) -------------------------


@pytest.mark.parametrize(
    ("graph", "order"),
    [
        ({"zeta": [], "alpha": []}, ["alpha", "zeta"]),
        (
            {
                "a": [],
                "b": ["a", "e"],
                "c": ["d", "b"],
                "d": ["a"],
                "e": ["a"],
                "f": ["b", "e"],
                "g": ["c", "f"],
            },
            ["a", "d", "e", "b", "c", "f", "g"],
        ),
        (
            {
                "test": [],
                "lint": [],
                "generate": [],
                "build": ["generate"],
                "deploy": ["build", "test", "lint"],
            },
            ["generate", "build", "lint", "test", "deploy"],
        ),
        ({"B": [], "a": [], "_": []}, ["B", "_", "a"]),  # byte order, as Go compares strings
        ({"a": ["b"], "b": ["a"]}, None),
    ],
)
def test_task_order(graph: dict[str, list[str]], order: list[str] | None) -> None:
    assert task_order(graph) == order
