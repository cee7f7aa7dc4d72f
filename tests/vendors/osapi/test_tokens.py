"""OSAPI's tokens: Go's raw URL base64 with its error texts, and the CLI's ``jobmock token``."""

from __future__ import annotations

import json

import pytest

from jobmock.cli import main
from jobmock.core.golang import NS_PER_SECOND
from jobmock.vendors.osapi.jwt.tokens import TokenRejected, b64_decode, validate

NS = NS_PER_SECOND


@pytest.mark.parametrize(
    "segment, result",
    [
        ("", b""),
        ("YQ", b"a"),
        ("YWI", b"ab"),
        ("YWJj", b"abc"),
        ("YW\nJj", b"abc"),  # CR and LF are skipped
        ("-_8", b"\xfb\xff"),
    ],
)
def test_base64_raw_url(segment: str, result: bytes) -> None:
    assert b64_decode(segment) == result


@pytest.mark.parametrize(
    "segment, index", [("Y", 0), ("YWJjZ", 4), ("YQ==", 2), ("YW+j", 2), ("a b", 1)]
)
def test_base64_errors(segment: str, index: int) -> None:
    with pytest.raises(TokenRejected, match=f"^illegal base64 data at input byte {index}$"):
        b64_decode(segment)


def test_jobmock_token_osapi(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["token", "osapi", "--roles", "read", "--permissions", "job:read", "--sub", "me"]) == 0
    )
    value = capsys.readouterr().out.strip()
    payload = b64_decode(value.split(".")[1]).decode()
    assert payload.startswith('{"roles":["read"],"permissions":["job:read"],"iss":"osapi",')
    assert '"sub":"me","aud":["https://localhost","http://localhost"],"exp":' in payload
    claims = json.loads(payload)
    assert claims["exp"] > claims["iat"]
    valid = validate(value, b"jobmock-osapi-signing-key", claims["iat"] * NS)
    assert (valid.roles, valid.permissions, valid.subject) == (("read",), ("job:read",), "me")


def test_jobmock_token_defaults_to_admin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "osapi", "--exp", "1h"]) == 0
    value = capsys.readouterr().out.strip()
    claims = json.loads(b64_decode(value.split(".")[1]))
    assert claims["roles"] == ["admin"] and "permissions" not in claims
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["sub"] == "jobmock"
