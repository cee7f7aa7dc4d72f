"""Pushing a request's changes before its answer leaves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from jobmock.core.errors import MockError

if TYPE_CHECKING:
    from starlette.types import Message, Send

    from jobmock.core.store import Store


def committing(send: Send, store: Store, answer: Callable[[MockError], Awaitable[None]]) -> Send:
    """``send`` that commits ``store`` before the answer starts, so a request that starts after
    this one's answer sees its effects; if the store is lost meanwhile, the answer is
    ``answer(error)`` (the caller's 503, in its own shape) instead."""
    lost: list[MockError] = []

    async def commit_first(message: Message) -> None:
        if lost:
            return
        if message["type"] == "http.response.start":
            try:
                store.commit()
            except MockError as error:
                lost.append(error)
                await answer(error)
                return
        await send(message)

    return commit_first
