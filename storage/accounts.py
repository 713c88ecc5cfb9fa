"""Accounts (key accounts and prospects): the core of each client's profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

import aiosqlite

from domain import policy
from domain.account_labels import AccountTag
from domain.policy import Action, Kind, Relation
from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database

AccountStatus = Literal["prospect", "active", "at_risk", "lost"]
ACCOUNT_STATUSES: tuple[AccountStatus, ...] = ("prospect", "active", "at_risk", "lost")

# Profile fields that hold free text, editable one by one (see DOMAIN.md's profile sections).
TEXT_FIELDS: tuple[str, ...] = (
    "industry",
    "city",
    "website",
    "description",
    "goals",
    "financial_results",
    "corporate_culture",
    "industry_notes",
    "relationship_current",
    "relationship_future",
    "decision_process",
    "resources_plan",
)
UPDATABLE_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "name",
        "aliases",
        "status",
        "owner_id",
        "opportunity_1y_minor",
        "opportunity_1y_currency",
        "opportunity_3_5y_minor",
        "opportunity_3_5y_currency",
        "contact_cadence_days",
    }
)


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    aliases: str
    status: AccountStatus
    owner_id: int | None
    industry: str | None
    city: str | None
    website: str | None
    description: str | None
    goals: str | None
    financial_results: str | None
    corporate_culture: str | None
    industry_notes: str | None
    relationship_current: str | None
    relationship_future: str | None
    decision_process: str | None
    resources_plan: str | None
    opportunity_1y_minor: int | None
    opportunity_1y_currency: str | None
    opportunity_3_5y_minor: int | None
    opportunity_3_5y_currency: str | None
    contact_cadence_days: int
    last_contact_at: datetime | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    @property
    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.splitlines() if a.strip()]


_DATETIME_FIELDS = {"last_contact_at", "created_at", "updated_at", "archived_at"}
_COLUMNS = [f.name for f in fields(Account)]


def row_to_account(row: aiosqlite.Row) -> Account:
    values: dict[str, Any] = {}
    for name in _COLUMNS:
        value = row[name]
        if name in _DATETIME_FIELDS:
            value = (
                opt_dt_from_db(value)
                if name in ("last_contact_at", "archived_at")
                else dt_from_db(value)
            )
        values[name] = value
    return Account(**values)


# An account is visible to a manager through the relations domain.policy names (owner, on
# its team); leads and admins see all (`sees_all`). Each relation as a condition on `a` and
# as the ids it reaches, for the filters below and in storage.search.
_RELATION_WHERE = {
    Relation.OWNER: "a.owner_id = :manager_id",
    Relation.TEAM: "EXISTS (SELECT 1 FROM account_team t"
    " WHERE t.account_id = a.id AND t.manager_id = :manager_id)",
}
_RELATION_IDS = {
    Relation.OWNER: "SELECT id FROM accounts WHERE owner_id = :manager_id",
    Relation.TEAM: "SELECT account_id FROM account_team WHERE manager_id = :manager_id",
}
_SEEN_THROUGH = sorted(policy.granting(Kind.ACCOUNT, Action.SEE), key=lambda r: r.value)
VISIBLE_TO = "(" + " OR ".join(_RELATION_WHERE[r] for r in _SEEN_THROUGH) + ")"
VISIBLE_IDS = " UNION ".join(_RELATION_IDS[r] for r in _SEEN_THROUGH)


class AccountRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, account_id: int) -> Account | None:
        row = await self._db.fetch_one("SELECT * FROM accounts WHERE id = ?", (account_id,))
        return None if row is None else row_to_account(row)

    async def visible(self, manager_id: int, *, sees_all: bool, limit: int = 200) -> list[Account]:
        """Accounts the manager may see, most recently touched first: by the last contact (the
        last held meeting), or by creation for a client never met yet; profile edits do not
        reorder the portfolio."""
        where = "a.archived_at IS NULL" + ("" if sees_all else f" AND {VISIBLE_TO}")
        rows = await self._db.fetch_all(
            f"SELECT a.* FROM accounts a WHERE {where}"
            " ORDER BY coalesce(a.last_contact_at, a.created_at) DESC, a.name, a.id"
            " LIMIT :limit",
            {"manager_id": manager_id, "limit": limit},
        )
        return [row_to_account(row) for row in rows]

    async def tags(self, account_ids: Sequence[int]) -> dict[int, AccountTag]:
        """Name, owner's name and city of each account: what tells namesakes apart."""
        ids = list(dict.fromkeys(account_ids))[:500]
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await self._db.fetch_all(
            "SELECT a.id, a.name, a.city, m.full_name AS owner FROM accounts a"
            f" LEFT JOIN managers m ON m.id = a.owner_id WHERE a.id IN ({marks})",
            ids,
        )
        return {
            int(r["id"]): AccountTag(int(r["id"]), r["name"], r["owner"], r["city"]) for r in rows
        }

    async def relations(self, account_id: int, manager_id: int) -> frozenset[Relation]:
        """What the account is to the manager: owner, on its team (for domain.policy)."""
        row = await self._db.fetch_one(
            "SELECT "
            + ", ".join(f"{_RELATION_WHERE[r]} AS {r.value}" for r in _RELATION_WHERE)
            + " FROM accounts a WHERE a.id = :account_id",
            {"account_id": account_id, "manager_id": manager_id},
        )
        if row is None:
            return frozenset()
        return frozenset(r for r in _RELATION_WHERE if row[r.value])

    async def is_visible(self, account_id: int, manager_id: int, *, sees_all: bool) -> bool:
        if sees_all:
            return await self.get(account_id) is not None
        row = await self._db.fetch_one(
            f"SELECT 1 FROM accounts a WHERE a.id = :account_id AND {VISIBLE_TO}",
            {"account_id": account_id, "manager_id": manager_id},
        )
        return row is not None

    async def create(
        self,
        *,
        name: str,
        owner_id: int,
        actor_id: int,
        now: datetime,
        status: AccountStatus = "prospect",
        industry: str | None = None,
    ) -> Account:
        async with self._db.transaction() as conn:
            account_id = await insert_account(
                conn,
                name=name,
                owner_id=owner_id,
                actor_id=actor_id,
                now=now,
                status=status,
                industry=industry,
            )
            row = await (
                await conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,))
            ).fetchone()
        assert row is not None
        return row_to_account(row)

    async def update(
        self, account_id: int, *, actor_id: int, now: datetime, **changes: Any
    ) -> Account:
        """Changes profile fields; each changed field is written to the audit log."""
        unknown = set(changes) - UPDATABLE_FIELDS
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,))
            ).fetchone()
            if row is None:
                raise LookupError(f"account {account_id} not found")
            await audit.update_changed(
                conn, row, changes, table="accounts", entity="account", at=now, actor_id=actor_id
            )
            row = await (
                await conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,))
            ).fetchone()
        assert row is not None
        return row_to_account(row)


async def insert_account(
    conn: aiosqlite.Connection,
    *,
    name: str,
    owner_id: int,
    actor_id: int,
    now: datetime,
    status: AccountStatus = "prospect",
    industry: str | None = None,
) -> int:
    """Creates an account (owner on its team) in the caller's transaction; audited."""
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO accounts (name, status, owner_id, industry, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (name, status, owner_id, industry, stamp, stamp),
    )
    account_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="account",
        entity_id=account_id,
        action="create",
        changes={"name": (None, name), "status": (None, status)},
    )
    return account_id
