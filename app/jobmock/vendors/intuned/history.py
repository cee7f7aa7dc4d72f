"""The past runs of one generated job at one moment: which exist, which are still moving, which
a client changed (paused, resumed, terminated: those live in the runs table), and how they sort.

Only runs still moving (at most one: runs of a job never overlap) and changed ones are built to
answer a list; the settled rest are counted and picked by index (``ordering.Tail``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from jobmock.vendors.intuned.generated import GeneratedSet
from jobmock.vendors.intuned.ordering import Facts, Order, Tail
from jobmock.vendors.intuned.records import RunRecord

_EPOCH_FACTS = datetime.min


class History:
    def __init__(
        self,
        generated: GeneratedSet,
        index: int,
        epoch: datetime,
        now: datetime,
        changed: Iterable[tuple[str, RunRecord]],
    ) -> None:
        """``changed``: (run id, record) of the job's runs in the runs table."""
        self.set = generated
        self.index = index
        self.epoch = epoch
        self.plan = generated.plan(index)
        self.start, self.settled = generated.bounds(self.plan, epoch, now)
        self.changed: dict[int, RunRecord] = {}
        for run_id, run in changed:
            r = generated.run_index(index, run_id)
            if r is not None and r >= self.start:
                self.changed[r] = run

    def live(self) -> list[RunRecord]:
        """Runs still moving and runs a client changed, oldest first."""
        fresh = [
            self.set.run(self.index, r, self.epoch)
            for r in range(self.start, self.settled)
            if r not in self.changed
        ]
        return [*reversed(fresh), *(self.changed[r] for r in sorted(self.changed, reverse=True))]

    def find(self, run_id: str) -> RunRecord | None:
        r = self.set.run_index(self.index, run_id)
        if r is None or r < self.start:
            return None
        return self.changed.get(r) or self.set.run(self.index, r, self.epoch)

    def newest_start(self) -> datetime | None:
        """When the newest past run started, if one exists yet."""
        if self.start >= self.set.runs:
            return None
        return self.plan.created(self.start, self.epoch)

    def run(self, r: int) -> RunRecord:
        return self.changed.get(r) or self.set.run(self.index, r, self.epoch)

    # --- order -----------------------------------------------------------------------------------

    def facts(self, r: int, with_id: bool) -> Facts:
        """A settled run, as it sorts (computed without building it)."""
        generated, plan = self.set, self.plan
        kind = generated.kind(plan, r)
        created = plan.created(r, self.epoch)
        ended = (
            created if kind.status == "CANCELED" else created + timedelta(seconds=plan.duration(r))
        )
        successful, failed = kind.counts(plan.payloads)
        return Facts(
            id=generated.run_id(self.index, r) if with_id else "",
            start_time=created,
            end_time=ended,
            created_at=created,
            updated_at=ended,
            type="SCHEDULED" if plan.scheduled else "MANUAL",
            status=kind.status,
            payloads=plan.payloads,
            successful_runs=successful,
            failed_runs=failed,
        )

    def kind_facts(self, number: int) -> Facts:
        """A run of category ``number``, for its categorical keys only."""
        kind, plan = self.set.kinds[number], self.plan
        successful, failed = kind.counts(plan.payloads)
        return Facts(
            id="",
            start_time=_EPOCH_FACTS,
            end_time=None,
            created_at=_EPOCH_FACTS,
            updated_at=_EPOCH_FACTS,
            type="SCHEDULED" if plan.scheduled else "MANUAL",
            status=kind.status,
            payloads=plan.payloads,
            successful_runs=successful,
            failed_runs=failed,
        )

    def tail(self, order: Order) -> Tail:
        return Tail(
            mix=self.set.runs_mix,
            shift=self.plan.shift,
            low=self.settled,
            high=self.set.runs,
            excluded=frozenset(self.changed),
            facts=self.facts,
            kind_facts=self.kind_facts,
            order=order,
        )
