"""The audit log: who changed what, from which value to which, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.codec import dt_from_db, dt_to_db
from storage.database import Database


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


async def record(
    conn: aiosqlite.Connection,
    *,
    at: datetime,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """Writes one row per changed field (or one row without a field) in the caller's transaction."""
    stamp = dt_to_db(at)
    sql = (
        "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, field, old_value,"
        " new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    if not changes:
        await conn.execute(sql, (stamp, actor_id, entity, entity_id, action, None, None, None))
        return
    await conn.executemany(
        sql,
        [
            (stamp, actor_id, entity, entity_id, action, field, _text(old), _text(new))
            for field, (old, new) in changes.items()
        ],
    )


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def for_entity(self, entity: str, entity_id: int) -> list[AuditEntry]:
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            (entity, entity_id),
        )
        return [
            AuditEntry(
                id=row["id"],
                at=dt_from_db(row["at"]),
                actor_id=row["actor_id"],
                entity=row["entity"],
                entity_id=row["entity_id"],
                action=row["action"],
                field=row["field"],
                old_value=row["old_value"],
                new_value=row["new_value"],
            )
            for row in rows
        ]
