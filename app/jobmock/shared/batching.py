"""Group round trips: what the requests of an event loop ask of the store while a round trip
is under way goes in the next one, all in one, awaited without blocking the loop.

At most one round trip of a kind is under way per loop, so the busier the loop, the more each
one carries. A batch is sent only after every request that joined it had joined, so a request
sees everything that was acknowledged before it arrived, as with a round trip of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


class _Queue(Generic[I, R]):
    __slots__ = ("busy", "future", "items", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.items: list[I] = []
        self.future: asyncio.Future[R] | None = None
        """The batch being gathered, not yet sent."""
        self.busy = False
        """Whether a round trip is under way, or the next one's sending is scheduled."""


class Batches(Generic[I, R]):
    def __init__(self, send: Callable[[list[I]], Awaitable[R]]) -> None:
        self._send = send
        self._queues: dict[asyncio.AbstractEventLoop, _Queue[I, R]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def join(self, item: I) -> asyncio.Future[R]:
        """The result of the round trip that carries ``item``; call it in an event loop."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(loop)
        future = queue.future
        if future is None:
            future = queue.future = loop.create_future()
            # Read by whoever awaits it; the others (a journal entry nobody waits for) must not
            # make asyncio log a failed round trip as never retrieved.
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            if not queue.busy:
                queue.busy = True
                loop.call_soon(self._flush, queue)
        queue.items.append(item)
        return future

    def pending(self) -> asyncio.Future[R] | None:
        """The batch of this loop not yet sent, if any."""
        queue = self._queues.get(asyncio.get_running_loop())
        return queue.future if queue is not None else None

    def _flush(self, queue: _Queue[I, R]) -> None:
        items, future = queue.items, queue.future
        if future is None:  # idle: forget the loop (a stopped server's goes with it)
            queue.busy = False
            self._queues.pop(queue.loop, None)
            return
        queue.items, queue.future = [], None
        task = queue.loop.create_task(self._run(queue, items, future))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, queue: _Queue[I, R], items: list[I], future: asyncio.Future[R]) -> None:
        try:
            result = await self._send(items)
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)
        finally:
            # Those who joined meanwhile go now, in one round trip.
            self._flush(queue)
