"""Rate limits: a sliding window on the mock clock, answered in the vendor's envelope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from jobmock.core.clock import AppClock
from jobmock.core.faults import FaultBook
from jobmock.core.gate import VendorGate
from jobmock.core.ratelimit import RateLimiter, RateLimitRule
from jobmock.main import JobmockApp

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_sliding_window_per_key() -> None:
    clock = AppClock("manual", T0)
    limiter = RateLimiter(RateLimitRule(limit=2, window=60), clock.now, enabled=True)
    assert limiter.hit("/a") is None
    clock.advance(10)
    assert limiter.hit("/a") is None
    assert limiter.hit("/a") == 50.0
    assert limiter.hit("/b") is None, "each path has its own window"
    clock.advance(50)
    assert limiter.hit("/a") is None, "the first hit left the window"
    assert limiter.hit("/a") == 10.0
    limiter.reset()
    assert limiter.hit("/a") is None


def test_keys() -> None:
    clock = AppClock("manual", T0)
    by_header = RateLimiter(RateLimitRule(1, 60, per="header", header="X-Api-Key"), clock.now)
    assert by_header.key_for("/x", {"x-api-key": "k1"}) == "k1"
    whole = RateLimiter(RateLimitRule(1, 60, per="vendor"), clock.now)
    assert whole.key_for("/x", {}) == whole.key_for("/y", {}) == ""


def test_gate_answers_429_in_the_vendor_envelope(app: JobmockApp) -> None:
    runtime = app.runtime
    vendor = runtime.vendors["nunu"]
    limiter = RateLimiter(RateLimitRule(limit=2, window=60), runtime.clock.now, enabled=True)
    gate = VendorGate(vendor, runtime.store, runtime.crashes, FaultBook(), limiter)
    transport = httpx.ASGITransport(app=gate)

    async def three_calls() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            return [
                await client.get("/api/v1/jobs", headers={"X-Api-Key": "nunu_test_key"})
                for _ in range(3)
            ]

    import asyncio

    responses = asyncio.run(three_calls())
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].json() == {"error": "Too many requests"}
    assert responses[2].headers["retry-after"] == "60"
    limited = runtime.store.journal.find(vendor="nunu")[-1]
    assert limited.status == 429
    assert limited.notes == ["rate limited: 2 requests per 60 s per path"]
    runtime.clock.advance(timedelta(seconds=60).total_seconds())
    assert asyncio.run(three_calls())[0].status_code == 200


def test_reset_restores_the_starting_switch() -> None:
    clock = AppClock("manual", T0)
    limiter = RateLimiter(RateLimitRule(limit=1, window=60), clock.now, enabled=False)
    limiter.enabled = True
    limiter.reset()
    assert limiter.enabled is False
