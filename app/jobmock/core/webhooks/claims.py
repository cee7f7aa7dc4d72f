"""How several processes on one shared state send each delivery once (``jobmock.shared``).

In memory an outbox has no ``Claims`` and works alone. On a shared store every process computes
the same events from the same job state, so each event is claimed in the store before it is
queued (only the process that wins the claim sends it), and on a running clock only the
process holding a lease turns its outbox.
"""

from __future__ import annotations

from typing import Protocol


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
