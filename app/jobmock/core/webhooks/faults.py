"""Delivery faults: what a client's receiver must survive from a real sender.

``delay`` postpones a delivery by ``seconds`` on the mock clock; ``drop`` loses it (never sent,
never retried); ``duplicate`` sends it twice; ``reorder`` holds it back until the next delivery
to the same URL has gone (at most ``seconds`` later), so the two arrive out of order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jobmock.core.webhooks.model import WebhookEvent

FaultKind = Literal["delay", "drop", "duplicate", "reorder"]
#: How long ``reorder`` holds a delivery when nothing follows it, unless ``seconds`` says.
REORDER_HOLD = 300.0
MAX_SECONDS = 86_400.0
ACCEPTED = (
    "a delivery fault: 'fault' (delay, drop, duplicate or reorder); 'seconds' (delay: how "
    f"long, required; reorder: the longest hold, {REORDER_HOLD:g} by default; at most "
    f"{MAX_SECONDS:g}); which deliveries: 'url' (a part of the target URL), 'kind' (sink or "
    "notification), 'times' (1 or more, or null for every one; 1 by default)"
)


class DeliveryFaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    fault: FaultKind
    seconds: float | None = Field(default=None, gt=0, le=MAX_SECONDS)
    url: str | None = Field(default=None, min_length=1)
    kind: Literal["sink", "notification"] | None = None
    times: int | None = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _seconds(self) -> DeliveryFaultSpec:
        if self.fault == "delay" and self.seconds is None:
            raise ValueError("a delay needs 'seconds' (how long, on the mock clock)")
        if self.fault in ("drop", "duplicate") and self.seconds is not None:
            raise ValueError(f"'seconds' means nothing to {self.fault}")
        return self


@dataclass(slots=True)
class DeliveryFault:
    id: int
    spec: DeliveryFaultSpec
    fired: int = 0

    def matches(self, event: WebhookEvent) -> bool:
        spec = self.spec
        if spec.times is not None and self.fired >= spec.times:
            return False
        if spec.url is not None and spec.url not in event.url:
            return False
        return spec.kind is None or spec.kind == event.kind

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(), "fired": self.fired}


class DeliveryFaults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[DeliveryFault] = []
        self._next = 1

    def add(self, spec: DeliveryFaultSpec) -> DeliveryFault:
        with self._lock:
            rule = DeliveryFault(self._next, spec)
            self._next += 1
            self._rules.append(rule)
            return rule

    def take(self, event: WebhookEvent) -> DeliveryFault | None:
        """The first rule that fires on ``event`` (counted as fired), if any."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(event):
                    rule.fired += 1
                    return rule
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def clear(self) -> None:
        """Remove every rule; numbering starts over, as none is left to confuse."""
        with self._lock:
            self._rules.clear()
            self._next = 1
