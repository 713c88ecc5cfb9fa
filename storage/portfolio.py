"""The lead's portfolio view: managers in view, their key accounts with revenue and opportunity,
and the prospects nobody owns yet (with their assignment, audited).

A lead sees the managers whose lead they are (managers.lead_id) and themself; an admin sees
every active manager. Key accounts are the ones with status 'active' or 'at_risk'. An
account's revenue is the sum of its active (or at-risk) contracts' values plus its deals won
since a given day (domain.portfolio.won_since; agreements of the former History count as won
from the day they were entered) that no contract was signed from yet, per currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.money import Money
from storage import audit
from storage.codec import dt_to_db
from storage.database import Database
from storage.deals import WON
from storage.managers import Manager, led_by, row_to_manager

KEY_STATUSES = ("active", "at_risk")
_REVENUE = (
    "SELECT c.account_id, c.currency, sum(c.amount_minor) AS amount FROM contracts c"
    " JOIN accounts a ON a.id = c.account_id"
    " WHERE a.owner_id IN ({ids}) AND a.archived_at IS NULL"
    " AND c.status IN ('active', 'at_risk')"
    " AND c.amount_minor IS NOT NULL AND c.currency IS NOT NULL"
    " GROUP BY c.account_id, c.currency"
    " UNION ALL"
    " SELECT d.account_id, d.currency, sum(d.amount_minor) FROM deals d"
    " JOIN accounts a ON a.id = d.account_id"
    " WHERE a.owner_id IN ({ids}) AND a.archived_at IS NULL"
    " AND " + WON + " AND coalesce(d.closed_on, substr(d.created_at, 1, 10)) >= :since"
    " AND NOT EXISTS (SELECT 1 FROM contracts l WHERE l.deal_id = d.id)"
    " AND d.amount_minor IS NOT NULL AND d.currency IS NOT NULL"
    " GROUP BY d.account_id, d.currency"
)


@dataclass(frozen=True)
class AccountFigures:
    id: int
    name: str
    status: str
    owner_id: int
    revenue: dict[str, int]  # minor units per currency
    opportunity_1y: Money | None
    opportunity_3_5y: Money | None


@dataclass
class ManagerFigures:
    manager: Manager
    accounts: list[AccountFigures] = field(default_factory=list)


@dataclass(frozen=True)
class Prospect:
    id: int
    name: str
    industry: str | None


def _money(minor: int | None, currency: str | None) -> Money | None:
    return Money(int(minor), currency) if minor is not None and currency else None


class PortfolioRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def managers_in_view(self, viewer_id: int, *, sees_all: bool) -> list[Manager]:
        """The active managers a viewer's portfolio covers: everyone for an admin, else the
        lead's team and the lead; by name."""
        where = "active = 1" + ("" if sees_all else f" AND (id = :me OR {led_by(':me')})")
        rows = await self._db.fetch_all(
            f"SELECT * FROM managers WHERE {where} ORDER BY full_name, id", {"me": viewer_id}
        )
        return [row_to_manager(row) for row in rows]

    async def portfolio(
        self, viewer_id: int, *, sees_all: bool, won_since: date
    ) -> list[ManagerFigures]:
        """Each manager in view with their key accounts (largest opportunity first) and each
        account's revenue (deals won from ``won_since``): three queries whatever the team's
        size."""
        managers = await self.managers_in_view(viewer_id, sees_all=sees_all)
        if not managers:
            return []
        by_id = {m.id: ManagerFigures(m) for m in managers}
        ids = ", ".join(str(m.id) for m in managers)  # integers from the database
        statuses = ", ".join(f"'{s}'" for s in KEY_STATUSES)
        revenue: dict[int, dict[str, int]] = {}
        since = {"since": won_since.isoformat()}
        for row in await self._db.fetch_all(_REVENUE.format(ids=ids), since):
            per = revenue.setdefault(int(row["account_id"]), {})
            per[row["currency"]] = per.get(row["currency"], 0) + int(row["amount"])
        rows = await self._db.fetch_all(
            f"SELECT * FROM accounts WHERE owner_id IN ({ids}) AND archived_at IS NULL"
            f" AND status IN ({statuses})"
            " ORDER BY coalesce(opportunity_1y_minor, 0) DESC, name, id"
        )
        for row in rows:
            by_id[int(row["owner_id"])].accounts.append(
                AccountFigures(
                    id=row["id"],
                    name=row["name"],
                    status=row["status"],
                    owner_id=row["owner_id"],
                    revenue=dict(sorted(revenue.get(int(row["id"]), {}).items())),
                    opportunity_1y=_money(
                        row["opportunity_1y_minor"], row["opportunity_1y_currency"]
                    ),
                    opportunity_3_5y=_money(
                        row["opportunity_3_5y_minor"], row["opportunity_3_5y_currency"]
                    ),
                )
            )
        return list(by_id.values())

    async def unowned_prospects(self, *, limit: int, offset: int = 0) -> tuple[list[Prospect], int]:
        """Prospects whose owner is not decided (nobody, or a manager switched off), oldest
        first, one page; and how many there are."""
        rows = await self._db.fetch_all(
            "SELECT a.id, a.name, a.industry, count(*) OVER () AS total FROM accounts a"
            " LEFT JOIN managers m ON m.id = a.owner_id"
            " WHERE a.status = 'prospect' AND a.archived_at IS NULL"
            " AND (a.owner_id IS NULL OR m.active = 0)"
            " ORDER BY a.created_at, a.id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = int(rows[0]["total"]) if rows else await self._count_unowned()
        return [Prospect(r["id"], r["name"], r["industry"]) for r in rows], total

    async def _count_unowned(self) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) AS n FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id"
            " WHERE a.status = 'prospect' AND a.archived_at IS NULL"
            " AND (a.owner_id IS NULL OR m.active = 0)"
        )
        return int(row["n"]) if row else 0

    async def unowned_prospect(self, account_id: int) -> Prospect | None:
        """The prospect if its owner is still undecided (else None: gone or assigned)."""
        row = await self._db.fetch_one(
            "SELECT a.id, a.name, a.industry FROM accounts a"
            " LEFT JOIN managers m ON m.id = a.owner_id"
            " WHERE a.id = ? AND a.status = 'prospect' AND a.archived_at IS NULL"
            " AND (a.owner_id IS NULL OR m.active = 0)",
            (account_id,),
        )
        return None if row is None else Prospect(row["id"], row["name"], row["industry"])

    async def assign(self, account_id: int, owner_id: int, *, actor_id: int, now: datetime) -> bool:
        """Gives an unowned prospect to a manager (audited); False if it was assigned or gone
        meanwhile (two leads pressing at once: the first wins)."""
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute(
                    "SELECT a.owner_id FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id"
                    " WHERE a.id = ? AND a.status = 'prospect' AND a.archived_at IS NULL"
                    " AND (a.owner_id IS NULL OR m.active = 0)",
                    (account_id,),
                )
            ).fetchone()
            if row is None:
                return False
            await conn.execute(
                "UPDATE accounts SET owner_id = ?, updated_at = ? WHERE id = ?",
                (owner_id, dt_to_db(now), account_id),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="account",
                entity_id=account_id,
                action="update",
                changes={"owner_id": (row["owner_id"], owner_id)},
            )
        return True
