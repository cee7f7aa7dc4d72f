"""What the Intuned backend knows: jobs by key (from fixtures, from clients, generated) and their
runs (stored, fired by schedules since server start, past runs of generated jobs), at a moment.

The backend (``backend.py``) builds the vendor's operations on top; this module never sees a
request, only keys, ids and the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from jobmock.core.catalogue import JobCatalogue, ids_from, recorded
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fixture_files import format_loc, validate_document
from jobmock.core.generate import Generator
from jobmock.core.store import Store, Table
from jobmock.vendors.intuned import render
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_jobs import job_record
from jobmock.vendors.intuned.fixture_models import JobFixture
from jobmock.vendors.intuned.generated import GeneratedSet
from jobmock.vendors.intuned.history import History
from jobmock.vendors.intuned.loader import VENDOR, IntunedData, JobKey, RunKey
from jobmock.vendors.intuned.records import IntunedJob, RunRecord, canceled_run, new_run
from jobmock.vendors.intuned.render import RunView
from jobmock.vendors.intuned.schedule import fire_times, next_fire

#: Computed scheduled runs kept for reuse (a cache: dropped whole when full).
FIRED_KEPT = 100_000


class JobState:
    def __init__(
        self,
        data: IntunedData,
        store: Store,
        generator: Generator,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        self.data = data
        self.store = store
        self.generator = generator
        self.sets = tuple(sets)
        self._sets_of: dict[tuple[str, str], list[GeneratedSet]] = {}
        for generated in self.sets:
            where = (generated.project.workspace_id, generated.project.name)
            self._sets_of.setdefault(where, []).append(generated)
        self.jobs: Table[JobKey, IntunedJob] = store.table(data.jobs)
        self.runs: Table[RunKey, RunRecord] = store.table(data.runs)
        self.run_ids: Table[str, tuple[str, ...]] = store.table(data.run_ids)
        self._created = 0
        self._fired_ids: dict[tuple[str, int, datetime], str] = {}
        self._fired_runs: dict[tuple[str, int, datetime, bool], RunRecord] = {}
        # Runs clients triggered, by job uid, oldest first: appended in place (a tuple in
        # ``run_ids`` would be copied whole at every trigger), and forgotten on reset.
        self._triggered: dict[str, list[str]] = {}
        # The triggered runs that started (were not CANCELED at once), by job uid.
        self._started: dict[str, list[str]] = {}
        # Runs a client paused, resumed or terminated, by job uid (a generated job's history
        # reads its own without scanning every changed run).
        self._overridden: dict[str, set[str]] = {}
        # Jobs are keyed by workspace, project and id, and a generated job a client changed
        # keeps its place in its set: this state is its own catalogue.
        self.catalogue: JobCatalogue = self
        shared = ("_created", "_triggered", "_started", "_overridden")
        store.share(self, shared, caches=("_fired_ids", "_fired_runs"))
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._created = 0
        self._fired_ids.clear()
        self._fired_runs.clear()
        self._triggered.clear()
        self._started.clear()
        self._overridden.clear()

    # --- jobs ------------------------------------------------------------------------------------

    def _lookup(self, key: JobKey) -> IntunedJob | None:
        """A job: fixtures and client changes first, then the generated sets (by id, O(1))."""
        job = self.jobs.get(key)
        if job is not None or self.jobs.is_changed(key):
            return job
        for generated in self._sets_of.get((key[0], key[1]), ()):
            index = generated.index_of(key[2])
            if index is not None:
                return generated.job(index)
        return None

    def _history(self, job: IntunedJob, now: datetime) -> History | None:
        """A generated job's past runs at ``now`` (None for other jobs)."""
        if job.origin is None:
            return None
        number, index = job.origin
        changed = [
            (run_id, run)
            for run_id in self._overridden.get(job.uid, ())
            if (run := self.runs.get((job.uid, run_id))) is not None
        ]
        return History(self.sets[number], index, self.store.epoch, now, changed)

    def _generated(self, generated: GeneratedSet, index: int) -> IntunedJob | None:
        """Generated job ``index`` as it stands (changed by a client, deleted, or as made)."""
        project = generated.project
        key = (project.workspace_id, project.name, generated.job_id(index))
        if not self.jobs.is_changed(key):
            return generated.job(index)
        job = self.jobs.get(key)
        return job if job is not None and job.origin == (generated.number, index) else None

    # --- runs ------------------------------------------------------------------------------------

    def _view(self, run: RunRecord, now: datetime, poll: bool = False) -> RunView:
        polls: list[datetime] = []
        if run.polled:
            name = f"{run.job_uid}/{run.id}"
            if poll:
                self.store.record_poll(VENDOR, name, now)
            polls = self.store.polls(VENDOR, name)
        return render.view(run, self.store.epoch, now, polls)

    def _run_id(self, *key: object) -> str:
        return "jr_" + self.generator.rng(VENDOR, "run", *key).base36(21)

    def _records(self, job: IntunedJob, run_ids: Iterable[str]) -> list[RunRecord]:
        return [run for run_id in run_ids if (run := self.runs.get((job.uid, run_id))) is not None]

    def _stored(self, job: IntunedJob) -> list[RunRecord]:
        """Runs from fixtures and triggers, oldest first."""
        ids = self.run_ids.get(job.uid) or ()
        return self._records(job, (*ids, *self._triggered.get(job.uid, ())))

    def run_count(self, job: IntunedJob) -> int:
        """How many runs fixtures and clients gave ``job`` (numbers the next trigger's run)."""
        return len(self.run_ids.get(job.uid) or ()) + len(self._triggered.get(job.uid, ()))

    def add_triggered(self, job: IntunedJob, run: RunRecord, started: bool) -> None:
        self.runs.put((job.uid, run.id), run)
        self._triggered.setdefault(job.uid, []).append(run.id)
        if started:
            self._started.setdefault(job.uid, []).append(run.id)

    def override(self, job: IntunedJob, run: RunRecord) -> None:
        """Store ``run`` in place of what ``job``'s run of that id was (fixture, fired,
        generated or triggered)."""
        self.runs.put((job.uid, run.id), run)
        self._overridden.setdefault(job.uid, set()).add(run.id)

    def _open(self, job: IntunedJob, now: datetime) -> list[RunRecord]:
        """The runs of ``job`` that can be active at ``now``, without reading every run it has:
        a trigger starts a run only when none is active, so of the runs clients triggered only
        the newest that started can still be active (exact while the clock moves forward; after
        it is set back, older triggered runs are not looked at). Fixture runs, a generated
        job's live runs and what its schedule fired are all read."""
        history = self._history(job, now)
        held = (history.live() if history is not None else []) + self._records(
            job, self.run_ids.get(job.uid) or ()
        )
        started = self._started.get(job.uid, [])
        newest = self._records(job, started[-1:])
        if not any(era.config.intervals for era in job.eras):
            return held + newest
        # Whether a fire was CANCELED depends on every run that was active at its time.
        fired = self._scheduled(job, now, held + self._records(job, started))
        return held + newest + fired

    def open_views(self, job: IntunedJob, now: datetime) -> list[RunView]:
        return [self._view(run, now) for run in self._open(job, now)]

    def _explicit(
        self, job: IntunedJob, now: datetime, history: History | None = None
    ) -> list[RunRecord]:
        """Runs held in memory: a generated job's past runs still moving or changed by a client,
        then the stored ones; and those its schedule fired since server start."""
        history = history or self._history(job, now)
        stored = (history.live() if history is not None else []) + self._stored(job)
        return stored + self._scheduled(job, now, stored)

    def _views(
        self, job: IntunedJob, now: datetime, history: History | None = None
    ) -> list[RunView]:
        """Every run of ``job`` at ``now`` (of a generated job: those held in memory; its
        settled past runs cannot be active)."""
        return [self._view(run, now) for run in self._explicit(job, now, history)]

    def _until(self, run: RunRecord, now: datetime) -> datetime | None:
        """When ``run`` stops being active; None if it has not ended by ``now`` (nor is planned
        to on the clock)."""
        planned = run.planned_end(self.store.epoch)
        if planned is not None:
            return planned
        view = self._view(run, now)
        return view.progress.since if view.finished else None

    def _scheduled(
        self, job: IntunedJob, now: datetime, stored: list[RunRecord], want: str | None = None
    ) -> list[RunRecord]:
        """Runs fired by the job's schedule since the server started (not before), each era
        with its own configuration; a fire while another run is active is CANCELED. With
        ``want``, stops at that run id."""
        epoch = self.store.epoch
        if not any(era.config.intervals for era in job.eras):
            return []
        anchor = job.anchor(epoch)
        busy = [(run.anchor(epoch), self._until(run, now)) for run in stored]
        fired: list[RunRecord] = []
        latest: datetime | None = epoch  # when the last scheduled run ends (None: it does not)
        for index, era in enumerate(job.eras):
            if era.paused or not era.config.intervals:
                continue
            begin = max(anchor + timedelta(seconds=era.at), epoch)
            end = now
            if index + 1 < len(job.eras):
                end = min(now, anchor + timedelta(seconds=job.eras[index + 1].at))
            for fire in fire_times(era.config.intervals, begin, end):
                run = self._fired(job, index, fire, latest, busy)
                fired.append(run)
                if want is not None and run.id == want:
                    return fired
                until = self._until(run, now)
                latest = None if until is None or latest is None else max(latest, until)
        return fired

    def _fired(
        self,
        job: IntunedJob,
        era: int,
        fire: datetime,
        latest: datetime | None,
        busy: list[tuple[datetime, datetime | None]],
    ) -> RunRecord:
        """The run fired at ``fire``: a client's change to it if any, else computed (and kept:
        it is a pure function of the job, the era and the time)."""
        key = (job.uid, era, fire)
        run_id = self._fired_ids.get(key)
        if run_id is None:
            run_id = self._fired_ids[key] = self._run_id(job.uid, "scheduled", fire.isoformat())
        changed = self.runs.get((job.uid, run_id))
        if changed is not None:
            return changed
        active = latest is None or latest > fire
        active = active or any(s <= fire and (u is None or fire < u) for s, u in busy)
        cached = self._fired_runs.get((*key, active))
        if cached is None:
            config = job.eras[era].config
            if active:
                cached = canceled_run(run_id, job, config, "SCHEDULED", fire)
            else:
                cached = new_run(run_id, job, config, "SCHEDULED", job.run_timeline, fire)
            if len(self._fired_runs) >= FIRED_KEPT:
                self._fired_runs.clear()
                self._fired_ids.clear()
            self._fired_runs[(*key, active)] = cached
        return cached

    def _find(self, job: IntunedJob, run_id: str, now: datetime, poll: bool = False) -> RunView:
        run = self.runs.get((job.uid, run_id))
        history = self._history(job, now) if run is None else None
        if history is not None:
            run = history.find(run_id)
        if run is None and run_id.startswith("jr_") and any(e.config.intervals for e in job.eras):
            stored = (history.live() if history is not None else []) + self._stored(job)
            fired = self._scheduled(job, now, stored, want=run_id)
            if fired and fired[-1].id == run_id:
                run = fired[-1]
        if run is None:
            raise NotFound(f"JobRun '{run_id}' not found.", reason="run")
        return self._view(run, now, poll)

    def _run_times(self, job: IntunedJob, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The job's ``next_run_time`` and ``last_run_time``."""
        upcoming = None
        if not job.paused and job.config.intervals:
            upcoming = next_fire(job.config.intervals, max(now, self.store.epoch))
        history = self._history(job, now)
        starts = [v.start_time for v in self._views(job, now, history) if v.start_time <= now]
        newest = history.newest_start() if history is not None else None
        if newest is not None:
            starts.append(newest)
        return upcoming, max(starts, default=None)

    # --- control API ---------------------------------------------------------------------------

    def add(self, doc: Mapping[str, Any]) -> str:
        fx = validate_document(JobFixture, doc)
        unknown = [format_loc(loc) for loc in s.unknown_keys(fx)]
        if unknown:
            raise BadRequest(
                "; ".join(f"{loc}: unknown field" for loc in unknown), reason="fixture"
            )
        with self.store.lock:
            self._created += 1
            job, runs = recorded(
                lambda: job_record(
                    fx,
                    self.data,
                    self.generator,
                    id_key=("control", self._created),
                    now=self.store.clock.now(),
                    uid_suffix=f"#control{self._created}",
                )
            )
            self.jobs.put(job.key, job)
            self.run_ids.put(job.uid, tuple(run.id for run in runs))
            for run in runs:
                self.runs.put((job.uid, run.id), run)
        return self.control_id(job)

    def control_id(self, job: IntunedJob) -> str:
        if job.workspace_id == self.data.default_workspace:
            return f"{job.project.name}:{job.id}"
        return f"{job.workspace_id}:{job.project.name}:{job.id}"

    def ids(self, offset: int = 0) -> Iterator[str]:
        """Fixture and client-made jobs first, then the generated ones (lazily); ``offset``
        jumps into a generated set by index arithmetic."""
        explicit = [self.control_id(job) for job in self.jobs.values() if job.origin is None]
        return ids_from(offset, explicit, self.sets, self._generated_id)

    def _generated_id(self, generated: GeneratedSet, index: int) -> str | None:
        job = self._generated(generated, index)
        return self.control_id(job) if job is not None else None

    def count(self) -> int:
        explicit = sum(1 for job in self.jobs.values() if job.origin is None)
        gone = 0
        for key in self.jobs.changed_keys():
            job = self.jobs.get(key)
            if job is None or job.origin is None:
                gone += any(g.index_of(key[2]) is not None for g in self._sets_of.get(key[:2], ()))
        return explicit + sum(g.count for g in self.sets) - gone

    def delete(self, job_id: str) -> bool:
        """By control id (``project:job``, or ``workspace:project:job``) or bare job id."""
        parts = job_id.split(":")
        with self.store.lock:
            if len(parts) > 1:
                workspace = parts[0] if len(parts) == 3 else self.data.default_workspace
                job = self._lookup((workspace, parts[-2], parts[-1]))
                if job is not None:
                    self._delete(job)
                    return True
            for job in self.jobs.values():
                if job_id in (self.control_id(job), job.id):
                    self._delete(job)
                    return True
        return False

    def _delete(self, job: IntunedJob) -> None:
        self.jobs.delete(job.key, exists=job.origin is not None)
        self.run_ids.delete(job.uid)
        self._triggered.pop(job.uid, None)
        self._started.pop(job.uid, None)
        self._overridden.pop(job.uid, None)
