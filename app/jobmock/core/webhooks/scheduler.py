"""Delivery on a running clock: one asyncio task in the server's event loop, started and stopped
with the app's lifespan, that turns every outbox (the root's and each session's) a few times a
second."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from jobmock.core.webhooks.outbox import Outbox

#: Wall seconds between turns: how late a delivery may be on a clock running at scale 1.
TICK = 0.05


async def deliver_forever(outboxes: Callable[[], Iterable[Outbox]], tick: float = TICK) -> None:
    while True:
        for outbox in outboxes():
            if outbox.clock.mode == "real":
                await outbox.tick()
        await asyncio.sleep(tick)


def start(outboxes: Callable[[], Iterable[Outbox]]) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(deliver_forever(outboxes))
