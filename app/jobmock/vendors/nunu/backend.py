"""nunu's backend: the state one running mock holds (job and run tables, generated sets, the text
cache) and the detail reads served from it, with listing, starting and stopping runs in their own
modules (``listing.py``, ``starting.py``, ``stopping.py``) and the key checks in ``access.py``. It
takes plain values (the API key, ids, parsed query and body) and returns wire models;
it never sees a FastAPI request, so the hot read paths can be served by any ASGI front.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from jobmock.core.auth import ApiKeyHeader
from jobmock.core.cache import LRU
from jobmock.core.catalogue import BuildsJobs, Catalogue
from jobmock.core.documents import Documents, Fresh, Served
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fixture_files import validate_document
from jobmock.core.generate import Generator
from jobmock.core.journal import note_kept
from jobmock.core.replays import first_change
from jobmock.core.store import Store, Table
from jobmock.vendors.nunu import inspection, listing, render, starting, stopping
from jobmock.vendors.nunu.access import authorize
from jobmock.vendors.nunu.fixture_data import NunuData
from jobmock.vendors.nunu.fixture_models import UUID_RE, JobFixture
from jobmock.vendors.nunu.generated import GeneratedSet
from jobmock.vendors.nunu.job_records import job_record
from jobmock.vendors.nunu.records import READ_RUNS, VENDOR, NunuJob
from jobmock.vendors.nunu.texts import fill_texts

#: Jobs whose generated free text is kept (bounded: a million generated jobs must not grow it).
TEXTS_CACHED = 1024


def _keep(job: NunuJob) -> bool:
    """A poll-driven job's documents change with every read: never served again."""
    return not job.timeline.poll_driven


