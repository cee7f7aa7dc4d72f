"""A vendor's default scenario in its fixtures: ``scenario: NAME`` at the top of one file of the
vendor's folder, beside its other sections. Every job the vendor's clients create follows it
unless the creating call names another (``X-Jobmock-Scenario``); a test's ``use_scenario`` takes
its place until reset, and reset and reload bring it back (``StubBook.declare``).

Checked where the folder is read (startup, reload, ``jobmock validate``, ``jobmock generate``),
so a misspelt name stops there, naming file, line and field and listing the vendor's scenarios,
rather than surfacing as a 400 on the first creating call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobmock.core.fixture_files import FixtureError, FixtureProblem, LoadedFile, shown
from jobmock.core.scenarios import find, names, unknown

if TYPE_CHECKING:
    from jobmock.core.stubs import StubBook
    from jobmock.core.vendor import VendorSpec

KEY = "scenario"


@dataclass(frozen=True)
class FixtureScenario:
    name: str
    where: str
    """``file:line`` of the setting."""

    @property
    def origin(self) -> str:
        """What ``GET /_mock/scenarios`` says the default came from."""
        return f"fixture {self.where}"


def fixture_scenario(files: Iterable[LoadedFile], spec: VendorSpec) -> FixtureScenario | None:
    """The default scenario ``files`` (one vendor's folder) set, if any; a FixtureError naming
    file, line and field for a name the vendor does not have or a setting made twice."""
    found: FixtureScenario | None = None
    problems: list[FixtureProblem] = []
    for file in files:
        if (KEY,) not in file.lines:
            continue
        value = file.scenario
        where = f"{file.name}:{file.line_of((KEY,))}"
        if not isinstance(value, str):
            listed = names(spec.scenarios)
            message = f"give one of {spec.slug}'s scenario names: {listed} (got {shown(value)})"
            problems.append(file.problem((KEY,), message))
        elif find(spec.scenarios, value) is None:
            problems.append(file.problem((KEY,), unknown(spec.slug, spec.scenarios, value)))
        elif found is not None:
            message = f"scenario is set in two files (first at {found.where}); set it once"
            problems.append(file.problem((KEY,), message))
        else:
            found = FixtureScenario(value, where)
    if problems:
        raise FixtureError(problems)
    return found


def declare_scenario(book: StubBook, files: Iterable[LoadedFile], spec: VendorSpec) -> None:
    """The vendor's fixture default, if its files set one, declared in the app's stub book."""
    default = fixture_scenario(files, spec)
    if default is not None:
        book.declare(spec.slug, default.name, default.origin)
