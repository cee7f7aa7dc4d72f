"""RFC 6902 JSON Patch as stubs apply it, with RFC 6901 pointers."""

from __future__ import annotations

from typing import Any

import pytest

from jobmock.core.jsonpatch import PatchFailed, apply_patch, check_patch, parse_pointer

DOC: dict[str, Any] = {"a/b": 1, "m~n": 2, "list": [1, 2, 3], "obj": {"x": None}}


def test_pointer_escapes() -> None:
    assert parse_pointer("") == []
    assert parse_pointer("/a~1b") == ["a/b"]
    assert parse_pointer("/m~0n") == ["m~n"]
    assert parse_pointer("/~01") == ["~1"]
    with pytest.raises(ValueError, match=r"'~' is written ~0 and '/' ~1"):
        parse_pointer("/a~2")


def test_each_op() -> None:
    patch = check_patch(
        [
            {"op": "replace", "path": "/a~1b", "value": "one"},
            {"op": "remove", "path": "/m~0n"},
            {"op": "add", "path": "/list/-", "value": 4},
            {"op": "add", "path": "/list/0", "value": 0},
            {"op": "remove", "path": "/list/2"},
            {"op": "copy", "from": "/list", "path": "/obj/copy"},
            {"op": "move", "from": "/obj/x", "path": "/moved"},
            {"op": "test", "path": "/moved", "value": None},
        ]
    )
    assert apply_patch(DOC, patch) == {
        "a/b": "one",
        "list": [0, 1, 3, 4],
        "obj": {"copy": [0, 1, 3, 4]},
        "moved": None,
    }
    assert DOC["list"] == [1, 2, 3]  # the document given is left alone


def test_whole_document() -> None:
    assert apply_patch(DOC, [{"op": "replace", "path": "", "value": [1]}]) == [1]


@pytest.mark.parametrize(
    ("op", "reason"),
    [
        ({"op": "remove", "path": "/nope"}, "op 0 (remove '/nope'): there is no member 'nope'"),
        ({"op": "replace", "path": "/list/3", "value": 0}, "op 0 (replace '/list/3'): index 3 "
         "is past the end of an array of 3"),
        ({"op": "add", "path": "/list/01", "value": 0}, "op 0 (add '/list/01'): '01' is not "
         "an array index"),
        ({"op": "add", "path": "/a~1b/c", "value": 0}, "op 0 (add '/a~1b/c'): 'c' is below a "
         "number"),
        ({"op": "test", "path": "/list/0", "value": 2}, "op 0 (test '/list/0'): the value is 1, "
         "not 2"),
    ],
)  # fmt: skip
def test_what_does_not_fit(op: dict[str, Any], reason: str) -> None:
    with pytest.raises(PatchFailed) as info:
        apply_patch(DOC, [op])
    assert str(info.value) == reason
