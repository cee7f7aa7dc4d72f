"""``strconv.Quote`` and ``%v``, against the outputs Go documents and tests (src/strconv/quote.go
and its test table)."""

from __future__ import annotations

import pytest

from jobmock.core.golang.fmt import bool_map, quote


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("", '""'),
        ("release", '"release"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        # every escape Go writes by name, in the order of Go's own test case
        ("\a\b\f\r\n\t\v", '"\\a\\b\\f\\r\\n\\t\\v"'),
        ("\x00\x04\x1b\x1f", '"\\x00\\x04\\x1b\\x1f"'),
        ("\x7f", '"\\x7f"'),
        ("'", '"\'"'),
        ("\u263a", '"\u263a"'),
        ("é 日本 😀", '"é 日本 😀"'),
        # not printable: C1 controls, no-break and other spaces, format characters
        ("\x80\x9f", '"\\u0080\\u009f"'),
        ("!\u00a0!\u2000!\u3000!", '"!\\u00a0!\\u2000!\\u3000!"'),
        ("\u00ad\u200b\ufeff", '"\\u00ad\\u200b\\ufeff"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("\U0010ffff", '"\\U0010ffff"'),
        ("\U000e0001", '"\\U000e0001"'),
    ],
)
def test_quote_as_strconv_writes_it(text: str, quoted: str) -> None:
    assert quote(text) == quoted


def test_bool_map_sorts_its_keys() -> None:
    assert bool_map({"job:read": True, "agent:read": True, "a": False}) == (
        "map[a:false agent:read:true job:read:true]"
    )
    assert bool_map({}) == "map[]"
