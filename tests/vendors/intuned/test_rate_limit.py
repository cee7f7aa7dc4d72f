"""Intuned's documented limit (20 requests a minute per path), on with ``--rate-limits``."""

from __future__ import annotations

import httpx

from tests.vendors.helpers import build_app, http_client
from tests.vendors.intuned.conftest import BASE, KEY


def test_429_in_the_intuned_envelope_with_retry_after() -> None:
    app = build_app(rate_limits=True)
    with http_client(app) as client:
        path = f"{BASE}/jobs/my-sample-job"
        codes = [client.get(path, headers={"x-api-key": KEY}).status_code for _ in range(20)]
        assert codes == [200] * 20
        limited = client.get(path, headers={"x-api-key": KEY})
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "60"
        body = limited.json()
        assert list(body) == ["code", "category", "message", "retirable", "correlationId"]
        assert body["code"] == "too-many-requests"
        assert body["category"] == "user"
        assert body["retirable"] is True
        assert body["message"] == (
            "Too many requests: the limit is 20 requests per minute per path."
        )
        other = client.get(f"{BASE}/jobs", headers={"x-api-key": KEY})
        assert other.status_code == 200, "each path has its own window"
        app.runtime.clock.advance(60)
        assert client.get(path, headers={"x-api-key": KEY}).status_code == 200


def test_off_by_default(client: httpx.Client) -> None:
    codes = {client.get(f"{BASE}/jobs", headers={"x-api-key": KEY}).status_code for _ in range(25)}
    assert codes == {200}
