"""storage.deals (the migrated columns, old History rows, audit) and storage.portfolio."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.clock import FakeClock
from domain.deals import Closing
from domain.money import Money
from domain.portfolio import won_since
from storage import Storage
from storage.contracts import insert_contract
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
