"""A bug inside the mock answers with the vendor's own 500, and is kept for the test."""

from __future__ import annotations

import httpx
import pytest

from jobmock.main import JobmockApp


def test_crash_renders_the_vendor_500_and_is_recorded(
    app: JobmockApp, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = app.runtime.vendors["nunu"].backend

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug in the mock")

    monkeypatch.setattr(backend, "get_job", broken)
    response = client.get(
        "/nunu/api/v1/jobs/f80f6230-3a4f-431a-9d55-d11b867fed4e",
        headers={"X-Api-Key": "nunu_test_key"},
    )
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}
    (crash,) = app.runtime.crashes
    assert str(crash) == "bug in the mock"
    (entry,) = app.runtime.store.journal.find(vendor="nunu")
    assert entry.status == 500
    assert entry.error == "RuntimeError: bug in the mock"
    app.runtime.crashes.clear()  # seen: the fixture would otherwise re-raise it
