"""Group round trips: what the requests of one turn of an event loop ask of the store goes in
one round trip, awaited without blocking the loop.

A batch is sent after every request that joined it has joined (``call_soon``), so a request
that joins a batch was there before its round trip left: it sees everything that was
acknowledged before it arrived, as with a round trip of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


class Batches(Generic[I, R]):
    def __init__(self, send: Callable[[list[I]], Awaitable[R]]) -> None:
        self._send = send
        self._pending: dict[asyncio.AbstractEventLoop, tuple[list[I], asyncio.Future[R]]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def join(self, item: I) -> asyncio.Future[R]:
        """The result of the round trip that carries ``item``; call it in an event loop."""
        loop = asyncio.get_running_loop()
        pending = self._pending.get(loop)
        if pending is None:
            future: asyncio.Future[R] = loop.create_future()
            # Read by whoever awaits it; the others (a journal entry nobody waits for) must not
            # make asyncio log a failed round trip as never retrieved.
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
            pending = self._pending[loop] = ([], future)
            loop.call_soon(self._flush, loop)
        pending[0].append(item)
        return pending[1]

    def pending(self) -> asyncio.Future[R] | None:
        """The batch of this loop not yet sent, if any."""
        pending = self._pending.get(asyncio.get_running_loop())
        return pending[1] if pending is not None else None

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        items, future = self._pending.pop(loop)
        task = loop.create_task(self._run(items, future))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, items: list[I], future: asyncio.Future[R]) -> None:
        try:
            result = await self._send(items)
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)
