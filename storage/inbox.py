"""Updates from Telegram stored before they are confirmed, until their effects are stored.

Knows nothing of Telegram: an update is its id and its JSON text. `bot.inbox` puts it to use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.codec import dt_to_db
from storage.database import Database

KEEP_DONE = timedelta(days=2)
"""Telegram keeps an unconfirmed update for 24 hours: a done row older than that cannot come
back, so it may go."""


class InboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_all(self, updates: dict[int, str], now: datetime) -> set[int]:
        """Stores received updates (id: JSON) in one statement; returns the ids that were new
        (the others were received before, handled or not)."""
        if not updates:
            return set()
        stamp = dt_to_db(now)
        rows = await self._db.write_returning(
            "INSERT OR IGNORE INTO inbox (update_id, data, received_at) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(updates))
            + " RETURNING update_id",
            [value for update_id, data in updates.items() for value in (update_id, data, stamp)],
        )
        return {int(row["update_id"]) for row in rows}

    async def pending(self) -> list[tuple[int, str]]:
        """Updates received but not handled to the end (a crash came between), oldest first."""
        rows = await self._db.fetch_all(
            "SELECT update_id, data FROM inbox WHERE done_at IS NULL ORDER BY update_id"
        )
        return [(int(row["update_id"]), str(row["data"])) for row in rows]

    async def forget_done(self, now: datetime) -> None:
        await self._db.execute(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
            (dt_to_db(now - KEEP_DONE),),
        )
