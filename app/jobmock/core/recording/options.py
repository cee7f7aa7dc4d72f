"""What a vendor's recorder asks of the options: each refusal says what the vendor takes."""

from __future__ import annotations

from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.vendor import RecordOptions


def required(value: str | None, slug: str, what: str) -> str:
    if not value:
        raise RecordError(f"{slug}: give {what}")
    return value


def unused(options: RecordOptions, slug: str, *names: str) -> None:
    """Refuse options this vendor has no use for, rather than ignore them."""
    for name in names:
        if getattr(options, name):
            flag = "--" + name.replace("_", "-")
            raise RecordError(f"{slug}: {flag} means nothing to {slug}; leave it out")
