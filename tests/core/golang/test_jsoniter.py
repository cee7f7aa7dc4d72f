"""A request body as json-iterator decodes it (prunner): the first value, every number a
float64, lone surrogates replaced."""

from __future__ import annotations

import pytest

from jobmock.core.golang.jsoniter import DecodeError, Pairs, first_value


def test_decoding_reads_the_first_value_as_float64() -> None:
    value = first_value(b' {"n": 1, "big": 12345678901234567890, "l": [2]} {"x"')
    assert value == {"n": 1.0, "big": 1.2345678901234567e19, "l": [2.0]}
    assert all(isinstance(v, float) for v in (value["n"], value["big"]))


def test_objects_keep_their_members_in_order_with_duplicates() -> None:
    value = first_value(b'{"b": 1, "a": 2, "b": 3}')
    assert isinstance(value, Pairs)
    assert value.pairs == [("b", 1.0), ("a", 2.0), ("b", 3.0)]
    assert value == {"b": 3.0, "a": 2.0}


def test_lone_surrogates_become_the_replacement_character() -> None:
    value = first_value(b'{"\\ud800k": ["a\\udc00", "\\ud83d\\ude00"]}')
    assert value == {"\ufffdk": ["a\ufffd", "\U0001f600"]}


@pytest.mark.parametrize("body", [b"", b" \r\n\t"])
def test_decoding_nothing_is_eof(body: bytes) -> None:
    with pytest.raises(DecodeError, match=r"^EOF$"):
        first_value(body)


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{", "Expecting property name enclosed in double quotes at offset 1"),
        (b"NaN", "invalid character 'N' looking for beginning of value"),
        (b"Infinity", "invalid character 'I' looking for beginning of value"),
        (b"[1e999]", "value 1e999 out of range for float64"),
        (b"{'a': 1}", "Expecting property name enclosed in double quotes at offset 1"),
        (b"[" * 10_001, "exceeded max depth"),
    ],
)
def test_decoding_errors(body: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        first_value(body)
    assert str(info.value) == message
