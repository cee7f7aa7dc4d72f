"""nunu jobs generated from an index (a ``generate:`` block): ids, tests, outcomes, timelines,
players and steps, all derived from (app seed, set, index) and computed when asked for.

Job ``i`` is created ``every`` seconds before job ``i - 1``; its test and outcome come from an
exact weighted mix (``BlockMix``), its durations from a generator seeded by ``i``. Nothing is
stored per job: a detail request decodes the id back to ``i``; a list request pages through the
set with ``core.paging`` and only builds the jobs it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from jobmock.core.clock import micros
from jobmock.core.export import Span
from jobmock.core.fixture_files import FixtureError, SetError
from jobmock.core.generate import Generator, derive_seed
from jobmock.core.generated_sets import BlockMix, IdCodec, Schedule
from jobmock.core.paging import BulkSource
from jobmock.core.replays import IN_FLIGHT_KEPT, first_change
from jobmock.vendors.nunu.fixture_data import NunuData
from jobmock.vendors.nunu.fixture_models import GenerateFixture, TestFixture
from jobmock.vendors.nunu.job_records import DEVICES, player_plan
from jobmock.vendors.nunu.records import (
    STOP_TO_COMPLETED,
    NunuJob,
    PlayerPlan,
    RunPlan,
    completion_lag,
    timeline_for_status,
)

#: The longest a generated job can still be moving, beyond its run's duration.
_SLACK = 6.0 + 2.0 + STOP_TO_COMPLETED + 1.0
#: Generated jobs kept built (bounded, so memory stays flat whatever the set's size).
_CACHED_JOBS = 512


@dataclass(frozen=True)
class Category:
    test: TestFixture
    result: str


class GeneratedSet:
    def __init__(
        self,
        spec: GenerateFixture,
        project: str,
        tests: list[TestFixture],
        data: NunuData,
        generator: Generator,
    ) -> None:
        self.spec = spec
        self.project = project
        self.tests = tests
        self.generator = generator
        key = ("nunu", generator.seed, spec.seed, project, spec.name)
        self.key = key
        self.codec = IdCodec(*key)
        self.runs = IdCodec(*key, "runs")
        results = [(r, w) for r, w in spec.results.items() if w > 0]
        self.categories = [Category(t, r) for t in tests for r, _ in results]
        self.mix = BlockMix([w for _ in tests for _, w in results], *key)
        self.schedule = Schedule(datetime.min, spec.every, key=derive_seed(*key) & 0xFFFFFFFF)
        self.initiator = {"type": "api", "value": {"key_id": data.initiator_key(project)}}
        self.longest = spec.duration[1] + _SLACK
        self.job = lru_cache(maxsize=_CACHED_JOBS)(self._build)

    @property
    def count(self) -> int:
        return self.spec.count

    # --- ids ---------------------------------------------------------------------------------

    def index_of(self, job_id: str) -> int | None:
        index = self.codec.index_of_uuid(job_id)
        return index if index is not None and index < self.count else None

    def index_of_run(self, run_id: str) -> int | None:
        index = self.runs.index_of_base36(run_id)
        return index if index is not None and index < self.count else None

    def job_id(self, index: int) -> str:
        return self.codec.uuid(index)

    # --- one job -----------------------------------------------------------------------------

    def category(self, index: int) -> Category:
        return self.categories[self.mix.category(index)]

    def created_offset(self, index: int) -> float:
        """Seconds from the epoch (server start) to the job's creation: negative."""
        return -(self.spec.until + self.schedule.age(index))

    def next_change(
        self, epoch: datetime, now: datetime, change_of: Callable[[NunuJob], datetime | None]
    ) -> tuple[bool, datetime | None]:
        """The first time after ``now`` any of the set's jobs reads differently on the clock
        alone (one still under way moves on, a newer one is created), found from the jobs still
        under way; ``(False, None)`` when more than ``IN_FLIGHT_KEPT`` are."""
        schedule = self.created_from(epoch)
        start, settled = self.window(schedule, now)
        if settled - start > IN_FLIGHT_KEPT:
            return False, None
        changes = [change_of(self.job(index)) for index in range(start, settled)]
        if start > 0:
            changes.append(schedule.created(start - 1))
        return True, first_change(changes, now)

    def created_from(self, epoch: datetime) -> Schedule:
        """The jobs' creation times for a server started at ``epoch``."""
        return Schedule(epoch - timedelta(seconds=self.spec.until), self.spec.every,
                        key=self.schedule.key)  # fmt: skip

    def window(self, schedule: Schedule, now: datetime) -> tuple[int, int]:
        """Indices ``[start, settled)`` may still be moving at ``now``: jobs before ``start``
        are not created yet, jobs from ``settled`` on are in their final state."""
        start = min(schedule.first_created_before(now), self.count)
        moving = schedule.first_created_before(now - timedelta(seconds=self.longest))
        return start, max(start, min(moving, self.count))

    def _build(self, index: int) -> NunuJob:
        spec, category = self.spec, self.category(index)
        test = category.test
        rng = self.generator.rng(*self.key, index)
        queued = round(min(rng.uniform(2.0, 6.0), 0.09 * spec.every), 6)
        started = round(queued + rng.uniform(0.5, 2.0), 6)
        completed = round(started + rng.uniform(*spec.duration), 6)
        times = {"run_created": queued, "started": started, "completed": completed}
        if category.result == "STOPPED":
            times["completed"] += STOP_TO_COMPLETED
        timeline = timeline_for_status("COMPLETED", category.result, rng, times)
        run_id = self.runs.base36(index)
        job_id = self.codec.uuid(index)
        device = DEVICES[rng.randrange(len(DEVICES))]
        players = tuple(
            player_plan(run_id, p, None, test.steps, device, rng) for p in range(test.players)
        )
        bug_info = None
        if test.type == "verification":
            bugs = rng.randint(1, 3) if category.result == "FAILED" else 0
            bug_info = {"bug_label": "bugs_found" if bugs else "no_bugs", "bug_count": bugs}
        tags = (*test.tags, *(t for t in spec.tags if t not in test.tags))
        return NunuJob(
            job_id=job_id,
            project_id=self.project,
            timeline=timeline,
            test_id=test.id,
            test_type=test.type,
            run=RunPlan(
                run_id=run_id,
                players=players,
                initiator=self.initiator,
                bug_info=bug_info,
                completion_lag=completion_lag(job_id),
            ),
            test_name=test.name,
            created_offset=self.created_offset(index),
            platform=spec.platform,
            stopped_by=self.initiator if category.result == "STOPPED" else None,
            tags=tags,
            text_key=job_id,
        )

    def fixture(self, index: int) -> dict[str, Any]:
        """Job ``index`` as a plain fixture job: loading it renders the same documents."""
        job = self.job(index)
        run: dict[str, Any] = {
            "multiplayer_run_id": job.run.run_id,
            "bug_info": job.run.bug_info,
            "initiator": job.run.initiator,
            "players": [_player_fixture(p) for p in job.run.players],
        }
        doc: dict[str, Any] = {
            "job_id": job.job_id,
            "project_id": job.project_id,
            "created_ago": Span(-job.created_offset),
            "multiplayer_test_id": job.test_id,
            "test_name": job.test_name,
            "test_type": job.test_type,
            "platform": job.platform,
            "tags": list(job.tags),
        }
        if job.stopped_by is not None:
            doc["stopped_by"] = job.stopped_by
        doc["runs"] = [{k: v for k, v in run.items() if v is not None}]
        doc["timeline"] = [
            {
                "status": step.state,
                "at": Span(step.at) if step.at is not None else None,
                **({"result": step.get("result")} if step.get("result") else {}),
            }
            for step in job.timeline.steps
        ]
        return doc

    # --- listing -----------------------------------------------------------------------------

    def source(
        self,
        epoch: datetime,
        now: datetime,
        category_ok: Callable[[Category], bool],
        fresh_ok: Callable[[NunuJob], bool],
        tail_ok: bool,
        make: Callable[[NunuJob], Any],
        excluded: frozenset[int],
        key: Callable[[int, datetime], datetime],
    ) -> BulkSource:
        """The set seen through a list filter. ``key(index, created)`` is the list's sort time."""
        schedule = self.created_from(epoch)
        start, settled = self.window(schedule, now)
        ok = [category_ok(c) for c in self.categories]

        def bound_of(micro: int) -> int:
            moment = datetime.fromtimestamp(micro / 1_000_000, epoch.tzinfo)
            return schedule.first_created_before(moment)

        return BulkSource(
            mix=self.mix,
            key_of=lambda i: micros(key(i, schedule.created(i))),
            bound_of=bound_of,
            start=start,
            stop=self.count,
            settled=settled,
            category_ok=ok.__getitem__,
            fresh_ok=lambda i: fresh_ok(self.job(i)),
            tail_ok=tail_ok,
            make=lambda i: make(self.job(i)),
            excluded=excluded,
        )


