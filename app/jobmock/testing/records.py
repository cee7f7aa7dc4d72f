"""``RequestRecord``: one request from the journal, as ``handle.requests()`` returns it.

The control API's ``GET /_mock/requests`` answers the same fields as JSON; this is that JSON
typed, frozen and documented, so a test reads ``entry.status`` and its editor knows the fields.
``tests/testing/test_records.py`` keeps the fields those of ``core.journal.JournalEntry``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What a client sent and what it got, as the journal recorded it."""

    seq: int
    """The request's number on this server (or session), from 1."""
    vendor: str | None
    """The vendor that served it; None for a path under no vendor."""
    method: str
    path: str
    """The path as the vendor sees it (its real API path, ``/api/v1/jobs/ID``)."""
    raw_path: str
    """The path as it reached jobmock, with the vendor's prefix (``/nunu/api/v1/jobs/ID``)."""
    query: dict[str, str]
    query_string: str
    headers: dict[str, str]
    """Request headers, names in lower case (repeated ones joined with ``, ``)."""
    body: str
    """The request body as text (the first 64 KiB)."""
    at: str
    """When it arrived, on the mock clock (ISO 8601)."""
    wall: float = 0.0
    """When it arrived, in real time (seconds since the epoch)."""
    status: int = 0
    """The status answered; 0 when the connection was dropped by a fault."""
    operation: str | None = None
    """The operation id of the route it hit (``getJobDetails``); None for no route."""
    job: str | None = None
    """The job (or run) it named, if any."""
    duration_ms: float = 0.0
    error: str | None = None
    """An exception raised inside the mock while serving it, or why no vendor served it."""
    state: str | None = None
    """The job state the answer showed, when it read a job (a poll)."""
    terminal: bool | None = None
    """Whether that state is final."""
    retry_after: str | None = None
    """The ``Retry-After`` the answer carried."""
    fault: int | None = None
    """The id of the injected fault that answered it."""
    stub: int | None = None
    """The id of the stub that answered it (``stub_next``)."""
    suggestion: str | None = None
    """For a wrong path or an unknown id: the nearest valid one ("did you mean")."""
    notes: list[str] = field(default_factory=list)
    """What else happened (delayed by a fault, rate limited, dropped)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RequestRecord:
        """From the control API's JSON; fields a newer server adds are left out."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        """The control API's JSON for this request."""
        return asdict(self)

    def json(self) -> Any:
        """The body parsed as JSON (ValueError when it is not JSON)."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """A request header, whatever the case of ``name``."""
        return self.headers.get(name.lower())

    def describe(self) -> str:
        """One line: ``#3 GET /nunu/api/v1/jobs/ID -> 404 (getJobDetails)``."""
        query = f"?{self.query_string}" if self.query_string else ""
        what = self.operation or "no route"
        return f"#{self.seq} {self.method} {self.raw_path}{query} -> {self.status} ({what})"
