"""JSON writing: Go's encoding/json (Go 1.22+) and json-iterator, against the outputs each
documents or tests (encoding/json's string and float cases, json-iterator's stream_str.go)."""

from __future__ import annotations

import pytest

from jobmock.core.golang.jsonenc import body, encode, format_float, go_string, jsoniter_string


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("plain", '"plain"'),
        ('quote " and \\ backslash', '"quote \\" and \\\\ backslash"'),
        ("<b> & </b>", '"\\u003cb\\u003e \\u0026 \\u003c/b\\u003e"'),
        ("line\nfeed\r\ttab", '"line\\nfeed\\r\\ttab"'),
        ("\x00\x01\x07\x0b\x1f", '"\\u0000\\u0001\\u0007\\u000b\\u001f"'),
        ("\x7f/'", '"\x7f/\'"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("é 日本 😀", '"é 日本 😀"'),
    ],
)
def test_strings_both_libraries_write_alike(text: str, encoded: str) -> None:
    assert go_string(text) == encoded
    assert jsoniter_string(text) == encoded


def test_backspace_and_form_feed_are_named_by_encoding_json_only() -> None:
    assert go_string("\b\f") == '"\\b\\f"'
    assert jsoniter_string("\b\f") == '"\\u0008\\u000c"'


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (4.0, "4"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (0.32, "0.32"),
        (0.1 + 0.2, "0.30000000000000004"),
        (100.0, "100"),
        (123456789.123, "123456789.123"),
        (1e15, "1000000000000000"),
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1e-4, "0.0001"),
        (1e-5, "0.00001"),
        (1.5e-5, "0.000015"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-9, "1.25e-9"),
        (1e-10, "1e-10"),
        (1.5e-10, "1.5e-10"),
        (-1e-7, "-1e-7"),
        (float(2**53 + 1), "9007199254740992"),
        (float(12345678901234567890), "12345678901234567000"),
    ],
)
def test_float64_as_go_writes_it(value: float, encoded: str) -> None:
    assert format_float(value) == encoded


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_no_json_for_nan_and_infinities(value: float) -> None:
    with pytest.raises(ValueError, match=r"^json: unsupported value"):
        format_float(value)


def test_encode_sorts_map_keys_at_every_level() -> None:
    value = {"b": {"z": 1, "a": [True, None]}, "a": "x", "É": 1, "Z": 2}
    assert encode(value) == '{"Z":2,"a":"x","b":{"a":[true,null],"z":1},"É":1}'


def test_integers_past_2_53_are_written_as_the_float64_they_became() -> None:
    assert encode([1, 2**53 - 1, 2**60, -(2**60)]) == (
        "[1,9007199254740991,1152921504606847000,-1152921504606847000]"
    )


def test_encode_escapes_strings_and_keys_in_the_flavour_asked_for() -> None:
    value = {"<k>": ["\b", 1.0, False]}
    assert encode(value) == '{"\\u003ck\\u003e":["\\b",1,false]}'
    assert encode(value, jsoniter_string) == '{"\\u003ck\\u003e":["\\u0008",1,false]}'


def test_body_is_what_an_encoder_writes() -> None:
    assert body({"message": "µ"}) == '{"message":"µ"}\n'.encode()


def test_values_json_has_no_form_of_are_refused() -> None:
    with pytest.raises(TypeError, match=r"^cannot encode set as JSON$"):
        encode({"a": {1}})
