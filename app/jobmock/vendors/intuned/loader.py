"""Fixture files -> ``IntunedData``, the index the backend starts from. Reads every file, then
takes workspaces, projects and jobs in that order, so a job can name a project another file
defines, and reports a name two files define. Every problem becomes a ``FixtureError`` naming file
and line; one job's records and their own checks are in ``fixture_jobs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jobmock.core.auth import ApiKey
from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_models import (
    DEFAULT_KEY,
    DEFAULT_PROJECT,
    DEFAULT_WORKSPACE,
    GenerateFixture,
    IntunedFixtureFile,
    ProjectFixture,
    RateLimitFixture,
    WorkspaceFixture,
)
from jobmock.vendors.intuned.records import (
    IntunedJob,
    Project,
    RunRecord,
)

VENDOR = "intuned"

JobKey = tuple[str, str, str]
RunKey = tuple[str, str]


@dataclass
class IntunedData:
    """Everything the Intuned fixtures define, indexed for O(1) lookups."""

    workspaces: dict[str, WorkspaceFixture] = field(default_factory=dict)
    projects: dict[tuple[str, str], Project] = field(default_factory=dict)
    jobs: dict[JobKey, IntunedJob] = field(default_factory=dict)
    runs: dict[RunKey, RunRecord] = field(default_factory=dict)
    run_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rate_limit: RateLimitFixture | None = None
    generate: list[tuple[LoadedFile, int, GenerateFixture]] = field(default_factory=list)
    """The ``generate:`` blocks, with where they were written (built by ``generated.py``)."""

    @property
    def default_workspace(self) -> str:
        return next(iter(self.workspaces), DEFAULT_WORKSPACE)

    def api_keys(self) -> list[ApiKey]:
        return [
            ApiKey(key=key, id=key, scope=workspace.id)
            for workspace in self.workspaces.values()
            for key in workspace.keys
        ]

    def add(self, job: IntunedJob, runs: Sequence[RunRecord]) -> None:
        self.jobs[job.key] = job
        self.run_ids[job.uid] = tuple(run.id for run in runs)
        for run in runs:
            self.runs[(job.uid, run.id)] = run


# --- loading -------------------------------------------------------------------------------------


def load(files: Sequence[LoadedFile], generator: Generator) -> IntunedData:
    # Imported here: fixture_jobs needs VENDOR and IntunedData from this module.
    from jobmock.vendors.intuned.fixture_jobs import job_record

    data = IntunedData()
    problems: list[FixtureProblem] = []
    parsed: list[tuple[LoadedFile, IntunedFixtureFile]] = []
    for f in files:
        try:
            doc = f.validate(IntunedFixtureFile)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        unknown = [
            f.problem(loc, "unknown field (check its spelling and indentation)")
            for loc in s.unknown_keys(doc)
        ]
        problems.extend(unknown)
        if not unknown:
            parsed.append((f, doc))
    if problems:
        raise FixtureError(problems)
    seen: dict[tuple[str, ...], str] = {}

    def unique(kind: str, key: tuple[str, ...], f: LoadedFile, loc: Loc, shown: str) -> bool:
        where = f"{f.name}:{f.line_of(loc)}"
        if (kind, *key) in seen:
            first = seen[(kind, *key)]
            problems.append(
                f.problem(loc, f"duplicate {kind} {shown!r} (first defined at {first})")
            )
            return False
        seen[(kind, *key)] = where
        return True

    for f, doc in parsed:
        for i, workspace in enumerate(doc.workspaces):
            if unique("workspace", (workspace.id,), f, ("workspaces", i, "id"), workspace.id):
                data.workspaces[workspace.id] = workspace
        if doc.rate_limit is not None:
            if data.rate_limit is not None:
                problems.append(f.problem(("rate_limit",), "rate_limit is set in two files"))
            data.rate_limit = doc.rate_limit
        data.generate.extend((f, i, spec) for i, spec in enumerate(doc.generate))
    if not data.workspaces:
        default = WorkspaceFixture(id=DEFAULT_WORKSPACE, keys=[DEFAULT_KEY])
        data.workspaces[DEFAULT_WORKSPACE] = default
    for f, doc in parsed:
        for i, project in enumerate(doc.projects):
            try:
                record = project_record(project, data, generator)
            except Invalid as exc:
                problems.append(f.problem(("projects", i, *exc.loc), exc.message))
                continue
            loc = ("projects", i, "name")
            if unique("project", (record.workspace_id, record.name), f, loc, record.name):
                data.projects[(record.workspace_id, record.name)] = record
    if not data.projects:
        fallback = project_record(ProjectFixture(name=DEFAULT_PROJECT), data, generator)
        data.projects[(fallback.workspace_id, fallback.name)] = fallback
    for f, doc in parsed:
        for i, fx in enumerate(doc.jobs):
            try:
                job, runs = job_record(fx, data, generator, id_key=(f.name, i))
            except Invalid as exc:
                problems.append(f.problem(("jobs", i, *exc.loc), exc.message))
                continue
            if not unique("job", job.key, f, ("jobs", i, "id"), f"{job.project.name}/{job.id}"):
                continue
            ok = True
            for j, run in enumerate(runs):
                ok = unique("run", (run.id,), f, ("jobs", i, "runs", j, "id"), run.id) and ok
            if ok:
                data.add(job, runs)
    if problems:
        raise FixtureError(problems)
    return data


def project_record(fx: ProjectFixture, data: IntunedData, generator: Generator) -> Project:
    workspace = fx.workspace or data.default_workspace
    if workspace not in data.workspaces:
        raise Invalid(("workspace",), f"unknown workspace {workspace!r}")
    project_id = fx.id or generator.rng(VENDOR, "project", workspace, fx.name).uuid4()
    return Project(name=fx.name, id=project_id.lower(), workspace_id=workspace)
