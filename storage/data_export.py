"""Everything the database holds about one account or one manager, as plain JSON-ready data
(`kam-bot export`), and erasing a contact's personal data on request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage import audit
from storage.codec import dt_to_db
from storage.database import Database

Rows = list[dict[str, Any]]

# table → the condition that selects an account's rows (the account id is the parameter).
_ACCOUNT_TABLES: dict[str, str] = {
    "accounts": "id = :id",
    "contacts": "account_id = :id",
    "related_organisations": "account_id = :id",
    "account_team": "account_id = :id",
    "meetings": "account_id = :id",
    "meeting_contacts": "meeting_id IN (SELECT id FROM meetings WHERE account_id = :id)",
    "meeting_team": "meeting_id IN (SELECT id FROM meetings WHERE account_id = :id)",
    "meeting_attachments": "meeting_id IN (SELECT id FROM meetings WHERE account_id = :id)",
    "tasks": "account_id = :id",
    "satisfaction_checks": "account_id = :id",
    "contracts": "account_id = :id",
    "obligations": "contract_id IN (SELECT id FROM contracts WHERE account_id = :id)",
    "deals": "account_id = :id",
    "client_spend": "account_id = :id",
    "previous_suppliers": "account_id = :id",
    "audit_log": "entity = 'account' AND entity_id = :id",
}

# table → the condition that selects a manager's rows (the manager id is the parameter).
_MANAGER_TABLES: dict[str, str] = {
    "managers": "id = :id",
    "accounts": "owner_id = :id",
    "account_team": "manager_id = :id",
    "meetings": "author_id = :id",
    "meeting_team": "manager_id = :id",
    "tasks": "assignee_id = :id OR created_by = :id",
    "satisfaction_checks": "manager_id = :id",
    "deals": "owner_id = :id",
    "invites": "created_by = :id OR used_by = :id",
    "reminder_deliveries": "manager_id = :id",
    "audit_log": "actor_id = :id OR (entity = 'manager' AND entity_id = :id)",
}


async def _tables(db: Database, tables: dict[str, str], entity_id: int) -> dict[str, Rows]:
    out: dict[str, Rows] = {}
    async with db.reading() as conn:
        for table, where in tables.items():
            # Table names and conditions come from the constants above, never from input.
            sql = f"SELECT * FROM {table} WHERE {where} ORDER BY rowid"
            rows = await conn.execute_fetchall(sql, {"id": entity_id})
            out[table] = [dict(row) for row in rows]
    return out


async def export_account(db: Database, account_id: int) -> dict[str, Rows] | None:
    """All of an account's rows, table by table; None when there is no such account."""
    data = await _tables(db, _ACCOUNT_TABLES, account_id)
    return data if data["accounts"] else None


async def export_manager(db: Database, manager_id: int) -> dict[str, Rows] | None:
    """All of a manager's rows (their profile, what they own, wrote, were given or did)."""
    data = await _tables(db, _MANAGER_TABLES, manager_id)
    if not data["managers"]:
        return None
    telegram_id = data["managers"][0]["telegram_id"]
    async with db.reading() as conn:
        rows = await conn.execute_fetchall(
            "SELECT * FROM bot_user_data WHERE user_id = ?", (telegram_id,)
        )
    data["bot_user_data"] = [dict(row) for row in rows]
    return data


ERASED_NAME = "deleted contact"
_PERSONAL = ("position", "decision_role", "attitude", "phone", "email", "birthday", "notes")


async def erase_contact(
    db: Database, contact_id: int, *, actor_id: int | None, now: datetime
) -> bool:
    """Clears a contact's personal data on their request: the name becomes "deleted
    contact", the other fields are emptied, the contact leaves the profile, and the personal
    values are also removed from the audit log's history of that contact. The erasure itself
    is logged. False when there is no such contact."""
    async with db.transaction() as conn:
        row = await (
            await conn.execute("SELECT id FROM contacts WHERE id = ?", (contact_id,))
        ).fetchone()
        if row is None:
            return False
        cleared = ", ".join(f"{name} = NULL" for name in _PERSONAL)
        stamp = dt_to_db(now)
        await conn.execute(
            f"UPDATE contacts SET full_name = ?, {cleared}, updated_at = ?,"
            " archived_at = coalesce(archived_at, ?) WHERE id = ?",
            (ERASED_NAME, stamp, stamp, contact_id),
        )
        await _forget_history(conn, contact_id)
        await audit.record(
            conn,
            at=now,
            actor_id=actor_id,
            entity="contact",
            entity_id=contact_id,
            action="delete",
            changes={"personal_data": ("erased", None)},
        )
    return True


async def _forget_history(conn: aiosqlite.Connection, contact_id: int) -> None:
    await conn.execute(
        "UPDATE audit_log SET old_value = NULL, new_value = NULL"
        " WHERE entity = 'contact' AND entity_id = ?",
        (contact_id,),
    )
