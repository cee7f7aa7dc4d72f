"""``@pytest.mark.jobmock_scenarios("intuned")``: a test run once per named scenario of a vendor
(``core.scenarios``), every job its client creates following that scenario. The test takes the
``jobmock_scenario`` fixture, which says which one it is. Registered by ``testing.plugin``; the
vendors are imported only when a test carries the marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from jobmock.testing.handle import MockHandle

MARKER = "jobmock_scenarios"
MARKER_LINE = (
    f"{MARKER}(*vendors): run the test once per named scenario of each vendor; the test takes "
    "the jobmock_scenario fixture, and the jobs its client creates follow that scenario"
)


@dataclass(frozen=True)
class ScenarioChoice:
    """The scenario one run of a ``jobmock_scenarios`` test follows."""

    vendor: str
    name: str
    description: str

    def __str__(self) -> str:
        return f"{self.vendor}:{self.name}"


def _usage(problem: str) -> pytest.UsageError:
    return pytest.UsageError(f"@pytest.mark.{MARKER}{problem}")


def scenario_choices(vendors: tuple[object, ...]) -> list[ScenarioChoice]:
    """Every scenario of ``vendors`` (slugs), in the order each vendor lists them."""
    from jobmock.vendors import VENDORS

    known = {v.spec.slug: v.spec for v in VENDORS}
    shown = ", ".join(map(repr, vendors))
    if not vendors:
        raise _usage(f"(): name one or more vendors: {', '.join(known)}")
    choices = []
    for slug in vendors:
        spec = known.get(slug) if isinstance(slug, str) else None
        if spec is None or not isinstance(slug, str):
            raise _usage(f"({shown}): unknown vendor {slug!r}; one of {', '.join(known)}")
        if not spec.scenarios:
            raise _usage(f"({shown}): {slug} has no named scenarios")
        choices += [ScenarioChoice(slug, s.name, s.description) for s in spec.scenarios]
    return choices


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    if marker.kwargs:
        raise _usage(f"({', '.join(marker.kwargs)}=...): takes vendor slugs only")
    if "jobmock_scenario" not in metafunc.fixturenames:
        raise _usage(f" on {metafunc.function.__name__}: the test must take jobmock_scenario")
    choices = scenario_choices(marker.args)
    metafunc.parametrize("jobmock_scenario", choices, ids=str, indirect=True)


@pytest.fixture
def jobmock_scenario(request: pytest.FixtureRequest, jobmock: MockHandle) -> ScenarioChoice:
    """The scenario this run follows (set for its vendor before the test starts)."""
    choice = getattr(request, "param", None)
    if not isinstance(choice, ScenarioChoice):
        raise _usage(": jobmock_scenario needs the marker on the test, naming the vendors")
    jobmock.use_scenario(choice.vendor, choice.name)
    return choice
