"""Every 401 and 403 of spec/osapi.md §4, in OSAPI's words, and what runs before auth."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from jobmock.testing.handle import InProcessHandle
from tests.conftest import START
from tests.vendors.helpers import build_app, http_client
from tests.vendors.osapi.conftest import (
    SEED_JOB,
    Osapi,
    echo,
    error,
    raw_token,
    signed,
    token,
)

NOW = int(START.timestamp())
READ_ROLE = (
    "map[agent:read:true certificate:read:true cron:read:true docker:read:true file:read:true "
    "health:read:true job:read:true log:read:true network:read:true node:read:true "
    "ntp:read:true package:read:true process:read:true service:read:true sysctl:read:true "
    "timezone:read:true user:read:true]"
)


def get(osapi: Osapi, authorization: str | None) -> httpx.Response:
    return osapi.get(f"/job/{SEED_JOB}", auth=authorization)


@pytest.mark.parametrize(
    "authorization", [None, "", "bearer " + token(), "Basic dXNlcjpwYXNz", "Bearer", "Token x"]
)
def test_bearer_token_required(osapi: Osapi, authorization: str | None) -> None:
    error(get(osapi, authorization), 401, "Bearer token required")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("", "token contains an invalid number of segments"),
        ("abc", "token contains an invalid number of segments"),
        ("a.b", "token contains an invalid number of segments"),
        ("a.b.c.d", "token contains an invalid number of segments"),
        ("Bearer x.y.z", "tokenstring should not contain 'bearer '"),
        ("a$b.c.d", "illegal base64 data at input byte 1"),
        ("abcde.e30.x", "illegal base64 data at input byte 4"),
        ("eyJhbGciOiJIUzI1NiJ9.e30=.x", "illegal base64 data at input byte 3"),
        (raw_token(b"{x", {}), "invalid character 'x' looking for beginning of object key string"),
        (raw_token(b"", {}), "unexpected end of JSON input"),
        (raw_token(b"{} {}", {}), "invalid character '{' after top-level value"),
        (
            raw_token([1], {}),
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (raw_token({"alg": "HS256"}, b""), "EOF"),
        (raw_token({"alg": "HS256"}, b'{"roles":'), "unexpected EOF"),
        (
            raw_token({"alg": "HS256"}, [1]),
            "json: cannot unmarshal array into Go value of type authtoken.CustomClaims",
        ),
        (
            raw_token({"alg": "HS256"}, {"roles": "admin"}),
            "json: cannot unmarshal string into Go struct field CustomClaims.roles of type "
            "[]string",
        ),
        (
            raw_token({"alg": "HS256"}, {"roles": ["admin", 1]}),
            "json: cannot unmarshal number into Go struct field CustomClaims.roles of type string",
        ),
        (
            raw_token({"alg": "HS256"}, {"roles": ["admin"], "sub": 7}),
            "json: cannot unmarshal number into Go struct field CustomClaims.sub of type string",
        ),
        (
            raw_token({"alg": "HS256"}, {"roles": ["admin"], "exp": "tomorrow"}),
            "could not parse NumericData: json: invalid number literal, trying to unmarshal "
            '"\\"tomorrow\\"" into Number',
        ),
        (
            raw_token({"alg": "HS256"}, {"roles": ["admin"], "aud": 5}),
            "json: unsupported type: float64",
        ),
        (raw_token({"alg": "none"}, {"roles": ["admin"]}), "unexpected signing method"),
        (raw_token({"alg": "RS256"}, {"roles": ["admin"]}), "unexpected signing method"),
        (raw_token({"alg": "ES256"}, {"roles": ["admin"]}), "unexpected signing method"),
        (raw_token({"alg": "HS999"}, {"roles": ["admin"]}), "signing method (alg) is unavailable."),
        (raw_token({"typ": "JWT"}, {"roles": ["admin"]}), "signing method (alg) is unspecified."),
        (raw_token({"alg": 256}, {"roles": ["admin"]}), "signing method (alg) is unspecified."),
        (token(key=b"another-key"), "signature is invalid"),
        (token()[:-4] + "!!!!", "illegal base64 data at input byte 39"),
    ],
)
def test_invalid_token(osapi: Osapi, value: str, reason: str) -> None:
    error(get(osapi, "Bearer " + value), 401, f"Invalid token: {reason}")


def test_alg_none_made_by_pyjwt(osapi: Osapi) -> None:
    unsigned = jwt.encode({"roles": ["admin"]}, key=None, algorithm="none")
    error(get(osapi, "Bearer " + unsigned), 401, "Invalid token: unexpected signing method")


def test_expired_by_a_go_duration(osapi: Osapi, handle: InProcessHandle) -> None:
    handle.advance("500ms")
    expired = token(issued_at=START - timedelta(days=1), lifetime=timedelta(days=1, seconds=-3723))
    error(get(osapi, "Bearer " + expired), 401, "Invalid token: token is expired by 1h2m3.5s")


def test_expiry_is_checked_on_the_mock_clock(osapi: Osapi, handle: InProcessHandle) -> None:
    short = token(lifetime=timedelta(minutes=5))
    assert get(osapi, "Bearer " + short).status_code == 200
    handle.advance("5m")
    error(get(osapi, "Bearer " + short), 401, "Invalid token: token is expired by 0s")


def test_signature_is_checked_before_expiry(osapi: Osapi) -> None:
    both = token(key=b"other", issued_at=START - timedelta(days=2), lifetime=timedelta(days=1))
    error(get(osapi, "Bearer " + both), 401, "Invalid token: signature is invalid")


def test_iat_and_nbf_in_the_future(osapi: Osapi) -> None:
    early = token(issued_at=START + timedelta(minutes=1))
    error(get(osapi, "Bearer " + early), 401, "Invalid token: token used before issued")
    not_yet = token(nbf=NOW + 60)
    error(get(osapi, "Bearer " + not_yet), 401, "Invalid token: token is not valid yet")
    # exp, iat and nbf are all checked; the last failure (nbf) is the one reported
    every = token(issued_at=START + timedelta(minutes=1), lifetime=timedelta(seconds=-120))
    error(
        get(osapi, "Bearer " + token(nbf=NOW + 1, exp=NOW - 1)),
        401,
        "Invalid token: token is not valid yet",
    )
    error(get(osapi, "Bearer " + every), 401, "Invalid token: token used before issued")


@pytest.mark.parametrize("roles", [None, "null"])
def test_roles_are_required(osapi: Osapi, roles: str | None) -> None:
    claims: dict[str, object] = {"permissions": ["job:read"]}
    if roles == "null":
        claims["roles"] = None
    value = signed(claims)
    error(
        get(osapi, "Bearer " + value),
        401,
        "Invalid token: Key: 'CustomClaims.Roles' Error:Field validation for 'Roles' failed "
        "on the 'required' tag",
    )


def test_unknown_roles_each_reported(osapi: Osapi) -> None:
    error(
        get(osapi, "Bearer " + token(roles=("read", "root", "superuser"))),
        401,
        "Invalid token: Key: 'CustomClaims.Roles[1]' Error:Field validation for 'Roles[1]' "
        "failed on the 'oneof' tag\nKey: 'CustomClaims.Roles[2]' Error:Field validation for "
        "'Roles[2]' failed on the 'oneof' tag",
    )


def test_empty_roles_resolve_nothing(osapi: Osapi) -> None:
    error(
        get(osapi, "Bearer " + token(roles=())),
        403,
        "Insufficient permissions. Required: [job:read], resolved: map[]",
    )


def test_explicit_permissions_override_roles(osapi: Osapi) -> None:
    value = token(roles=("admin",), permissions=("network:read",))
    error(
        get(osapi, "Bearer " + value),
        403,
        "Insufficient permissions. Required: [job:read], resolved: map[network:read:true]",
    )
    reader = token(roles=("read",), permissions=("job:read", "job:write"))
    assert osapi.delete(f"/job/{SEED_JOB}", auth="Bearer " + reader).status_code == 204


def test_read_role_reads_but_cannot_write(osapi: Osapi) -> None:
    reader = "Bearer " + token(roles=("read",))
    assert get(osapi, reader).status_code == 200
    assert osapi.get("/job", auth=reader).status_code == 200
    denied = f"Insufficient permissions. Required: [job:write], resolved: {READ_ROLE}"
    error(osapi.delete(f"/job/{SEED_JOB}", auth=reader), 403, denied)
    error(osapi.post(f"/job/{SEED_JOB}/retry", auth=reader), 403, denied)
    error(
        osapi.post("/node/_any/command/shell", auth=reader, json={"command": "id"}),
        403,
        f"Insufficient permissions. Required: [command:execute], resolved: {READ_ROLE}",
    )
    assert osapi.get("/node/_any/hostname", auth=reader).status_code == 200


def test_write_role_deletes_and_retries(osapi: Osapi) -> None:
    writer = "Bearer " + token(roles=("write",))
    assert osapi.post(f"/job/{SEED_JOB}/retry", auth=writer).status_code == 201
    assert osapi.delete(f"/job/{SEED_JOB}", auth=writer).status_code == 204


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_every_hmac_algorithm(osapi: Osapi, algorithm: str) -> None:
    assert get(osapi, "Bearer " + token(algorithm=algorithm)).status_code == 200


def test_iss_and_aud_are_not_validated(osapi: Osapi) -> None:
    value = token(iss="someone-else", aud="https://elsewhere")
    assert get(osapi, "Bearer " + value).status_code == 200


def test_binding_runs_before_auth(osapi: Osapi) -> None:
    echo(
        osapi.get("/job/not-a-uuid", auth=None),
        400,
        "Invalid format for parameter id: error unmarshaling 'not-a-uuid' text as *uuid.UUID: "
        "invalid UUID length: 10",
    )
    echo(
        osapi.post(
            f"/job/{SEED_JOB}/retry",
            auth=None,
            content=b"{",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "unexpected EOF",
    )
    echo(
        osapi.post(f"/job/{SEED_JOB}/retry", auth=None, content=b"x=1"),
        415,
        "Unsupported Media Type",
    )
    echo(
        osapi.get("/job", auth=None, params={"limit": "ten"}),
        400,
        "Invalid format for parameter limit: error binding string parameter: strconv.ParseInt: "
        'parsing "ten": invalid syntax',
    )
    # ... and handler validation after it
    error(osapi.get("/node/nowhere/hostname", auth=None), 401, "Bearer token required")
    error(osapi.get("/job", auth=None, params={"limit": "0"}), 401, "Bearer token required")


def fixture_app(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> httpx.Client:
    folder = tmp_path / "osapi"
    folder.mkdir()
    (folder / "security.yaml").write_text(text)
    app = build_app(fixtures=tmp_path)
    return http_client(app)


def test_signing_key_and_custom_roles_from_fixtures(tmp_path: Path) -> None:
    client = fixture_app(
        tmp_path,
        "security:\n  signing_key: s3cret\n  roles:\n    read: {permissions: [health:read]}\n",
    )
    with client:
        ok = client.get("/osapi/job", headers={"Authorization": "Bearer " + token(key=b"s3cret")})
        assert ok.status_code == 200
        default = client.get("/osapi/job", headers={"Authorization": "Bearer " + token()})
        assert default.json() == {"error": "Invalid token: signature is invalid"}
        reader = token(roles=("read",), key=b"s3cret")
        denied = client.get("/osapi/job", headers={"Authorization": "Bearer " + reader})
        assert denied.json() == {
            "error": "Insufficient permissions. Required: [job:read], resolved: "
            "map[health:read:true]"
        }


def test_signing_key_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMOCK_OSAPI_SIGNING_KEY", "from-env")
    with fixture_app(tmp_path, "agents: []\n") as client:
        headers = {"Authorization": "Bearer " + token(key=b"from-env")}
        assert client.get("/osapi/job", headers=headers).status_code == 200
