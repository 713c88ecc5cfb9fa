"""The client's people: position, role in the decision, attitude to us, how to reach them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database
from storage.profile import ProfileRepository

DecisionRole = Literal["decision_maker", "influencer", "user", "gatekeeper", "champion"]
Attitude = Literal["supporter", "neutral", "opponent"]
DECISION_ROLES: tuple[DecisionRole, ...] = (
    "decision_maker",
    "influencer",
    "user",
    "gatekeeper",
    "champion",
)
ATTITUDES: tuple[Attitude, ...] = ("supporter", "neutral", "opponent")


@dataclass(frozen=True)
class Contact:
    id: int
    account_id: int
    full_name: str
    position: str | None
    decision_role: DecisionRole | None
    attitude: Attitude | None
    phone: str | None
    email: str | None
    birthday: str | None  # 'YYYY-MM-DD', or '--MM-DD' when the year is unknown
    notes: str | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


def row_to_contact(row: aiosqlite.Row) -> Contact:
    return Contact(
        id=row["id"],
        account_id=row["account_id"],
        full_name=row["full_name"],
        position=row["position"],
        decision_role=row["decision_role"],
        attitude=row["attitude"],
        phone=row["phone"],
        email=row["email"],
        birthday=row["birthday"],
        notes=row["notes"],
        created_at=dt_from_db(row["created_at"]),
        updated_at=dt_from_db(row["updated_at"]),
        archived_at=opt_dt_from_db(row["archived_at"]),
    )


async def insert_contact(
    conn: aiosqlite.Connection,
    *,
    account_id: int,
    full_name: str,
    position: str | None,
    actor_id: int,
    now: datetime,
) -> int:
    """Adds a person to an account in the caller's transaction; audited."""
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO contacts (account_id, full_name, position, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (account_id, full_name, position, stamp, stamp),
    )
    contact_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="contact",
        entity_id=contact_id,
        action="create",
        changes={"full_name": (None, full_name), "account_id": (None, account_id)},
    )
    return contact_id


class ContactRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, contact_id: int) -> Contact | None:
        row = await self._db.fetch_one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        return None if row is None else row_to_contact(row)

    async def for_account(self, account_id: int) -> list[Contact]:
        rows = await self._db.fetch_all(
            "SELECT * FROM contacts WHERE account_id = ? AND archived_at IS NULL"
            " ORDER BY full_name",
            (account_id,),
        )
        return [row_to_contact(row) for row in rows]

    async def create(
        self,
        *,
        account_id: int,
        full_name: str,
        position: str | None,
        actor_id: int,
        now: datetime,
    ) -> Contact:
        async with self._db.transaction() as conn:
            contact_id = await insert_contact(
                conn,
                account_id=account_id,
                full_name=full_name,
                position=position,
                actor_id=actor_id,
                now=now,
            )
            row = await (
                await conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,))
            ).fetchone()
        assert row is not None
        return row_to_contact(row)

    async def update(
        self, contact_id: int, *, actor_id: int, now: datetime, **changes: object
    ) -> Contact:
        """Changes a contact's fields; each changed field is audited."""
        await ProfileRepository(self._db).update_item(
            "contact", contact_id, dict(changes), actor_id=actor_id, now=now
        )
        contact = await self.get(contact_id)
        assert contact is not None
        return contact

    async def archive(self, contact_id: int, *, actor_id: int, now: datetime) -> bool:
        """Hides a contact from the profile (kept for meetings that named them); audited."""
        return await ProfileRepository(self._db).remove_item(
            "contact", contact_id, actor_id=actor_id, now=now
        )
