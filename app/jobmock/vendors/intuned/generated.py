"""Intuned jobs generated from an index (a ``generate:`` block): each with its configuration,
schedule and a history of past runs, all derived from (app seed, set, job index, run index) and
computed when asked for.

Job ``j`` gets a schedule interval (or none: its runs were triggered by hand) and a state from an
exact weighted mix (``BlockMix``), the rest of its document from a generator seeded by ``j``. Its
``runs`` past runs go back from server start, newest first: a scheduled job's on the ticks of its
schedule (multiples of ``every`` from the Unix epoch, where its later runs fire too), a job run by
hand's about ``manual_every`` apart. A run lasts at most 40 % of the interval, so runs of a job
never overlap and every time of a run falls as ``r`` rises. How run ``r`` ends comes from a
second mix, shifted per job; its counters follow from that and the job's payload count. Ids map
back to indices in O(1): job ids carry their index (``IdCodec``), run ids are decoded with the
codec of the job named in the path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jobmock.core.cache import LRU
from jobmock.core.clock import EPOCH
from jobmock.core.durations import format_duration, parse_duration
from jobmock.core.export import Span
from jobmock.core.fixture_files import FixtureError, Invalid, SetError
from jobmock.core.generate import Generator, derive_seed
from jobmock.core.generated_sets import BlockMix, IdCodec
from jobmock.core.lifecycle import Step, Timeline
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.fixture_jobs import API_NAMES, find_project, job_config
from jobmock.vendors.intuned.fixture_models import GenerateFixture
from jobmock.vendors.intuned.loader import IntunedData
from jobmock.vendors.intuned.outcomes import VARIANTS, Kind
from jobmock.vendors.intuned.records import (
    DEFAULT_RUN_TIMELINE,
    Era,
    IntunedJob,
    Project,
    RunRecord,
    timed_run,
)

#: Built jobs, plans, run codecs and runs kept (bounded: memory stays flat whatever the count).
_CACHED = 1024
#: Words generated job ids start with (Intuned job ids are slugs their users choose).
WORDS = (
    "price-monitor",
    "product-catalog",
    "inventory-sync",
    "competitor-prices",
    "job-listings",
    "property-listings",
    "news-digest",
    "review-scraper",
    "lead-enrichment",
    "invoice-download",
    "order-status",
    "stock-check",
    "menu-sync",
    "event-calendar",
    "flight-fares",
    "hotel-rates",
)
HOSTS = ("shop.example.com", "store.example.org", "market.example.net", "catalog.example.io")
PAUSED = s.JobReason(type="paused", message="Job paused by user request.")
DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Plan:
    """What is decided per job before any document is built: cheap, hash-derived."""

    index: int
    job_id: str
    every: float
    scheduled: bool
    paused: bool
    lead: float
    """Run 0 was created at least this many seconds before server start."""
    late: float
    """A job run by hand: how much later still."""
    payloads: int
    shortest: float
    longest: float
    shift: int
    """Where this job's runs start in the run mix."""
    key: int

    def created(self, r: int, epoch: datetime) -> datetime:
        """When run ``r`` was created, for a server started at ``epoch`` (falls as ``r`` rises)."""
        if self.scheduled:
            ahead = ((epoch - EPOCH).total_seconds() - self.lead) / self.every
            return EPOCH + timedelta(seconds=(math.floor(ahead) - r) * self.every)
        # Triggered by hand: about one interval apart, up to half of one early.
        early = (derive_seed(self.key, "early", r) % 1_000_000) / 1_000_000 * self.every / 2
        return epoch - timedelta(seconds=round(self.lead + self.late + r * self.every + early, 6))

    def near(self, moment: datetime, epoch: datetime) -> int:
        """About the index of the run created at ``moment`` (off by at most two)."""
        if self.scheduled:
            ahead = ((epoch - EPOCH).total_seconds() - self.lead) / self.every
            estimate = math.floor(ahead) - (moment - EPOCH).total_seconds() / self.every
        else:
            gone = (epoch - moment).total_seconds() - self.lead - self.late
            estimate = gone / self.every
        return max(0, math.ceil(min(estimate, 1 << 62)))

    def duration(self, r: int) -> float:
        frac = (derive_seed(self.key, "length", r) % 1_000_000) / 1_000_000
        return round(self.shortest + frac * (self.longest - self.shortest), 3)


