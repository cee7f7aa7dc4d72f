"""Named scenarios: a course for the jobs a client creates, made of the existing machinery.

A scenario is the vendor's own creation header (``X-Jobmock-Timeline``, ``X-Jobmock-Outcomes``)
and/or fault rules on the new job's later calls (each rule gets ``job`` set to the new job's id,
read from the creation answer at ``created``, a JSON Pointer). Each vendor lists its scenarios in
``vendors/<slug>/scenarios.py`` as plain data (importing them stays cheap: the pytest marker reads
them at collection). A client picks one with ``X-Jobmock-Scenario`` when it creates a job; a test
picks one for every job created from then on (``PUT /_mock/scenarios/{vendor}``), and a fixture
file for every job of its vendor (``scenario: NAME``, ``core.scenario_defaults``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The header a client chooses a scenario with, as the gate sees it (lowercase).
SCENARIO_HEADER = "x-jobmock-scenario"


@dataclass(frozen=True, eq=False)
class Scenario:
    name: str
    description: str
    operations: tuple[str, ...]
    """The vendor's operation ids that create a job and read the scenario."""
    headers: Mapping[str, Any] = field(default_factory=dict)
    """The vendor's own creation headers, by name; a value that is not a string is sent as
    compact JSON."""
    faults: tuple[Mapping[str, Any], ...] = ()
    """Fault rules (``POST /_mock/faults`` bodies, without ``vendor`` and ``job``)."""
    created: str = ""
    """A JSON Pointer to the new job's id (or a list of ids) in the creation answer."""

    def header_values(self) -> list[tuple[bytes, bytes]]:
        return [
            (name.lower().encode(), text(value).encode()) for name, value in self.headers.items()
        ]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "operations": list(self.operations),
            "headers": {name: text(value) for name, value in self.headers.items()},
            "faults": [dict(f) for f in self.faults],
        }


def retry_scenarios(
    on: Callable[..., Scenario],
    read: str = "job",
    then: str = "it runs as usual",
    after: str = "; it runs as usual",
) -> tuple[Scenario, Scenario]:
    """The two scenarios every vendor has, made by ``on`` (the vendor's ``Scenario`` with its
    operations): the ``read``'s first two GETs refused with 429, or its first with 500."""
    return (
        on(
            name="rate-limited-twice",
            description=f"the {read}'s first two reads are 429 with Retry-After: 30, then {then}",
            faults=({"method": "GET", "status": 429, "retry_after": 30, "times": 2},),
        ),
        on(
            name="fails-then-succeeds-on-retry",
            description=f"the {read}'s first read is a 500, the next ones succeed{after}",
            faults=({"method": "GET", "status": 500, "times": 1},),
        ),
    )


def text(value: Any) -> str:
    """A header value: a string as it is, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def find(scenarios: tuple[Scenario, ...], name: str) -> Scenario | None:
    return next((s for s in scenarios if s.name == name), None)


def names(scenarios: tuple[Scenario, ...]) -> str:
    """The scenarios' names, as refusals list them."""
    return ", ".join(s.name for s in scenarios) or "none"


def unknown(slug: str, scenarios: tuple[Scenario, ...], name: str) -> str:
    """The refusal of a scenario name the vendor does not have."""
    return f"{slug} has no scenario {name!r}; its scenarios: {names(scenarios)}"
