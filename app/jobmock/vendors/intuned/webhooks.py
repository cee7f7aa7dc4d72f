"""Intuned's webhooks and result downloads, on top of the backend's state.

- The webhook ``sink`` gets one POST per API run (payload) as it completes, its body the
  documented sink body; ``apisToSend`` keeps only those APIs, ``skipOnFail`` skips failed ones.
- Each of ``notifications`` gets one POST when a run reaches a terminal state, its body the run
  as getJobRun answers it then (inferred: Intuned documents no notification body).
- ``results.signed_url`` points at this jobmock (``core.storage``), which serves the results
  document until ``signed_url_expiration``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from jobmock.core.errors import NotFound
from jobmock.core.generate import Generator
from jobmock.core.inspection import JobInspection
from jobmock.core.storage import Signer
from jobmock.core.store import Store
from jobmock.core.webhooks.model import WebhookEvent
from jobmock.vendors.intuned import render
from jobmock.vendors.intuned import results as r
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.generated import GeneratedSet
from jobmock.vendors.intuned.loader import VENDOR, IntunedData
from jobmock.vendors.intuned.records import WITH_RESULTS, IntunedJob, JobConfig, RunRecord
from jobmock.vendors.intuned.render import RunView
from jobmock.vendors.intuned.state import JobState

#: Result URLs are signed when a client reads the run (or a notification is sent), for this long.
RESULTS_VALID_FOR = timedelta(hours=1)
#: Result sizes kept (a cache: dropped whole when full).
SIZES_KEPT = 10_000


def _calls_back(config: JobConfig) -> bool:
    return isinstance(config.sink, s.WebhookSink) or bool(config.notifications)


class IntunedWebhooks(JobState):
    def __init__(
        self,
        data: IntunedData,
        store: Store,
        generator: Generator,
        sets: Sequence[GeneratedSet] = (),
    ) -> None:
        super().__init__(data, store, generator, sets)
        self.signer = Signer(generator.rng(VENDOR, "storage").base36(32).encode())
        self.public_root = "http://jobmock"
        """This jobmock's URL as clients last reached it, for results sent in notifications."""
        self._sizes: dict[tuple[str, str, int | None, int | None], int] = {}

    def inspect(self, job_id: str) -> JobInspection | None:
        """For the control API: here, since a finished run's document carries its results."""
        from jobmock.vendors.intuned.inspection import inspect

        return inspect(self, job_id)

    # --- results ---------------------------------------------------------------------------------

    def results_of(self, v: RunView, job: IntunedJob, root: str) -> s.Results | None:
        """A finished run's results, signed from ``v.now`` for an hour."""
        if not v.finished:
            return None
        if v.run.results is not None:
            return v.run.results
        if not v.run.results_generated or v.status not in WITH_RESULTS:
            return None
        where = r.object_key(job, v.run.id)
        return s.Results(
            signed_url=self.signer.sign(root, VENDOR, where, v.now, RESULTS_VALID_FOR),
            signed_url_expiration=render.ts(v.now + RESULTS_VALID_FOR),
            size=self._size(v, job),
            key=f"results/{v.run.id}.json",
            format="json",
        )

    def _size(self, v: RunView, job: IntunedJob) -> int:
        key = (job.uid, v.run.id, v.counts[1], v.counts[2])
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) >= SIZES_KEPT:
                self._sizes.clear()
            size = self._sizes[key] = len(r.document(job, v))
        return size

    def stored_object(self, key: str, now: datetime) -> bytes | None:
        """The results document at ``key`` (``{workspace}/{project}/{job}/results/{run}.json``)."""
        parts = key.split("/")
        if len(parts) != 5 or parts[3] != "results" or not parts[4].endswith(".json"):
            return None
        job = self._lookup((parts[0], parts[1], parts[2]))
        if job is None:
            return None
        try:
            view = self._find(job, parts[4].removesuffix(".json"), now)
        except NotFound:
            return None
        if self.results_of(view, job, "") is None or view.run.results is not None:
            return None
        return r.document(job, view)

    # --- webhooks --------------------------------------------------------------------------------

    def webhook_events(self, since: datetime, until: datetime) -> list[WebhookEvent]:
        events: list[WebhookEvent] = []
        for job in list(self.jobs.values()):
            if not any(_calls_back(era.config) for era in job.eras):
                continue
            for run in self._explicit(job, until):
                snapshot = run.snapshot
                if isinstance(snapshot.sink, s.WebhookSink) or snapshot.notifications:
                    view = self._view(run, until)
                    events.extend(self._sink_events(job, view, snapshot.sink, since, until))
                    events.extend(self._notifications(job, view, since, until))
        return events

    def _sink_events(
        self,
        job: IntunedJob,
        view: RunView,
        sink: s.WebhookSink | s.S3Sink | None,
        since: datetime,
        until: datetime,
    ) -> list[WebhookEvent]:
        if not isinstance(sink, s.WebhookSink):
            return []
        run = view.run
        events = []
        for api_run in r.api_runs(view):
            if not since < api_run.at <= until or (api_run.failed and sink.skipOnFail):
                continue
            body = r.sink_body(job, run, api_run)
            if sink.apisToSend is not None and body["apiInfo"]["name"] not in sink.apisToSend:
                continue
            key = (VENDOR, job.uid, run.id, "sink", str(api_run.number))
            events.append(self._event(key, api_run.at, sink, body, "sink", job, run))
        return events

    def _notifications(
        self, job: IntunedJob, view: RunView, since: datetime, until: datetime
    ) -> list[WebhookEvent]:
        ended = view.end_time
        targets = view.run.snapshot.notifications
        if not targets or ended is None or not since < ended <= until:
            return []
        moment = self._view(view.run, ended)
        found = self.results_of(moment, job, self.public_root)
        document = render.run_document(moment, job, found)
        body = json.loads(document.model_dump_json(exclude_unset=True))
        return [
            self._event(
                (VENDOR, job.uid, view.run.id, "notification", str(number)),
                ended,
                target,
                body,
                "notification",
                job,
                view.run,
            )
            for number, target in enumerate(targets)
        ]

    @staticmethod
    def _event(
        key: tuple[str, ...],
        at: datetime,
        target: s.WebhookSink | s.Notification,
        body: object,
        kind: str,
        job: IntunedJob,
        run: RunRecord,
    ) -> WebhookEvent:
        headers = dict(target.headers or {})
        return WebhookEvent(key, at, target.url, headers, body, kind, VENDOR, job.id, run.id)
