"""Every vendor's OpenAPI document describes what jobmock answers, checked with Schemathesis.

Schemathesis generates requests from each document (valid and not), sends them into the app in
process, and checks that no answer is an undocumented server error and that every body and
content type is what the document declares for its status. A document that says less than the
vendor does (a missing path parameter, a 400 whose shape is another) fails here, as it would in
a client's code generator or contract tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from jobmock import Settings, create_app
from tests.conftest import START
from tests.test_contract import token

AnyCase = schemathesis.Case[Any]
# A journal that holds every generated request, for the last test to look at.
APP = create_app(Settings(clock="manual", start_time=START, journal_size=100_000))
CHECKS = [response_schema_conformance, content_type_conformance]
#: The server errors the vendors document, and answer on purpose.
DOCUMENTED_5XX = {("prunner", "POST", "/job/cancel")}  # a job that has already ended
AUTH: dict[str, Callable[[], dict[str, str]]] = {
    "nunu": lambda: {"X-Api-Key": "nunu_test_key"},
    "intuned": lambda: {"x-api-key": "intuned_test_key"},
    "prunner": lambda: token("prunner"),
    "osapi": lambda: token("osapi"),
}
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same requests on every run and machine
    suppress_health_check=list(HealthCheck),
    database=None,
)


#: The operations whose generated cases ran in this process (xdist spreads them over workers).
RAN: dict[str, set[str]] = {slug: set() for slug in AUTH}


def _check(slug: str) -> Callable[[AnyCase], None]:
    def check(case: AnyCase) -> None:
        RAN[slug].add(case.operation.label)
        response = case.call(headers=AUTH[slug]())
        if response.status_code >= 500:
            assert (slug, case.method, case.path) in DOCUMENTED_5XX, case.as_curl_command()
        case.validate_response(response, checks=CHECKS)

    return check


nunu = schemathesis.openapi.from_asgi("/nunu/openapi.json", APP)
intuned = schemathesis.openapi.from_asgi("/intuned/openapi.json", APP)
prunner = schemathesis.openapi.from_asgi("/prunner/openapi.json", APP)
osapi = schemathesis.openapi.from_asgi("/osapi/openapi.json", APP)


@nunu.parametrize()
@EXAMPLES
def test_nunu(case: AnyCase) -> None:
    _check("nunu")(case)


@intuned.parametrize()
@EXAMPLES
def test_intuned(case: AnyCase) -> None:
    _check("intuned")(case)


@prunner.parametrize()
@EXAMPLES
def test_prunner(case: AnyCase) -> None:
    _check("prunner")(case)


@osapi.parametrize()
@EXAMPLES
def test_osapi(case: AnyCase) -> None:
    _check("osapi")(case)


@pytest.mark.parametrize("slug", list(AUTH))
def test_the_documents_reach_the_vendors(slug: str) -> None:
    """The generated requests land on the vendor's routes (not all on a 404 for a wrong base
    path), and some of them succeed. Runs after the tests above, in the same app."""
    seen = Counter(
        (entry.operation, entry.status)
        for entry in APP.runtime.store.journal
        if entry.vendor == slug
    )
    schema = {"nunu": nunu, "intuned": intuned, "prunner": prunner, "osapi": osapi}[slug]
    if len(RAN[slug]) < sum(1 for _ in schema.get_all_operations()):
        pytest.skip("needs every generated test of the vendor to have run in this process")
    assert len({operation for operation, _ in seen if operation}) >= 3, seen
    # The documents' examples are the bundled fixtures' ids, so some requests find their job.
    assert any(status < 300 for _, status in seen), seen
