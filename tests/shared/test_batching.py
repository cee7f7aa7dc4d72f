"""How the requests of a worker's event loop share round trips to the store (``batching``):
one under way per loop; whoever joins meanwhile goes in the next one, all together, and never
in a round trip that left before it joined."""

from __future__ import annotations

import asyncio

import pytest

from jobmock.shared.batching import Batches


class Store:
    """Round trips that each wait until the test lets them end."""

    def __init__(self) -> None:
        self.trips: list[list[int]] = []
        self.gates: list[asyncio.Event] = []

    async def send(self, items: list[int]) -> int:
        self.trips.append(list(items))
        gate = asyncio.Event()
        self.gates.append(gate)
        await gate.wait()
        return len(self.trips)


async def turns(count: int = 3) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


def test_one_round_trip_is_under_way_and_the_next_carries_all_who_joined_meanwhile() -> None:
    async def scenario() -> None:
        store = Store()
        batches: Batches[int, int] = Batches(store.send)
        first = [batches.join(n) for n in (1, 2)]
        await turns()
        assert store.trips == [[1, 2]]

        later = [batches.join(n) for n in (3, 4)]
        await turns()
        waiting = batches.pending()  # what a journal entry's writer awaits
        assert waiting is not None
        assert store.trips == [[1, 2]], "a second round trip left while one was under way"

        store.gates[0].set()
        await turns()
        assert [f.result() for f in first] == [1, 1]
        assert store.trips == [[1, 2], [3, 4]]
        assert batches.pending() is None
        store.gates[1].set()
        assert [await f for f in later] == [2, 2]
        assert await waiting == 2

    asyncio.run(scenario())


def test_a_failed_round_trip_fails_its_own_batch_only() -> None:
    async def scenario() -> None:
        calls: list[list[str]] = []

        async def send(items: list[str]) -> str:
            calls.append(items)
            if items == ["lost"]:
                raise ConnectionError("store lost")
            return "ok"

        batches: Batches[str, str] = Batches(send)
        lost = batches.join("lost")
        await turns()
        kept = batches.join("next")

        with pytest.raises(ConnectionError):
            await lost
        assert await kept == "ok"
        assert calls == [["lost"], ["next"]]

    asyncio.run(scenario())


def test_a_waiter_cancelled_cancels_only_its_own_wait() -> None:
    async def scenario() -> None:
        store = Store()
        batches: Batches[int, int] = Batches(store.send)
        gone, staying = batches.join(1), batches.join(2)
        await turns()

        gone.cancel()
        store.gates[0].set()

        assert await staying == 1
        assert gone.cancelled()

    asyncio.run(scenario())
