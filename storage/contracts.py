"""Contracts and their obligations: what is due, and whether it was met, missed or delayed.

A missed obligation marks its contract at risk and queues a notice to the account's lead.
A recurring obligation gets its next occurrence when this one is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import aiosqlite

from domain.contracts import LIVE_CONTRACT, ContractFields, ObligationFields
from domain.entities import ObligationOutcome as Outcome
from domain.entities import ObligationView as ObligationView
from domain.entities import Party as Party
from domain.entities import Recurrence as Recurrence
from domain.usecases.obligations import NextObligation, ResolvePlan, plan_resolve
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


@dataclass(frozen=True)
class Contract:
    id: int
    account_id: int
    account_name: str
    owner_id: int | None
    title: str
    number: str | None
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    amount_minor: int | None
    currency: str | None
    status: str
    notes: str | None
    file_id: str | None
    file_name: str | None
    deal_id: int | None = None  # the won deal it was signed from
    deal_title: str | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE_CONTRACT

    def fields(self) -> ContractFields:
        return ContractFields(
            title=self.title,
            number=self.number,
            signed_on=self.signed_on,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            amount_minor=self.amount_minor,
            currency=self.currency,
            file_id=self.file_id,
            file_name=self.file_name,
            notes=self.notes,
            deal_id=self.deal_id,
        )


@dataclass(frozen=True)
class TermBrief:
    """An obligation as the account card needs it (domain.contracts.ObligationLike)."""

    id: int
    description: str
    status: str
    due_on: date
    delayed_to: date | None

    @property
    def effective_due(self) -> date:
        return self.delayed_to if self.status == "delayed" and self.delayed_to else self.due_on


@dataclass(frozen=True)
class CardSummary:
    ends: list[tuple[str, date | None]]  # the live contracts: (title, end), soonest first
    terms: list[TermBrief]  # their obligations that are open or were missed


_CONTRACT = (
    "SELECT c.*, a.name AS account_name, a.owner_id, dl.title AS deal_title FROM contracts c"
    " JOIN accounts a ON a.id = c.account_id LEFT JOIN deals dl ON dl.id = c.deal_id"
)


def _opt_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _row_to_contract(row: aiosqlite.Row) -> Contract:
    values: dict[str, Any] = {
        name: row[name]
        for name in (
            "id",
            "account_id",
            "account_name",
            "owner_id",
            "title",
            "number",
            "amount_minor",
            "currency",
            "status",
            "notes",
            "file_id",
            "file_name",
            "deal_id",
            "deal_title",
        )
    }
    for name in ("signed_on", "starts_on", "ends_on"):
        values[name] = _opt_day(row[name])
    return Contract(**values)


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
        kind=row["kind"],
        recur_every=row["recur_every"],
        recur_day=row["recur_day"],
    )


async def _view(conn: aiosqlite.Connection, obligation_id: int) -> ObligationView | None:
    row = await (await conn.execute(_VIEW + " WHERE o.id = ?", (obligation_id,))).fetchone()
    return None if row is None else _row_to_view(row)


def _db_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _contract_values(contract: ContractFields) -> dict[str, object]:
    return {f.name: _db_value(getattr(contract, f.name)) for f in fields(contract)}


async def _linkable_deal(
    conn: aiosqlite.Connection, account_id: int, deal_id: object, contract_id: int | None
) -> int | None:
    """The deal to link, if it is still there, of the same account, and not linked to another
    contract (a deal deleted or linked meanwhile leaves the contract unlinked)."""
    if not isinstance(deal_id, int):
        return None
    cursor = await conn.execute(
        "SELECT 1 FROM deals d WHERE d.id = ? AND d.account_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM contracts c WHERE c.deal_id = d.id AND c.id IS NOT ?)",
        (deal_id, account_id, contract_id),
    )
    return deal_id if await cursor.fetchone() is not None else None


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
    details: ContractFields | None = None,
) -> int:
    """Inserts a contract (`details`, when given, carries every field, the title included)."""
    values = _contract_values(details or ContractFields(title, number=number, ends_on=ends_on))
    values["deal_id"] = await _linkable_deal(conn, account_id, values["deal_id"], None)
    stamp = dt_to_db(now)
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = await conn.execute(
        f"INSERT INTO contracts (account_id, {columns}, status, created_by, created_at,"
        f" updated_at) VALUES (?, {marks}, ?, ?, ?, ?)",
        (account_id, *values.values(), status, actor_id, stamp, stamp),
    )
    contract_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="contract",
        entity_id=contract_id,
        action="create",
        changes={k: (None, v) for k, v in values.items() if v is not None},
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
    kind: str = "other",
    recur_every: int | None = None,
    recur_day: int | None = None,
) -> int:
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO obligations (contract_id, kind, party, description, due_on, recurrence,"
        " recur_every, recur_day, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            contract_id,
            kind,
            party,
            description,
            due_on.isoformat(),
            recurrence,
            recur_every,
            recur_day,
            stamp,
            stamp,
        ),
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

    # --- contracts as the manager enters and reads them ---------------------------------

    async def create(
        self, account_id: int, details: ContractFields, *, actor_id: int, now: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            return await insert_contract(
                conn,
                account_id=account_id,
                title=details.title,
                actor_id=actor_id,
                now=now,
                details=details,
            )

    async def update(
        self, contract_id: int, details: ContractFields, *, actor_id: int, now: datetime
    ) -> bool:
        """Writes the fields that changed (and the audit of each); False when it is gone."""
        return await self._write(contract_id, _contract_values(details), actor_id, now)

    async def set_status(
        self, contract_id: int, status: str, *, actor_id: int, now: datetime
    ) -> bool:
        """Sets a contract's status (audited when it changes); False when it is gone."""
        return await self._write(contract_id, {"status": status}, actor_id, now)

    async def _write(
        self, contract_id: int, values: dict[str, object], actor_id: int, now: datetime
    ) -> bool:
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM contracts WHERE id = ?", (contract_id,))
            ).fetchone()
            if row is None:
                return False
            if "deal_id" in values:
                deal_id = values["deal_id"]
                values["deal_id"] = await _linkable_deal(
                    conn, row["account_id"], deal_id, row["id"]
                )
            await audit.update_changed(
                conn, row, values, table="contracts", entity="contract", at=now, actor_id=actor_id
            )
        return True

    async def delete(self, contract_id: int, *, actor_id: int, now: datetime) -> bool:
        """Deletes a contract with its obligations (each audited); False when it is gone."""
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM contracts WHERE id = ?", (contract_id,))
            ).fetchone()
            if row is None:
                return False
            account_id = int(row["account_id"])
            terms = await conn.execute_fetchall(
                "DELETE FROM obligations WHERE contract_id = ? RETURNING id, description",
                (contract_id,),
            )
            for term in terms:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    entity="obligation",
                    entity_id=int(term["id"]),
                    action="delete",
                    changes={"description": (term["description"], None)},
                    account_id=account_id,
                )
            await conn.execute("DELETE FROM contracts WHERE id = ?", (contract_id,))
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="contract",
                entity_id=contract_id,
                action="delete",
                changes={"title": (row["title"], None), "status": (row["status"], None)},
                account_id=account_id,
            )
        return True

    async def get(self, contract_id: int) -> Contract | None:
        row = await self._db.fetch_one(_CONTRACT + " WHERE c.id = ?", (contract_id,))
        return None if row is None else _row_to_contract(row)

    async def for_account(self, account_id: int) -> list[tuple[Contract, list[ObligationView]]]:
        """The account's contracts (live first, then by end) with their obligations."""
        async with self._db.reading() as conn:
            rows = await conn.execute_fetchall(
                _CONTRACT + " WHERE c.account_id = ?"
                " ORDER BY c.status NOT IN ('active', 'at_risk'), c.ends_on IS NULL, c.ends_on,"
                " c.id LIMIT 100",
                (account_id,),
            )
            terms = await conn.execute_fetchall(
                _VIEW + " WHERE c.account_id = ? ORDER BY o.due_on, o.id", (account_id,)
            )
        by_contract: dict[int, list[ObligationView]] = {}
        for term in terms:
            by_contract.setdefault(term["contract_id"], []).append(_row_to_view(term))
        return [(c, by_contract.get(c.id, [])) for c in map(_row_to_contract, rows)]

    async def obligations_of(self, contract_id: int) -> list[ObligationView]:
        rows = await self._db.fetch_all(
            _VIEW + " WHERE o.contract_id = ? ORDER BY o.due_on, o.id", (contract_id,)
        )
        return [_row_to_view(row) for row in rows]

    async def add_term(
        self, contract_id: int, term: ObligationFields, *, actor_id: int, now: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            return await insert_obligation(
                conn,
                contract_id=contract_id,
                description=term.description,
                due_on=term.due_on,
                actor_id=actor_id,
                now=now,
                party=term.party,
                recurrence=term.recurrence,
                kind=term.kind,
                recur_every=term.recur_every,
                recur_day=term.recur_day,
            )

    async def update_term(
        self, obligation_id: int, term: ObligationFields, *, actor_id: int, now: datetime
    ) -> bool:
        """Writes the changed fields of an obligation; False when it is gone."""
        values = {f.name: _db_value(getattr(term, f.name)) for f in fields(term)}
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM obligations WHERE id = ?", (obligation_id,))
            ).fetchone()
            if row is None:
                return False
            await audit.update_changed(
                conn,
                row,
                values,
                table="obligations",
                entity="obligation",
                at=now,
                actor_id=actor_id,
            )
        return True

    async def delete_term(self, obligation_id: int, *, actor_id: int, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute(
                    "DELETE FROM obligations WHERE id = ? RETURNING description, due_on",
                    (obligation_id,),
                )
            ).fetchone()
            if row is None:
                return False
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="obligation",
                entity_id=obligation_id,
                action="delete",
                changes={
                    "description": (row["description"], None),
                    "due_on": (row["due_on"], None),
                },
            )
        return True

    async def card_summary(self, account_id: int) -> CardSummary:
        """What the account card says about contracts, in one query: the live contracts'
        ends and their obligations that are open or were missed."""
        rows = await self._db.fetch_all(
            "SELECT c.id AS contract_id, c.title, c.ends_on, o.id, o.description, o.status,"
            " o.due_on, o.delayed_to FROM contracts c LEFT JOIN obligations o"
            " ON o.contract_id = c.id AND o.status IN ('pending', 'delayed', 'missed')"
            " WHERE c.account_id = ? AND c.status IN ('active', 'at_risk')"
            " ORDER BY c.ends_on IS NULL, c.ends_on, c.id, o.due_on, o.id",
            (account_id,),
        )
        ends: dict[int, tuple[str, date | None]] = {}
        terms: list[TermBrief] = []
        for row in rows:
            ends.setdefault(row["contract_id"], (row["title"], _opt_day(row["ends_on"])))
            if row["id"] is not None:
                terms.append(
                    TermBrief(
                        row["id"],
                        row["description"],
                        row["status"],
                        date.fromisoformat(row["due_on"]),
                        _opt_day(row["delayed_to"]),
                    )
                )
        return CardSummary(list(ends.values()), terms)

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
    return await _insert_following(conn, plan.following, actor_id, now)


async def _insert_following(
    conn: aiosqlite.Connection, following: NextObligation, actor_id: int, now: datetime
) -> int:
    """The next occurrence of a recurring obligation, with its kind and cadence."""
    return await insert_obligation(
        conn,
        contract_id=following.contract_id,
        description=following.description,
        due_on=following.due_on,
        actor_id=actor_id,
        now=now,
        party=following.party,
        recurrence=following.recurrence,
        kind=following.kind,
        recur_every=following.recur_every,
        recur_day=following.recur_day,
    )