class GeneratedSet:
    def __init__(
        self, spec: GenerateFixture, project: Project, number: int, generator: Generator
    ) -> None:
        self.spec = spec
        self.project = project
        self.number = number
        """Its position among the app's sets (generated jobs carry it in ``origin``)."""
        self.generator = generator
        key = ("intuned", generator.seed, spec.seed, project.workspace_id, project.name, spec.name)
        self.key = key
        self.codec = IdCodec(*key)
        self.options: list[float | None] = [parse_duration(e) for e in spec.schedules]
        weights = list(spec.schedules.values())
        if spec.manual:
            self.options.append(None)
            weights.append(spec.manual)
        self.jobs_mix = BlockMix(
            [w * share for w in weights for share in (100 - spec.paused, spec.paused)], *key, "jobs"
        )
        self.kinds: list[Kind] = []
        run_weights = []
        for status, weight in spec.results.items():
            variants = VARIANTS.get(status, 1)
            for variant in range(variants):
                self.kinds.append(Kind(status, variant))
                run_weights.append(weight * 2 // variants)
        self.runs_mix = BlockMix(run_weights, *key, "runs")
        self._plans: LRU[int, Plan] = LRU(_CACHED)
        self._jobs: LRU[int, IntunedJob] = LRU(_CACHED)
        self._codecs: LRU[int, IdCodec] = LRU(_CACHED)
        self._runs: LRU[tuple[int, int, datetime], RunRecord] = LRU(_CACHED)

    @property
    def count(self) -> int:
        return self.spec.count

    @property
    def runs(self) -> int:
        return self.spec.runs

    # --- ids -------------------------------------------------------------------------------------

    def job_id(self, index: int) -> str:
        word = WORDS[derive_seed(*self.key, "word", index) % len(WORDS)]
        return f"{word}-{self.codec.base36(index, 12)}"

    def index_of(self, job_id: str) -> int | None:
        code = job_id.rpartition("-")[2]
        index = self.codec.index_of_base36(code, 12)
        if index is None or index >= self.count or self.job_id(index) != job_id:
            return None
        return index

    def _codec(self, index: int) -> IdCodec:
        return self._codecs.get(index, lambda: IdCodec(*self.key, "runs", index))

    def run_id(self, index: int, r: int) -> str:
        return "jr_" + self._codec(index).base36(r, 21)

    def run_index(self, index: int, run_id: str) -> int | None:
        if not run_id.startswith("jr_"):
            return None
        r = self._codec(index).index_of_base36(run_id[3:], 21)
        return r if r is not None and r < self.runs else None

    # --- one job ---------------------------------------------------------------------------------

    def plan(self, index: int) -> Plan:
        return self._plans.get(index, lambda: self._plan(index))

    def _plan(self, index: int) -> Plan:
        spec = self.spec
        h = derive_seed(*self.key, "plan", index)

        def draw(name: str, modulus: int) -> int:
            return derive_seed(h, name) % modulus

        category = self.jobs_mix.category(index)
        every = self.options[category // 2]
        paused = category % 2 == 1
        spacing = every if every is not None else spec.manual_every
        late = draw("late", 1_000_000) / 1_000_000 * spacing if every is None else 0.0
        pause = DAY * (1 + draw("pause", 14)) if paused else 0.0
        low, high = spec.payloads
        longest = min(spec.duration[1], 0.4 * spacing)
        return Plan(
            index=index,
            job_id=self.job_id(index),
            every=spacing,
            scheduled=every is not None,
            paused=paused,
            lead=spec.until + pause,
            late=late,
            payloads=low + draw("payloads", high - low + 1),
            shortest=min(spec.duration[0], longest),
            longest=longest,
            shift=draw("shift", 1 << 40) * self.runs_mix.block,
            key=h,
        )

    def job(self, index: int) -> IntunedJob:
        return self._jobs.get(index, lambda: self._build(index))

    def _build(self, index: int) -> IntunedJob:
        spec, plan = self.spec, self.plan(index)
        rng = self.generator.rng(*self.key, "job", index)
        host = rng.choice(HOSTS)
        payload = [
            s.PayloadItem(
                apiName=rng.choice(API_NAMES),
                parameters={"url": f"https://{host}/products/{rng.randint(1, 99_999)}"},
            )
            for _ in range(plan.payloads)
        ]
        configuration = spec.configuration or s.Configuration(
            retry=s.Retry(maximumAttempts=rng.choice((1, 2, 3, 3, 5))),
            maxConcurrentRequests=rng.choice((1, 2, 5, 5, 10)),
            requestTimeout=rng.choice((120, 300, 600, 600)),
        )
        schedule = None
        if plan.scheduled:
            schedule = s.Schedule(intervals=[s.Interval(every=format_duration(plan.every))])
        sink = spec.sink
        if sink is None and "sink" not in spec.model_fields_set and rng.random() < 0.3:
            sink = s.WebhookSink(type="webhook", url=f"https://hooks.example.com/{plan.job_id}")
        auth = spec.auth_session
        if auth is None and "auth_session" not in spec.model_fields_set and rng.random() < 0.25:
            auth = s.AuthSession(id=f"{plan.job_id.rsplit('-', 1)[0]}-session")
        config = job_config(
            payload, configuration, schedule, sink, spec.proxy, auth, spec.notifications
        )
        era = Era(0.0, config, paused=plan.paused, reason=PAUSED if plan.paused else None)
        before = (derive_seed(plan.key, "created") % 1_000_000) / 1_000_000 * plan.every
        project = self.project
        return IntunedJob(
            workspace_id=project.workspace_id,
            project=project,
            id=plan.job_id,
            uid=f"{project.workspace_id}/{project.name}/{plan.job_id}",
            eras=(era,),
            created_offset=-round(plan.lead + plan.late + self.runs * plan.every + before, 6),
            run_timeline=DEFAULT_RUN_TIMELINE,
            origin=(self.number, index),
        )

    # --- its runs --------------------------------------------------------------------------------

    def kind(self, plan: Plan, r: int) -> Kind:
        return self.kinds[self.runs_mix.category(r + plan.shift)]

    def run(self, index: int, r: int, epoch: datetime) -> RunRecord:
        return self._runs.get((index, r, epoch), lambda: self._run(index, r, epoch))

    def _run(self, index: int, r: int, epoch: datetime) -> RunRecord:
        plan, job = self.plan(index), self.job(index)
        config = job.eras[0].config
        kind = self.kind(plan, r)
        run_id = self.run_id(index, r)
        data = kind.ending(run_id, plan.payloads, config)
        if kind.status == "CANCELED":
            timeline = Timeline((Step("CANCELED", at=0.0, data=data),))
        else:
            ending = Step(kind.status, at=plan.duration(r), data=data)
            timeline = Timeline((Step("PENDING", at=0.0), ending))
        return timed_run(
            run_id,
            job.uid,
            "SCHEDULED" if plan.scheduled else "MANUAL",
            timeline,
            config.snapshot,
            plan.payloads,
            created_at=plan.created(r, epoch),
        )

    def ended(self, plan: Plan, r: int, epoch: datetime) -> datetime:
        """When run ``r`` reaches its last step (the same sum its timeline makes)."""
        length = 0.0 if self.kind(plan, r).status == "CANCELED" else plan.duration(r)
        return plan.created(r, epoch) + timedelta(seconds=length)

    def bounds(self, plan: Plan, epoch: datetime, now: datetime) -> tuple[int, int]:
        """(first run created by ``now``, first run ended by ``now``): runs in between are
        still moving; the others have settled (or do not exist yet). O(1): the first is near
        the clock's estimate, and a run ends before the next one starts."""
        start = min(plan.near(now, epoch), self.runs)
        while start > 0 and plan.created(start - 1, epoch) <= now:
            start -= 1
        while start < self.runs and plan.created(start, epoch) > now:
            start += 1
        if start < self.runs and self.ended(plan, start, epoch) > now:
            return start, start + 1
        return start, start

    # --- export ----------------------------------------------------------------------------------

    def fixture(self, index: int) -> dict[str, Any]:
        """Job ``index`` as a plain fixture job, its runs' ``created_ago`` as a server started
        at a whole multiple of its interval (midnight UTC for intervals that divide a day) places
        them: loading it there renders the same documents."""
        job = self.job(index)
        config = job.config
        doc: dict[str, Any] = {"id": job.id, "project": job.project.name}
        if self.spec.workspace is not None:
            doc["workspace_id"] = job.workspace_id
        doc["created_ago"] = Span(-job.created_offset)
        doc["payload"] = s.plain(list(config.payload))
        doc["configuration"] = s.plain(config.configuration)
        for name in ("schedule", "sink", "proxy", "auth_session", "notifications"):
            value = getattr(config, name)
            if value is not None:
                doc[name] = s.plain(list(value) if isinstance(value, tuple) else value)
        if job.paused:
            doc["state"] = "PAUSED"
        doc["runs"] = [self._run_fixture(index, r) for r in reversed(range(self.runs))]
        return doc

    def _run_fixture(self, index: int, r: int) -> dict[str, Any]:
        run = self.run(index, r, EPOCH)
        steps = []
        for step in run.timeline.steps:
            out: dict[str, Any] = {
                "status": step.state,
                "at": Span(step.at) if step.at is not None else None,
            }
            for name, value in step.data.items():
                out[name] = s.plain(value)
            steps.append(out)
        ago = (EPOCH - run.anchor(EPOCH)).total_seconds()
        return {"id": run.id, "type": run.type, "created_ago": Span(ago), "timeline": steps}


def build_set(
    spec: GenerateFixture, data: IntunedData, generator: Generator, number: int = 0
) -> GeneratedSet:
    """One set; ``SetError`` names the field that is wrong."""
    if spec.workspace is not None and spec.workspace not in data.workspaces:
        raise SetError(("workspace",), f"unknown workspace {spec.workspace!r}")
    try:
        project = find_project(data, spec.project, spec.workspace)
    except Invalid as exc:
        raise SetError(exc.loc, exc.message) from None
    return GeneratedSet(spec, project, number, generator)


def load_sets(data: IntunedData, generator: Generator) -> list[GeneratedSet]:
    """The sets of the fixtures' ``generate:`` blocks; problems name file, line and field."""
    sets: list[GeneratedSet] = []
    problems = []
    seen: dict[tuple[str, str, str], str] = {}
    for file, i, spec in data.generate:
        loc: tuple[str | int, ...] = ("generate", i)
        try:
            generated = build_set(spec, data, generator, len(sets))
        except SetError as exc:
            problems.append(file.problem((*loc, *exc.loc), str(exc)))
            continue
        project = generated.project
        key = (project.workspace_id, project.name, spec.name)
        if key in seen:
            problems.append(
                file.problem(
                    (*loc, "name"),
                    f"a second set named {spec.name!r} in project {project.name!r} "
                    f"(first at {seen[key]})",
                )
            )
            continue
        seen[key] = f"{file.name}:{file.line_of(loc)}"
        sets.append(generated)
    if problems:
        raise FixtureError(problems)
    return sets
