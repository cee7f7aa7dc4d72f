"""A lean path for a vendor's hottest reads (job and run detail), in front of FastAPI.

FastAPI keeps the routing table, validation and the OpenAPI document; but matching a route,
building a Request and solving dependencies cost more than rendering a job. A vendor may declare
``FastRoute``s: the gate matches them first and calls the handler with plain values. A handler
must behave exactly like the FastAPI route with the same path (the suite checks both answer the
same bytes); anything it does not match goes to FastAPI as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class FastResponse:
    status: int
    body: bytes
    content_type: bytes = b"application/json"


#: A handler: path parameters and the ASGI scope -> a response. It raises ``MockError`` for the
#: vendor's errors, as backends do.
FastHandler = Callable[[Mapping[str, str], MutableMapping[str, Any]], FastResponse]


def header(scope: Mapping[str, Any], name: bytes) -> str | None:
    """The first value of header ``name`` (lowercase), as Starlette's ``Headers.get`` gives it."""
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def query_string(scope: Mapping[str, Any]) -> str:
    return bytes(scope.get("query_string", b"")).decode("utf-8", "replace")


@dataclass(frozen=True)
class FastRoute:
    method: str
    template: str
    operation: str
    handler: FastHandler


class FastRouter:
    def __init__(self, routes: Sequence[FastRoute]) -> None:
        self._routes = [
            (route, re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", route.template) + "$"))
            for route in routes
        ]

    def match(self, method: str, path: str) -> tuple[FastRoute, dict[str, str]] | None:
        for route, pattern in self._routes:
            if route.method == method:
                found = pattern.match(path)
                if found is not None:
                    return route, found.groupdict()
        return None