def _player_fixture(player: PlayerPlan) -> dict[str, Any]:
    steps = []
    for step in player.steps:
        test = {
            "test_step_id": step.test_step_id,
            "goal": step.goal,
            "finish_condition": step.finish_condition or None,
        }
        out: dict[str, Any] = {"test": {k: v for k, v in test.items() if v is not None}}
        if step.report is not None:
            out["report"] = step.report
        if step.items is not None:
            out["items"] = [dict(item) for item in step.items]
        steps.append(out)
    device = player.device
    return {
        "player_number": player.number,
        "composite_test_id": player.composite_test_id,
        "platform": {
            "kind": device.kind,
            "config": {"device": {"name": device.name, "os_version": device.os_version}},
        },
        "artifacts": [{"filename": a.filename, "size": a.size} for a in player.artifacts],
        "steps": steps,
    }


def build_set(spec: GenerateFixture, data: NunuData, generator: Generator) -> GeneratedSet:
    """One set; ``SetError`` names the field that is wrong."""
    project = spec.project or next(iter(data.projects))
    if project not in data.projects:
        raise SetError(("project",), f"unknown project {project!r}")
    if spec.tests is not None:
        missing = [t for t in spec.tests if t not in data.tests]
        if missing:
            raise SetError(("tests",), f"unknown test(s): {', '.join(missing)}")
        tests = [data.tests[t] for t in spec.tests]
    else:
        tests = [t for t in data.tests.values() if t.project in (None, project)]
    if not tests:
        raise SetError(
            (), "a generated set needs at least one test: define tests, or list some under 'tests'"
        )
    return GeneratedSet(spec, project, tests, data, generator)


def load_sets(data: NunuData, generator: Generator) -> list[GeneratedSet]:
    """The sets of the fixtures' ``generate:`` blocks; problems name file, line and field."""
    sets: list[GeneratedSet] = []
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for file, i, spec in data.generate:
        loc: tuple[str | int, ...] = ("generate", i)
        try:
            generated = build_set(spec, data, generator)
        except SetError as exc:
            problems.append(file.problem((*loc, *exc.loc), str(exc)))
            continue
        key = (generated.project, spec.name)
        if key in seen:
            problems.append(
                file.problem(
                    (*loc, "name"),
                    f"a second set named {spec.name!r} in "
                    f"project {generated.project!r} (first at "
                    f"{seen[key]})",
                )
            )
            continue
        seen[key] = f"{file.name}:{file.line_of(loc)}"
        sets.append(generated)
    if problems:
        raise FixtureError(problems)
    return sets
