"""Go's parameter rules, unit by unit (net/url, gofrs/uuid), and the task order."""

from __future__ import annotations

import pytest

from jobmock.vendors.prunner.graph import task_order
from jobmock.vendors.prunner.params import parse_job_id, query_value


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("id=a", "a"),
        ("id=a&id=b", "a"),
        ("x=1&id=%61+b", "a b"),
        ("id", ""),
        ("", ""),
        ("id=a;b&id=c", "c"),
        ("id=%zz&id=ok", "ok"),
        ("%69d=encoded-name", "encoded-name"),
    ],
)
def test_query_value_like_net_url(query: str, value: str) -> None:
    assert query_value(query, "id") == value


CANONICAL = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"


@pytest.mark.parametrize(
    "text",
    [
        CANONICAL,
        CANONICAL.upper(),
        CANONICAL.replace("-", ""),
        "{" + CANONICAL + "}",
        "{" + CANONICAL.replace("-", "") + "}",
        "urn:uuid:" + CANONICAL,
        "urn:uuid:" + CANONICAL.replace("-", ""),
    ],
)
def test_uuid_spellings(text: str) -> None:
    assert parse_job_id(text) == CANONICAL


@pytest.mark.parametrize(
    "text",
    [
        "",
        CANONICAL[:-1],
        "{" + CANONICAL,
        CANONICAL + "}",
        "[" + CANONICAL + "]",
        "URN:UUID:" + CANONICAL,
        "52a5cb79+7556-4c52-8e6f-dd6aaf1bc4c8",
        "52a5cb7-97556-4c52-8e6f-dd6aaf1bc4c8",
        "x" * 36,
    ],
)
def test_invalid_uuids(text: str) -> None:
    assert parse_job_id(text) is None


# --- task order (prunner.go sortTasksByDependencies, its own test cases) -------------------------


@pytest.mark.parametrize(
    ("graph", "order"),
    [
        ({"zeta": [], "alpha": []}, ["alpha", "zeta"]),
        (
            {
                "a": [],
                "b": ["a", "e"],
                "c": ["d", "b"],
                "d": ["a"],
                "e": ["a"],
                "f": ["b", "e"],
                "g": ["c", "f"],
            },
            ["a", "d", "e", "b", "c", "f", "g"],
        ),
        (
            {
                "test": [],
                "lint": [],
                "generate": [],
                "build": ["generate"],
                "deploy": ["build", "test", "lint"],
            },
            ["generate", "build", "lint", "test", "deploy"],
        ),
        ({"B": [], "a": [], "_": []}, ["B", "_", "a"]),  # byte order, as Go compares strings
        ({"a": ["b"], "b": ["a"]}, None),
    ],
)
def test_task_order(graph: dict[str, list[str]], order: list[str] | None) -> None:
    assert task_order(graph) == order
