"""The outbox of one jobmock (one session): every delivery, and the queue of attempts due.

Attempts go out in timeline order: by due time on the mock clock, then in the order they were
queued. One flush at a time sends, so a receiver sees them in that order too (unless a
``reorder`` fault says otherwise).
"""

from __future__ import annotations

import asyncio
import heapq
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from jobmock.core.clock import AppClock
from jobmock.core.webhooks import sender
from jobmock.core.webhooks.claims import Claims
from jobmock.core.webhooks.faults import REORDER_HOLD, DeliveryFaults
from jobmock.core.webhooks.model import (
    TIMEOUT,
    Attempt,
    Delivery,
    WebhookEvent,
    WebhookSource,
)
from jobmock.core.webhooks.receiver import Receivers


class Outbox:
    def __init__(
        self,
        clock: AppClock,
        since: Callable[[], datetime],
        targets: tuple[str, ...] = (),
        crashes: list[BaseException] | None = None,
        app: Callable[[], Any] = lambda: None,
    ) -> None:
        self.clock = clock
        self._since = since
        """Events before this (the server's start, or the last reset) are never delivered."""
        self.targets = targets
        self.crashes = crashes if crashes is not None else []
        self.sources: list[WebhookSource] = []
        self._app = app
        """The app serving this outbox, which in-process targets (``http://jobmock``) reach."""
        self.timeout = TIMEOUT
        self.faults = DeliveryFaults()
        self.receivers = Receivers()
        self._lock = threading.Lock()
        self._sending = threading.Lock()
        self._generation = 0
        self.claims: Claims | None = None
        """On a shared store: who sends what (``claims.py``); None in memory."""
        self._round = 0
        self._clear()

    def _clear(self) -> None:
        self._seen: set[tuple[str, ...]] = set()
        self._deliveries: list[Delivery] = []
        self._queue: list[tuple[datetime, int, Delivery]] = []
        self._order = 0
        self._held: dict[str, list[Delivery]] = {}

    def reset(self) -> None:
        """Forget every delivery, pending ones too, the faults and what the receivers got."""
        with self._lock:
            self._generation += 1
            self._clear()
        if self.claims is not None:
            self.claims.clear()
            self._round = self.claims.round
        self.faults.clear()
        self.receivers.clear()

    # --- what is due ---------------------------------------------------------------------------

    def _push(self, delivery: Delivery) -> None:
        self._order += 1
        heapq.heappush(self._queue, (delivery.due, self._order, delivery))

    def _add(self, event: WebhookEvent, copy_of: int | None = None) -> Delivery:
        claims = self.claims
        number = len(self._deliveries) + 1 if claims is None else claims.number()
        delivery = Delivery(number, event, event.at, copy_of=copy_of)
        self._deliveries.append(delivery)
        why = sender.refusal(event.url, self.targets)
        if why is None:
            self._push(delivery)
        else:
            delivery.status, delivery.note = "refused", why
        return delivery

    def collect(self, now: datetime) -> bool:
        """Queue the events the vendors report by ``now``; whether anything is due."""
        since = self._since()
        events = [e for source in self.sources for e in source.webhook_events(since, now)]
        events.sort(key=lambda event: event.at)
        if self.claims is not None:
            events = self._claimed(events, self.claims)
        with self._lock:
            added = [self._add(event) for event in self._unseen(events)]
            self._publish(added)
            return bool(self._queue) and self._queue[0][0] <= now

    def _unseen(self, events: list[WebhookEvent]) -> list[WebhookEvent]:
        unseen = []
        for event in events:
            if event.key not in self._seen:
                self._seen.add(event.key)
                unseen.append(event)
        return unseen

    def _publish(self, deliveries: list[Delivery]) -> None:
        """Show other processes sharing the state what became of these (``Claims``)."""
        if self.claims is not None and deliveries:
            self.claims.publish([delivery.to_dict() for delivery in deliveries])

    def _claimed(self, events: list[WebhookEvent], claims: Claims) -> list[WebhookEvent]:
        """The new ones among ``events`` that this process won; the others count as seen."""
        if claims.round != self._round:
            self._forget(claims.round)
        with self._lock:
            new = [event for event in events if event.key not in self._seen]
        if not new and self.clock.mode != "manual":
            return []  # a running clock's scheduler learns of resets from its lease checks
        won = claims.claim([event.key for event in new])
        mine = [event for event, ok in zip(new, won, strict=True) if ok]
        rest: list[WebhookEvent] = []
        if claims.round != self._round:
            # A reset elsewhere: what this process had seen counts no more, and ``new`` was
            # claimed in the new round already.
            self._forget(claims.round)
            asked = {event.key for event in new}
            rest = self._claimed([e for e in events if e.key not in asked], claims)
        with self._lock:
            self._seen.update(event.key for event, ok in zip(new, won, strict=True) if not ok)
        return sorted(mine + rest, key=lambda event: event.at) if rest else mine

    def _forget(self, round_: int) -> None:
        """Another process reset the shared state: drop what this one had seen and queued."""
        with self._lock:
            self._generation += 1
            self._clear()
            self._round = round_

    def deliveries(self) -> list[dict[str, Any]]:
        if self.claims is not None:  # every process's, from the shared store
            return self.claims.records()
        with self._lock:
            return [delivery.to_dict() for delivery in self._deliveries]

    # --- sending -------------------------------------------------------------------------------

    def _next(self, now: datetime) -> tuple[Delivery, int] | None:
        """The next attempt due by ``now``, with the faults that apply before it is made."""
        with self._lock:
            while self._queue and self._queue[0][0] <= now:
                due, _, delivery = heapq.heappop(self._queue)
                if delivery.status != "pending" or due != delivery.due:
                    continue  # superseded: released early from a hold, or reset
                if delivery.attempts or delivery.faults:
                    return delivery, self._generation
                rule = self.faults.take(delivery.event)
                if rule is None:
                    return delivery, self._generation
                kind = rule.spec.fault
                delivery.faults.append(kind)
                if kind == "drop":
                    delivery.status, delivery.note = (
                        "dropped",
                        f"dropped by delivery fault {rule.id}",
                    )
                elif kind == "delay":
                    delivery.due = due + timedelta(seconds=rule.spec.seconds or 0.0)
                    self._push(delivery)
                elif kind == "reorder":
                    delivery.due = due + timedelta(seconds=rule.spec.seconds or REORDER_HOLD)
                    self._held.setdefault(delivery.event.url, []).append(delivery)
                    self._push(delivery)
                else:  # duplicate: the copy goes right after the original
                    twin = self._add(delivery.event, copy_of=delivery.id)
                    twin.faults.append("duplicate")
                    self._publish([delivery, twin])
                    return delivery, self._generation
                self._publish([delivery])
        return None

    def _settle(self, delivery: Delivery, generation: int, at: datetime, answer: Any) -> None:
        status, error = answer
        with self._lock:
            if generation != self._generation:
                return
            delivery.attempts.append(Attempt(at, status, error))
            if status is not None and 200 <= status < 300:
                delivery.status = "delivered"
            else:
                retry = delivery.retry_at()
                if retry is None:
                    delivery.status = "failed"
                else:
                    delivery.due = retry
                    self._push(delivery)
            touched = [delivery]
            for held in self._held.pop(delivery.event.url, []):
                if held is not delivery and held.status == "pending" and held.due > at:
                    held.due = at  # right after the delivery it was held behind
                    self._push(held)
                    touched.append(held)
            self._publish(touched)

    async def flush(self, now: datetime) -> int:
        """Make every attempt due by ``now``; how many were made."""
        made = 0
        http = sender.client(self._app(), self.timeout)
        try:
            while (found := self._next(now)) is not None:
                delivery, generation = found
                at = delivery.due if self.clock.mode == "manual" else max(delivery.due, now)
                answer = await sender.post(http, delivery.event)
                self._settle(delivery, generation, min(at, now), answer)
                made += 1
        finally:
            await http.aclose()
        return made

    def moved(self, now: datetime) -> None:
        """The clock moved to ``now``: deliver what is due before returning (the listener a
        move of the clock calls). Runs the sends on a loop of its own, in a thread, so a caller
        on the server's loop must not block that loop meanwhile (the control route runs the
        move in a thread)."""
        try:
            if not self.collect(now):
                return
            with self._sending:
                done: list[BaseException] = []

                def run() -> None:
                    try:
                        asyncio.run(self.flush(now))
                    except BaseException as exc:  # a bug in jobmock, kept for the test
                        done.append(exc)

                worker = threading.Thread(target=run, name="jobmock-webhooks", daemon=True)
                worker.start()
                worker.join()
                self.crashes.extend(done)
        except Exception as exc:  # never let a webhook bug break the clock
            self.crashes.append(exc)

    async def tick(self) -> None:
        """One turn of the scheduler (a running clock): deliver what is due now."""
        try:
            if self.claims is not None and not await self.claims.leads():
                return
            now = self.clock.now()
            if self.collect(now) and self._sending.acquire(blocking=False):
                try:
                    await self.flush(now)
                finally:
                    self._sending.release()
        except Exception as exc:
            self.crashes.append(exc)
