"""Injected faults: what the real vendors do to clients on a bad day.

A fault rule matches requests (by vendor, method, path glob, operation, job) and then answers
some of them (the next N, every one, the Nth and Mth, or with a seeded probability) with an error
status in the vendor's own envelope (optionally with ``Retry-After``), a dropped connection, a
truncated or malformed body, and/or extra latency. Rules come from ``POST /_mock/faults``, the
handle's ``fail_next``, or a ``faults:`` section in any fixture file.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from jobmock.core.durations import parse_duration
from jobmock.core.fixture_files import FixtureModel
from jobmock.core.paths import PathPattern, matches, split, tail_length

if TYPE_CHECKING:
    pass

#: The longest latency a rule may add, and the longest ``Retry-After`` it may send (seconds).
MAX_DELAY = 600.0
MAX_RETRY_AFTER = 86_400.0

FAULT_FIELDS = (
    "a fault rule: 'vendor'; which requests it sees: 'method', 'path', 'operation', 'job'; "
    "which of them fail: 'times' (1 or more, or null), 'calls' ([2, 3]), 'probability' "
    "(above 0, at most 1) with 'seed'; how: 'status' (100 to 599) with 'message' and "
    f"'retry_after' (at most {MAX_RETRY_AFTER:g} s), or 'drop', 'truncate' or 'malformed' "
    f"(true), and/or 'delay' (seconds, \"250ms\" or [min, max], at most {MAX_DELAY:g} s)"
)
PATH_RULE = (
    "a rule path is the client's (after its base URL: /jobs/{id}), the vendor's "
    "(/api/v1/jobs/{id}) or jobmock's (/nunu/api/v1/jobs/{id}); * and ? stay within one "
    "segment, ** spans any number"
)

Action = Literal["status", "drop", "truncate", "malformed", "delay"]


class FaultSpec(FixtureModel):
    """One rule, as the control API, the handle and fixture files write it."""

    model_config = ConfigDict(allow_inf_nan=False)

    vendor: str | None = None
    method: str | None = None
    path: str | None = None
    """A pattern of ``core.paths``: ``/jobs/*``, ``/api/v1/jobs/*`` or ``/nunu/api/v1/jobs/*``."""
    operation: str | None = None
    """The vendor's operation id (``getJobDetails``); ``jobmock routes`` lists them."""
    job: str | None = None
    """Only requests about this job (a path segment or query value equal to it)."""
    times: int | None = Field(default=1, ge=1)
    """How many matching requests fail; null for every one."""
    calls: list[int] | None = None
    """Which matching requests fail, counted from 1 (``[2, 3]``: the 2nd and 3rd poll)."""
    probability: float | None = Field(default=None, gt=0, le=1)
    seed: int = 0
    status: int | None = Field(default=None, ge=100, le=599)
    message: str | None = None
    retry_after: float | None = Field(default=None, ge=0, le=MAX_RETRY_AFTER)
    delay: float | list[float] | None = None
    """Seconds of real latency, or ``[min, max]`` for a seeded random delay."""
    drop: bool = False
    truncate: bool = False
    malformed: bool = False

    @field_validator("delay", mode="before")
    @classmethod
    def _delay(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            bounds = [_seconds(v, MAX_DELAY) for v in value]
            if len(bounds) != 2 or bounds[0] > bounds[1]:
                raise ValueError("a delay range is [min, max]")
            return bounds
        return _seconds(value, MAX_DELAY)

    @field_validator("retry_after", mode="before")
    @classmethod
    def _retry_after(cls, value: Any) -> Any:
        return None if value is None else _seconds(value, MAX_RETRY_AFTER)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and not value.strip("/"):
            raise ValueError(f"must name a path; {PATH_RULE}")
        return value

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @model_validator(mode="after")
    def _one_action(self) -> FaultSpec:
        chosen = [
            n
            for n in ("status", "drop", "truncate", "malformed")
            if getattr(self, n) not in (None, False)
        ]
        if len(chosen) > 1:
            raise ValueError(
                f"choose one of status, drop, truncate, malformed (got {', '.join(chosen)})"
            )
        if self.calls is not None and any(c < 1 for c in self.calls):
            raise ValueError("'calls' counts matching requests from 1")
        return self

    @property
    def action(self) -> Action:
        for name in ("drop", "truncate", "malformed"):
            if getattr(self, name):
                return name
        if self.status is None and self.delay is not None:
            return "delay"
        return "status"


def _seconds(value: Any, most: float) -> float:
    if not isinstance(value, str | int | float):
        raise ValueError('must be seconds or a duration like "250ms" or "2s"')
    seconds = parse_duration(value)
    if seconds > most:
        raise ValueError(f"{value!r} is more than the {most:g} s a rule may take")
    return seconds


@dataclass(frozen=True)
class RequestFacts:
    """What a rule can match on, gathered by the gate before the vendor runs."""

    vendor: str
    method: str
    path: str
    """The vendor's path (without jobmock's prefixes)."""
    segments: frozenset[str]
    operation: str | None = None
    job: str | None = None
    base_path: str = ""
    """The vendor's documented base path, after which the client's own path starts."""

    @cached_property
    def parts(self) -> list[str]:
        return split(self.path)

    @cached_property
    def tail(self) -> int:
        return tail_length(self.parts, self.base_path)


@dataclass
class Fault:
    """A rule and how often it has matched and fired."""

    id: int
    spec: FaultSpec
    vendor: str
    origin: str
    matched: int = 0
    fired: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _path: tuple[str, ...] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.spec.seed)
        path = self.spec.path
        self._path = PathPattern(path).for_vendor(self.vendor) if path else None

    def matches(self, facts: RequestFacts) -> bool:
        spec = self.spec
        if self.vendor != facts.vendor:
            return False
        if spec.method and spec.method != facts.method:
            return False
        if self._path is not None and not matches(self._path, facts.parts, facts.tail):
            return False
        if spec.operation and spec.operation != facts.operation:
            return False
        return not spec.job or spec.job == facts.job or spec.job in facts.segments

    @property
    def exhausted(self) -> bool:
        spec = self.spec
        if spec.calls is not None:
            return self.matched >= max(spec.calls)
        return spec.times is not None and spec.probability is None and self.fired >= spec.times

    def decide(self) -> bool:
        """Count one matching request; True if this one fails."""
        self.matched += 1
        spec = self.spec
        if spec.calls is not None:
            fire = self.matched in spec.calls
        elif spec.probability is not None:
            fire = self._rng.random() < spec.probability and (
                spec.times is None or self.fired < spec.times
            )
        else:
            fire = spec.times is None or self.fired < spec.times
        if fire:
            self.fired += 1
        return fire

    def delay_seconds(self) -> float:
        delay = self.spec.delay
        if isinstance(delay, list):
            return self._rng.uniform(delay[0], delay[1])
        return float(delay or 0.0)

    def describe(self) -> dict[str, Any]:
        body = self.spec.model_dump(exclude_none=True, exclude_defaults=True)
        return {
            "id": self.id,
            "vendor": self.vendor,
            **body,
            "action": self.spec.action,
            "matched": self.matched,
            "fired": self.fired,
            "origin": self.origin,
            "exhausted": self.exhausted,
        }


class FaultBook:
    """The app's fault rules. Reset drops runtime rules and re-arms the fixtures' ones."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._fixture_specs: list[tuple[str, FaultSpec]] = []
        self._next_id = 0

    def __bool__(self) -> bool:
        return bool(self._rules)

    def declare(self, vendor: str, specs: Iterable[FaultSpec]) -> None:
        """Faults from fixture files: armed now and again after every reset."""
        for spec in specs:
            self._fixture_specs.append((vendor, spec))
            self.add(vendor, spec, origin="fixture")

    def add(self, vendor: str, spec: FaultSpec, origin: str = "api") -> Fault:
        with self._lock:
            self._next_id += 1
            fault = Fault(self._next_id, spec, vendor, origin)
            self._rules.append(fault)
            return fault

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [f for f in self._rules if f.id != fault_id]
            return len(self._rules) < before

    def clear(self, vendor: str | None = None) -> None:
        with self._lock:
            self._rules = [f for f in self._rules if vendor is not None and f.vendor != vendor]

    def reset(self) -> None:
        with self._lock:
            self._rules = []
            self._next_id = 0
        for vendor, spec in self._fixture_specs:
            self.add(vendor, spec, origin="fixture")

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.describe() for f in self._rules]

    def needs_operations(self, vendor: str) -> bool:
        return any(f.vendor == vendor and (f.spec.operation or f.spec.job) for f in self._rules)

    def evaluate(self, facts: RequestFacts) -> tuple[float, Fault | None]:
        """Total latency to add, and the rule that answers this request (if any).

        Rules are tried in the order they were added; the first that fires answers, and the
        answering rules after it do not see the request (delay-only rules always do).
        """
        delay = 0.0
        answer: Fault | None = None
        with self._lock:
            for fault in self._rules:
                if answer is not None and fault.spec.action != "delay":
                    continue
                if fault.exhausted or not fault.matches(facts):
                    continue
                if not fault.decide():
                    continue
                delay += fault.delay_seconds()
                if fault.spec.action != "delay" and answer is None:
                    answer = fault
        return delay, answer
