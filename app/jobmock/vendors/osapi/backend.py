"""OSAPI rules: the request pipeline after routing (binding, then the JWT and its permissions,
then the handler), the job API, and the node operations that create jobs.

The backend takes plain values (the Authorization header, raw path values, query lists, raw
bodies) and returns bytes; it never sees a FastAPI request.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from jobmock.core import golang
from jobmock.core.catalogue import BuildsJobs, Catalogue
from jobmock.core.clock import from_micros
from jobmock.core.errors import NotFound
from jobmock.core.fixture_files import validate_document
from jobmock.core.generate import Generator, seeded_text
from jobmock.core.journal import note_kept, note_served
from jobmock.core.replays import IN_FLIGHT_KEPT, first_change
from jobmock.core.store import Store, Table
from jobmock.vendors.osapi import binding, inspection, nodes, render, targets
from jobmock.vendors.osapi.fixture_jobs import job_record
from jobmock.vendors.osapi.fixture_models import JobFixture
from jobmock.vendors.osapi.generated import GeneratedSet
from jobmock.vendors.osapi.jobs import new_job
from jobmock.vendors.osapi.jwt import tokens
from jobmock.vendors.osapi.jwt.permissions import COMMAND_EXECUTE, JOB_READ, JOB_WRITE, NODE_READ
from jobmock.vendors.osapi.jwt.security import Scopes
from jobmock.vendors.osapi.listing import list_jobs
from jobmock.vendors.osapi.loader import OsapiData
from jobmock.vendors.osapi.records import (
    API_HOST,
    LIST_FILTERS,
    Event,
    OsapiJob,
    Outcome,
    is_query,
    is_query_on_retry,
)

VENDOR = "osapi"
DEFAULT_PAGE_SIZE = 10
NODE_PERMISSIONS = {
    "node.hostname.get": NODE_READ,
    "node.status.get": NODE_READ,
    "command.shell.execute": COMMAND_EXECUTE,
}
_ALPHANUMERIC = string.ascii_letters + string.digits
#: Request ids drawn at once.
_IDS_DRAWN = 256
#: Rendered documents kept at most (keyed by job and how far it has got).
_CACHE_LIMIT = 4096
#: Job statuses a client keeps polling through (every other one is final).
IN_FLIGHT = frozenset({"submitted", "processing"})


class OsapiBackend:
    def __init__(
        self,
        data: OsapiData,
        store: Store,
        generator: Generator,
        key: str,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        self.data = data
        self.sets = tuple(sets)
        self.store = store
        self.generator = generator
        self.key = key.encode()
        self.jobs: Table[str, OsapiJob] = store.table(data.jobs)
        self.catalogue: Catalogue[OsapiJob, BuildsJobs[OsapiJob]]
        self.catalogue = Catalogue(self.jobs, self.sets, self, store.lock)
        self.lookup = self.catalogue.lookup
        self._documents: dict[tuple[str, int, int, int], tuple[OsapiJob, bytes, str]] = {}
        self.scopes = Scopes(self.key, data.roles, self.now)
        self._created = 0
        self._request_ids: list[bytes] = []
        self._id_blocks = 0
        self._revision = data.kv_writes
        # Request ids are only seeded answers' ids: each process draws its own.
        store.share(self, ("_created", "_revision"), caches=("_documents",))
        store.on_reset(self._on_reset)

    def _on_reset(self) -> None:
        self._created = 0
        self._request_ids.clear()
        self._id_blocks = 0
        self._revision = self.data.kv_writes
        self._documents.clear()

    def now(self) -> int:
        return golang.to_ns(self.store.clock.now())

    def epoch(self) -> int:
        return golang.to_ns(self.store.epoch)

    def request_id(self) -> bytes:
        """Echo's RequestID middleware: 32 random alphanumerics (seeded here, drawn 256 at a
        time: one hash for them all)."""
        ids = self._request_ids
        if not ids:
            self._id_blocks += 1
            key = f"{self.generator.seed}:{VENDOR}:requests:{self._id_blocks}"
            text = seeded_text(key, _ALPHANUMERIC, 32 * _IDS_DRAWN).encode()
            ids.extend(text[start : start + 32] for start in range(len(text) - 32, -1, -32))
        return ids.pop()

    def authorize(self, authorization: str | None, permission: str) -> tokens.Claims:
        return self.scopes.authorize(authorization, permission)

    # --- jobs ----------------------------------------------------------------------------------

    def _visible(self, job_id: str, now: int) -> tuple[OsapiJob, int] | None:
        job = self.lookup(job_id)
        if job is None:
            return None
        anchor = job.anchor(self.epoch())
        if job.ttl is not None and now >= anchor + job.ttl:
            return None  # the KV key expired
        return job, anchor

    def _found(self, job_id: str, now: int) -> tuple[OsapiJob, int]:
        found = self._visible(job_id, now)
        if found is None:
            raise NotFound(f"job not found: {job_id}", reason="job")
        return found

    inspect = inspection.inspect

    def get_job_by_id(self, raw_id: str, authorization: str | None) -> bytes:
        job_id = binding.job_id(raw_id)
        self.authorize(authorization, JOB_READ)
        revision, now = self.store.revision, self.now()
        job, anchor = self._found(job_id, now)
        key = (job_id, anchor, *render.reached(job, anchor, now))
        cached = self._documents.get(key)
        if cached is None or cached[0] is not job:
            snapshot = render.snapshot(job, anchor, now)
            document = golang.body(render.detail(job, anchor, snapshot))
            if len(self._documents) >= _CACHE_LIMIT:
                self._documents.clear()
            cached = self._documents[key] = (job, document, snapshot.status)
        status = cached[2]
        note_served(job_id, status, status not in IN_FLIGHT)
        change = render.next_change(job, anchor, now)
        note_kept(
            revision,
            from_micros(now // 1000),
            None if change is None else from_micros(change // 1000),
        )
        return cached[1]

    def get_jobs(
        self,
        query: Mapping[str, Sequence[str]],
        authorization: str | None,
        params: str = "GetJobParams",
    ) -> bytes:
        """``params``: the Go type validation errors name (``GetJobsParams`` on the later
        ``/api`` paths, spec/osapi.md §9.5)."""
        revision = self.store.revision
        status = binding.query_str(query, "status")
        limit = binding.query_int(query, "limit")
        offset = binding.query_int(query, "offset")
        self.authorize(authorization, JOB_READ)
        problems = []
        if status is not None and status not in LIST_FILTERS:
            problems.append(binding.validator_error(params, "Status", "oneof"))
        if limit is not None and not 1 <= limit <= 100:
            problems.append(binding.validator_error(params, "Limit", "min" if limit < 1 else "max"))
        if offset is not None and offset < 0:
            problems.append(binding.validator_error(params, "Offset", "min"))
        if problems:
            raise binding.bad_request("; ".join(problems))
        now = self.now()
        explicit = [
            found for job_id in list(self.jobs.keys()) if (found := self._visible(job_id, now))
        ]
        page = list_jobs(
            explicit,
            self.sets,
            self.jobs.changed_keys() if self.sets else (),
            epoch=self.epoch(),
            now=now,
            status=status or None,
            offset=offset or 0,
            limit=DEFAULT_PAGE_SIZE if limit is None else limit,
        )
        self._note_list_window(revision, now, explicit)
        return golang.body(page)

    def _note_list_window(
        self, revision: int, now: int, explicit: list[tuple[OsapiJob, int]]
    ) -> None:
        """A list read at ``now`` (any filter, any page) holds until one of the jobs reads
        differently on the clock alone (an event, a reply, a key's expiry) or a generated one is
        created: kept until then (``core.replays``), unless too many are under way to tell."""
        epoch = self.epoch()
        changes = [render.next_change(job, anchor, now) for job, anchor in explicit]
        for generated in self.sets:
            start, settled = generated.window(epoch, now)
            if settled - start > IN_FLIGHT_KEPT:
                return
            for index in range(start, settled):
                anchor = generated.created(index, epoch)
                changes.append(render.next_change(generated.job(index), anchor, now))
            if start > 0:
                changes.append(generated.created(start - 1, epoch))
        change = first_change(changes, now)
        until = None if change is None else from_micros(change // 1000)
        note_kept(revision, from_micros(now // 1000), until)

    def delete_job_by_id(self, raw_id: str, authorization: str | None) -> None:
        job_id = binding.job_id(raw_id)
        self.authorize(authorization, JOB_WRITE)
        with self.store.lock:
            self._found(job_id, self.now())
            self.jobs.delete(job_id, exists=True)  # a generated job lives outside the table

    def retry_job_by_id(
        self,
        raw_id: str,
        raw_body: bytes,
        content_type: str | None,
        authorization: str | None,
        outcomes_header: str | None = None,
    ) -> bytes:
        job_id = binding.job_id(raw_id)
        body = binding.bind_body(
            raw_body, content_type, binding.RETRY_FIELDS, "gen.RetryJobRequest"
        )
        self.authorize(authorization, JOB_WRITE)
        outcomes = nodes.parse_outcomes(outcomes_header)
        target = body.get("target_hostname")
        if target is not None and target != "" and not targets.is_valid(target, self.data.agents):
            raise binding.bad_request(
                binding.validator_error("RetryJobRequest", "TargetHostname", "valid_target")
                + ": "
                + targets.not_found_hint(target)
            )
        with self.store.lock:
            now = self.now()
            original, anchor = self._found(job_id, now)
            if original.operation is None:
                raise binding.bad_request(f"job has no operation data: {job_id}")
            kind = original.operation_type or ""
            job, revision = self._create(
                original.operation,
                target or targets.ANY,
                now,
                not is_query_on_retry(kind),
                submitted=True,
                outcomes=outcomes,
            )
            retried = Event(now - anchor, "retried", API_HOST, new_job_id=job.job_id)
            self.jobs.put(job_id, original.with_event(retried))
            self._revision += 1
        return golang.body(
            {
                "job_id": job.job_id,
                "revision": revision,
                "status": "created",
                "timestamp": golang.rfc3339(now),
            }
        )

    def _create(
        self,
        operation: Mapping[str, Any],
        target: str,
        now: int,
        modify: bool,
        submitted: bool = False,
        outcomes: Mapping[str, Outcome] | None = None,
    ) -> tuple[OsapiJob, int]:
        """A new job, stored, and the KV revision of its ``jobs.<id>`` key (every key a job
        writes counts one revision; jobmock counts them all when the job is created)."""
        self.store.count_created(VENDOR)
        self._created += 1
        job_id = self.generator.rng(VENDOR, "job", self._created).uuid4()
        job = new_job(
            job_id,
            operation,
            target,
            self.data,
            self.generator,
            created=now,
            epoch=self.epoch(),
            modify=modify,
            submitted=submitted,
            ttl=self.data.job_ttl,
            outcomes=outcomes,
        )
        self.jobs.put(job_id, job)
        revision = self._revision + 1
        self._revision += 1 + len(job.events) + len(job.replies)
        return job, revision

    # --- node operations -----------------------------------------------------------------------

    def node_operation(
        self,
        operation: str,
        raw_hostname: str,
        authorization: str | None,
        raw_body: bytes = b"",
        content_type: str | None = None,
        outcomes_header: str | None = None,
    ) -> bytes:
        """``GET /node/{hostname}/hostname``, ``GET /node/{hostname}``,
        ``POST /node/{hostname}/command/shell``: publish a job and answer with its results."""
        try:
            hostname = binding.path_unescape(raw_hostname)
        except ValueError as exc:
            raise binding.echo_error(
                "Invalid format for parameter hostname: error unescaping path parameter "
                f"'hostname': {exc}"
            ) from None
        body: dict[str, Any] = {}
        if operation == "command.shell.execute":
            body = binding.bind_body(
                raw_body, content_type, binding.SHELL_FIELDS, "gen.CommandShellRequest"
            )
        self.authorize(authorization, NODE_PERMISSIONS[operation])
        outcomes = nodes.parse_outcomes(outcomes_header)
        if not targets.is_valid(hostname, self.data.agents):
            raise binding.bad_request(
                "Key: '' Error:Field validation for '' failed on the 'valid_target' tag: "
                + targets.not_found_hint(hostname)
            )
        data: dict[str, Any] = {}
        if operation == "command.shell.execute":
            data = nodes.shell_data(body)
        with self.store.lock:
            job, _ = self._create(
                {"data": data, "type": operation},
                hostname,
                self.now(),
                not is_query(operation),
                outcomes=outcomes,
            )
        return golang.body(nodes.collect(job, operation))

    # --- control API ---------------------------------------------------------------------------

    def find_job(self, job_id: str) -> OsapiJob | None:
        return self.lookup(job_id)

    def record_job(self, doc: Mapping[str, Any]) -> OsapiJob:
        fx = validate_document(JobFixture, doc)
        id_key = ("control", len(self.jobs))
        return job_record(fx, self.data, self.generator, id_key=id_key, now=self.now())

    def keep_job(self, job: OsapiJob) -> None:
        self.jobs.put(job.job_id, job)

    def drop_job(self, job: OsapiJob) -> None:
        self.jobs.delete(job.job_id, exists=True)
