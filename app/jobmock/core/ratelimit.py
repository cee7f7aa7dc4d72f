"""Vendors' documented rate limits, off by default and counted on the mock clock.

A sliding window per key (the request path, a credential header, or the whole vendor): a request
over the limit is refused with ``RateLimited`` carrying ``Retry-After``, and is not counted.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

#: Distinct keys remembered at most (paths carry job ids); the least recently used go first.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class RateLimitRule:
    limit: int
    window: float
    """Seconds."""
    per: Literal["path", "header", "vendor"] = "path"
    header: str = ""
    """The header whose value is the key, when ``per == "header"``."""
    message: str = ""
    """What the vendor says in its 429 body; the vendor's renderer picks a default if empty."""

    def describe(self) -> str:
        return f"{self.limit} requests per {self.window:g} s per {self.header or self.per}"


class RateLimiter:
    def __init__(
        self, rule: RateLimitRule, clock: Callable[[], datetime], enabled: bool = False
    ) -> None:
        self.rule = rule
        self.enabled = self._enabled_at_start = enabled
        self._now = clock
        self._window = timedelta(seconds=rule.window)
        self._hits: OrderedDict[str, deque[datetime]] = OrderedDict()

    def key_for(self, path: str, headers: dict[str, str]) -> str:
        if self.rule.per == "path":
            return path
        if self.rule.per == "header":
            return headers.get(self.rule.header.lower(), "")
        return ""

    def hit(self, key: str) -> float | None:
        """Count one request under ``key``; seconds to wait instead if it is over the limit."""
        now = self._now()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            if len(self._hits) > MAX_KEYS:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= self.rule.limit:
            return (hits[0] + self._window - now).total_seconds()
        hits.append(now)
        return None

    def reset(self) -> None:
        """Forget every window, and undo any switch made since the app started."""
        self._hits.clear()
        self.enabled = self._enabled_at_start
