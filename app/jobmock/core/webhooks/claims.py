"""How several processes on one shared state send each delivery once (``jobmock.shared``).

In memory an outbox has no ``Claims`` and works alone. On a shared store every process computes
the same events from the same job state, so each event is claimed in the store before it is
queued (only the process that wins the claim sends it), and on a running clock only the
process holding a lease turns its outbox. The records of the deliveries (``GET /_mock/webhooks``)
are kept in the store too, numbered in one sequence, so every process lists them all.
"""

from __future__ import annotations

from typing import Any, Protocol


class Claims(Protocol):
    round: int
    """Bumped by every reset: a process seeing a new round forgets what it had seen."""

    async def leads(self) -> bool:
        """Whether this process holds the lease, so its scheduler sends now (taken or renewed,
        and the state re-read, as a side effect)."""
        ...

    def claim(self, keys: list[tuple[str, ...]]) -> list[bool]:
        """For each event key, whether this process won it (no other one ever will)."""
        ...

    def clear(self) -> None:
        """Forget every claim (a reset): the same events may be sent again."""
        ...

    def number(self) -> int:
        """The id of a new delivery: one sequence for every process (from 1 after a reset)."""
        ...

    def publish(self, records: list[dict[str, Any]]) -> None:
        """Show these deliveries' records (``Delivery.to_dict``) to every process."""
        ...

    def records(self) -> list[dict[str, Any]]:
        """Every process's delivery records since the last reset, by id."""
        ...
