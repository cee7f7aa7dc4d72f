"""What a webhook is made of: the event a vendor reports, and the delivery that carries it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

#: Attempts per delivery (the first and four retries), and the wait before retry ``n`` (1-based):
#: ``BACKOFF * 2 ** (n - 1)`` mock seconds, so 10 s, 20 s, 40 s, 80 s. Intuned documents
#: "retries with exponential backoff" and nothing more; see docs/webhooks.md.
MAX_ATTEMPTS = 5
BACKOFF = 10.0
#: How long one attempt waits for the receiver (wall seconds): a move of the clock that delivers
#: waits at most this long per attempt it makes.
TIMEOUT = 5.0

Status = Literal["pending", "delivered", "failed", "dropped", "refused"]


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """Something a vendor POSTs to ``url`` at ``at`` on the mock clock."""

    key: tuple[str, ...]
    """Unique per event (vendor, run, kind, item): an event is delivered once."""
    at: datetime
    url: str
    headers: dict[str, str]
    payload: Any
    kind: str
    """``sink`` or ``notification`` (Intuned's words)."""
    vendor: str
    job: str
    run: str


class WebhookSource(Protocol):
    """A vendor backend that sends webhooks."""

    def webhook_events(self, since: datetime, until: datetime) -> list[WebhookEvent]:
        """The events that happen after ``since`` and by ``until`` (an event reported twice is
        delivered once)."""
        ...


@dataclass(slots=True)
class Attempt:
    at: datetime
    """When on the mock clock it was made."""
    status: int | None = None
    """The receiver's HTTP status; None when there was no answer."""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "status": self.status, "error": self.error}


@dataclass(slots=True)
class Delivery:
    id: int
    event: WebhookEvent
    due: datetime
    """When the next attempt is due (mock clock)."""
    status: Status = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    """The delivery faults applied to it (``delay``, ``duplicate``...)."""
    copy_of: int | None = None
    """A duplicate's original delivery."""
    note: str | None = None

    def retry_at(self) -> datetime | None:
        """When the next attempt is due after a failed one; None when none is left."""
        made = len(self.attempts)
        if made >= MAX_ATTEMPTS:
            return None
        return self.attempts[-1].at + timedelta(seconds=BACKOFF * 2 ** (made - 1))

    def to_dict(self) -> dict[str, Any]:
        event = self.event
        last = self.attempts[-1] if self.attempts else None
        return {
            "id": self.id,
            "vendor": event.vendor,
            "kind": event.kind,
            "job": event.job,
            "run": event.run,
            "url": event.url,
            "headers": event.headers,
            "payload": event.payload,
            "event_at": event.at.isoformat(),
            "status": self.status,
            "due": self.due.isoformat() if self.status == "pending" else None,
            "attempts": [attempt.to_dict() for attempt in self.attempts],
            "receiver_status": last.status if last is not None else None,
            "faults": list(self.faults),
            "copy_of": self.copy_of,
            "note": self.note,
        }
