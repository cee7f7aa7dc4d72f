"""Decoding a parsed JSON value into Go types, the way ``encoding/json`` reports mismatches:
``UnmarshalTypeError`` (which value kind, which Go type, which field, at which offset), saved
while decoding goes on, the first one returned; an ``UnmarshalJSON`` error returned at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jobmock.core.golang.jsondec import GoJSONError, Node

KIND_NAMES = {"object": "object", "array": "array", "string": "string", "number": "number"}
KIND_NAMES.update({"true": "bool", "false": "bool"})


def kind_name(node: Node) -> str:
    return KIND_NAMES[node.kind]


def type_error_offset(node: Node) -> int:
    """``UnmarshalTypeError.Offset``: after an object's or array's opening byte, else the index
    of the byte that follows the literal."""
    return node.start + 1 if node.kind in ("object", "array") else node.end


@dataclass(frozen=True, slots=True)
class TypeMismatch:
    """A saved ``*json.UnmarshalTypeError``; decoding goes on and the first one is returned."""

    value: str
    type: str
    field: str
    offset: int


Check = Callable[[Node], "TypeMismatch | GoJSONError | None"]


def field_types(
    node: Node, fields: Mapping[str, Check]
) -> tuple[dict[str, Node], TypeMismatch | None]:
    """Match an object's keys to struct fields the way Go does (exact name first, then
    case-insensitively; the last duplicate wins), checking each value. An error a field's own
    ``UnmarshalJSON`` returns is raised at once; type mismatches are saved and the first one
    returned."""
    found: dict[str, Node] = {}
    first: TypeMismatch | None = None
    lowered = {name.lower(): name for name in fields}
    for key, value in node.value:
        name = key if key in fields else lowered.get(key.lower())
        if name is None:
            continue
        problem = fields[name](value)
        if isinstance(problem, GoJSONError):
            raise problem
        if problem is not None:
            first = first or problem
            continue
        if value.kind != "null":
            found[name] = value
    return found, first


def string_field(name: str) -> Check:
    def check(node: Node) -> TypeMismatch | None:
        if node.kind in ("string", "null"):
            return None
        return TypeMismatch(kind_name(node), "string", name, type_error_offset(node))

    return check


def strings_field(name: str) -> Check:
    def check(node: Node) -> TypeMismatch | None:
        if node.kind == "null":
            return None
        if node.kind != "array":
            return TypeMismatch(kind_name(node), "[]string", name, type_error_offset(node))
        for item in node.value:
            if item.kind not in ("string", "null"):
                return TypeMismatch(kind_name(item), "string", name, type_error_offset(item))
        return None

    return check


def int_field(name: str) -> Check:
    def check(node: Node) -> TypeMismatch | None:
        if node.kind == "null":
            return None
        if node.kind != "number":
            return TypeMismatch(kind_name(node), "int", name, type_error_offset(node))
        if isinstance(node.value, float) or not -(2**63) <= node.value < 2**63:
            return TypeMismatch(f"number {node.text}", "int", name, type_error_offset(node))
        return None

    return check
