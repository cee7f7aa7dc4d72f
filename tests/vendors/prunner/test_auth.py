"""HS256 JWT auth, checked before routing inside /pipelines and /job (spec/prunner.md §1, §2):
401 plain text with prunner's five messages, in jwtauth's check order, on the mock clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from jobmock.core.auth import mint_jwt
from jobmock.core.vendor import TokenRequest
from jobmock.testing.handle import InProcessHandle
from jobmock.vendors import prunner as prunner_vendor
from tests.conftest import START
from tests.helpers import ROOT
from tests.vendors.prunner.conftest import BASE, SECRET, SEED_JOB, Prunner, token

NOW = int(START.timestamp())
ROUTES = [
    ("GET", "/pipelines"),
    ("GET", "/pipelines/"),
    ("GET", "/pipelines/jobs"),
    ("POST", "/pipelines/schedule"),
    ("GET", f"/job/detail?id={SEED_JOB}"),
    ("GET", f"/job/logs?id={SEED_JOB}&task=prepare"),
    ("POST", f"/job/cancel?id={SEED_JOB}"),
]


def unauthorized(response: httpx.Response, message: str) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == message.encode() + b"\n"


def send(client: httpx.Client, method: str, path: str, **headers: str) -> httpx.Response:
    return client.request(method, BASE + path, headers=headers)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_token(client: httpx.Client, method: str, path: str) -> None:
    unauthorized(send(client, method, path), "no token found")


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "no token found"),
        ("", "no token found"),
        ("Bearer ", "no token found"),
        ("Bearer", "no token found"),
        ("Basic dXNlcjpwYXNz", "no token found"),
        ("Token abc.def.ghi", "no token found"),
        ("Bearer not-a-jwt", "token is unauthorized"),
        ("Bearer a.b.c", "token is unauthorized"),
        (f"Bearer {mint_jwt('another-secret-of-length', {'sub': 'x'})}", "token is unauthorized"),
        (f"Bearer {mint_jwt(SECRET, {'sub': 'x'}, algorithm='HS512')}", "token is unauthorized"),
        (f"Bearer {token(exp=NOW)}", "token is expired"),
        (f"Bearer {token(exp=NOW - 3600)}", "token is expired"),
        (f"Bearer {token(nbf=NOW + 1)}", "token nbf validation failed"),
        (f"Bearer {token(iat=NOW + 1)}", "token iat validation failed"),
    ],
)
def test_each_failure_and_its_message(
    client: httpx.Client, authorization: str | None, message: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    unauthorized(send(client, "GET", "/pipelines/", **headers), message)


def test_alg_none_is_refused(client: httpx.Client) -> None:
    import jwt

    unsigned = jwt.encode({"sub": "x"}, key=None, algorithm="none")
    unauthorized(
        send(client, "GET", "/pipelines/", Authorization=f"Bearer {unsigned}"),
        "token is unauthorized",
    )


def test_checks_run_in_jwx_order_iat_exp_nbf(client: httpx.Client) -> None:
    every = token(iat=NOW + 10, exp=NOW - 10, nbf=NOW + 10)
    unauthorized(
        send(client, "GET", "/pipelines/", Authorization=f"Bearer {every}"),
        "token iat validation failed",
    )
    exp_and_nbf = token(exp=NOW - 10, nbf=NOW + 10)
    unauthorized(
        send(client, "GET", "/pipelines/", Authorization=f"Bearer {exp_and_nbf}"),
        "token is expired",
    )


def test_time_claims_are_checked_with_zero_skew(client: httpx.Client) -> None:
    for claims in ({"exp": NOW + 1}, {"nbf": NOW}, {"iat": NOW}):
        signed = mint_jwt(SECRET, claims)
        response = send(client, "GET", "/pipelines/", Authorization=f"Bearer {signed}")
        assert response.status_code == 200, claims


def test_no_claim_is_required(client: httpx.Client) -> None:
    bare = mint_jwt(SECRET, {})
    assert send(client, "GET", "/pipelines/", Authorization=f"Bearer {bare}").status_code == 200


@pytest.mark.parametrize("prefix", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_bearer_prefix_is_case_insensitive(client: httpx.Client, prefix: str) -> None:
    response = send(client, "GET", "/pipelines/", Authorization=f"{prefix} {token()}")
    assert response.status_code == 200


def test_token_from_the_jwt_cookie(client: httpx.Client) -> None:
    response = client.get(f"{BASE}/pipelines/", headers={"Cookie": f"theme=dark; jwt={token()}"})
    assert response.status_code == 200
    quoted = client.get(f"{BASE}/pipelines/", headers={"Cookie": f'jwt="{token()}"'})
    assert quoted.status_code == 200
    unauthorized(
        client.get(f"{BASE}/pipelines/", headers={"Cookie": "jwt=nope"}), "token is unauthorized"
    )
    unauthorized(client.get(f"{BASE}/pipelines/", headers={"Cookie": "jwt="}), "no token found")


def test_header_wins_over_cookie(client: httpx.Client) -> None:
    response = client.get(
        f"{BASE}/pipelines/",
        headers={"Authorization": "Bearer broken", "Cookie": f"jwt={token()}"},
    )
    unauthorized(response, "token is unauthorized")
    fallback = client.get(
        f"{BASE}/pipelines/", headers={"Authorization": "Basic x", "Cookie": f"jwt={token()}"}
    )
    assert fallback.status_code == 200


def test_the_query_string_is_not_a_token_source(client: httpx.Client) -> None:
    unauthorized(client.get(f"{BASE}/pipelines/", params={"jwt": token()}), "no token found")


def test_token_expires_on_the_mock_clock(client: httpx.Client, handle: InProcessHandle) -> None:
    # What the Flowpack PHP client sends: {"sub": <account>, "exp": now + 60}.
    flowpack = token(sub="cli", exp=NOW + 60)
    headers = {"Authorization": f"Bearer {flowpack}"}
    assert send(client, "GET", "/pipelines/", **headers).status_code == 200
    handle.advance("59s")
    assert send(client, "GET", "/pipelines/", **headers).status_code == 200
    handle.advance("1s")
    unauthorized(send(client, "GET", "/pipelines/", **headers), "token is expired")


def test_not_yet_valid_token_becomes_valid(client: httpx.Client, handle: InProcessHandle) -> None:
    headers = {"Authorization": f"Bearer {token(nbf=NOW + 30)}"}
    unauthorized(send(client, "GET", "/pipelines/", **headers), "token nbf validation failed")
    handle.advance("30s")
    assert send(client, "GET", "/pipelines/", **headers).status_code == 200


# --- auth before routing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/job/detail/"),
        ("GET", "/job/foo"),
        ("GET", "/job"),
        ("GET", "/job/"),
        ("GET", "/pipelines/jobs/"),
        ("GET", "/pipelines/nope"),
        ("POST", "/job/detail"),
        ("GET", "/job/cancel"),
        ("HEAD", "/job/detail"),
        ("OPTIONS", "/pipelines/"),
        ("DELETE", "/pipelines/schedule"),
    ],
)
def test_inside_the_mounts_auth_comes_before_routing(
    client: httpx.Client, method: str, path: str
) -> None:
    response = send(client, method, path)
    assert response.status_code == 401
    if method != "HEAD":
        assert response.content == b"no token found\n"


@pytest.mark.parametrize("path", ["/job/detail/", "/job/foo", "/job", "/job/", "/pipelines/nope"])
def test_unknown_path_inside_a_mount_with_a_token(prunner: Prunner, path: str) -> None:
    response = prunner.request("GET", path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == b"404 page not found\n"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/job/detail", "GET"),
        ("GET", "/job/cancel", "POST"),
        ("HEAD", "/job/detail", "GET"),
        ("PUT", "/pipelines/", "GET"),
        ("GET", "/pipelines/schedule", "POST"),
        ("DELETE", "/job/logs", "GET"),
    ],
)
def test_wrong_method_with_a_token(prunner: Prunner, method: str, path: str, allow: str) -> None:
    response = prunner.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.content == b""
    assert "content-type" not in response.headers


@pytest.mark.parametrize("path", ["/", "/jobs", "/job-detail", "/pipelinesx", "//job/detail"])
def test_outside_the_mounts_404_without_auth(client: httpx.Client, path: str) -> None:
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == b"404 page not found\n"


def test_no_fastapi_shapes_anywhere(prunner: Prunner) -> None:
    responses = [
        prunner.client.get(BASE + "/job/detail"),
        prunner.get("/job/detail", id="x"),
        prunner.request("PUT", "/pipelines/"),
        prunner.client.get(BASE + "/nothing"),
        prunner.post("/pipelines/schedule", "not an object"),
    ]
    for response in responses:
        assert response.status_code != 422
        assert b"detail" not in response.content


# --- the token's subject and `jobmock token prunner` ----------------------------------------------


def test_sub_becomes_the_jobs_user(prunner: Prunner) -> None:
    prunner.token = token(sub="ci-bot")
    job_id = prunner.schedule("release")
    assert prunner.detail(job_id)["user"] == "ci-bot"
    prunner.token = token(sub=None)
    assert prunner.detail(prunner.schedule("diamond"))["user"] == ""


def test_minted_token_works(client: httpx.Client) -> None:
    request = TokenRequest(now=START, subject="j.doe", expires_in=3600)
    minted = prunner_vendor.mint_token(ROOT / "fixtures" / "prunner", request)
    import jwt

    claims = jwt.decode(minted, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims == {"sub": "j.doe", "exp": NOW + 3600}
    assert send(client, "GET", "/pipelines/", Authorization=f"Bearer {minted}").status_code == 200


def test_minted_token_without_options_has_no_time_claims(tmp_path: Path) -> None:
    minted = prunner_vendor.mint_token(tmp_path, TokenRequest(now=START - timedelta(days=1)))
    import jwt

    assert jwt.decode(minted, SECRET, algorithms=["HS256"]) == {}
