"""The Go behaviours OSAPI's bytes depend on: encoding/json, durations, timestamps, base64,
the JSON scanner's error texts, and the CLI's token."""

from __future__ import annotations

import json

import pytest

from jobmock.cli import main
from jobmock.vendors.osapi import golang
from jobmock.vendors.osapi.gojson import GoJSONError, parse
from jobmock.vendors.osapi.tokens import TokenRejected, b64_decode, validate

NS = golang.NS_PER_SECOND


@pytest.mark.parametrize(
    "ns, text",
    [
        (0, "0s"),
        (999, "999ns"),
        (1_500, "1.5µs"),
        (1_840_000, "1.84ms"),
        (2_500_000_000, "2.5s"),
        (63_200_000_000, "1m3.2s"),
        (3600 * NS, "1h0m0s"),
        (3723 * NS + NS // 2, "1h2m3.5s"),
        (90 * NS + 3_000_000, "1m30.003s"),
        (-NS, "-1s"),
    ],
)
def test_duration(ns: int, text: str) -> None:
    assert golang.duration(ns) == text
    if ns >= 0:
        assert golang.parse_duration(text) == ns


@pytest.mark.parametrize(
    "value, text",
    [
        (4.0, "4"),
        (0.32, "0.32"),
        (1e-5, "0.00001"),
        (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "-0"),
    ],
)
def test_float_as_encoding_json_writes_it(value: float, text: str) -> None:
    assert golang.go_float(value) == text


def test_encode_sorts_keys_escapes_html_and_keeps_unicode() -> None:
    # numbers went through float64 in OSAPI: 2**60 keeps its shortest round-trip digits
    value = {"b": [1, 2**60, None], "a": "<x> & \u2028 µ", "c": {"z": True, "y": False}}
    assert golang.encode(value) == (
        '{"a":"\\u003cx\\u003e \\u0026 \\u2028 µ","b":[1,1152921504606847000,null],'
        '"c":{"y":false,"z":true}}'
    )


def test_timestamps() -> None:
    ns = 1_774_001_730_187_342_911
    assert golang.rfc3339(ns) == "2026-03-20T10:15:30Z"
    assert golang.rfc3339_nano(ns) == "2026-03-20T10:15:30.187342911Z"
    assert golang.rfc3339_nano(ns - 911) == "2026-03-20T10:15:30.187342Z"
    assert golang.rfc3339_nano(1_774_001_730 * NS) == "2026-03-20T10:15:30Z"
    assert golang.parse_rfc3339("2026-03-20T12:15:30.187342911+02:00") == ns
    assert golang.parse_rfc3339("2026-03-20 10:15:30") is None


def test_fmt() -> None:
    assert golang.quote('a"b\\c\n\x01') == '"a\\"b\\\\c\\n\\x01"'
    assert golang.bool_map({"job:read": True, "agent:read": True}) == (
        "map[agent:read:true job:read:true]"
    )
    assert golang.bool_map({}) == "map[]"


@pytest.mark.parametrize(
    "segment, result",
    [
        ("", b""),
        ("YQ", b"a"),
        ("YWI", b"ab"),
        ("YWJj", b"abc"),
        ("YW\nJj", b"abc"),  # CR and LF are skipped
        ("-_8", b"\xfb\xff"),
    ],
)
def test_base64_raw_url(segment: str, result: bytes) -> None:
    assert b64_decode(segment) == result


@pytest.mark.parametrize(
    "segment, index", [("Y", 0), ("YWJjZ", 4), ("YQ==", 2), ("YW+j", 2), ("a b", 1)]
)
def test_base64_errors(segment: str, index: int) -> None:
    with pytest.raises(TokenRejected, match=f"^illegal base64 data at input byte {index}$"):
        b64_decode(segment)


@pytest.mark.parametrize(
    "data, decoder, message, offset",
    [
        (b"", False, "unexpected end of JSON input", 0),
        (b"", True, "EOF", None),
        (b'{"a"', True, "unexpected EOF", None),
        (b"[1,]", False, "invalid character ']' looking for beginning of value", 4),
        (b'{"a":1,}', False, "invalid character '}' looking for beginning of object key string", 8),
        (b'{"a" 1}', False, "invalid character '1' after object key", 6),
        (b'{"a":1 "b"}', False, "invalid character '\"' after object key:value pair", 8),
        (b"[1 2]", False, "invalid character '2' after array element", 4),
        (b"1.", False, "invalid character ' ' after decimal point in numeric literal", 2),
        (b"1e", False, "invalid character ' ' in exponent of numeric literal", 2),
        (b"-x", False, "invalid character 'x' in numeric literal", 2),
        (b"tru", False, "invalid character ' ' in literal true (expecting 'e')", 3),
        (b"nul!", False, "invalid character '!' in literal null (expecting 'l')", 4),
        (b'"\\q"', False, "invalid character 'q' in string escape code", 3),
        (b'"\\u12x4"', False, "invalid character 'x' in \\u hexadecimal character escape", 6),
        (b'"\x01"', False, "invalid character '\\x01' in string literal", 2),
        (b"{} {}", False, "invalid character '{' after top-level value", 4),
        (b"\xc3", False, "invalid character 'Ã' looking for beginning of value", 1),
    ],
)
def test_go_json_syntax_errors(
    data: bytes, decoder: bool, message: str, offset: int | None
) -> None:
    with pytest.raises(GoJSONError) as info:
        parse(data, decoder=decoder)
    assert (info.value.message, info.value.offset) == (message, offset)


def test_lone_surrogates_decode_to_the_replacement_character() -> None:
    assert parse(b'"a\\ud800b\\ud83d\\ude00"').plain() == "a\ufffdb\U0001f600"


def test_decoder_ignores_what_follows_the_value() -> None:
    assert parse(b'{"a": [1, 2.5, "x"]} trailing', decoder=True).plain() == {"a": [1, 2.5, "x"]}


def test_jobmock_token_osapi(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["token", "osapi", "--roles", "read", "--permissions", "job:read", "--sub", "me"]) == 0
    )
    value = capsys.readouterr().out.strip()
    payload = b64_decode(value.split(".")[1]).decode()
    assert payload.startswith('{"roles":["read"],"permissions":["job:read"],"iss":"osapi",')
    assert '"sub":"me","aud":["https://localhost","http://localhost"],"exp":' in payload
    claims = json.loads(payload)
    assert claims["exp"] > claims["iat"]
    valid = validate(value, b"jobmock-osapi-signing-key", claims["iat"] * NS)
    assert (valid.roles, valid.permissions, valid.subject) == (("read",), ("job:read",), "me")


def test_jobmock_token_defaults_to_admin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "osapi", "--exp", "1h"]) == 0
    value = capsys.readouterr().out.strip()
    claims = json.loads(b64_decode(value.split(".")[1]))
    assert claims["roles"] == ["admin"] and "permissions" not in claims
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["sub"] == "jobmock"
