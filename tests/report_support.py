"""A small team with a known week, for the report tests; the totals are worked out by hand in
the tests that use it (tests/unit/test_reports.py, tests/handlers/test_reports.py).

The clock is tests.conftest.NOW: Thursday 26 November 2026, 10:30 in Moscow. "Last week" is
Monday 16 - Sunday 22 November (Moscow); the week before is 9-15 November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage import Storage
from storage.codec import dt_to_db
from storage.managers import Manager
from tests.reminder_support import add_manager

STAMP = "2026-11-01T00:00:00Z"
MOSCOW = ZoneInfo("Europe/Moscow")


async def insert(storage: Storage, table: str, **values: Any) -> int:
    """One row, with created_at/updated_at filled in where the table has them."""
    if table in ("meetings", "tasks", "deals", "contracts", "obligations"):
        values.setdefault("created_at", STAMP)
        values.setdefault("updated_at", STAMP)
    if table == "satisfaction_checks":
        values.setdefault("created_at", STAMP)
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = dt_to_db(value)
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    async with storage.db.transaction() as conn:
        cursor = await conn.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values())
        )
        return int(cursor.lastrowid or 0)


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall time in November 2026 as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


@dataclass
class Team:
    lead: Manager
    kam_a: Manager
    kam_b: Manager
    kam_c: Manager  # another team
    alpha: int
    beta: int
    gamma: int
    delta: int
    epsilon: int


async def seed_team(storage: Storage, now: datetime, *, language: str = "en") -> Team:
    lead = await add_manager(storage, 3001, "Lena Lead", now=now, role="lead", language=language)
    kam_a = await add_manager(storage, 3002, "Anton", now=now, lead_id=lead.id, language=language)
    kam_b = await add_manager(storage, 3003, "Boris", now=now, lead_id=lead.id)
    kam_c = await add_manager(storage, 3004, "Clara", now=now)

    async def account(owner: Manager, name: str, **extra: Any) -> int:
        return await insert(
            storage,
            "accounts",
            name=name,
            owner_id=owner.id,
            status="active",
            created_at=STAMP,
            updated_at=STAMP,
            **extra,
        )

    alpha = await account(
        kam_a,
        "Alpha <Steel>",
        opportunity_1y_minor=100_000_000,
        opportunity_1y_currency="RUB",
        opportunity_3_5y_minor=500_000_000,
        opportunity_3_5y_currency="RUB",
    )
    beta = await account(
        kam_a, "Beta", opportunity_1y_minor=20_000_000, opportunity_1y_currency="USD"
    )
    team = Team(
        lead,
        kam_a,
        kam_b,
        kam_c,
        alpha,
        beta,
        await account(kam_b, "Gamma"),
        await account(kam_c, "Delta"),
        await account(kam_a, "Epsilon"),
    )
    await _meetings(storage, team)
    await _tasks(storage, team)
    await _checks(storage, team)
    await _deals(storage, team)
    await _contracts(storage, team)
    return team


async def _meetings(storage: Storage, team: Team) -> None:
    a, b, c = team.kam_a.id, team.kam_b.id, team.kam_c.id
    for account_id, author, status, kind, starts in (
        (team.alpha, a, "held", "visit", msk(17, 10)),
        (team.alpha, a, "held", "call", msk(18, 15)),
        (team.beta, a, "held", "call", msk(22, 23, 30)),  # Sunday night: still last week
        (team.alpha, a, "held", "visit", msk(23, 0, 30)),  # Monday 00:30: this week
        (team.beta, a, "planned", "visit", msk(20, 11)),
        (team.beta, a, "cancelled", "call", msk(21, 12)),
        (team.gamma, b, "held", "negotiation", msk(19, 12)),
        (team.delta, c, "held", "visit", msk(19, 14)),
        (team.alpha, a, "held", "visit", msk(12, 10)),  # the week before
    ):
        await insert(
            storage,
            "meetings",
            account_id=account_id,
            author_id=author,
            status=status,
            kind=kind,
            starts_at=starts,
        )
    deleted = dict(author_id=a, status="held", kind="visit", starts_at=msk(18, 9))
    await insert(storage, "meetings", account_id=team.beta, deleted_at=STAMP, **deleted)


async def _tasks(storage: Storage, team: Team) -> None:
    a = team.kam_a.id
    for text, status, due, has_time, completed in (
        ("done last week", "done", msk(18, 12), 1, msk(18, 16)),
        ("done before", "done", msk(10, 12), 1, msk(10, 13)),
        ("overdue timed", "open", msk(20, 12), 1, None),
        ("due today", "open", msk(26, 0), 0, None),
        ("due later", "open", msk(30, 12), 1, None),
        ("overdue day", "open", msk(25, 0), 0, None),
        ("cancelled", "cancelled", msk(19, 12), 1, None),
    ):
        await insert(
            storage,
            "tasks",
            account_id=team.alpha,
            assignee_id=a,
            text=text,
            status=status,
            due_at=due,
            due_has_time=has_time,
            completed_at=completed,
        )
    await insert(storage, "tasks", assignee_id=team.kam_b.id, text="B's task", status="open")


async def _checks(storage: Storage, team: Team) -> None:
    for manager, account_id, score, answered in (
        (team.kam_a, team.alpha, 4, msk(17, 12)),
        (team.kam_a, team.beta, 5, msk(21, 12)),
        (team.kam_a, team.alpha, 3, msk(11, 12)),  # the week before
        (team.kam_b, team.gamma, 2, msk(20, 12)),
    ):
        await insert(
            storage,
            "satisfaction_checks",
            account_id=account_id,
            manager_id=manager.id,
            due_at=answered,
            answered_at=answered,
            score=score,
            status="answered",
        )
    await insert(
        storage,
        "satisfaction_checks",
        account_id=team.alpha,
        manager_id=team.kam_a.id,
        due_at=msk(19, 12),
        status="scheduled",
    )


async def _deals(storage: Storage, team: Team) -> None:
    for account_id, title, stage, amount, currency, probability, closed, code, why in (
        (team.alpha, "Pipes", "lead", 100_000_000, "RUB", None, None, None, None),
        (team.alpha, "Valves", "proposal", 5_000_000, "USD", 40, None, None, None),
        (team.beta, "Rails", "negotiation", 10_000_000, "USD", 80, None, None, None),
        (team.beta, "Bolts", "won", 3_000_000, "USD", 100, "2026-11-18", "relationship", "Long"),
        (team.alpha, "Beams", "lost", 900_000, "USD", 0, "2026-11-20", "competitor", "SteelCo"),
        (team.alpha, "Nails", "won", 100_000, "USD", 100, "2026-11-05", "price", None),
        (team.gamma, "Wire", "qualified", 2_000_000, "EUR", 50, None, None, None),
    ):
        await insert(
            storage,
            "deals",
            account_id=account_id,
            title=title,
            stage=stage,
            amount_minor=amount,
            currency=currency,
            probability=probability,
            closed_on=closed,
            reason_code=code,
            result_reason=why,
        )


async def _contracts(storage: Storage, team: Team) -> None:
    async def contract(account_id: int, title: str, status: str, *terms: tuple[str, str]) -> None:
        contract_id = await insert(
            storage,
            "contracts",
            account_id=account_id,
            title=title,
            status=status,
            amount_minor=1_000_000,
            currency="RUB",
            ends_on="2027-06-30",
        )
        for state, due_on in terms:
            await insert(
                storage,
                "obligations",
                contract_id=contract_id,
                party="ours",
                description=f"{title} term",
                due_on=due_on,
                status=state,
            )

    await contract(team.alpha, "Supply 2026", "active", ("missed", "2026-11-10"))
    await contract(team.beta, "Service", "active", ("pending", "2026-11-29"), ("met", "2026-10-01"))
    await contract(team.epsilon, "Calm", "active", ("pending", "2026-12-20"))
    await contract(team.beta, "Old", "completed", ("missed", "2026-01-10"))
