"""Group round trips: what the requests of an event loop ask of the store while a round trip
is under way goes in the next one, all in one, awaited without blocking the loop.

At most one round trip of a kind is under way per loop, so the busier the loop, the more each
one carries. A batch is sent only after every request that joined it had joined, so a request
sees everything that was acknowledged before it arrived, as with a round trip of its own. Each
waiter has a future of its own: one whose request is cancelled (its client gone) cancels only
its own wait, never the round trip the others wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


class _Queue(Generic[I, R]):
    __slots__ = ("busy", "items", "loop", "waiters")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.items: list[I] = []
        """What the batch being gathered carries, not yet sent."""
        self.waiters: list[asyncio.Future[R]] = []
        self.busy = False
        """Whether a round trip is under way, or the next one's sending is scheduled."""


class Batches(Generic[I, R]):
    def __init__(self, send: Callable[[list[I]], Awaitable[R]]) -> None:
        self._send = send
        self._queues: dict[asyncio.AbstractEventLoop, _Queue[I, R]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def put(self, item: I) -> None:
        """Send ``item`` with the next round trip, nobody waiting for it; call it in a loop."""
        queue = self._queue()
        queue.items.append(item)
        self._schedule(queue)

    def join(self, item: I) -> asyncio.Future[R]:
        """The result of the round trip that carries ``item``; call it in an event loop."""
        queue = self._queue()
        queue.items.append(item)
        waiter: asyncio.Future[R] = queue.loop.create_future()
        queue.waiters.append(waiter)
        self._schedule(queue)
        return waiter

    def pending(self) -> asyncio.Future[R] | None:
        """The result of the batch of this loop not yet sent, if there is one."""
        queue = self._queues.get(asyncio.get_running_loop())
        if queue is None or not queue.items:
            return None
        waiter: asyncio.Future[R] = queue.loop.create_future()
        queue.waiters.append(waiter)
        return waiter

    def _queue(self) -> _Queue[I, R]:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(loop)
        return queue

    def _schedule(self, queue: _Queue[I, R]) -> None:
        if not queue.busy:
            queue.busy = True
            queue.loop.call_soon(self._flush, queue)

    def _flush(self, queue: _Queue[I, R]) -> None:
        items, waiters = queue.items, queue.waiters
        if not items:  # idle: forget the loop (a stopped server's goes with it)
            queue.busy = False
            self._queues.pop(queue.loop, None)
            return
        queue.items, queue.waiters = [], []
        task = queue.loop.create_task(self._run(queue, items, waiters))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(
        self, queue: _Queue[I, R], items: list[I], waiters: list[asyncio.Future[R]]
    ) -> None:
        try:
            result = await self._send(items)
        except Exception as exc:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
        else:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(result)
        finally:
            # Those who joined meanwhile go now, in one round trip.
            self._flush(queue)
