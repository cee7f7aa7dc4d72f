"""The receiver built into jobmock: named inboxes at ``/_mock/webhooks/receiver/{name}`` that
record what they are sent, and answer as told (a status for the next N, after a delay), so a
test asserts on deliveries without a server of its own."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_DELAY = 60.0
ACCEPTED = (
    "how the receiver answers: 'status' (100 to 599) for the next 'times' deliveries (1 or "
    f"more, or null for every one; 1 by default), after 'delay' wall seconds (at most "
    f"{MAX_DELAY:g})"
)


class ReceiverAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    status: int = Field(default=200, ge=100, le=599)
    times: int | None = Field(default=1, ge=1)
    delay: float = Field(default=0.0, ge=0, le=MAX_DELAY)


@dataclass(slots=True)
class Inbox:
    received: list[dict[str, Any]] = field(default_factory=list)
    answer: ReceiverAnswer | None = None
    answered: int = 0


class Receivers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inboxes: dict[str, Inbox] = {}

    def program(self, name: str, answer: ReceiverAnswer) -> None:
        with self._lock:
            inbox = self._inboxes.setdefault(name, Inbox())
            inbox.answer, inbox.answered = answer, 0

    def receive(
        self, name: str, at: datetime, headers: dict[str, str], body: Any
    ) -> tuple[int, float]:
        """Record one request; the status to answer and how long to wait first."""
        with self._lock:
            inbox = self._inboxes.setdefault(name, Inbox())
            inbox.received.append({"at": at.isoformat(), "headers": headers, "body": body})
            answer = inbox.answer
            if answer is None or (answer.times is not None and inbox.answered >= answer.times):
                return 200, 0.0
            inbox.answered += 1
            return answer.status, answer.delay

    def received(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            inbox = self._inboxes.get(name)
            return list(inbox.received) if inbox is not None else []

    def clear(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._inboxes.clear()
            else:
                self._inboxes.pop(name, None)
