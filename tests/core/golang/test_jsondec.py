"""Go's JSON scanner: the error texts and offsets ``json.Unmarshal`` and ``json.Decoder`` give."""

from __future__ import annotations

import pytest

from jobmock.core.golang.jsondec import GoJSONError, parse, quote_char


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
        (b'"\x07"', False, "invalid character '\\a' in string literal", 2),
        (b"{} {}", False, "invalid character '{' after top-level value", 4),
        (b"\xc3", False, "invalid character 'Ã' looking for beginning of value", 1),
        (b"{\\}", False, "invalid character '\\\\' looking for beginning of object key string", 2),
        (b"['a']", False, "invalid character '\\'' looking for beginning of value", 2),
    ],
)
def test_syntax_errors(data: bytes, decoder: bool, message: str, offset: int | None) -> None:
    with pytest.raises(GoJSONError) as info:
        parse(data, decoder=decoder)
    assert (info.value.message, info.value.offset) == (message, offset)


@pytest.mark.parametrize(
    "byte, literal",
    [
        (ord("x"), "'x'"),
        (ord("'"), "'\\''"),
        (ord('"'), "'\"'"),
        (ord("\\"), "'\\\\'"),
        (0x00, "'\\x00'"),
        (0x07, "'\\a'"),
        (0x0B, "'\\v'"),
        (0x7F, "'\\x7f'"),
        (0x80, "'\\u0080'"),
        (0xA0, "'\\u00a0'"),
        (0xAD, "'\\u00ad'"),
        (0xE9, "'é'"),
    ],
)
def test_quote_char(byte: int, literal: str) -> None:
    assert quote_char(byte) == literal


def test_lone_surrogates_decode_to_the_replacement_character() -> None:
    assert parse(b'"a\\ud800b\\ud83d\\ude00"').plain() == "a\ufffdb\U0001f600"


def test_decoder_ignores_what_follows_the_value() -> None:
    assert parse(b'{"a": [1, 2.5, "x"]} trailing', decoder=True).plain() == {"a": [1, 2.5, "x"]}
