"""The errors handlers raise: each carries its status, and the headers its status needs
(``Allow`` on a 405, ``Retry-After`` in whole seconds on a 429 or an injected fault)."""

from __future__ import annotations

import pytest

from jobmock.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Injected,
    MethodNotAllowed,
    MockError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    error_for_status,
    retry_after_header,
)


@pytest.mark.parametrize(
    ("seconds", "header"), [(0, "0"), (0.2, "1"), (1, "1"), (1.0001, "2"), (59.5, "60"), (-3, "0")]
)
def test_retry_after_is_whole_seconds_rounded_up(seconds: float, header: str) -> None:
    assert retry_after_header(seconds) == header


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (405, MethodNotAllowed),
        (409, Conflict),
        (429, RateLimited),
        (500, ServerError),
    ],
)
def test_a_status_maps_to_its_own_error(status: int, kind: type[MockError]) -> None:
    error = error_for_status(status, "no", reason="route")
    assert type(error) is kind
    assert (error.status, error.message, error.reason) == (status, "no", "route")


def test_a_status_without_a_class_keeps_its_number() -> None:
    error = error_for_status(418, "a teapot")
    assert (type(error), error.status, error.message) == (MockError, 418, "a teapot")
    assert repr(error) == "MockError(418, 'a teapot')"


def test_a_405_names_the_allowed_methods() -> None:
    assert MethodNotAllowed("no", allow="GET, POST").headers == {"Allow": "GET, POST"}
    assert MethodNotAllowed("no").headers == {}


def test_a_429_says_when_to_retry() -> None:
    error = RateLimited("slow down", retry_after=2.5)
    assert (error.status, error.retry_after, error.headers) == (429, 2.5, {"Retry-After": "3"})
    assert RateLimited("slow down").headers == {}


def test_a_header_given_wins_over_the_one_derived() -> None:
    error = RateLimited("slow down", retry_after=2, headers={"Retry-After": "120"})
    assert error.headers == {"Retry-After": "120"}


def test_an_injected_fault_has_the_callers_status_and_retry_after() -> None:
    error = Injected(503, "maintenance", retry_after=30)
    assert (error.status, error.message, error.reason) == (503, "maintenance", "injected")
    assert error.headers == {"Retry-After": "30"}
    assert Injected(502, reason="upstream").reason == "upstream"


def test_details_and_headers_are_the_errors_own_copies() -> None:
    headers = {"X-Trace": "1"}
    details: dict[str, object] = {"issues": []}
    error = BadRequest("bad", headers=headers, details=details)
    error.headers["Allow"] = "GET"
    error.details["more"] = True
    assert headers == {"X-Trace": "1"} and details == {"issues": []}
    assert BadRequest.status == 400  # an instance's status never changes its class's
    Injected(418)
    assert MockError.status == 500
