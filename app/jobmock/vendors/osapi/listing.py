"""``GET /job``: fixture, client-made and generated jobs together, newest first, one page at a
time, without materialising a generated set.

A generated job's status moves only while its agents work (at most its longest command after its
creation); every older job is in the final status its set's mix gives it. So ``status_counts``
and ``total_items`` are the few moving jobs counted one by one plus the settled ones counted by
arithmetic (``BlockMix.count``), and a page is found by ``core.paging.merged_page``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from jobmock.core.paging import ListSource, Source, merged_page
from jobmock.vendors.osapi import render
from jobmock.vendors.osapi.generated import GeneratedSet
from jobmock.vendors.osapi.records import LIST_FILTERS, OsapiJob

#: Filters a settled job can never pass: it is past them.
MOVING = ("submitted", "processing")
View = tuple[OsapiJob, int, render.Snapshot]


def list_jobs(
    explicit: Iterable[tuple[OsapiJob, int]],
    sets: Sequence[GeneratedSet],
    changed: Sequence[str],
    *,
    epoch: int,
    now: int,
    status: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """The ``ListJobsResponse`` for ``explicit`` jobs (with their anchors) and the ``sets``;
    ``changed`` are the ids clients changed or deleted (stored, or gone)."""
    counts = dict.fromkeys(LIST_FILTERS, 0)
    shown: list[tuple[int, str, View]] = []
    for job, anchor in explicit:
        snap = render.snapshot(job, anchor, now)
        counts[snap.status] = counts.get(snap.status, 0) + 1
        if not status or snap.status == status:
            shown.append((anchor, job.job_id, (job, anchor, snap)))
    shown.sort(key=lambda item: (item[0], item[1]), reverse=True)
    sources: list[Source] = [ListSource([(anchor, view) for anchor, _, view in shown])]
    for generated in sets:
        excluded = frozenset(
            index for job_id in changed if (index := generated.index_of(job_id)) is not None
        )
        start, settled = generated.window(epoch, now)
        moving: dict[int, View] = {}
        for index in range(start, settled):
            if index not in excluded:
                view = moving[index] = _view(generated, index, epoch=epoch, now=now)
                counts[view[2].status] = counts.get(view[2].status, 0) + 1
        for final, number in generated.settled_counts(settled, excluded).items():
            counts[final] = counts.get(final, 0) + number
        sources.append(
            generated.source(
                epoch,
                now,
                status_ok=_status_ok(status),
                fresh_ok=partial(_moving_ok, moving, status),
                tail_ok=status not in MOVING,
                make=partial(_view, generated, epoch=epoch, now=now),
                excluded=excluded,
            )
        )
    if not sum(counts.values()):
        return {"items": [], "status_counts": None, "total_items": 0}
    page, total = merged_page(sources, offset, limit)
    return {
        "items": [render.list_item(job, anchor, snap) for job, anchor, snap in page],
        "status_counts": {k: v for k, v in counts.items() if k in LIST_FILTERS or v},
        "total_items": total,
    }


def _status_ok(status: str | None) -> Callable[[str], bool]:
    """Which final statuses can pass the filter (a moving job is checked one by one)."""
    if not status or status in MOVING:
        return lambda _final: True
    return lambda final: final == status


def _moving_ok(moving: dict[int, View], status: str | None, index: int) -> bool:
    return not status or moving[index][2].status == status


def _view(generated: GeneratedSet, index: int, *, epoch: int, now: int) -> View:
    job = generated.job(index)
    anchor = generated.created(index, epoch)
    return job, anchor, render.snapshot(job, anchor, now)
