"""The card and the profile read one account's rows by key, whatever the company's size.

Without ANALYZE (the bot never runs it) SQLite picks its plans from the schema alone; an
index on status (every planned meeting, every open obligation of the company) must never be
where an account's reading starts (docs/benchmarks.md, "Growth").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.clock import FakeClock
from storage import Storage

BY_STATUS = ("meetings_status_time", "obligations_delayed", "contracts_status")


async def _plans(storage: Storage, read: Callable[[], Awaitable[object]]) -> dict[str, list[str]]:
    """The query plan of every statement `read` runs, by statement."""
    statements: list[str] = []
    conn = storage.db.connection
    await conn.set_trace_callback(statements.append)
    try:
        await read()
    finally:
        await conn.set_trace_callback(lambda _statement: None)
    plans = {}
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")
            plans[sql] = [str(row[3]) for row in rows]
    return plans


async def test_the_card_and_the_profile_read_by_account_not_by_status(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    admin = await storage.managers.create(
        telegram_id=1,
        full_name="Admin",
        username=None,
        role="admin",
        language="en",
        timezone="Europe/Moscow",
        now=now,
    )
    account = await storage.accounts.create(
        name="VT-Metal", owner_id=admin.id, actor_id=admin.id, now=now
    )
    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: storage.profile.card_snapshot(account.id),
        lambda: storage.contracts.card_summary(account.id),
        lambda: storage.profile.snapshot(account.id, now=now, today=now.date()),
    ]
    for read in reads:
        plans = await _plans(storage, read)
        assert plans
        for sql, plan in plans.items():
            steps = "\n".join(plan)
            assert not any(index in steps for index in BY_STATUS), f"{sql}\n{steps}"
            scans = [s for s in plan if s.startswith("SCAN") and "subquery" not in s]
            assert scans in ([], ["SCAN s"]), f"{sql}\n{steps}"  # s: the card's last scores
