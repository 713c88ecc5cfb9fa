"""Contracts and their obligations: what is due, and whether it was met, missed or delayed.

A missed obligation marks its contract at risk and queues a notice to the account's lead.
A recurring obligation gets its next occurrence when this one is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from domain.entities import ObligationOutcome as Outcome
from domain.entities import ObligationView as ObligationView
from domain.entities import Party as Party
from domain.entities import Recurrence as Recurrence
from domain.usecases.obligations import ResolvePlan, plan_resolve
from storage import audit
from storage.codec import dt_to_db
from storage.database import Database
from storage.reminders import enqueue
from storage.satisfaction import account_lead


@dataclass(frozen=True)
class ResolveResult:
    obligation: ObligationView
    changed: bool  # False: it was already met or missed
    lead_id: int | None  # the lead told about a missed obligation
    next_id: int | None  # the next occurrence of a recurring obligation


_VIEW = (
    "SELECT o.*, c.title AS contract_title, c.status AS contract_status, c.account_id,"
    " a.name AS account_name, a.owner_id FROM obligations o"
    " JOIN contracts c ON c.id = o.contract_id JOIN accounts a ON a.id = c.account_id"
)


def _row_to_view(row: aiosqlite.Row) -> ObligationView:
    return ObligationView(
        id=row["id"],
        contract_id=row["contract_id"],
        contract_title=row["contract_title"],
        contract_status=row["contract_status"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        owner_id=row["owner_id"],
        party=row["party"],
        description=row["description"],
        due_on=date.fromisoformat(row["due_on"]),
        recurrence=row["recurrence"],
        status=row["status"],
        delayed_to=date.fromisoformat(row["delayed_to"]) if row["delayed_to"] else None,
    )


async def _view(conn: aiosqlite.Connection, obligation_id: int) -> ObligationView | None:
    row = await (await conn.execute(_VIEW + " WHERE o.id = ?", (obligation_id,))).fetchone()
    return None if row is None else _row_to_view(row)


async def insert_contract(
    conn: aiosqlite.Connection,
    *,
    account_id: int,
    title: str,
    actor_id: int,
    now: datetime,
    status: str = "active",
    number: str | None = None,
    ends_on: date | None = None,
) -> int:
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO contracts (account_id, title, number, ends_on, status, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            title,
            number,
            ends_on.isoformat() if ends_on else None,
            status,
            actor_id,
            stamp,
            stamp,
        ),
    )
    contract_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="contract",
        entity_id=contract_id,
        action="create",
        changes={"title": (None, title)},
    )
    return contract_id


async def insert_obligation(
    conn: aiosqlite.Connection,
    *,
    contract_id: int,
    description: str,
    due_on: date,
    actor_id: int | None,
    now: datetime,
    party: Party = "ours",
    recurrence: Recurrence = "none",
) -> int:
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO obligations (contract_id, party, description, due_on, recurrence,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (contract_id, party, description, due_on.isoformat(), recurrence, stamp, stamp),
    )
    obligation_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="obligation",
        entity_id=obligation_id,
        action="create",
        changes={"description": (None, description), "due_on": (None, due_on.isoformat())},
    )
    return obligation_id


class ContractRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_contract(
        self, *, account_id: int, title: str, actor_id: int, now: datetime, status: str = "active"
    ) -> int:
        async with self._db.transaction() as conn:
            return await insert_contract(
                conn, account_id=account_id, title=title, actor_id=actor_id, now=now, status=status
            )

    async def add_obligation(
        self,
        *,
        contract_id: int,
        description: str,
        due_on: date,
        actor_id: int,
        now: datetime,
        party: Party = "ours",
        recurrence: Recurrence = "none",
    ) -> int:
        async with self._db.transaction() as conn:
            return await insert_obligation(
                conn,
                contract_id=contract_id,
                description=description,
                due_on=due_on,
                actor_id=actor_id,
                now=now,
                party=party,
                recurrence=recurrence,
            )

    async def contract_status(self, contract_id: int) -> str | None:
        row = await self._db.fetch_one("SELECT status FROM contracts WHERE id = ?", (contract_id,))
        return None if row is None else str(row["status"])

    async def obligation(self, obligation_id: int) -> ObligationView | None:
        async with self._db.reading() as conn:
            return await _view(conn, obligation_id)

    async def resolve(
        self,
        obligation_id: int,
        outcome: Outcome,
        *,
        actor_id: int,
        now: datetime,
        delayed_to: date | None = None,
    ) -> ResolveResult | None:
        """Records whether the obligation was met, missed, or delayed to a date.

        None when the obligation does not exist. A missed one marks the contract at risk
        and queues a notice to the lead of the account's owner.
        """
        if outcome == "delayed" and delayed_to is None:
            raise ValueError("a delayed obligation needs the new date")
        async with self._db.transaction() as conn:
            view = await _view(conn, obligation_id)
            if view is None:
                return None
            plan = plan_resolve(
                view,
                outcome,
                actor_id=actor_id,
                now=now,
                lead_id=await account_lead(conn, view.account_id, actor_id),
                delayed_to=delayed_to,
            )
            if plan is None:
                return ResolveResult(view, False, None, None)
            next_id = await _write_resolution(conn, plan, actor_id, now)
            updated = await _view(conn, obligation_id)
        assert updated is not None
        return ResolveResult(updated, True, plan.lead_id, next_id)


async def _write_resolution(
    conn: aiosqlite.Connection, plan: ResolvePlan, actor_id: int, now: datetime
) -> int | None:
    """Writes a resolve plan in the caller's transaction; the next occurrence's id, if any."""
    stamp = dt_to_db(now)
    changes: dict[str, tuple[object, object]] = {"status": (plan.old_status, plan.outcome)}
    if plan.delayed_to is not None:
        await conn.execute(
            "UPDATE obligations SET status = 'delayed', delayed_to = ?, updated_at = ?"
            " WHERE id = ?",
            (plan.delayed_to.isoformat(), stamp, plan.obligation_id),
        )
        changes["delayed_to"] = (
            plan.old_delayed_to.isoformat() if plan.old_delayed_to else None,
            plan.delayed_to.isoformat(),
        )
    else:
        await conn.execute(
            "UPDATE obligations SET status = ?, resolved_at = ?, updated_at = ? WHERE id = ?",
            (plan.outcome, stamp, stamp, plan.obligation_id),
        )
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="obligation",
        entity_id=plan.obligation_id,
        action="update",
        changes=changes,
    )
    if plan.contract_at_risk is not None:
        await conn.execute(
            "UPDATE contracts SET status = 'at_risk', updated_at = ? WHERE id = ?",
            (stamp, plan.contract_at_risk),
        )
        await audit.record(
            conn,
            at=now,
            actor_id=actor_id,
            entity="contract",
            entity_id=plan.contract_at_risk,
            action="update",
            changes={"status": ("active", "at_risk")},
        )
    if plan.notice is not None:
        await enqueue(conn, plan.notice, now)
    if plan.following is None:
        return None
    return await insert_obligation(
        conn,
        contract_id=plan.following.contract_id,
        description=plan.following.description,
        due_on=plan.following.due_on,
        actor_id=actor_id,
        now=now,
        party=plan.following.party,
        recurrence=plan.following.recurrence,
    )
