"""The one error of a recording: a sentence for the user, printed as is."""

from __future__ import annotations


class RecordError(Exception):
    """Why a recording stopped (or cannot start), naming the job and the vendor's answer."""
