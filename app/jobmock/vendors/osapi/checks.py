"""A fixture may give any ``JobDetailResponse`` field; each must be what OSAPI would compute
from the job's events, or loading stops naming the field."""

from __future__ import annotations

from typing import Any

from jobmock.core import golang
from jobmock.core.fixture_files import Invalid
from jobmock.vendors.osapi import render
from jobmock.vendors.osapi.fixture_models import JobFixture
from jobmock.vendors.osapi.records import OsapiJob


def _mismatch(loc: tuple[str | int, ...], expected: Any, given: Any) -> Invalid:
    shown = "absent" if expected is _ABSENT else golang.encode(expected)
    return Invalid(
        loc,
        f"OSAPI would show {shown} here for this job's events, not {golang.encode(given)}",
    )


_ABSENT = object()


def check_document(fx: JobFixture, job: OsapiJob) -> None:
    """Every document field the fixture gives must be what OSAPI computes from the events."""
    anchor = job.created_at if job.created_at is not None else 0
    doc = render.detail(job, anchor, render.snapshot(job, anchor, None))
    given = fx.model_fields_set
    for name in ("status", "result", "changed", "error", "hostname", "updated_at"):
        if name not in given or (name == "updated_at" and job.created_at is None):
            continue
        value = getattr(fx, name)
        expected = doc.get(name, _ABSENT if name != "changed" else None)
        if value is None and expected is _ABSENT:
            continue
        if expected is _ABSENT or expected != value:
            raise _mismatch((name,), expected, value)
    for host, state in (fx.agent_states or {}).items():
        shown = doc.get("agent_states", {}).get(host, {})
        for name in state.model_fields_set:
            value = getattr(state, name)
            if shown.get(name) != value:
                raise _mismatch(("agent_states", host, name), shown.get(name, _ABSENT), value)
    for key, response in (fx.responses or {}).items():
        shown = doc.get("responses", {}).get(key)
        if shown is None:
            raise Invalid(
                ("responses", key),
                f"no response is keyed {key!r}: OSAPI keys responses by sanitized hostname",
            )
        for name in response.model_fields_set:
            value = getattr(response, name)
            if shown.get(name, None if name == "changed" else _ABSENT) != value:
                raise _mismatch(("responses", key, name), shown.get(name, _ABSENT), value)
