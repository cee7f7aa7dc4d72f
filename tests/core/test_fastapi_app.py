"""What every vendor app gets from the shared FastAPI plumbing: each failure (unknown route, wrong
method, bad parameter) answered in the vendor's own shape, never FastAPI's, and an OpenAPI
document of the vendor's API with none of FastAPI's defaults."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jobmock.settings import known_vendors
from tests.vendors.helpers import VendorClient
from tests.vendors.intuned.conftest import Intuned
from tests.vendors.nunu.conftest import Nunu
from tests.vendors.osapi.conftest import Osapi
from tests.vendors.prunner.conftest import Prunner

VENDORS: dict[str, type[VendorClient]] = {
    "nunu": Nunu,
    "intuned": Intuned,
    "prunner": Prunner,
    "osapi": Osapi,
}


def answer(client: httpx.Client, slug: str, method: str, path: str) -> httpx.Response:
    """``path`` after the vendor's base, sent with its credentials."""
    return VENDORS[slug](client).request(method, path)


@pytest.mark.parametrize(
    ("slug", "method", "path", "allow", "body"),
    [
        ("nunu", "DELETE", "/runs", "GET, POST", b'{"error": "Method not allowed"}'),
        ("prunner", "DELETE", "/job/detail", "GET", b""),
        ("osapi", "PUT", "/job", "OPTIONS, GET", b'{"message":"Method Not Allowed"}\n'),
    ],
)
def test_a_wrong_method_names_every_method_of_the_path(
    client: httpx.Client, slug: str, method: str, path: str, allow: str, body: bytes
) -> None:
    response = answer(client, slug, method, path)
    assert (response.status_code, response.headers["allow"], response.content) == (
        405,
        allow,
        body,
    )


def test_a_wrong_method_in_intuneds_envelope(client: httpx.Client) -> None:
    response = answer(client, "intuned", "DELETE", "/jobs")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
    body: dict[str, Any] = response.json()
    assert (body["code"], body["message"]) == ("method-not-allowed", "Method not allowed")


@pytest.mark.parametrize(
    ("slug", "path", "body"),
    [
        ("nunu", "/jobs/", b'{"error": "Not found"}'),
        ("osapi", "/job/", b'{"message":"Not Found"}\n'),
    ],
)
def test_a_trailing_slash_is_the_vendors_404_never_a_redirect(
    client: httpx.Client, slug: str, path: str, body: bytes
) -> None:
    response = answer(client, slug, "GET", path)
    assert (response.status_code, response.content) == (404, body)


@pytest.mark.parametrize(
    ("slug", "path", "body"),
    [
        (
            "nunu",
            "/jobs?page=abc",
            b'{"error": "Invalid query parameters: page and page_size must be integers"}',
        ),
        (
            "osapi",
            "/job?limit=abc",
            b'{"message":"Invalid format for parameter limit: error binding string parameter: '
            b'strconv.ParseInt: parsing \\"abc\\": invalid syntax"}\n',
        ),
    ],
)
def test_a_bad_parameter_is_a_400_in_the_vendors_words(
    client: httpx.Client, slug: str, path: str, body: bytes
) -> None:
    response = answer(client, slug, "GET", path)
    assert (response.status_code, response.content) == (400, body)


@pytest.mark.parametrize("slug", known_vendors())
def test_the_document_describes_the_vendor_not_fastapi(client: httpx.Client, slug: str) -> None:
    document = client.get(f"/{slug}/openapi.json").json()
    assert document["servers"][0] == {"url": f"/{slug}"}
    responses = [
        status
        for operations in document["paths"].values()
        for operation in operations.values()
        for status in operation.get("responses", {})
    ]
    assert responses and "422" not in responses
    schemas = document.get("components", {}).get("schemas", {})
    assert not {"HTTPValidationError", "ValidationError"} & set(schemas)
