"""prunner rules: the token, the six endpoints, and the control API.

The backend takes plain values (the Authorization header and cookies, raw query strings, raw
bodies) and returns the bytes prunner would write; it never sees a FastAPI request. Job state is
read from each pipeline's schedule (``schedule.py``), recomputed only when a client schedules,
cancels, adds or deletes a job, never on a timer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from jobmock.core.auth import BearerJWT
from jobmock.core.errors import BadRequest, NotFound, ServerError
from jobmock.core.fixtures import describe_error, format_loc
from jobmock.core.generate import Generator
from jobmock.core.journal import note_served
from jobmock.core.store import Store, Table
from jobmock.vendors.prunner import gojson, render
from jobmock.vendors.prunner.fixtures import JobFixture, Outcome
from jobmock.vendors.prunner.loader import Invalid, PrunnerData, job_record
from jobmock.vendors.prunner.params import parse_job_id, query_value, schedule_request
from jobmock.vendors.prunner.records import ON_ERROR, Pipeline, PrunnerJob
from jobmock.vendors.prunner.schedule import JobFate, PipelineSchedule, simulate
from jobmock.vendors.prunner.texts import generated_output

TRUE = b"true\n"
_OUTCOMES = TypeAdapter(dict[str, Outcome])


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = format_loc(err["loc"])
        parts.append(f"{where}: {describe_error(err)}" if where else describe_error(err))
    return "; ".join(parts)


class PrunnerBackend:
    def __init__(self, data: PrunnerData, store: Store, generator: Generator, secret: str) -> None:
        self.data = data
        self.pipelines = data.pipelines
        self.store = store
        self.generator = generator
        self.auth = BearerJWT(secret, store.clock.now, cookie="jwt")
        self.jobs: Table[str, PrunnerJob] = store.table(data.jobs)
        self._first_seq = len(data.jobs)
        self._seq = self._first_seq
        self._scheduled = 0
        self._schedules: dict[str, PipelineSchedule] = {}
        self._outputs: dict[tuple[str, str, bool], tuple[str, str]] = {}
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._seq = self._first_seq
        self._scheduled = 0
        self._schedules.clear()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _now(self) -> int:
        return gojson.micros(self.store.clock.now())

    # --- auth ----------------------------------------------------------------------------------

    def authenticate(self, authorization: str | None, cookies: Mapping[str, str]) -> str:
        """The user a valid token names (its ``sub``, or ``""``); ``Unauthorized`` otherwise."""
        claims = self.auth.authenticate(authorization, cookies)
        subject = claims.get("sub")
        return subject if isinstance(subject, str) else ""

    # --- schedules -----------------------------------------------------------------------------

    def schedule_of(self, name: str) -> PipelineSchedule:
        schedule = self._schedules.get(name)
        if schedule is None:
            with self.store.lock:
                jobs = [job for job in self.jobs.values() if job.pipeline == name]
                epoch = gojson.micros(self.store.epoch)
                schedule = self._schedules[name] = simulate(self.pipelines[name], jobs, epoch)
        return schedule

    def _changed(self, pipeline: str) -> None:
        self._schedules.pop(pipeline, None)

    @staticmethod
    def visible(fate: JobFate, pipeline: Pipeline, now: int) -> bool:
        """False once ``retention_period`` or ``retention_count`` removed a finished job."""
        if not (fate.completed(now) or fate.canceled(now)):
            return True
        if pipeline.retention_period and now - fate.created > pipeline.retention_period:
            return False
        return not (pipeline.retention_count and fate.index >= pipeline.retention_count)

    def _job_id(self, query_string: str) -> str:
        job_id = parse_job_id(query_value(query_string, "id"))
        if job_id is None:
            raise BadRequest("Invalid job id", reason="job_id")
        return job_id

    def _find(self, job_id: str, now: int) -> tuple[Pipeline, JobFate]:
        job = self.jobs.get(job_id)
        if job is not None:
            pipeline = self.pipelines[job.pipeline]
            fate = self.schedule_of(job.pipeline).fates[job_id]
            if self.visible(fate, pipeline, now):
                return pipeline, fate
        raise NotFound("Job not found", reason="job")

    # --- reads ---------------------------------------------------------------------------------

    def list_pipelines(self) -> bytes:
        now = self._now()
        items = render.pipelines_json(map(self.schedule_of, self.pipelines), now)
        return render.document('{"pipelines":' + items + "}")

    def pipelines_jobs(self) -> bytes:
        now = self._now()
        schedules = [self.schedule_of(name) for name in self.pipelines]
        fates = [
            (fate, s.pipeline)
            for s in schedules
            for fate in s.fates.values()
            if self.visible(fate, s.pipeline, now)
        ]
        fates.sort(key=lambda pair: (pair[0].created, pair[0].job.seq), reverse=True)
        jobs = ",".join(self.job_json(fate, p, now) for fate, p in fates)
        pipelines = render.pipelines_json(schedules, now)
        return render.document('{"pipelines":' + pipelines + ',"jobs":[' + jobs + "]}")

    def job_json(self, fate: JobFate, pipeline: Pipeline, now: int) -> str:
        span = fate.span(now)
        text = fate.rendered.get(span)
        if text is None:
            text = render.job_json(fate, pipeline, now, self.data.success_exit_code)
            fate.rendered[span] = text
        return text

    def job_detail(self, query_string: str) -> bytes:
        now = self._now()
        pipeline, fate = self._find(self._job_id(query_string), now)
        canceled, completed = fate.canceled(now), fate.completed(now)
        state = "canceled" if canceled else "completed" if completed else "in progress"
        note_served(str(fate.job.job_id), state, canceled or completed)
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
        generated = self._outputs.get(key)
        if generated is None:
            generated = generated_output(self.generator, job.job_id, task, outcome.exit_code)
            self._outputs[key] = generated
        stdout = outcome.stdout if outcome.stdout is not None else generated[0]
        stderr = outcome.stderr if outcome.stderr is not None else generated[1]
        return stdout, stderr

    # --- writes --------------------------------------------------------------------------------

    def schedule(self, user: str, raw_body: bytes, tasks_header: str | None = None) -> bytes:
        try:
            name, variables = schedule_request(gojson.first_value(raw_body))
        except gojson.DecodeError as exc:
            raise BadRequest(f"Error decoding JSON: {exc}", reason="body") from None
        if name not in self.pipelines:
            raise BadRequest(
                f"Error scheduling pipeline: pipeline {gojson.quote(name)} is not defined",
                reason="pipeline",
            )
        overrides = self._tasks_header(tasks_header)
        with self.store.lock:
            now = self.store.clock.now()
            action = self.schedule_of(name).resolve(gojson.micros(now))
            if not action.accepted:
                raise BadRequest(f"Error scheduling pipeline: {action.value}", reason="queue")
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
            self.jobs.put(job.job_id, job)
            self._changed(name)
        return render.document('{"jobId":"' + job.job_id + '"}')

    @staticmethod
    def _tasks_header(value: str | None) -> dict[str, Outcome]:
        if not value:
            return {}
        try:
            return _OUTCOMES.validate_json(value)
        except ValidationError as exc:
            raise BadRequest(f"X-Jobmock-Tasks: {_describe(exc)}", reason="tasks") from None

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
        return TRUE

    # --- control API ---------------------------------------------------------------------------

    def add_job(self, doc: Mapping[str, Any]) -> str:
        try:
            fixture = JobFixture.model_validate(doc)
        except ValidationError as exc:
            raise BadRequest(_describe(exc), reason="fixture") from None
        with self.store.lock:
            try:
                job = job_record(
                    fixture,
                    self.pipelines,
                    self.generator,
                    id_key=("control", self._seq),
                    seq=self._next_seq(),
                    created=self.store.clock.now(),
                )
            except Invalid as exc:
                raise BadRequest(
                    f"{format_loc(exc.loc)}: {exc.message}", reason="fixture"
                ) from None
            others = [
                j
                for j in self.jobs.values()
                if j.pipeline == job.pipeline and j.job_id != job.job_id
            ]
            trial = simulate(
                self.pipelines[job.pipeline], [*others, job], gojson.micros(self.store.epoch)
            )
            refused = trial.fates[job.job_id].refused
            if refused is not None:
                raise BadRequest(f"Error scheduling pipeline: {refused.value}", reason="queue")
            previous = self.jobs.get(job.job_id)
            self.jobs.put(job.job_id, job)
            self._changed(job.pipeline)
            if previous is not None:
                self._changed(previous.pipeline)
        return job.job_id

    def job_ids(self, offset: int = 0) -> list[str]:
        return list(self.jobs.keys())[offset:]

    def job_count(self) -> int:
        return len(self.jobs)

    def delete_job(self, job_id: str) -> bool:
        with self.store.lock:
            job = self.jobs.get(parse_job_id(job_id) or job_id)
            if job is None:
                return False
            self.jobs.delete(job.job_id)
            self._changed(job.pipeline)
            return True
