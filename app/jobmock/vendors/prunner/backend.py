"""prunner rules: the token, the six endpoints, and the control API.

The backend takes plain values (the Authorization header and cookies, raw query strings, raw
bodies) and returns the bytes prunner would write; it never sees a FastAPI request. Job state is
read from each pipeline's state (``state.py``: its schedule, plus its generated history),
recomputed only when a client schedules, cancels, adds or deletes a job, never on a timer.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

from pydantic import TypeAdapter, ValidationError

from jobmock.core import golang
from jobmock.core.auth import BearerJWT
from jobmock.core.cache import LRU
from jobmock.core.catalogue import Catalogue
from jobmock.core.clock import from_micros, micros
from jobmock.core.errors import BadRequest, NotFound, ServerError
from jobmock.core.fixture_files import Invalid, describe_problems, validate_document
from jobmock.core.generate import Generator
from jobmock.core.journal import note_kept, note_served
from jobmock.core.store import Store, Table
from jobmock.vendors.prunner import inspection, render
from jobmock.vendors.prunner.fixture_models import JobFixture, Outcome
from jobmock.vendors.prunner.generated import GeneratedSet
from jobmock.vendors.prunner.loader import PrunnerData, job_record
from jobmock.vendors.prunner.params import parse_job_id, query_value, schedule_request
from jobmock.vendors.prunner.records import ON_ERROR, Pipeline, PrunnerJob
from jobmock.vendors.prunner.schedule import JobFate
from jobmock.vendors.prunner.state import PipelineState, Tangled, build_state
from jobmock.vendors.prunner.texts import generated_output

TRUE = b"true\n"
#: Tasks whose generated output is kept (bounded: a million generated jobs must not grow it).
OUTPUTS_CACHED = 1024
_OUTCOMES = TypeAdapter(dict[str, Outcome])


class PrunnerBackend:
    def __init__(
        self,
        data: PrunnerData,
        store: Store,
        generator: Generator,
        secret: str,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        self.data = data
        self.pipelines = data.pipelines
        self.sets = {generated.pipeline.name: generated for generated in sets}
        self.store = store
        self.generator = generator
        self.auth = BearerJWT(secret, store.clock.now, cookie="jwt")
        self.jobs: Table[str, PrunnerJob] = store.table(data.jobs)
        self.catalogue = Catalogue(self.jobs, tuple(self.sets.values()), self, store.lock)
        self._first_seq = len(data.jobs)
        self._seq = self._first_seq
        self._scheduled = 0
        self._states: dict[str, PipelineState] = {}
        self._touched: dict[str, set[int]] = {name: set() for name in self.sets}
        """Per pipeline, the indices of generated jobs clients changed (canceled, deleted)."""
        self._outputs: LRU[tuple[str, str, bool], tuple[str, str]] = LRU(OUTPUTS_CACHED)
        store.share(self, ("_seq", "_scheduled", "_touched"), caches=("_states",))
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._seq = self._first_seq
        self._scheduled = 0
        self._states.clear()
        for touched in self._touched.values():
            touched.clear()

    inspect = inspection.inspect

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _now(self) -> int:
        return micros(self.store.clock.now())

    # --- auth ----------------------------------------------------------------------------------

    def authenticate(self, authorization: str | None, cookies: Mapping[str, str]) -> str:
        """The user a valid token names (its ``sub``, or ``""``); ``Unauthorized`` otherwise."""
        claims = self.auth.authenticate(authorization, cookies)
        subject = claims.get("sub")
        return subject if isinstance(subject, str) else ""

    # --- pipeline states -----------------------------------------------------------------------

    def state_of(self, name: str) -> PipelineState:
        state = self._states.get(name)
        if state is None:
            with self.store.lock:
                jobs = [job for job in self.jobs.values() if job.pipeline == name]
                state = self._states[name] = self._build(name, jobs)
        return state

    def _build(self, name: str, jobs: list[PrunnerJob], also_changed: str = "") -> PipelineState:
        generated = self.sets.get(name)
        changed: frozenset[int] = frozenset()
        if generated is not None:
            changed = frozenset(self._touched[name])
            if (index := generated.index_of(also_changed)) is not None:
                changed |= {index}
        epoch = micros(self.store.epoch)
        return build_state(self.pipelines[name], jobs, generated, changed, epoch)

    def _changed(self, pipeline: str) -> None:
        self._states.pop(pipeline, None)

    def _job_id(self, query_string: str) -> str:
        job_id = parse_job_id(query_value(query_string, "id"))
        if job_id is None:
            raise BadRequest("Invalid job id", reason="job_id")
        return job_id

    def _lookup(self, job_id: str) -> tuple[PipelineState, JobFate] | None:
        """A job by id: fixtures and client changes first, then the generated sets."""
        job = self.jobs.get(job_id)
        if job is not None:
            state = self.state_of(job.pipeline)
            return state, state.schedule.fates[job_id]
        found = self.catalogue.generated(job_id)
        if found is None:
            return None
        generated, index = found
        state = self.state_of(generated.pipeline.name)
        fate = state.generated_fate(index, job_id)
        return (state, fate) if fate is not None else None

    def _find(self, job_id: str, now: int) -> tuple[Pipeline, JobFate]:
        found = self._lookup(job_id)
        if found is not None and found[0].visible(found[1], now):
            return found[0].pipeline, found[1]
        raise NotFound("Job not found", reason="job")

    # --- reads ---------------------------------------------------------------------------------

    def list_pipelines(self) -> bytes:
        now = self._now()
        items = render.pipelines_json(
            (name, state.resolve(now).accepted, state.is_running(now))
            for name, state in ((name, self.state_of(name)) for name in self.pipelines)
        )
        return render.document('{"pipelines":' + items + "}")

    def pipelines_jobs(self) -> Iterator[str]:
        """The document in parts: every job is computed when its turn comes (no paging in
        prunner, so a million generated jobs are streamed, never held)."""
        now = self._now()
        states = [self.state_of(name) for name in self.pipelines]
        pipelines = render.pipelines_json(
            (s.pipeline.name, s.resolve(now).accepted, s.is_running(now)) for s in states
        )
        yield '{"pipelines":' + pipelines + ',"jobs":['
        merged = heapq.merge(
            *(zip(repeat(s.pipeline), s.jobs(now)) for s in states),
            key=lambda pair: (-pair[1].created, -pair[1].job.seq),
        )
        for number, (pipeline, fate) in enumerate(merged):
            yield ("," if number else "") + self.job_json(fate, pipeline, now)
        yield "]}\n"

    def job_json(self, fate: JobFate, pipeline: Pipeline, now: int) -> str:
        span = fate.span(now)
        text = fate.rendered.get(span)
        if text is None:
            text = render.job_json(fate, pipeline, now, self.data.success_exit_code)
            fate.rendered[span] = text
        return text

    def job_detail(self, query_string: str) -> bytes:
        revision, now = self.store.revision, self._now()
        pipeline, fate = self._find(self._job_id(query_string), now)
        canceled, completed = fate.canceled(now), fate.completed(now)
        state = "canceled" if canceled else "completed" if completed else "in progress"
        note_served(str(fate.job.job_id), state, canceled or completed)
        if (canceled or completed) and not pipeline.retention_count:
            # A finished job reads the same until its retention period removes it (a job still
            # going moves with the pipeline's queue, and the count with newer jobs: not kept).
            period = pipeline.retention_period
            note_kept(
                revision, from_micros(now), from_micros(fate.created + period) if period else None
            )
        return render.document(self.job_json(fate, pipeline, now))

    def job_logs(self, query_string: str) -> bytes:
        now = self._now()
        job_id = self._job_id(query_string)
        task_name = query_value(query_string, "task")
        if not task_name:
            raise BadRequest("Invalid task name", reason="task")
        pipeline, fate = self._find(job_id, now)
        found = render.task_named(fate, pipeline, task_name, now)
        if found is None:
            raise NotFound("Task not found", reason="task")
        _, run = found
        return render.document(
            render.logs(run, task_name, now, lambda name: self.output(fate.job, pipeline, name))
        )

    def output(self, job: PrunnerJob, pipeline: Pipeline, task: str) -> tuple[str, str]:
        """A task's whole stdout and stderr for ``job``: the fixture's, or generated once."""
        if task == ON_ERROR and pipeline.on_error is not None:
            outcome = job.on_error
        else:
            index = next(i for i, t in enumerate(pipeline.tasks) if t.name == task)
            outcome = job.outcomes[index]
        assert outcome is not None
        if outcome.stdout is not None and (outcome.stderr is not None or not outcome.exit_code):
            return outcome.stdout, outcome.stderr or ""
        key = (job.job_id, task, outcome.exit_code != 0)
        generated = self._outputs.get(
            key, lambda: generated_output(self.generator, job.job_id, task, outcome.exit_code)
        )
        stdout = outcome.stdout if outcome.stdout is not None else generated[0]
        stderr = outcome.stderr if outcome.stderr is not None else generated[1]
        return stdout, stderr

    # --- writes --------------------------------------------------------------------------------

    def schedule(self, user: str, raw_body: bytes, tasks_header: str | None = None) -> bytes:
        try:
            name, variables = schedule_request(golang.first_value(raw_body))
        except golang.DecodeError as exc:
            raise BadRequest(f"Error decoding JSON: {exc}", reason="body") from None
        if name not in self.pipelines:
            raise BadRequest(
                f"Error scheduling pipeline: pipeline {golang.quote(name)} is not defined",
                reason="pipeline",
            )
        overrides = self._tasks_header(tasks_header)
        with self.store.lock:
            now = self.store.clock.now()
            action = self.state_of(name).resolve(micros(now))
            if not action.accepted:
                raise BadRequest(f"Error scheduling pipeline: {action.value}", reason="queue")
            self.store.count_created("prunner")
            self._scheduled += 1
            job_id = self.generator.rng("prunner", "scheduled", self._scheduled).uuid4()
            fixture = JobFixture.model_construct(
                id=job_id, pipeline=name, user=user, variables=variables, tasks=overrides
            )
            try:
                job = job_record(
                    fixture,
                    self.pipelines,
                    self.generator,
                    id_key=(),
                    seq=self._next_seq(),
                    created=now,
                )
            except Invalid as exc:
                raise BadRequest(f"X-Jobmock-Tasks: {exc.message}", reason="tasks") from None
            state = self._admit(job)
            self.jobs.put(job.job_id, job)
            self._states[name] = state
        return render.document('{"jobId":"' + job.job_id + '"}')

    def _admit(self, job: PrunnerJob) -> PipelineState:
        """The state of ``job``'s pipeline once it is in (a 400 if the generated jobs it would
        meet are too many to simulate: a clock set far back, a job that never ends)."""
        others = [
            j for j in self.jobs.values() if j.pipeline == job.pipeline and j.job_id != job.job_id
        ]
        try:
            return self._build(job.pipeline, [*others, job], also_changed=job.job_id)
        except Tangled as exc:
            raise BadRequest(exc.message, reason="generated") from None

    @staticmethod
    def _tasks_header(value: str | None) -> dict[str, Outcome]:
        if not value:
            return {}
        try:
            return _OUTCOMES.validate_json(value)
        except ValidationError as exc:
            raise BadRequest(f"X-Jobmock-Tasks: {describe_problems(exc)}", reason="tasks") from None

    def cancel(self, query_string: str) -> bytes:
        with self.store.lock:
            now = self._now()
            _, fate = self._find(self._job_id(query_string), now)
            if fate.canceled(now):
                return TRUE
            if fate.completed(now):
                raise ServerError("Error canceling job", reason="completed")
            job = fate.job.canceled(now, self._next_seq())
            self.jobs.put(job.job_id, job)
            self._changed(job.pipeline)
            self._changed_generated(job.job_id)
        return TRUE

    # --- control API ---------------------------------------------------------------------------

    def find_job(self, job_id: str) -> PrunnerJob | None:
        found = self._lookup(parse_job_id(job_id) or job_id)
        return found[1].job if found is not None else None

    def record_job(self, doc: Mapping[str, Any]) -> PrunnerJob:
        fixture = validate_document(JobFixture, doc)
        return job_record(
            fixture,
            self.pipelines,
            self.generator,
            id_key=("control", self._seq),
            seq=self._next_seq(),
            created=self.store.clock.now(),
        )

    def keep_job(self, job: PrunnerJob) -> None:
        trial = self._admit(job)
        refused = trial.schedule.fates[job.job_id].refused
        if refused is not None:
            raise BadRequest(f"Error scheduling pipeline: {refused.value}", reason="queue")
        previous = self.jobs.get(job.job_id)
        self.jobs.put(job.job_id, job)
        self._changed(job.pipeline)
        if previous is not None:
            self._changed(previous.pipeline)
        self._changed_generated(job.job_id)

    def _changed_generated(self, job_id: str) -> None:
        """A generated job a client changed is explicit (or deleted) from now on."""
        for name, generated in self.sets.items():
            index = generated.index_of(job_id)
            if index is not None:
                self._touched[name].add(index)
                self._changed(name)

    def drop_job(self, job: PrunnerJob) -> None:
        self.jobs.delete(job.job_id, exists=True)
        self._changed(job.pipeline)
        self._changed_generated(job.job_id)
