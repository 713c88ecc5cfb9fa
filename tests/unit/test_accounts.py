from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FakeClock
from storage import Storage


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
