"""A vendor's HTTP surface as data: each vendor lists its operations once, in
``vendors/<slug>/operations.py``, and core builds everything else from that table: the FastAPI
routes and OpenAPI document (``core.fastapi_app``), the lean path for hot reads (``core.gate``), the
operations faults, the journal and rate limits match, and the ``Allow`` of a 405.

A handler takes the vendor's backend and a ``Call`` (path parameters, headers, raw query, body)
and returns a Starlette ``Response``; the same handler answers through FastAPI and, for a hot
read, straight from the gate, so both give the same bytes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import parse_qsl

from jobmock.core.paths import split

#: How much of a path or id a suggestion compares (difflib is quadratic in places).
SUGGEST_CHARS = 256

if TYPE_CHECKING:
    from starlette.responses import Response

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(path))?\}")
_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class Call:
    """What a handler sees of a request: the same view on both paths."""

    __slots__ = ("body", "params", "principal", "scope")

    def __init__(self, scope: MutableMapping[str, Any], params: Mapping[str, str]) -> None:
        self.scope = scope
        self.params = params
        self.body = b""
        """Read only for operations that declare a ``body``."""
        self.principal: Any = None
        """What the operation's ``auth`` returned (prunner's user)."""

    def header(self, name: bytes) -> str | None:
        """The first value of header ``name`` (lowercase), as Starlette's ``Headers.get``."""
        for key, value in self.scope.get("headers", ()):
            if key.lower() == name:
                return str(value.decode("latin-1"))
        return None

    @property
    def query(self) -> str:
        """The raw query string, as Go reads it."""
        return bytes(self.scope.get("query_string", b"")).decode("utf-8", "replace")

    def query_items(self) -> list[tuple[str, str]]:
        """The query's pairs in order, parsed as Starlette's ``QueryParams``."""
        raw = bytes(self.scope.get("query_string", b"")).decode("latin-1")
        return parse_qsl(raw, keep_blank_values=True)


Handler = Callable[[Any, Call], "Response"]
Auth = Callable[[Any, Call], Any]


@dataclass(frozen=True)
class Param:
    """A path parameter's documentation; the backend checks values itself, in the vendor's
    order and words."""

    name: str
    description: str | None = None
    examples: tuple[str, ...] = ()
    schema: Mapping[str, Any] | None = None
    """Extra JSON schema (``format``, ``pattern``)."""


@dataclass(frozen=True)
class Security:
    """How the OpenAPI document says the operation authenticates (documentation only)."""

    kind: Literal["api_key_header", "bearer"]
    name: str
    """The header for an API key; the token format for a bearer token."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    """The path below the vendor's mount, parameters in braces (``{rest:path}`` for a tail)."""
    operation_id: str
    handler: Handler
    hot: bool = False
    """A read clients poll: served by the gate before FastAPI."""
    auth: Auth | None = None
    """A check run before the handler on both paths; what it returns is ``Call.principal``."""
    documented: bool = True
    """In the OpenAPI document, and so in the operations faults and ``jobmock routes`` know."""
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    response_model: Any = None
    status_code: int = 200
    errors: Mapping[int | str, Mapping[str, Any]] = field(default_factory=dict)
    """Documented error answers, by status."""
    params: tuple[Param, ...] = ()
    security: Security | None = None
    body: Any = None
    """The request body's model; the handler gets the raw bytes (``Call.body``) and validates
    them after auth, as the real services do."""
    body_required: bool = True
    openapi_extra: Mapping[str, Any] = field(default_factory=dict)
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", compile_template(self.template))

    @property
    def segments(self) -> tuple[str | None, ...]:
        """The template split for ``core.paths``, ``None`` for each parameter."""
        return tuple(None if "{" in seg else seg for seg in split(self.template))


def compile_template(template: str) -> re.Pattern[str]:
    """A template's regex, as Starlette compiles a route path."""
    regex, end = "^", 0
    for found in _PARAM.finditer(template):
        tail = ".*" if found.group(2) else "[^/]+"
        regex += re.escape(template[end : found.start()]) + f"(?P<{found.group(1)}>{tail})"
        end = found.end()
    return re.compile(regex + re.escape(template[end:]) + "$")


class Match(NamedTuple):
    operation: Operation
    params: dict[str, str]


class OperationTable:
    """A vendor's operations, in the order they are declared (and routed)."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self.all = tuple(operations)
        self.hot = tuple(op for op in self.all if op.hot)
        documented = [op for op in self.all if op.documented]
        first: dict[str, int] = {}
        for number, op in enumerate(documented):
            first.setdefault(op.template, number)
        # The OpenAPI document's order (operations grouped under their path).
        self.operations = tuple(sorted(documented, key=lambda op: first[op.template]))
        """The documented operations: what faults, the journal and ``jobmock routes`` know."""

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.all)

    def hot_match(self, method: str, path: str) -> Match | None:
        for op in self.hot:
            if op.method == method:
                found = op.pattern.match(path)
                if found is not None:
                    return Match(op, found.groupdict())
        return None

    def routed(self, method: str, path: str) -> bool:
        """Whether some operation has this method and path."""
        return any(op.method == method and op.pattern.match(path) for op in self.all)

    def allowed(self, path: str) -> list[str]:
        """Every method the table has for ``path``, in a stable order (Starlette's own 405
        names the first matching route's methods only)."""
        return in_order(op.method for op in self.all if op.pattern.match(path))

    def match(self, method: str, path: str) -> Match | None:
        """The documented operation for ``METHOD path``; else one on the path, any method."""
        fallback = None
        for operation in self.operations:
            found = operation.pattern.match(path)
            if found is None:
                continue
            if operation.method == method:
                return Match(operation, found.groupdict())
            fallback = fallback or Match(operation, found.groupdict())
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


def in_order(methods: Iterable[str]) -> list[str]:
    """HTTP methods in the order an ``Allow`` header lists them."""
    order = {method: i for i, method in enumerate(_METHOD_ORDER)}
    return sorted(set(methods), key=lambda m: (order.get(m, len(order)), m))


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
