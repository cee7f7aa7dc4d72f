"""Fault rules: matching, counting, seeded probability, validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from jobmock.core.faults import FaultBook, FaultSpec, RequestFacts


def facts(
    path: str = "/api/v1/jobs/abc",
    method: str = "GET",
    operation: str | None = None,
    job: str | None = None,
) -> RequestFacts:
    return RequestFacts(
        vendor="nunu",
        method=method,
        path=path,
        base_path="/api/v1",
        segments=frozenset(path.split("/")),
        operation=operation,
        job=job,
    )


def fired(book: FaultBook, n: int, **kwargs: object) -> list[bool]:
    return [book.evaluate(facts(**kwargs))[1] is not None for _ in range(n)]  # type: ignore[arg-type]


def test_next_n_then_pass() -> None:
    book = FaultBook()
    book.add("nunu", FaultSpec(status=503, times=2))
    assert fired(book, 4) == [True, True, False, False]
    assert book.list()[0]["exhausted"] is True


def test_every_call() -> None:
    book = FaultBook()
    book.add("nunu", FaultSpec(status=503, times=None))
    assert fired(book, 5) == [True] * 5


def test_nth_calls_of_a_job() -> None:
    book = FaultBook()
    book.add("nunu", FaultSpec(job="abc", calls=[2, 3], status=503))
    assert fired(book, 5) == [False, True, True, False, False]
    assert fired(book, 1, path="/api/v1/jobs/other") == [False]


def test_matching_by_path_glob_method_and_operation() -> None:
    book = FaultBook()
    book.add("nunu", FaultSpec(path="/nunu/api/v1/runs/*", method="post", times=None, status=500))
    assert fired(book, 1, path="/api/v1/runs/stop", method="POST") == [True]
    assert fired(book, 1, path="/api/v1/runs/stop", method="GET") == [False]
    assert fired(book, 1, path="/api/v1/jobs", method="POST") == [False]
    book.clear()
    book.add("nunu", FaultSpec(operation="getJobDetails", times=None, status=500))
    assert fired(book, 1, operation="getJobDetails") == [True]
    assert fired(book, 1, operation="listJobs") == [False]


def test_probability_is_seeded_and_reproducible() -> None:
    def run(seed: int) -> list[bool]:
        book = FaultBook()
        book.add("nunu", FaultSpec(probability=0.3, seed=seed, times=None, status=503))
        return fired(book, 200)

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert 30 < sum(first) < 90


def test_delay_only_rule_adds_latency_and_lets_the_request_through() -> None:
    book = FaultBook()
    book.add("nunu", FaultSpec(delay=[0.1, 0.2], times=None))
    delay, answer = book.evaluate(facts())
    assert answer is None
    assert 0.1 <= delay <= 0.2
    book.add("nunu", FaultSpec(delay="250ms", status=503))
    delay, answer = book.evaluate(facts())
    assert answer is not None and answer.spec.status == 503
    assert delay >= 0.35


def test_reset_rearms_fixture_rules_and_drops_runtime_ones() -> None:
    book = FaultBook()
    book.declare("nunu", [FaultSpec(status=503)])
    book.add("nunu", FaultSpec(status=500))
    assert fired(book, 3) == [True, True, False]
    book.reset()
    assert [f["origin"] for f in book.list()] == ["fixture"]
    assert fired(book, 2) == [True, False]


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"status": 503, "drop": True}, "choose one of status, drop"),
        ({"calls": [0]}, "counts matching requests from 1"),
        ({"delay": [2, 1]}, "a delay range is [min, max]"),
        ({"probability": 1.5}, "less than or equal to 1"),
        ({"status": 99}, "greater than or equal to 100"),
        ({"stauts": 500}, "Extra inputs are not permitted"),
    ],
)
def test_validation(body: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        FaultSpec.model_validate(body)


def test_action() -> None:
    assert FaultSpec().action == "status"
    assert FaultSpec(delay=1).action == "delay"
    assert FaultSpec(delay=1, status=503).action == "status"
    assert FaultSpec(truncate=True).action == "truncate"
