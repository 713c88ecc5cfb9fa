"""storage.deals (the migrated columns, old History rows, audit) and storage.portfolio."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from domain.clock import FakeClock
from domain.contracts import ContractFields
from domain.deals import Closing
from domain.money import Money
from domain.portfolio import won_since
from storage import Storage
from storage.contracts import insert_contract
from storage.migrations import apply_migrations, available_migrations
from tests.reminder_support import add_account, add_manager


async def test_create_change_close_delete_are_audited(storage: Storage, clock: FakeClock) -> None:
    kim = await add_manager(storage, 1, "Kim", now=clock.now())
    account_id = await add_account(storage, kim, "VT-Metal", now=clock.now())
    values = {
        "kind": "tender",
        "title": "Pipes",
        "stage": "proposal",
        "amount_minor": 100_00,
        "currency": "RUB",
        "probability": 40,
        "deadline_on": date(2026, 12, 10),
        "expected_close_on": date(2027, 1, 15),
    }
    deal = await storage.deals.create(account_id, values, actor_id=kim.id, now=clock.now())
    assert (deal.kind, deal.deadline_on, deal.owner_id) == ("tender", date(2026, 12, 10), kim.id)
    assert deal.stage_changed_at == clock.now() and deal.account_name == "VT-Metal"
    clock.advance(timedelta(days=2))
    same = await storage.deals.update(deal.id, {"title": "Pipes"}, actor_id=kim.id, now=clock.now())
    assert same is not None and same.stage_changed_at == deal.stage_changed_at  # nothing changed
    closing = Closing("lost", "competitor", "Severstal", date(2026, 11, 28))
    lost = await storage.deals.close(deal.id, closing, actor_id=kim.id, now=clock.now())
    assert lost is not None
    assert (lost.stage, lost.reason_code, lost.result_reason) == ("lost", "competitor", "Severstal")
    assert lost.closed_on == date(2026, 11, 28) and lost.stage_changed_at == clock.now()
    entries = await storage.audit.for_entity("deal", deal.id)
    assert entries[0].action == "create"
    changed = {(e.field, e.new_value) for e in entries if e.action == "update"}
    assert {
        ("stage", "lost"),
        ("reason_code", "competitor"),
        ("closed_on", "2026-11-28"),
    } <= changed
    assert await storage.deals.delete(deal.id, actor_id=kim.id, now=clock.now())
    assert not await storage.deals.delete(deal.id, actor_id=kim.id, now=clock.now())
    assert (await storage.audit.for_entity("deal", deal.id))[-1].action == "delete"
    assert await storage.deals.update(deal.id, {"title": "x"}, actor_id=1, now=clock.now()) is None


async def test_old_history_rows_are_deals_and_the_profile_still_reads_them(
    storage: Storage, clock: FakeClock
) -> None:
    kim = await add_manager(storage, 1, "Kim", now=clock.now())
    account_id = await add_account(storage, kim, "VT-Metal", now=clock.now())
    rows: list[dict[str, Any]] = [
        {"kind": "agreement", "title": "Frame 2024", "closed_on": date(2024, 3, 1)},
        {"kind": "tender", "title": "Lost tender", "stage": "lost", "result_reason": "price"},
        {"kind": "deal", "title": "Late", "stage": "lead", "expected_close_on": date(2027, 3, 1)},
        {"kind": "deal", "title": "Soon", "stage": "negotiation"},
        {"kind": "deal", "title": "Odd date", "stage": "lead", "expected_close_on": "someday"},
    ]
    for values in rows:
        await storage.profile.add_item("deal", account_id, values, actor_id=kim.id, now=clock.now())
    deals = await storage.deals.for_account(account_id)
    assert [d.title for d in deals] == ["Soon", "Late", "Odd date", "Lost tender", "Frame 2024"]
    frame = deals[-1]
    assert (frame.stage, frame.shown_stage, frame.is_open) == ("lead", "won", False)
    assert deals[2].expected_close_on is None  # a typed value of the old editor: no day
    assert deals[3].reason_code is None and deals[3].result_reason == "price"
    assert deals[0].stage_changed_at is None  # the new column, empty for old rows
    items = await storage.profile.items("deal", account_id)
    assert len(items) == 5 and "reason_code" in items[0].values
    updated = await storage.profile.update_item(
        "deal", frame.id, {"result_reason": "good price"}, actor_id=kim.id, now=clock.now()
    )
    assert updated.get("result_reason") == "good price"


async def test_portfolio_revenue_scope_and_prospects(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    lena = await add_manager(storage, 1, "Lena", now=now, role="lead")
    kim = await add_manager(storage, 2, "Kim", now=now, lead_id=lena.id)
    zed = await add_manager(storage, 3, "Zed", now=now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    await add_account(storage, zed, "Hidden", now=now)
    async with storage.db.transaction() as conn:
        for status, amount in (("active", 100_00), ("at_risk", 50_00), ("expired", 999_00)):
            contract = await insert_contract(
                conn, account_id=vt, title="C", actor_id=kim.id, now=now, status=status
            )
            await conn.execute(
                "UPDATE contracts SET amount_minor = ?, currency = 'RUB' WHERE id = ?",
                (amount, contract),
            )
    deals = (
        {"title": "won", "stage": "won", "amount_minor": 7_00, "currency": "RUB"},
        {"title": "signed", "kind": "agreement", "amount_minor": 3_00, "currency": "USD"},
        {"title": "open", "stage": "proposal", "amount_minor": 999_00, "currency": "RUB"},
        {"title": "lost", "stage": "lost", "amount_minor": 999_00, "currency": "RUB"},
    )
    for values in deals:
        await storage.deals.create(vt, values, actor_id=kim.id, now=now)
    old = {"title": "old", "stage": "won", "amount_minor": 999_00, "currency": "RUB"}
    await storage.deals.create(vt, old, actor_id=kim.id, now=now - timedelta(days=400))
    old_agreement = {"title": "signed 2025", "kind": "agreement", "amount_minor": 999_00,
                     "currency": "USD"}  # fmt: skip
    await storage.deals.create(vt, old_agreement, actor_id=kim.id, now=now - timedelta(days=400))
    await storage.accounts.update(
        vt, actor_id=kim.id, now=now, opportunity_1y_minor=5_00, opportunity_1y_currency="RUB"
    )
    since = won_since(now.date())  # deals won more than a year ago are not counted
    team = await storage.portfolio.portfolio(lena.id, sees_all=False, won_since=since)
    assert [f.manager.full_name for f in team] == ["Kim", "Lena"]
    [account] = team[0].accounts
    assert account.revenue == {"RUB": 157_00, "USD": 3_00}
    assert account.opportunity_1y == Money(5_00, "RUB") and account.opportunity_3_5y is None
    everyone = await storage.portfolio.portfolio(lena.id, sees_all=True, won_since=since)
    assert [f.manager.full_name for f in everyone] == ["Kim", "Lena", "Zed"]
    prospect = await storage.accounts.create(name="Acme", owner_id=zed.id, actor_id=1, now=now)
    assert await storage.portfolio.unowned_prospects(limit=5) == ([], 0)
    await storage.managers.update(zed.id, actor_id=1, now=now, active=False)  # owner left
    found, total = await storage.portfolio.unowned_prospects(limit=5)
    assert total == 1 and found[0].name == "Acme"
    assert await storage.portfolio.assign(prospect.id, kim.id, actor_id=lena.id, now=now)
    assert not await storage.portfolio.assign(prospect.id, lena.id, actor_id=lena.id, now=now)
    owner = await storage.accounts.get(prospect.id)
    assert owner is not None and owner.owner_id == kim.id


async def test_a_won_deal_counts_once_its_contract_is_entered(
    storage: Storage, clock: FakeClock
) -> None:
    """Revenue: a won deal counts until a contract is signed from it; then the contract does
    (not both). Deleting the deal unlinks the contract (audited)."""
    now = clock.now()
    kim = await add_manager(storage, 1, "Kim", now=now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    other = await add_account(storage, kim, "NRG", now=now)
    won = {"title": "Pilot", "stage": "won", "amount_minor": 500_00, "currency": "RUB"}
    pilot = await storage.deals.create(vt, won, actor_id=kim.id, now=now)
    signed = {"title": "Old", "kind": "agreement", "amount_minor": 1_00, "currency": "RUB"}
    agreement = await storage.deals.create(vt, signed, actor_id=kim.id, now=now)
    lost = {"title": "Lost", "stage": "lost", "amount_minor": 9_00, "currency": "RUB"}
    await storage.deals.create(vt, lost, actor_id=kim.id, now=now)
    years_ago = {"title": "2024", "stage": "won", "amount_minor": 1_00, "currency": "RUB"}
    await storage.deals.create(vt, years_ago, actor_id=kim.id, now=now - timedelta(days=400))
    since = won_since(now.date())
    offered = await storage.deals.won_unlinked(vt, since=since)
    assert {d.title for d in offered} == {"Pilot", "Old"}  # not lost, not older than a year

    async def revenue() -> dict[str, int]:
        [figures] = await storage.portfolio.portfolio(
            kim.id, sees_all=True, won_since=won_since(now.date())
        )
        return next(a.revenue for a in figures.accounts if a.id == vt)

    assert await revenue() == {"RUB": 501_00}
    fields = ContractFields("Supply", amount_minor=600_00, currency="RUB", deal_id=pilot.id)
    contract_id = await storage.contracts.create(vt, fields, actor_id=kim.id, now=now)
    contract = await storage.contracts.get(contract_id)
    assert contract is not None and contract.deal_id == pilot.id and contract.deal_title == "Pilot"
    assert await revenue() == {"RUB": 601_00}  # the contract, and the unlinked agreement
    assert [d.id for d in await storage.deals.won_unlinked(vt, since=since)] == [agreement.id]
    mine = await storage.deals.won_unlinked(vt, since=since, contract_id=contract_id)
    assert {d.id for d in mine} == {pilot.id, agreement.id}  # editing keeps its own deal
    # A deal of another client, or one already taken, is not linked.
    second = await storage.contracts.create(
        other, ContractFields("X", deal_id=agreement.id), actor_id=kim.id, now=now
    )
    third = await storage.contracts.create(
        vt, ContractFields("Y", deal_id=pilot.id), actor_id=kim.id, now=now
    )
    for unlinked in (second, third):
        found = await storage.contracts.get(unlinked)
        assert found is not None and found.deal_id is None
    assert await storage.deals.delete(pilot.id, actor_id=kim.id, now=now)
    contract = await storage.contracts.get(contract_id)
    assert contract is not None and contract.deal_id is None
    trail = await storage.audit.for_entity("contract", contract_id)
    assert any(e.field == "deal_id" and e.old_value == str(pilot.id) for e in trail)


async def test_contracts_from_before_the_link_read_unlinked(tmp_path: Path) -> None:
    """A database migrated from before 0013: its contracts read as signed from no deal, and
    its won deals still count as revenue."""
    path = tmp_path / "old.sqlite3"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await apply_migrations(conn, [m for m in available_migrations() if m.version < 13])
    now = "2026-11-01T09:00:00Z"
    await conn.execute(
        "INSERT INTO managers (id, telegram_id, full_name, role, language, timezone, created_at,"
        " updated_at) VALUES (1, 1, 'Anna', 'admin', 'en', 'UTC', ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO accounts (id, name, status, owner_id, created_at, updated_at)"
        " VALUES (5, 'VT-Metal', 'active', 1, ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO contracts (id, account_id, title, status, amount_minor, currency,"
        " created_by, created_at, updated_at) VALUES (7, 5, 'Supply', 'active', 100, 'RUB', 1,"
        " ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO deals (id, account_id, title, stage, amount_minor, currency, closed_on,"
        " created_at, updated_at) VALUES (9, 5, 'Pilot', 'won', 50, 'RUB', '2026-10-30', ?, ?)",
        (now, now),
    )
    await apply_migrations(conn)
    await conn.close()
    storage = await Storage.open(str(path))
    try:
        contract = await storage.contracts.get(7)
        assert contract is not None and contract.deal_id is None and contract.deal_title is None
        [figures] = await storage.portfolio.portfolio(
            1, sees_all=True, won_since=won_since(date(2026, 11, 1))
        )
        assert figures.accounts[0].revenue == {"RUB": 150}
        offered = await storage.deals.won_unlinked(5, since=date(2025, 11, 1))
        assert [d.id for d in offered] == [9]
    finally:
        await storage.close()
