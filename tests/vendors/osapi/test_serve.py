"""``jobmock serve --vendor osapi`` over real HTTP, with a token from ``jobmock token osapi``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.helpers import run, serving
from tests.vendors.osapi.conftest import SEED_JOB


def test_served_at_the_root_with_a_cli_token() -> None:
    minted = run(["token", "osapi", "--roles", "read"])
    assert minted.returncode == 0, minted.stderr
    headers = {"Authorization": "Bearer " + minted.stdout.strip()}
    with serving(["--port", "0", "--vendor", "osapi"]) as server:
        request = urllib.request.Request(f"{server.url}/job/{SEED_JOB}", headers=headers)
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"] == "application/json"
            body = response.read()
        assert body.endswith(b"}\n")
        assert json.loads(body)["id"] == SEED_JOB
        denied = urllib.request.Request(
            f"{server.url}/job/{SEED_JOB}", headers=headers, method="DELETE"
        )
        try:
            urllib.request.urlopen(denied)
        except urllib.error.HTTPError as exc:
            assert exc.code == 403
            assert exc.read().startswith(
                b'{"error":"Insufficient permissions. Required: [job:write], resolved: map['
            )
        else:
            raise AssertionError("a read token deleted a job")
