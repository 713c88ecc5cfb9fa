from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FakeClock
from storage import Storage
from storage.demo import load_demo_portfolio


async def _manager(storage: Storage, clock: FakeClock, telegram_id: int, role: str = "kam") -> int:
    manager = await storage.managers.create(
        telegram_id=telegram_id,
        full_name=f"M{telegram_id}",
        username=None,
        role=role,  # type: ignore[arg-type]
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    return manager.id


async def test_a_kam_sees_own_accounts_newest_first(storage: Storage, clock: FakeClock) -> None:
    kim = await _manager(storage, clock, 1)
    other = await _manager(storage, clock, 2)
    first = await storage.accounts.create(
        name="VT-Metal", owner_id=kim, actor_id=kim, now=clock.now()
    )
    clock.advance(timedelta(minutes=5))
    second = await storage.accounts.create(name="NRG", owner_id=kim, actor_id=kim, now=clock.now())
    hidden = await storage.accounts.create(
        name="Hidden", owner_id=other, actor_id=other, now=clock.now()
    )
    names = [a.name for a in await storage.accounts.visible(kim, sees_all=False)]
    assert names == ["NRG", "VT-Metal"]
    assert await storage.accounts.is_visible(first.id, kim, sees_all=False)
    assert not await storage.accounts.is_visible(hidden.id, kim, sees_all=False)
    assert await storage.accounts.is_visible(hidden.id, kim, sees_all=True)
    assert second.status == "prospect"


async def test_account_update_is_audited_field_by_field(storage: Storage, clock: FakeClock) -> None:
    kim = await _manager(storage, clock, 1)
    account = await storage.accounts.create(
        name="VT-Metal", owner_id=kim, actor_id=kim, now=clock.now()
    )
    updated = await storage.accounts.update(
        account.id, actor_id=kim, now=clock.now(), industry="Metalworking", status="active"
    )
    assert (updated.industry, updated.status) == ("Metalworking", "active")
    changes = {
        (e.field, e.new_value)
        for e in await storage.audit.for_entity("account", account.id)
        if e.action == "update"
    }
    assert changes == {("industry", "Metalworking"), ("status", "active")}
    with pytest.raises(ValueError, match="not updatable"):
        await storage.accounts.update(account.id, actor_id=kim, now=clock.now(), id=5)


async def test_contacts_round_trip(storage: Storage, clock: FakeClock) -> None:
    kim = await _manager(storage, clock, 1)
    account = await storage.accounts.create(
        name="VT-Metal", owner_id=kim, actor_id=kim, now=clock.now()
    )
    await storage.contacts.create(
        account_id=account.id,
        full_name="Иван Петров",
        position="Директор по закупкам",
        actor_id=kim,
        now=clock.now(),
    )
    contacts = await storage.contacts.for_account(account.id)
    assert [(c.full_name, c.position) for c in contacts] == [
        ("Иван Петров", "Директор по закупкам")
    ]


async def test_the_portfolio_is_ordered_by_last_contact_not_by_edits(
    storage: Storage, clock: FakeClock
) -> None:
    """After seed-demo every account has the same update time: the order is the last contact."""
    await load_demo_portfolio(
        storage,
        telegram_id=42,
        full_name="Demo",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    manager = await storage.managers.by_telegram_id(42)
    assert manager is not None
    accounts = await storage.accounts.visible(manager.id, sees_all=False)
    contacts = [a.last_contact_at for a in accounts if a.last_contact_at is not None]
    assert len(contacts) >= 2 and contacts == sorted(contacts, reverse=True)
    assert [a.name for a in accounts] != sorted(a.name for a in accounts)
    # Editing the least recently met account's profile does not move it up.
    last = accounts[-1]
    clock.advance(timedelta(hours=1))
    await storage.accounts.update(last.id, actor_id=manager.id, now=clock.now(), goals="More")
    again = await storage.accounts.visible(manager.id, sees_all=False)
    assert [a.id for a in again] == [a.id for a in accounts]
    # A client created now (never met yet) comes first; a new meeting moves an account up.
    fresh = await storage.accounts.create(
        name="Aardvark", owner_id=manager.id, actor_id=manager.id, now=clock.now()
    )
    assert [a.id for a in await storage.accounts.visible(manager.id, sees_all=False)][:1] == [
        fresh.id
    ]
