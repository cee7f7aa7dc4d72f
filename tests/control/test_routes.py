"""The control API's HTTP surface: every refusal is ``{"error": ...}`` in JSON (never a redirect,
a 422 or FastAPI's own shape), and a control token guards all but health."""

from __future__ import annotations

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

TOKEN_NEEDED = (
    b'{"error": "the control API needs \'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>\'"}'
)


def no_route(method: str, path: str) -> bytes:
    return (
        f'{{"error": "the control API has no {method} {path} (a trailing slash or an empty '
        'segment is never dropped); GET /_mock/docs lists its operations"}'
    ).encode()


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/_mock/nothing"), ("GET", "/_mock/clock/"), ("POST", "/_mock")]
)
def test_an_unknown_route_is_a_404_that_points_at_the_docs(
    client: httpx.Client, method: str, path: str
) -> None:
    response = client.request(method, path)
    assert (response.status_code, response.content) == (404, no_route(method, path))
    assert response.headers["content-type"] == "application/json"


def test_a_wrong_method_is_a_405_naming_the_methods(client: httpx.Client) -> None:
    response = client.put("/_mock/clock")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.content == b'{"error": "/_mock/clock takes GET, POST, not PUT"}'


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/_mock/stubs", "GET, POST, DELETE"),
        ("/_mock/stubs/1", "DELETE"),
        ("/_mock/scenarios/nunu", "PUT, DELETE"),
        ("/_mock/webhooks", "GET"),
        ("/_mock/vendors", "GET"),
        ("/_mock/journal", "GET"),
        ("/_mock/requests.har", "GET"),
    ],
)
def test_every_feature_s_routes_name_their_methods_in_a_405(
    client: httpx.Client, path: str, allow: str
) -> None:
    # Routes a feature module adds must be seen by the 405 (FastAPI's include_router hides them).
    response = client.patch(path)
    assert (response.status_code, response.headers["allow"]) == (405, allow)
    assert response.json() == {"error": f"{path} takes {allow}, not PATCH"}


def test_a_body_that_is_not_json_is_a_400(client: httpx.Client) -> None:
    response = client.post("/_mock/clock", content=b"{")
    assert (response.status_code, response.content) == (
        400,
        b'{"error": "the request body is not valid JSON (Expecting property name enclosed in '
        b'double quotes)"}',
    )


def test_a_wrong_token_is_refused_like_none() -> None:
    app = create_app(Settings(clock="manual", start_time=START, control_token="s3cret"))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            refused = client.get("/_mock/clock", headers=headers)
            assert (refused.status_code, refused.content) == (401, TOKEN_NEEDED)
        # Unknown routes too: without the token nobody learns which routes exist.
        assert client.get("/_mock/nothing").content == TOKEN_NEEDED


def test_control_token() -> None:
    app = create_app(Settings(clock="manual", start_time=START, control_token="s3cret"))
    with httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock") as client:
        assert client.get("/_mock/health").status_code == 200
        refused = client.post("/_mock/reset")
        assert refused.status_code == 401
        assert "Authorization: Bearer" in refused.json()["error"]
        allowed = client.post("/_mock/reset", headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 200


def test_control_unknown_route(client: httpx.Client) -> None:
    response = client.get("/_mock/nothing")
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
