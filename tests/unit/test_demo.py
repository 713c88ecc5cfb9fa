from __future__ import annotations

from domain.clock import FakeClock
from storage import Storage
from storage.demo import load_demo_portfolio


async def test_demo_portfolio_is_loaded_once(storage: Storage, clock: FakeClock) -> None:
    kwargs = dict(
        telegram_id=42, full_name="Demo", language="ru", timezone="Europe/Moscow", now=clock.now()
    )
    first = await load_demo_portfolio(storage, **kwargs)  # type: ignore[arg-type]
    second = await load_demo_portfolio(storage, **kwargs)  # type: ignore[arg-type]
    assert "VT-Metal" in first
    assert "already" in second
    names = [row[0] for row in await storage.db.fetch_all("SELECT name FROM accounts ORDER BY id")]
    assert names[0] == "VT-Metal" and len(names) == 4
    for table in (
        "contacts",
        "meetings",
        "tasks",
        "contracts",
        "obligations",
        "satisfaction_checks",
    ):
        row = await storage.db.fetch_one(f"SELECT count(*) FROM {table}")
        assert row is not None and row[0] > 0, table
