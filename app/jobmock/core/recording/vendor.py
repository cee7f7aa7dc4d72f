"""What a vendor's ``record.py`` gives the shared recording machinery (``VendorRecorder``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from jobmock.core.clock import as_utc
from jobmock.core.recording.api import VendorApi


@dataclass(frozen=True)
class RecordOptions:
    """Where the vendor is and how to authenticate, as the user gave it."""

    base_url: str
    """What the vendor's own clients use as their base URL."""
    credential: str | None = None
    """An API key or a bearer token, as the vendor takes it."""
    jwt_secret: str | None = None
    """prunner: the HS256 secret to sign a token with, instead of a token."""
    workspace: str | None = None
    project: str | None = None
    timeout: float = 30.0
    """Per request, in seconds."""

    def secrets(self) -> list[str]:
        """What must never land in a recording."""
        return [value for value in (self.credential, self.jwt_secret) if value]


@dataclass
class RecordedJob:
    """One job as fixtures hold it."""

    job_id: str
    job: dict[str, Any]
    """The fixture job, in the vendor's fixture format."""
    sections: dict[str, list[Any]] = field(default_factory=dict)
    """Top-level lists the job needs beside ``jobs`` (nunu's ``runs``), joined across jobs."""


@dataclass(frozen=True)
class Progress:
    """A followed job as one poll saw it."""

    states: dict[str, str]
    """What moves, by name (the job itself, or each of its runs), and the state it is in."""
    ended: bool
    at: datetime
    """When the vendor answered (its ``Date`` header)."""


@dataclass(frozen=True)
class Seen:
    """A state first seen on a poll: ``unit`` (the job, or one of its runs) was ``state`` at
    ``at``."""

    unit: str
    state: str
    at: datetime


def timestamp(text: str) -> datetime:
    """An ISO 8601 time from a vendor's document (``Z`` or an offset), in UTC."""
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


class VendorRecorder(Protocol):
    """How ``jobmock record`` reads one vendor."""

    @property
    def personal(self) -> frozenset[str]:
        """Field names whose values ``--redact`` replaces, beside the shared ones."""
        ...

    def connect(self, options: RecordOptions) -> VendorApi:
        """The vendor's API with its auth, or ``RecordError`` for an option it needs or
        cannot use."""
        ...

    def job_ids(self, api: VendorApi) -> list[str]:
        """Every job the credential sees (``--all``), oldest first."""
        ...

    def record(self, api: VendorApi, job_id: str) -> RecordedJob: ...

    def progress(self, api: VendorApi, job_id: str) -> Progress: ...

    def with_timeline(self, recorded: RecordedJob, seen: list[Seen]) -> RecordedJob:
        """``recorded`` (read once the job ended) with the pace ``seen`` while following it."""
        ...

    def definitions(self, options: RecordOptions, jobs: list[RecordedJob]) -> dict[str, Any]:
        """The sections written before the jobs, so the file stands alone (projects,
        workspaces...), with the mock's default credentials, never the user's."""
        ...
