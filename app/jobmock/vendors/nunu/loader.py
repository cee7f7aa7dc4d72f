"""Reading the nunu fixture files: each file validated, the ids checked unique across files, every
project reference and test-plan entry checked to exist, top-level run documents folded into their
jobs, then each job turned into a record (``job_records.py``). Problems are collected and raised
together as a ``FixtureError`` naming file and line, so one start shows every mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator
from jobmock.vendors.nunu.fixture_data import (
    DEFAULT_KEY,
    DEFAULT_PROJECT,
    NunuData,
    Owned,
    unknown_project,
)
from jobmock.vendors.nunu.fixture_models import (
    JobFixture,
    NunuFixtureFile,
    ProjectFixture,
    RunFixture,
)
from jobmock.vendors.nunu.job_records import job_record


def load(files: Sequence[LoadedFile], generator: Generator) -> NunuData:
    data = NunuData()
    problems: list[FixtureProblem] = []
    parsed = []
    for f in files:
        try:
            parsed.append((f, f.validate(NunuFixtureFile)))
        except FixtureError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FixtureError(problems)
    seen: dict[tuple[str, str], str] = {}

    def unique(kind: str, key: str, f: LoadedFile, loc: Loc) -> bool:
        where = f"{f.name}:{f.line_of(loc)}"
        if (kind, key) in seen:
            problems.append(
                f.problem(loc, f"duplicate {kind} {key!r} (first defined at {seen[(kind, key)]})")
            )
            return False
        seen[(kind, key)] = where
        return True

    for f, doc in parsed:
        for i, project in enumerate(doc.projects):
            if unique("project", project.id, f, ("projects", i, "id")):
                data.projects[project.id] = project
        for i, key in enumerate(doc.keys):
            if unique("key", key.key, f, ("keys", i, "key")):
                data.keys.append(key)
        data.generate.extend((f, i, spec) for i, spec in enumerate(doc.generate))
    if not data.projects:
        data.projects[DEFAULT_PROJECT] = ProjectFixture(id=DEFAULT_PROJECT)
    if not data.keys:
        data.keys.append(DEFAULT_KEY)
    for f, doc in parsed:
        for i, key in enumerate(doc.keys):
            if key.project and key.project not in data.projects:
                problems.append(
                    f.problem(("keys", i, "project"), unknown_project(key.project, data))
                )
        sections: tuple[tuple[str, Sequence[Owned], dict[str, Any]], ...] = (
            ("tests", doc.tests, data.tests),
            ("deployment_configs", doc.deployment_configs, data.configs),
            ("builds", doc.builds, data.builds),
            ("test_plans", doc.test_plans, data.plans),
        )
        for section, items, target in sections:
            for i, item in enumerate(items):
                if item.project and item.project not in data.projects:
                    problems.append(
                        f.problem((section, i, "project"), unknown_project(item.project, data))
                    )
                if unique(section, item.id, f, (section, i, "id")):
                    target[item.id] = item
    for f, doc in parsed:
        for i, plan in enumerate(doc.test_plans):
            for j, test_id in enumerate(plan.tests):
                if test_id not in data.tests:
                    problems.append(
                        f.problem(("test_plans", i, "tests", j), f"unknown test {test_id!r}")
                    )
    if problems:
        raise FixtureError(problems)

    runs_by_job: dict[str, list[tuple[LoadedFile, int, RunFixture]]] = {}
    for f, doc in parsed:
        for i, run in enumerate(doc.runs):
            if run.job_id is None:
                problems.append(
                    f.problem(("runs", i), "a run document needs the 'job_id' of its job")
                )
                continue
            runs_by_job.setdefault(run.job_id, []).append((f, i, run))
    for f, doc in parsed:
        for i, job_fx in enumerate(doc.jobs):
            base: Loc = ("jobs", i)
            try:
                merged = merge_runs(job_fx, runs_by_job.pop(job_fx.job_id or "", []))
                job = job_record(merged, data, generator, id_key=(f.name, i))
            except Invalid as exc:
                problems.append(f.problem(base + exc.loc, exc.message))
                continue
            if unique("job", job.job_id, f, (*base, "job_id")):
                data.jobs[job.job_id] = job
    for leftovers in runs_by_job.values():
        for f, i, run in leftovers:
            problems.append(
                f.problem(("runs", i, "job_id"), f"no job {run.job_id!r} is defined under 'jobs'")
            )
    if problems:
        raise FixtureError(problems)
    return data


def merge_runs(job: JobFixture, runs: list[tuple[LoadedFile, int, RunFixture]]) -> JobFixture:
    """A job with the top-level run documents that belong to it folded into its ``runs``."""
    if not runs:
        return job
    if len(runs) > 1 or (job.runs and len(job.runs) > 1):
        raise Invalid(("runs",), "jobmock emulates one run per job")
    _, _, detail = runs[0]
    summary = job.runs[0] if job.runs else None
    if summary is not None and summary.multiplayer_run_id not in (None, detail.multiplayer_run_id):
        raise Invalid(
            ("runs", 0, "multiplayer_run_id"),
            f"the job lists run {summary.multiplayer_run_id!r} but the run document "
            f"is {detail.multiplayer_run_id!r}",
        )
    merged = detail.model_dump(exclude_unset=True)
    if summary is not None:
        for key, value in summary.model_dump(exclude_unset=True).items():
            if key == "players" and isinstance(value, int) and isinstance(merged.get(key), list):
                continue
            merged.setdefault(key, value)
    return job.model_copy(update={"runs": [RunFixture.model_validate(merged)]})
