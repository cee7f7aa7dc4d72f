"""OSAPI jobs generated from an index (a ``generate:`` block): ids, final statuses, targets,
operations and every agent's events, all derived from (app seed, set, index) when asked for.

Job ``i`` is created ``every`` seconds before job ``i - 1``; its final status comes from an exact
weighted mix (``BlockMix``), everything else from a generator seeded by ``i``. A job is first
written as a plain fixture job (``fixture(i)``: its operation, target and timeline of agent
events), then turned into a record by the same code that loads fixture files, so a generated job
and its exported twin (``jobmock generate osapi``) are one document by construction, and OSAPI's
own rules (``render.snapshot``) give the status its events stand for. Nothing is stored per job:
a detail request decodes the id back to ``i``; a list request pages through the set with
``core.paging`` and builds only the jobs it shows.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from jobmock.core.export import Span
from jobmock.core.fixture_files import FixtureError, SetError
from jobmock.core.generate import Generator, Rng, derive_seed
from jobmock.core.generated_sets import BlockMix, IdCodec, Schedule
from jobmock.core.paging import BulkSource
from jobmock.vendors.osapi.agent_runs import MS, SECOND, failure_text
from jobmock.vendors.osapi.fixture_jobs import job_record
from jobmock.vendors.osapi.fixture_models import GenerateFixture, JobFixture
from jobmock.vendors.osapi.loader import OsapiData
from jobmock.vendors.osapi.records import SKIPPED_ERROR, OsapiJob, Outcome, sanitize
from jobmock.vendors.osapi.shell import COMMANDS, shell_result
from jobmock.vendors.osapi.targets import ALL, ANY, label_of

#: Generated jobs kept built (bounded, so memory stays flat whatever the set's size).
_CACHED_JOBS = 1024
#: How long after its creation a generated job can still be moving, beyond its longest command:
#: acknowledging (25 ms), starting (2 ms) and reporting (1.5 ms) take less than this.
_SLACK = SECOND
#: Shell failures: the command ran and exited badly, or could not start at all.
SHELL_ERRORS = (
    "command execution failed: exit status 1",
    "command execution failed: exit status 100",
    "command execution failed: signal: killed",
)
NOT_STARTED = "command execution failed: fork/exec /bin/sh: permission denied"
#: A single-target job is sent to ``_any`` this often (else to the agent's hostname).
ANY_SHARE = 0.4


class GeneratedSet:
    def __init__(
        self,
        spec: GenerateFixture,
        hosts: Sequence[str],
        broadcasts: Sequence[tuple[str, tuple[str, ...]]],
        data: OsapiData,
        generator: Generator,
    ) -> None:
        self.spec = spec
        self.hosts = tuple(hosts)
        self.broadcasts = tuple(broadcasts)
        """(target, hostnames it reaches) for every ``_all`` or label reaching 2+ agents."""
        self.data = data
        self.generator = generator
        self.key = ("osapi", generator.seed, spec.seed, spec.name)
        self.codec = IdCodec(*self.key)
        weighted = [(s, w) for s, w in spec.statuses.items() if w > 0]
        self.statuses: tuple[str, ...] = tuple(s for s, _ in weighted)
        self.mix = BlockMix([w for _, w in weighted], *self.key)
        self.schedule = Schedule(datetime.min, spec.every, key=derive_seed(*self.key) & 0xFFFFFFFF)
        operations = [(op, w) for op, w in spec.operations.items() if w > 0]
        self.operations = tuple(op for op, _ in operations)
        self.operation_weights = tuple(w for _, w in operations)
        self.commands = tuple(spec.commands or COMMANDS)
        self.longest = round(spec.duration[1] * SECOND) + _SLACK
        self.job = lru_cache(maxsize=_CACHED_JOBS)(self._build)

    @property
    def count(self) -> int:
        return self.spec.count

    # --- ids and times -----------------------------------------------------------------------

    def index_of(self, job_id: str) -> int | None:
        index = self.codec.index_of_uuid(job_id)
        return index if index is not None and index < self.count else None

    def job_id(self, index: int) -> str:
        return self.codec.uuid(index)

    def status_of(self, index: int) -> str:
        """The status job ``index`` ends in."""
        return self.statuses[self.mix.category(index)]

    def created_ago(self, index: int) -> float:
        """Seconds from the job's creation to the server's start (the fixture's ``created_ago``)."""
        return round(self.spec.until + self.schedule.age(index), 6)

    def created(self, index: int, epoch: int) -> int:
        """When job ``index`` was created (ns), for an app started at ``epoch``: the list's key,
        the same value the fixture loader derives from ``created_ago``."""
        return epoch - round(self.created_ago(index) * SECOND)

    def first_at_or_before(self, moment: int, epoch: int) -> int:
        """The smallest index created at or before ``moment`` (ns); the jobs before it are
        newer."""
        gap = (epoch - moment) / SECOND - self.spec.until
        index = max(0, int(gap // self.spec.every) - 1)
        while index > 0 and self.created(index - 1, epoch) <= moment:
            index -= 1
        while self.created(index, epoch) > moment:
            index += 1
        return index

    # --- one job -----------------------------------------------------------------------------

    def _build(self, index: int) -> OsapiJob:
        fx = JobFixture.model_validate(self.fixture(index))
        # Its status and responses are checked when an exported twin is loaded (and in tests).
        return job_record(fx, self.data, self.generator, id_key=(), check=False)

    def fixture(self, index: int) -> dict[str, Any]:
        """Job ``index`` as a plain fixture job: loading it renders the same documents."""
        status = self.status_of(index)
        rng = self.generator.rng(*self.key, index)
        kind = rng.choices(self.operations, self.operation_weights)[0]
        command = rng.choice(self.commands) if kind == "command.shell.execute" else None
        target, hosts = self._target(status, rng)
        outcomes = _outcomes(status, hosts, rng)
        events: list[tuple[int, str, str, str | None]] = []
        responses: dict[str, Any] = {}
        for host in hosts:
            ack = rng.randint(2 * MS, 25 * MS)
            begun = ack + rng.randint(200_000, 2 * MS)
            outcome = outcomes[host]
            error = None
            if outcome == "completed":
                if command is not None:
                    took = round(rng.uniform(*self.spec.duration) * SECOND)
                    data = shell_result(command, took, rng)
                    responses[sanitize(host)] = {"data": data}
                elif kind == "node.status.get":
                    took = rng.randint(40 * MS, 180 * MS)
                else:
                    took = rng.randint(1 * MS, 4 * MS)
                end = begun + took + rng.randint(100_000, 1_500_000)
            elif outcome == "failed" and command is not None:
                error = rng.choice((*SHELL_ERRORS, NOT_STARTED))
                if error == NOT_STARTED:
                    end = begun + rng.randint(100_000, 3 * MS)
                else:
                    end = begun + round(rng.uniform(*self.spec.duration) * SECOND)
            else:
                error = SKIPPED_ERROR if outcome == "skipped" else failure_text(kind, Outcome())
                end = begun + rng.randint(100_000, 3 * MS)
            events += [
                (ack, "acknowledged", host, None),
                (begun, "started", host, None),
                (end, outcome, host, error),
            ]
        events.sort(key=lambda event: event[0])
        doc: dict[str, Any] = {
            "id": self.codec.uuid(index),
            "status": status,
            "created_ago": Span(self.created_ago(index)),
            "operation": {
                "type": kind,
                "data": {"command": command} if command is not None else {},
            },
            "target": target,
        }
        if responses:
            doc["responses"] = responses
        doc["timeline"] = [
            {
                "event": event,
                "hostname": host,
                "at": Span(at / SECOND),
                **({"error": error} if error is not None else {}),
            }
            for at, event, host, error in events
        ]
        return doc

    def _target(self, status: str, rng: Rng) -> tuple[str, tuple[str, ...]]:
        if status == "partial_failure" or (self.broadcasts and rng.random() < self.spec.broadcast):
            return rng.choice(self.broadcasts)
        host = rng.choice(self.hosts)
        return (ANY if rng.random() < ANY_SHARE else host), (host,)

    # --- listing -----------------------------------------------------------------------------

    def window(self, epoch: int, now: int) -> tuple[int, int]:
        """Indices ``[start, settled)`` may still be moving at ``now``: jobs before ``start`` are
        not created yet, jobs from ``settled`` on are in their final status."""
        start = min(self.first_at_or_before(now, epoch), self.count)
        settled = min(self.first_at_or_before(now - self.longest, epoch), self.count)
        return start, max(start, settled)

    def source(
        self,
        epoch: int,
        now: int,
        status_ok: Callable[[str], bool],
        fresh_ok: Callable[[int], bool],
        tail_ok: bool,
        make: Callable[[int], Any],
        excluded: frozenset[int],
    ) -> BulkSource:
        """The set seen through a list filter: ``status_ok`` on each final status, ``fresh_ok``
        on each job still moving, ``tail_ok`` whether settled jobs pass at all."""
        ok = [status_ok(s) for s in self.statuses]
        start, settled = self.window(epoch, now)
        return BulkSource(
            mix=self.mix,
            key_of=lambda i: self.created(i, epoch),
            bound_of=lambda key: self.first_at_or_before(key, epoch),
            start=start,
            stop=self.count,
            settled=settled,
            category_ok=ok.__getitem__,
            fresh_ok=fresh_ok,
            tail_ok=tail_ok,
            make=make,
            excluded=excluded,
        )

    def settled_counts(self, start: int, excluded: frozenset[int]) -> dict[str, int]:
        """How many jobs from ``start`` on end in each status (arithmetic), less ``excluded``."""
        counts: dict[str, int] = {}
        for category, status in enumerate(self.statuses):
            counts[status] = self.mix.count(partial(operator.eq, category), self.count, start)
        for index in excluded:
            if start <= index < self.count:
                counts[self.status_of(index)] -= 1
        return counts


def _outcomes(status: str, hosts: tuple[str, ...], rng: Rng) -> dict[str, str]:
    """What each agent does with the job so that OSAPI shows ``status``."""
    if status != "partial_failure":
        return dict.fromkeys(hosts, status)
    order = list(hosts)
    rng.shuffle(order)
    outcomes = {order[0]: "failed", order[1]: "completed"}
    outcomes.update((host, rng.choice(("completed", "failed"))) for host in order[2:])
    return {host: outcomes[host] for host in hosts}


def broadcast_targets(hosts: Sequence[str], data: OsapiData) -> list[tuple[str, tuple[str, ...]]]:
    """``_all`` (when the set uses every agent) and every label target that reaches two or more
    of the set's agents and no other, with the hostnames each reaches."""
    chosen = set(hosts)
    agents = data.agents.values()
    targets: dict[str, tuple[str, ...]] = {}
    if chosen == set(data.agents):
        targets[ALL] = tuple(sorted(chosen))
    for hostname in sorted(chosen):
        for key, value in data.agents[hostname].labels.items():
            parts = value.split(".")
            for end in range(1, len(parts) + 1):
                target = f"{key}:{'.'.join(parts[:end])}"
                label = label_of(target)
                assert label is not None
                reached = {a.hostname for a in agents if a.matches_label(*label)}
                if len(reached) >= 2 and reached <= chosen:
                    targets[target] = tuple(sorted(reached))
    return sorted(targets.items())


def build_set(spec: GenerateFixture, data: OsapiData, generator: Generator) -> GeneratedSet:
    """One set; ``SetError`` names the field that is wrong."""
    if spec.agents is not None:
        unknown = [h for h in spec.agents if h not in data.agents]
        if unknown:
            raise SetError(("agents",), f"unknown agent(s): {', '.join(unknown)}")
        silent = [h for h in spec.agents if not data.agents[h].responds]
        if silent:
            raise SetError(
                ("agents",), f"agent(s) that never pick up a job (responds: false): {silent[0]}"
            )
        hosts = list(dict.fromkeys(spec.agents))
    else:
        hosts = [h for h, agent in data.agents.items() if agent.responds]
        if not hosts:
            raise SetError((), "a generated set needs an agent that responds")
    broadcasts = broadcast_targets(hosts, data)
    if spec.statuses.get("partial_failure") and not broadcasts:
        raise SetError(
            ("statuses", "partial_failure"),
            "a partial failure is a broadcast: it needs two of the set's agents reached by "
            "'_all' or a label (give it weight 0, or more agents)",
        )
    return GeneratedSet(spec, hosts, broadcasts, data, generator)


def load_sets(data: OsapiData, generator: Generator) -> list[GeneratedSet]:
    """The sets of the fixtures' ``generate:`` blocks; problems name file, line and field."""
    sets: list[GeneratedSet] = []
    problems = []
    seen: dict[str, str] = {}
    for file, i, spec in data.generate:
        loc: tuple[str | int, ...] = ("generate", i)
        try:
            generated = build_set(spec, data, generator)
        except SetError as exc:
            problems.append(file.problem((*loc, *exc.loc), str(exc)))
            continue
        if spec.name in seen:
            problems.append(
                file.problem(
                    (*loc, "name"),
                    f"a second set named {spec.name!r} (first at {seen[spec.name]})",
                )
            )
            continue
        seen[spec.name] = f"{file.name}:{file.line_of(loc)}"
        sets.append(generated)
    if problems:
        raise FixtureError(problems)
    return sets
