"""Reassigning accounts: reads what moves, has domain.usecases.reassign decide, writes it all
in one transaction, audited row by row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from domain.usecases.reassign import Held, Holdings, Pending, ReassignPlan, plan_reassign
from storage import audit
from storage.codec import dt_to_db
from storage.database import Database

MOVED = "reassigned"
"""The reason (in `error`) of a pending reminder skipped because its new manager had it."""

# (entity in the audit log, table, the column that names the manager)
_TABLES = {
    "accounts": ("account", "accounts", "owner_id"),
    "tasks": ("task", "tasks", "assignee_id"),
    "meetings": ("meeting", "meetings", "author_id"),
    "checks": ("satisfaction_check", "satisfaction_checks", "manager_id"),
    "deals": ("deal", "deals", "owner_id"),
}


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" for _ in ids)


async def _held(conn: aiosqlite.Connection, sql: str, ids: Sequence[int]) -> list[Held]:
    if not ids:
        return []
    rows = await conn.execute_fetchall(sql.format(marks=_marks(ids)), list(ids))
    return [Held(r["id"], r["account_id"], r["manager_id"], r["status"] or "") for r in rows]


async def _holdings(
    conn: aiosqlite.Connection, from_id: int, account_ids: Sequence[int] | None
) -> Holdings:
    where = "owner_id = ? AND archived_at IS NULL"
    params: list[Any] = [from_id]
    if account_ids is not None:
        where += f" AND id IN ({_marks(account_ids)})"
        params += list(account_ids)
    rows = await conn.execute_fetchall(
        f"SELECT id, owner_id FROM accounts WHERE {where} ORDER BY id", params
    )
    ids = [int(r["id"]) for r in rows]
    reminders = await conn.execute_fetchall(
        "SELECT id, key, kind, ref_id, manager_id FROM reminder_deliveries"
        " WHERE manager_id = ? AND status = 'pending'",
        (from_id,),
    )
    return Holdings(
        accounts=[Held(int(r["id"]), int(r["id"]), r["owner_id"]) for r in rows],
        tasks=await _held(
            conn,
            "SELECT id, account_id, assignee_id AS manager_id, status FROM tasks"
            " WHERE account_id IN ({marks}) AND status = 'open'",
            ids,
        ),
        meetings=await _held(
            conn,
            "SELECT id, account_id, author_id AS manager_id, status FROM meetings"
            " WHERE account_id IN ({marks}) AND status = 'planned' AND deleted_at IS NULL",
            ids,
        ),
        checks=await _held(
            conn,
            "SELECT id, account_id, manager_id, status FROM satisfaction_checks"
            " WHERE account_id IN ({marks}) AND status IN ('scheduled', 'asked')",
            ids,
        ),
        deals=await _held(
            conn,
            "SELECT id, account_id, owner_id AS manager_id, stage AS status FROM deals"
            " WHERE account_id IN ({marks})",
            ids,
        ),
        contracts=await _held(
            conn,
            "SELECT id, account_id, NULL AS manager_id, status FROM contracts"
            " WHERE account_id IN ({marks})",
            ids,
        ),
        obligations=await _held(
            conn,
            "SELECT o.id, c.account_id, NULL AS manager_id, o.status FROM obligations o"
            " JOIN contracts c ON c.id = o.contract_id WHERE c.account_id IN ({marks})",
            ids,
        ),
        reminders=[
            Pending(r["id"], r["key"], r["kind"], r["ref_id"], r["manager_id"]) for r in reminders
        ],
    )


async def _move_rows(
    conn: aiosqlite.Connection, plan: ReassignPlan, *, actor_id: int, now: datetime
) -> None:
    stamp = dt_to_db(now)
    for name, (entity, table, column) in _TABLES.items():
        ids: list[int] = getattr(plan, name)
        if not ids:
            continue
        touched = ", updated_at = ?" if table != "satisfaction_checks" else ""
        values: list[Any] = [plan.to_id] + ([stamp] if touched else [])
        await conn.execute(
            f"UPDATE {table} SET {column} = ?{touched} WHERE id IN ({_marks(ids)})",
            [*values, *ids],
        )
        for row_id in ids:
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity=entity,
                entity_id=row_id,
                action="update",
                changes={column: (plan.from_id, plan.to_id)},
            )


async def _move_reminders(conn: aiosqlite.Connection, plan: ReassignPlan) -> None:
    """The pending reminders go to the new manager under their new key (a quiet-hours hold
    of the old one is lifted: the new one's quiet hours are applied when it is sent); one the
    new manager already has (same key) is skipped."""
    if not plan.reminders:
        return
    await conn.executemany(
        "UPDATE OR IGNORE reminder_deliveries SET manager_id = ?, key = ?, not_before = NULL,"
        " error = NULL WHERE id = ? AND status = 'pending'",
        [(plan.to_id, moved.key, moved.id) for moved in plan.reminders],
    )
    ids = [moved.id for moved in plan.reminders]
    await conn.execute(
        f"UPDATE reminder_deliveries SET status = 'skipped', error = ?"
        f" WHERE id IN ({_marks(ids)}) AND manager_id = ? AND status = 'pending'",
        [MOVED, *ids, plan.from_id],
    )


class ReassignRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def reassign(
        self,
        from_id: int,
        to_id: int,
        *,
        actor_id: int,
        now: datetime,
        account_ids: Sequence[int] | None = None,
    ) -> ReassignPlan | None:
        """Gives `from_id`'s accounts (all, or those of `account_ids` they still own) to
        `to_id`, with what moves with them (domain.usecases.reassign), in one transaction.
        None when `to_id` is not an active manager; an empty plan when nothing was theirs."""
        async with self._db.transaction() as conn:
            target = await (
                await conn.execute("SELECT active FROM managers WHERE id = ?", (to_id,))
            ).fetchone()
            if target is None or not target["active"]:
                return None
            plan = plan_reassign(await _holdings(conn, from_id, account_ids), from_id, to_id)
            await _move_rows(conn, plan, actor_id=actor_id, now=now)
            await _move_reminders(conn, plan)
        return plan
