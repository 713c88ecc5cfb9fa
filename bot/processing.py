"""Updates of different users are handled at the same time, each user's in the order sent.

PTB handles updates one at a time by default, so one reply waiting for a rate-limit slot held
up every other user. :class:`PerUserProcessor` (given to ``ApplicationBuilder()
.concurrent_updates``) runs each update under a lock of its user (or of its chat when it has no
user): a slow update of one manager never delays another, and two updates of the same manager
never overlap, so the dialog layer still sees one step at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256
"""Updates in progress or waiting for their user's turn at once (PTB queues the rest)."""

Key = tuple[str, int]


def update_key(update: object) -> Key | None:
    """Whose turn an update waits for: its user, else its chat; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None


class _Turn:
    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class PerUserProcessor(BaseUpdateProcessor):
    """Concurrent across users, in order within one user (asyncio.Lock wakes waiters first in,
    first out, and PTB starts the updates' tasks in the order they arrived)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[Key | None, _Turn] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _Turn()
        turn.waiting += 1
        try:
            async with turn.lock:
                await coroutine
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:  # nobody else of this user is waiting: forget the lock
                del self._turns[key]

    @property
    def users_in_progress(self) -> int:
        return len(self._turns)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """PTB waits for the updates' tasks itself when it stops."""
