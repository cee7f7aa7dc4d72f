"""A vendor's API as a recording reads it: GETs only, each answer's JSON and its time.

Every failure says which job it was about and what the vendor answered (status and the start of
its body), or that the vendor could not be reached at all, so a wrong credential reads as the
vendor's own 401 and an unknown id as its own 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from jobmock.core.clock import utcnow
from jobmock.core.recording.errors import RecordError

#: How much of a refusal's body an error shows.
EXCERPT = 300


@dataclass(frozen=True)
class Answer:
    body: Any
    """The parsed JSON body."""
    at: datetime
    """When the vendor answered, by its own ``Date`` header (else this machine's clock): a
    followed job's pace is the vendor's, on whatever clock it runs."""


def shown_url(url: str) -> str:
    """``url`` without a user, password, query or fragment, which may hold secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc, query="", fragment=""))


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "..."


class VendorApi:
    """GETs against ``base_url`` with the vendor's auth headers."""

    def __init__(
        self,
        title: str,
        base_url: str,
        headers: dict[str, str],
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.title = title
        self.base_url = shown_url(base_url.rstrip("/"))
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, params: dict[str, Any] | None = None, *, about: str) -> Answer:
        """The JSON the vendor answers to ``GET path``; ``about`` names what was asked for
        (``job 1234``, ``the job list``) in any error."""
        url = shown_url(f"{self.base_url}{path}")
        try:
            response = self._client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise RecordError(
                f"{about}: cannot reach {self.title} at {self.base_url} ({type(exc).__name__}: "
                f"{exc or 'no answer'}); is the URL right and the server up?"
            ) from None
        if response.status_code != 200:
            raise RecordError(
                f"{about}: {self.title} answered {response.status_code} to GET {url}: "
                f"{excerpt(response.text) or '(empty body)'}"
            )
        try:
            body = json.loads(response.content)
        except ValueError:
            raise RecordError(
                f"{about}: {self.title} answered GET {url} with something that is not JSON: "
                f"{excerpt(response.text)}"
            ) from None
        return Answer(body, _answered_at(response))


def _answered_at(response: httpx.Response) -> datetime:
    header = response.headers.get("date")
    if header:
        try:
            return parsedate_to_datetime(header)
        except (TypeError, ValueError):
            pass
    return utcnow()