class NunuBackend:
    def __init__(
        self, data: NunuData, store: Store, generator: Generator, sets: Sequence[GeneratedSet] = ()
    ) -> None:
        self.data = data
        self.sets = tuple(sets)
        self.store = store
        self.generator = generator
        self.auth = ApiKeyHeader("X-Api-Key", data.api_keys(), store.clock.now)
        self.jobs: Table[str, NunuJob] = store.table(data.jobs)
        self.catalogue: Catalogue[NunuJob, BuildsJobs[NunuJob]]
        self.catalogue = Catalogue(self.jobs, self.sets, self, store.lock)
        self.lookup = self.catalogue.lookup
        self.run_index: Table[str, str] = store.table(
            {job.run.run_id: job.job_id for job in data.jobs.values()}
        )
        self._texts: LRU[tuple[str, str], render.Texts] = LRU(TEXTS_CACHED)
        self.documents = Documents(store)
        self._started = 0
        store.share(self, ("_started",))
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._started = 0
        # Started jobs' ids repeat after a reset (they count from 0 again) with other tests
        # behind them: texts cached under an id must not outlive the job they were made for.
        self._texts.clear()

    # --- reads ---------------------------------------------------------------------------------

    def texts(self, job: NunuJob) -> render.Texts:
        cache_key = (job.job_id, job.text_key)
        return self._texts.get(cache_key, lambda: fill_texts(job, self.generator))

    def view(self, job: NunuJob, poll: bool = False, now: datetime | None = None) -> render.JobView:
        """The job as it stands ``now`` (the clock's now by default); ``poll`` counts this read
        towards poll-driven steps."""
        if now is None:
            now = self.store.clock.now()
        polls: list[datetime] = []
        # Only poll-driven jobs keep a poll log: every other read would make memory grow with
        # the number of jobs read (the journal already records each read).
        if job.timeline.poll_driven:
            if poll:
                self.store.record_poll(VENDOR, job.job_id, now)
            polls = self.store.polls(VENDOR, job.job_id)
        return render.view(job, self.store.epoch, now, polls)

    def lookup_run(self, run_id: str) -> NunuJob | None:
        job_id = self.run_index.get(run_id)
        if job_id is not None:
            return self.jobs.get(job_id)
        if self.run_index.is_changed(run_id):
            return None
        for generated in self.sets:
            index = generated.index_of_run(run_id)
            if index is not None:
                return self.lookup(generated.codec.uuid(index))
        return None

    def _job_in(self, project: str, job_id: str) -> NunuJob:
        job = self.lookup(job_id.lower())
        if job is None or job.project_id != project:
            raise NotFound("Job not found", reason="job")
        return job

    def get_job(self, api_key: str | None, job_id: str, project: str | None = None) -> bytes:
        caller = authorize(self.auth, self.data, api_key, project, READ_RUNS)
        now = self.store.clock.now()
        key = ("job", job_id, caller.project)
        return self.documents.get(key, now, lambda: self._job_body(caller.project, job_id, now))

    def _job_body(self, project: str, job_id: str, now: datetime) -> Fresh:
        if not UUID_RE.match(job_id.lower()):
            raise BadRequest("Invalid job ID", reason="job_id")
        job = self._job_in(project, job_id)
        view = self.view(job, poll=True, now=now)
        body = render.job_document(view, self.texts(job)).model_dump_json().encode()
        served = Served(job.job_id, view.status, view.status == "COMPLETED")
        return Fresh(body, served, render.next_change(view, steps=False), _keep(job))

    def get_run(self, api_key: str | None, run_id: str, project: str | None = None) -> bytes:
        caller = authorize(self.auth, self.data, api_key, project, READ_RUNS)
        now = self.store.clock.now()
        key = ("run", run_id, caller.project)
        return self.documents.get(key, now, lambda: self._run_body(caller.project, run_id, now))

    def _run_body(self, project: str, run_id: str, now: datetime) -> Fresh:
        job = self.lookup_run(run_id)
        if job is None or job.project_id != project:
            raise NotFound("Run not found", reason="run")
        view = self.view(job, poll=True, now=now)
        if view.run is None:
            raise NotFound("Run not found", reason="run")  # the job has not started it yet
        body = render.run_document(view, self.texts(job)).model_dump_json().encode()
        served = Served(job.job_id, view.run.state, view.run.state == "COMPLETED")
        return Fresh(body, served, render.next_change(view, steps=True), _keep(job))

    # --- lists and writes (each in the module named for it) -----------------------------------

    def note_list_window(self, project: str, revision: int, now: datetime) -> None:
        """A list of ``project``'s jobs (any filter, any page) read at ``now`` holds until one
        of them reads differently on the clock alone: kept until then (``core.replays``)."""

        def change_of(job: NunuJob) -> datetime | None:
            return render.next_change(self.view(job, now=now), steps=True)

        changes = [change_of(job) for job in self.jobs.values() if job.project_id == project]
        for generated in self.sets:
            if generated.project == project:
                known, change = generated.next_change(self.store.epoch, now, change_of)
                if not known:
                    return
                changes.append(change)
        note_kept(revision, now, first_change(changes, now))

    list_jobs = listing.list_jobs
    list_runs = listing.list_runs
    start_run = starting.start_run
    stop_runs = stopping.stop_runs
    inspect = inspection.inspect

    def new_id(self, kind: str) -> str:
        self._started += 1
        return self.generator.rng(VENDOR, kind, self._started).uuid4()

    def put(self, job: NunuJob) -> None:
        with self.store.lock:
            self.jobs.put(job.job_id, job)
            self.run_index.put(job.run.run_id, job.job_id)

    # --- control API ---------------------------------------------------------------------------

    def find_job(self, job_id: str) -> NunuJob | None:
        return self.lookup(job_id)

    def record_job(self, doc: Mapping[str, Any]) -> NunuJob:
        fx = validate_document(JobFixture, doc)
        now = self.store.clock.now()
        return job_record(
            fx, self.data, self.generator, id_key=("control", len(self.jobs)), now=now
        )

    def keep_job(self, job: NunuJob) -> None:
        self.put(job)

    def drop_job(self, job: NunuJob) -> None:
        self.jobs.delete(job.job_id, exists=True)
        self.run_index.delete(job.run.run_id, exists=True)
