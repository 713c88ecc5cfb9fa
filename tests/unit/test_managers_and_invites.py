from __future__ import annotations

from datetime import time, timedelta

from domain.clock import FakeClock
from storage import Storage


async def _admin(storage: Storage, clock: FakeClock) -> int:
    admin = await storage.managers.create(
        telegram_id=100,
        full_name="Anna Admin",
        username="anna",
        role="admin",
        language="en",
        timezone="Europe/Moscow",
        now=clock.now(),
    )
    return admin.id


async def test_manager_round_trip_with_defaults(storage: Storage, clock: FakeClock) -> None:
    await _admin(storage, clock)
    manager = await storage.managers.by_telegram_id(100)
    assert manager is not None
    assert manager.role == "admin"
    assert manager.digest_time == time(9, 0)
    assert manager.digest_days == (1, 2, 3, 4, 5)
    assert manager.active and manager.onboarded_at is None
    assert manager.created_at == clock.now()


async def test_preference_changes_are_audited(storage: Storage, clock: FakeClock) -> None:
    admin_id = await _admin(storage, clock)
    updated = await storage.managers.update(
        admin_id, actor_id=admin_id, now=clock.now(), language="ru", digest_time=time(8, 30)
    )
    assert updated.language == "ru"
    assert updated.digest_time == time(8, 30)
    changes = {
        (e.field, e.old_value, e.new_value)
        for e in await storage.audit.for_entity("manager", admin_id)
        if e.action == "update"
    }
    assert changes == {("language", "en", "ru"), ("digest_time", "09:00", "08:30")}


async def test_an_unchanged_value_writes_no_audit_row(storage: Storage, clock: FakeClock) -> None:
    admin_id = await _admin(storage, clock)
    await storage.managers.update(admin_id, actor_id=admin_id, now=clock.now(), language="en")
    entries = await storage.audit.for_entity("manager", admin_id)
    assert [e.action for e in entries] == ["create"]


async def test_a_change_forgets_only_that_managers_cached_row(
    storage: Storage, clock: FakeClock
) -> None:
    admin_id = await _admin(storage, clock)
    kam = await storage.managers.create(
        telegram_id=101,
        full_name="Kim",
        username=None,
        role="kam",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    for telegram_id in (100, 101):
        assert await storage.managers.by_telegram_id(telegram_id) is not None  # now cached
    # changed behind the repository's back (as by another process): not seen yet
    await storage.db.execute("UPDATE managers SET full_name = 'Kim K' WHERE id = ?", (kam.id,))
    await storage.managers.update(admin_id, actor_id=admin_id, now=clock.now(), language="ru")
    await storage.managers.seen(admin_id, clock.now())
    admin = await storage.managers.by_telegram_id(100)
    assert admin is not None and admin.language == "ru" and admin.last_seen_at == clock.now()
    cached = await storage.managers.by_telegram_id(101)
    assert cached is not None and cached.full_name == "Kim"  # still served from memory
    await storage.managers.update(kam.id, actor_id=admin_id, now=clock.now(), active=False)
    changed = await storage.managers.by_telegram_id(101)
    assert changed is not None and not changed.active and changed.full_name == "Kim K"
    await storage.managers.set_blocked(admin_id, clock.now())  # the bot was blocked (403)
    blocked = await storage.managers.by_telegram_id(100)
    assert blocked is not None and blocked.blocked_at == clock.now()


async def test_invite_registers_once(storage: Storage, clock: FakeClock) -> None:
    admin_id = await _admin(storage, clock)
    invite = await storage.invites.create(
        role="kam", created_by=admin_id, now=clock.now(), valid_for=timedelta(days=7)
    )
    assert len(invite.code) >= 16
    first = await storage.invites.redeem(
        invite.code,
        telegram_id=200,
        full_name="Kim",
        username=None,
        language="zh",
        timezone="Asia/Shanghai",
        now=clock.now(),
    )
    again = await storage.invites.redeem(
        invite.code,
        telegram_id=300,
        full_name="Other",
        username=None,
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    assert first.manager is not None and first.manager.role == "kam"
    assert first.manager.language == "zh"
    assert again.manager is None and again.problem == "used"
    assert await storage.managers.by_telegram_id(300) is None


async def test_expired_revoked_and_unknown_codes(storage: Storage, clock: FakeClock) -> None:
    admin_id = await _admin(storage, clock)
    old = await storage.invites.create(
        role="kam", created_by=admin_id, now=clock.now(), valid_for=timedelta(days=1)
    )
    withdrawn = await storage.invites.create(
        role="bd", created_by=admin_id, now=clock.now(), valid_for=timedelta(days=7)
    )
    assert await storage.invites.revoke(withdrawn.id, actor_id=admin_id, now=clock.now())
    clock.advance(timedelta(days=2))

    async def redeem(code: str) -> str | None:
        result = await storage.invites.redeem(
            code,
            telegram_id=555,
            full_name="X",
            username=None,
            language="en",
            timezone="UTC",
            now=clock.now(),
        )
        return result.problem

    assert await redeem(old.code) == "expired"
    assert await redeem(withdrawn.code) == "revoked"
    assert await redeem("no-such-code") == "unknown"
    assert await storage.invites.list_open(clock.now()) == []


async def test_a_lead_who_invites_becomes_the_new_managers_lead(
    storage: Storage, clock: FakeClock
) -> None:
    admin_id = await _admin(storage, clock)
    lead = await storage.managers.create(
        telegram_id=101,
        full_name="Lena Lead",
        username=None,
        role="lead",
        language="ru",
        timezone="Europe/Moscow",
        now=clock.now(),
        invited_by=admin_id,
    )
    invite = await storage.invites.create(
        role="kam", created_by=lead.id, now=clock.now(), valid_for=timedelta(days=7)
    )
    result = await storage.invites.redeem(
        invite.code,
        telegram_id=201,
        full_name="Kirill",
        username=None,
        language="ru",
        timezone="Europe/Moscow",
        now=clock.now(),
    )
    assert result.manager is not None and result.manager.lead_id == lead.id


async def test_open_invites_and_withdrawals_limited_to_their_creator(
    storage: Storage, clock: FakeClock
) -> None:
    admin_id = await _admin(storage, clock)
    lead = await storage.managers.create(
        telegram_id=300,
        full_name="Lena",
        username=None,
        role="lead",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    week = timedelta(days=7)
    admins = await storage.invites.create(
        role="admin", created_by=admin_id, now=clock.now(), valid_for=week
    )
    leads = await storage.invites.create(
        role="kam", created_by=lead.id, now=clock.now(), valid_for=week
    )
    everyone = await storage.invites.list_open(clock.now())
    assert {i.id for i in everyone} == {admins.id, leads.id}
    assert [i.id for i in await storage.invites.list_open(clock.now(), created_by=lead.id)] == [
        leads.id
    ]
    assert await storage.invites.get(admins.id) == admins
    assert await storage.invites.get(admins.id + leads.id) is None
    # the lead's withdrawal of the admin's invite changes nothing
    assert not await storage.invites.revoke(
        admins.id, actor_id=lead.id, now=clock.now(), created_by=lead.id
    )
    assert await storage.invites.revoke(
        leads.id, actor_id=lead.id, now=clock.now(), created_by=lead.id
    )
    assert [i.id for i in await storage.invites.list_open(clock.now())] == [admins.id]
