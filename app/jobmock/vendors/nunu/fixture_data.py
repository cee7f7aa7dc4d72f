"""What the nunu fixtures define once loaded: ``NunuData``, the projects, keys, tests, deployment
configs, builds, test plans and job records indexed for O(1) lookups, with the default project and
key used when the fixtures name none. Kept apart from the loader so the job-record builder and the
backend can name it without importing the file-reading code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobmock.core.auth import ApiKey
from jobmock.core.fixture_files import LoadedFile
from jobmock.vendors.nunu.fixture_models import (
    BuildFixture,
    DeploymentConfigFixture,
    GenerateFixture,
    KeyFixture,
    ProjectFixture,
    TestFixture,
    TestPlanFixture,
)
from jobmock.vendors.nunu.records import OPERATE_RUNS, NunuJob

DEFAULT_PROJECT = "test"
DEFAULT_KEY = KeyFixture(
    key="nunu_test_key", id="7f028653-0e85-4c37-87be-c59976796155", project=DEFAULT_PROJECT
)

Owned = TestFixture | DeploymentConfigFixture | BuildFixture | TestPlanFixture
"""Fixture items that belong to a project (or to every project when ``project`` is unset)."""


@dataclass
class NunuData:
    """Everything the nunu fixtures define, indexed for O(1) lookups."""

    projects: dict[str, ProjectFixture] = field(default_factory=dict)
    keys: list[KeyFixture] = field(default_factory=list)
    tests: dict[str, TestFixture] = field(default_factory=dict)
    configs: dict[str, DeploymentConfigFixture] = field(default_factory=dict)
    builds: dict[str, BuildFixture] = field(default_factory=dict)
    plans: dict[str, TestPlanFixture] = field(default_factory=dict)
    jobs: dict[str, NunuJob] = field(default_factory=dict)
    generate: list[tuple[LoadedFile, int, GenerateFixture]] = field(default_factory=list)
    """The ``generate:`` blocks, with where they were written (built by ``generated.py``)."""

    def api_keys(self) -> list[ApiKey]:
        return [
            ApiKey(
                key=k.key,
                id=k.id or "",
                scope=k.project or k.organization or "",
                permissions=frozenset(k.permissions),
                expires_at=k.expires_at,
                disabled=k.disabled,
                kind="organization" if k.organization else "project",
            )
            for k in self.keys
        ]

    def projects_of(self, organization: str) -> set[str]:
        return {p.id for p in self.projects.values() if p.organization == organization}

    def initiator_key(self, project: str) -> str:
        """The key id a fixture job's run shows as started by, when the fixture does not say."""
        for key in self.keys:
            if key.project == project and OPERATE_RUNS in key.permissions and key.id:
                return key.id
        return DEFAULT_KEY.id or ""


def unknown_project(project: str, data: NunuData) -> str:
    return f"unknown project {project!r}; defined projects: {', '.join(sorted(data.projects))}"
