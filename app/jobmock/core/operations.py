"""Which vendor operation a request is for, known before the vendor app runs.

Built once per vendor from its OpenAPI document (public and stable, whatever FastAPI does
inside), so the fault injector can match ``operation`` and ``job`` before routing, and the
journal can name the nearest valid path when a client gets one wrong.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.core.paths import split

#: How much of a path or id a suggestion compares (difflib is quadratic in places).
SUGGEST_CHARS = 256


_PARAM = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]
    summary: str = ""

    @property
    def segments(self) -> tuple[str | None, ...]:
        """The template split for ``core.paths``, ``None`` for each parameter."""
        return tuple(None if "{" in seg else seg for seg in split(self.template))


@dataclass(frozen=True)
class Match:
    operation: Operation
    params: Mapping[str, str]


class OperationIndex:
    def __init__(self, operations: Iterable[Operation]) -> None:
        self.operations = tuple(operations)

    @classmethod
    def from_openapi(cls, document: Mapping[str, Any]) -> OperationIndex:
        operations = []
        for template, methods in document.get("paths", {}).items():
            regex = "^" + _PARAM.sub(
                lambda m: f"(?P<{_group(m.group(1))}>[^/]+)",
                re.escape(template).replace(r"\{", "{").replace(r"\}", "}"),
            )
            pattern = re.compile(regex + "$")
            for method, operation in methods.items():
                if isinstance(operation, dict):
                    operation_id = str(operation.get("operationId", ""))
                    summary = str(operation.get("summary") or "").strip()
                    operations.append(
                        Operation(method.upper(), template, operation_id, pattern, summary)
                    )
        return cls(operations)

    def match(self, method: str, path: str) -> Match | None:
        fallback = None
        for operation in self.operations:
            found = operation.pattern.match(path)
            if found is None:
                continue
            params = {_ungroup(k): v for k, v in found.groupdict().items()}
            if operation.method == method:
                return Match(operation, params)
            fallback = fallback or Match(operation, params)
        return fallback

    def nearest_path(self, method: str, path: str) -> str | None:
        """The documented operation most like ``METHOD path``, as ``METHOD /template``."""
        found = self.nearest_paths(method, path, 1)
        return found[0] if found else None

    def nearest_paths(self, method: str | None, path: str, n: int) -> list[str]:
        """The ``n`` documented operations most like ``METHOD path``, best first."""
        wanted = path[:SUGGEST_CHARS].strip("/").split("/")
        scored = []
        for op in self.operations:
            segments = op.template.strip("/").split("/")
            # Fill the template's parameters from the request, so only the fixed parts compare.
            filled = [
                wanted[i] if _PARAM.fullmatch(seg) and i < len(wanted) else seg
                for i, seg in enumerate(segments)
            ]
            score = difflib.SequenceMatcher(None, "/".join(filled), "/".join(wanted)).ratio()
            score += 0.1 if op.method == method else 0.0
            scored.append((-score, f"{op.method} {op.template}"))
        return [name for _, name in sorted(scored, key=lambda item: item[0])[:n]]


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name) + "_" + name.encode().hex()


def _ungroup(group: str) -> str:
    return bytes.fromhex(group.rsplit("_", 1)[1]).decode()


def nearest_path(path: str, bases: Iterable[str]) -> str | None:
    """The base path most like the start of ``path`` (for a request outside every vendor)."""
    head = "/".join(path[:SUGGEST_CHARS].split("/")[:4])
    close = difflib.get_close_matches(head, list(bases), n=1, cutoff=0.0)
    return close[0] if close else None


def nearest(value: str, known: Iterable[str], limit: int = 20_000) -> str | None:
    """The known id most like ``value`` (the first ``limit`` ids are compared)."""
    pool = []
    for index, item in enumerate(known):
        if index >= limit:
            break
        pool.append(item)
    close = difflib.get_close_matches(value[:SUGGEST_CHARS], pool, n=1, cutoff=0.6)
    return close[0] if close else None
