"""Deals and tenders (the `deals` table): create, change, move between stages, delete.

The same rows are the profile's History list (storage.profile reads and edits them as its
"deal" list kind): rows of kind 'agreement' from before are signed deals (domain.deals).
Every write is audited in its transaction (entity "deal", like the profile editor's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from domain.deals import Closing, effective_stage, stage_order
from storage import audit
from storage.codec import dt_to_db, opt_dt_from_db
from storage.database import Database

ENTITY = "deal"
SETTABLE = frozenset(
    {
        "kind",
        "title",
        "stage",
        "amount_minor",
        "currency",
        "probability",
        "expected_close_on",
        "deadline_on",
        "closed_on",
        "result_reason",
        "reason_code",
        "owner_id",
    }
)
# A won deal as stored: stage 'won', or a signed "agreement" of the former History.
WON = "(d.stage = 'won' OR (d.kind = 'agreement' AND d.stage != 'lost'))"
_SELECT = (
    "SELECT d.*, a.name AS account_name, lc.id AS contract_id, lc.title AS contract_title"
    " FROM deals d JOIN accounts a ON a.id = d.account_id"
    " LEFT JOIN contracts lc ON lc.deal_id = d.id"
)


@dataclass(frozen=True)
class Deal:
    id: int
    account_id: int
    account_name: str
    kind: str  # 'deal', 'tender', 'agreement' (a signed deal of the former History)
    title: str
    stage: str  # as stored; `shown_stage` is what it reads as
    amount_minor: int | None
    currency: str | None
    probability: int | None
    expected_close_on: date | None
    deadline_on: date | None
    closed_on: date | None
    result_reason: str | None
    reason_code: str | None
    owner_id: int | None
    stage_changed_at: datetime | None
    created_at: datetime | None
    contract_id: int | None = None  # the contract signed from it
    contract_title: str | None = None

    @property
    def shown_stage(self) -> str:
        return effective_stage(self.kind, self.stage)

    @property
    def is_open(self) -> bool:
        return self.shown_stage not in ("won", "lost")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:  # a hand-typed value of the old field editor: not a day
        return None


def row_to_deal(row: aiosqlite.Row) -> Deal:
    return Deal(
        id=row["id"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        kind=row["kind"],
        title=row["title"],
        stage=row["stage"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        probability=row["probability"],
        expected_close_on=_day(row["expected_close_on"]),
        deadline_on=_day(row["deadline_on"]),
        closed_on=_day(row["closed_on"]),
        result_reason=row["result_reason"],
        reason_code=row["reason_code"],
        owner_id=row["owner_id"],
        stage_changed_at=opt_dt_from_db(row["stage_changed_at"]),
        created_at=opt_dt_from_db(row["created_at"]),
        contract_id=row["contract_id"],
        contract_title=row["contract_title"],
    )


def listing_key(deal: Deal) -> tuple[Any, ...]:
    """Open deals first (furthest stage first, then the nearest close), then the closed ones,
    most recently closed first."""
    if deal.is_open:
        close = deal.expected_close_on or date.max
        return (0, -stage_order(deal.shown_stage), close.toordinal(), deal.id)
    closed = deal.closed_on or (deal.created_at.date() if deal.created_at else date.min)
    return (1, -closed.toordinal(), -deal.id)


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return dt_to_db(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class DealRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, deal_id: int) -> Deal | None:
        row = await self._db.fetch_one(_SELECT + " WHERE d.id = ?", (deal_id,))
        return None if row is None else row_to_deal(row)

    async def for_account(self, account_id: int) -> list[Deal]:
        """The account's deals: open first, then won and lost (see `listing_key`)."""
        rows = await self._db.fetch_all(_SELECT + " WHERE d.account_id = ?", (account_id,))
        return sorted((row_to_deal(r) for r in rows), key=listing_key)

    async def titles(self, ids: set[int]) -> dict[int, str]:
        """The titles of the deals still there, by id."""
        marks = ", ".join("?" for _ in ids)
        rows = await self._db.fetch_all(
            f"SELECT id, title FROM deals WHERE id IN ({marks})", tuple(sorted(ids))
        )
        return {int(row["id"]): str(row["title"]) for row in rows}

    async def won_unlinked(
        self, account_id: int, *, since: date, contract_id: int | None = None
    ) -> list[Deal]:
        """The account's deals won since `since` that no contract was signed from yet, and
        the one `contract_id` was signed from; most recently closed first: what a contract
        may come from."""
        rows = await self._db.fetch_all(
            _SELECT + " WHERE d.account_id = :a AND " + WON + " AND (lc.id = :c OR lc.id IS NULL"
            " AND coalesce(d.closed_on, substr(d.created_at, 1, 10)) >= :since)",
            {"a": account_id, "since": since.isoformat(), "c": contract_id},
        )
        return sorted((row_to_deal(r) for r in rows), key=listing_key)

    async def create(
        self, account_id: int, values: dict[str, Any], *, actor_id: int, now: datetime
    ) -> Deal:
        """A new deal of the account; audited with its values."""
        unknown = set(values) - SETTABLE
        if unknown:
            raise ValueError(f"not settable on a deal: {sorted(unknown)}")
        stored = {key: _stored(value) for key, value in values.items() if value is not None}
        stamp = dt_to_db(now)
        stored.setdefault("owner_id", actor_id)
        row = {**stored, "account_id": account_id, "stage_changed_at": stamp}
        row.update(created_at=stamp, updated_at=stamp)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"INSERT INTO deals ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                tuple(row.values()),
            )
            deal_id = int(cursor.lastrowid or 0)
            changes = {key: (None, value) for key, value in stored.items()}
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity=ENTITY,
                entity_id=deal_id,
                action="create",
                changes={"account_id": (None, account_id), **changes},
            )
            await _touch_account(conn, account_id, now)
        found = await self.get(deal_id)
        assert found is not None
        return found

    async def update(
        self, deal_id: int, changes: dict[str, Any], *, actor_id: int, now: datetime
    ) -> Deal | None:
        """Changes a deal's columns (each changed one audited); a new stage also sets
        stage_changed_at. None if the deal is gone."""
        unknown = set(changes) - SETTABLE
        if unknown:
            raise ValueError(f"not settable on a deal: {sorted(unknown)}")
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM deals WHERE id = ?", (deal_id,))
            ).fetchone()
            if row is None:
                return None
            stored = {key: _stored(value) for key, value in changes.items()}
            diff = {key: (row[key], new) for key, new in stored.items() if row[key] != new}
            if diff:
                values = {key: new for key, (_, new) in diff.items()}
                if "stage" in diff:
                    values["stage_changed_at"] = dt_to_db(now)
                values["updated_at"] = dt_to_db(now)
                assignments = ", ".join(f"{key} = ?" for key in values)
                await conn.execute(
                    f"UPDATE deals SET {assignments} WHERE id = ?", (*values.values(), deal_id)
                )
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    entity=ENTITY,
                    entity_id=deal_id,
                    action="update",
                    changes=diff,
                )
                await _touch_account(conn, int(row["account_id"]), now)
        return await self.get(deal_id)

    async def close(
        self, deal_id: int, closing: Closing, *, actor_id: int, now: datetime
    ) -> Deal | None:
        """Won or lost, with its reason and the day it closed."""
        changes: dict[str, Any] = {
            "stage": closing.stage,
            "reason_code": closing.reason_code,
            "result_reason": closing.result_reason,
            "closed_on": closing.closed_on,
        }
        if closing.stage == "won":
            changes["probability"] = 100
        return await self.update(deal_id, changes, actor_id=actor_id, now=now)

    async def delete(self, deal_id: int, *, actor_id: int, now: datetime) -> bool:
        """Deletes a deal (audited with its title); False if it was gone."""
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM deals WHERE id = ?", (deal_id,))
            ).fetchone()
            if row is None:
                return False
            await unlink_contracts(conn, deal_id, actor_id, now)
            await conn.execute("DELETE FROM deals WHERE id = ?", (deal_id,))
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity=ENTITY,
                entity_id=deal_id,
                action="delete",
                changes={"title": (row["title"], None), "account_id": (row["account_id"], None)},
            )
            await _touch_account(conn, int(row["account_id"]), now)
        return True


async def unlink_contracts(
    conn: aiosqlite.Connection, deal_id: int, actor_id: int, now: datetime
) -> None:
    """The contracts signed from a deal being deleted lose their link (audited)."""
    linked = await conn.execute_fetchall("SELECT * FROM contracts WHERE deal_id = ?", (deal_id,))
    for contract in linked:
        await audit.update_changed(
            conn,
            contract,
            {"deal_id": None},
            table="contracts",
            entity="contract",
            at=now,
            actor_id=actor_id,
        )


async def _touch_account(conn: aiosqlite.Connection, account_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE accounts SET updated_at = ? WHERE id = ?", (dt_to_db(now), account_id)
    )
