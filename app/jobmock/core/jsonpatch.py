"""RFC 6902 JSON Patch with RFC 6901 JSON Pointers: what a stub's ``patch`` does to the document
jobmock would have answered.

A patch is checked whole when the stub is made (``check_patch``: every op known, every pointer a
pointer, ``value``/``from`` present where the op needs them), so what is left to fail at request
time is only a mismatch with the document met (``PatchFailed``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

#: What each op needs besides ``op`` and ``path``.
OPS: dict[str, tuple[str, ...]] = {
    "add": ("value",),
    "remove": (),
    "replace": ("value",),
    "move": ("from",),
    "copy": ("from",),
    "test": ("value",),
}
PATCH_RULE = (
    'a JSON Patch (RFC 6902): a list of {"op": "add" | "remove" | "replace" | "move" | "copy" | '
    '"test", "path": "/a/0/b"} with "value" (add, replace, test) or "from" (move, copy); paths '
    'are JSON Pointers (RFC 6901: "" is the whole document, ~1 is "/", ~0 is "~", "-" the end '
    "of an array)"
)


class PatchFailed(Exception):
    """A patch that does not fit the document it was applied to."""


def parse_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer; ValueError if it is not one."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON Pointer (it starts with '/', or is '')")
    tokens = pointer[1:].split("/")
    for token in tokens:
        rest = token.replace("~0", "").replace("~1", "")
        if "~" in rest:
            raise ValueError(f"{pointer!r}: '~' is written ~0 and '/' ~1 in a JSON Pointer")
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


def check_patch(patch: Any) -> list[dict[str, Any]]:
    """``patch`` if it is a well-formed JSON Patch, else ValueError naming the op at fault."""
    if not isinstance(patch, list) or not patch:
        raise ValueError(f"must be a non-empty list: {PATCH_RULE}")
    checked = []
    for index, op in enumerate(patch):
        where = f"op {index}"
        if not isinstance(op, Mapping):
            raise ValueError(f"{where} is not an object: {PATCH_RULE}")
        name = op.get("op")
        if name not in OPS:
            raise ValueError(f"{where}: 'op' is {name!r}; it is one of {', '.join(OPS)} (RFC 6902)")
        needed = ("path", *OPS[name])
        missing = [key for key in needed if key not in op]
        if missing:
            raise ValueError(f"{where} ({name}) needs {' and '.join(map(repr, missing))}")
        unknown = sorted(set(op) - {"op", *needed})
        if unknown:
            raise ValueError(f"{where} ({name}) takes no {', '.join(map(repr, unknown))}")
        for key in ("path", "from"):
            if key in op:
                if not isinstance(op[key], str):
                    raise ValueError(f"{where}: {key!r} must be a JSON Pointer string")
                try:
                    parse_pointer(op[key])
                except ValueError as exc:
                    raise ValueError(f"{where}: {key!r}: {exc}") from None
        if name == "move" and (op["path"] + "/").startswith(op["from"] + "/"):
            raise ValueError(f"{where}: cannot move {op['from']!r} into itself")
        checked.append(dict(op))
    return checked


def apply_patch(document: Any, patch: Sequence[Mapping[str, Any]]) -> Any:
    """``document`` with ``patch`` applied (a copy); PatchFailed says which op did not fit."""
    doc = copy.deepcopy(document)
    for index, op in enumerate(patch):
        try:
            doc = _apply(doc, op)
        except PatchFailed as exc:
            raise PatchFailed(f"op {index} ({op['op']} {op['path']!r}): {exc}") from None
    return doc


def _apply(doc: Any, op: Mapping[str, Any]) -> Any:
    name, path = op["op"], parse_pointer(op["path"])
    if name == "test":
        if _get(doc, path) != op["value"]:
            raise PatchFailed(f"the value is {_get(doc, path)!r}, not {op['value']!r}")
        return doc
    if name == "remove":
        return _remove(doc, path)
    if name == "replace":
        _get(doc, path)  # it must exist
        if not path:
            return copy.deepcopy(op["value"])
        parent = _get(doc, path[:-1])
        key = path[-1] if isinstance(parent, dict) else _index(parent, path[-1], appending=False)
        parent[key] = copy.deepcopy(op["value"])  # in place: a member keeps its position
        return doc
    if name == "add":
        return _add(doc, path, copy.deepcopy(op["value"]))
    source = parse_pointer(op["from"])
    value = copy.deepcopy(_get(doc, source))
    if name == "move":
        doc = _remove(doc, source)
    return _add(doc, path, value)


def _index(container: list[Any], token: str, appending: bool) -> int:
    if appending and token == "-":
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise PatchFailed(f"{token!r} is not an array index")
    index = int(token)
    if index > len(container) or (index == len(container) and not appending):
        raise PatchFailed(f"index {index} is past the end of an array of {len(container)}")
    return index


def _get(doc: Any, path: list[str]) -> Any:
    for token in path:
        if isinstance(doc, dict):
            if token not in doc:
                raise PatchFailed(f"there is no member {token!r}")
            doc = doc[token]
        elif isinstance(doc, list):
            doc = doc[_index(doc, token, appending=False)]
        else:
            raise PatchFailed(f"{token!r} is below {_kind(doc)}")
    return doc


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent = _get(doc, path[:-1])
    token = path[-1]
    if isinstance(parent, dict):
        parent[token] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, token, appending=True), value)
    else:
        raise PatchFailed(f"{token!r} is below {_kind(parent)}")
    return doc


def _remove(doc: Any, path: list[str]) -> Any:
    if not path:
        return None
    parent = _get(doc, path[:-1])
    token = path[-1]
    if isinstance(parent, dict):
        if token not in parent:
            raise PatchFailed(f"there is no member {token!r}")
        del parent[token]
    elif isinstance(parent, list):
        del parent[_index(parent, token, appending=False)]
    else:
        raise PatchFailed(f"{token!r} is below {_kind(parent)}")
    return doc


def _kind(value: Any) -> str:
    """What a scalar is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a string" if isinstance(value, str) else "a number"
