from __future__ import annotations

import re

from storage import Storage
from tests.conftest import NOW
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser


def _code(text: str) -> str:
    match = re.search(r"\?start=([\w-]+)", text)
    assert match is not None, text
    return match[1]


async def test_invite_link_registers_a_kam(
    admin: TelegramUser, make_user: MakeUser, storage: Storage
) -> None:
    await admin.send("✉️ Invite")
    assert admin.buttons[:4] == [
        "Key account manager",
        "Business development",
        "Team lead",
        "Admin",
    ]
    await admin.press("Key account manager")
    code = _code(admin.last_text)
    assert "📤 Share the link" in admin.buttons
    kim = await make_user(3000, "Kim", "ru")
    await kim.send(f"/start {code}")
    assert "Шаг 1 из 3" in kim.last_text
    manager = await storage.managers.by_telegram_id(3000)
    assert manager is not None and manager.role == "kam" and manager.language == "ru"


async def test_withdrawn_invite_no_longer_works(admin: TelegramUser, make_user: MakeUser) -> None:
    await admin.send("/invite")
    await admin.press("Team lead")
    code = _code(admin.last_text)
    await admin.press("Withdraw")
    assert "withdrawn" in (admin.last_alert or "")
    eve = await make_user(3001, "Eve")
    await eve.send(f"/start {code}")
    assert "withdrawn" in eve.last_text and "private" in eve.last_text


async def test_open_invites_are_listed(admin: TelegramUser) -> None:
    await admin.send("/invite")
    await admin.press("Business development")
    await admin.send("/invite")
    await admin.press("Open invites (1)")
    assert "Business development" in admin.last_text


async def test_a_kam_cannot_invite_or_forge_an_invite(
    make_user: MakeUser, storage: Storage
) -> None:
    kim = await make_user(3000, "Kim")
    await storage.managers.create(
        telegram_id=3000,
        full_name="Kim",
        username=None,
        role="kam",
        language="en",
        timezone="UTC",
        now=NOW,
    )
    await kim.send("/invite")
    assert "Only team leads and admins" in kim.last_text
    await kim.press_data("inv:role:admin", message_id=kim.last_message.message_id)
    assert "card is closed" in (kim.last_alert or "")
    assert await storage.invites.list_open(NOW) == []


async def test_a_lead_invites_only_kams_and_bds(make_user: MakeUser, storage: Storage) -> None:
    lena = await make_user(3002, "Lena")
    await storage.managers.create(
        telegram_id=3002,
        full_name="Lena",
        username=None,
        role="lead",
        language="en",
        timezone="UTC",
        now=NOW,
    )
    await lena.send("/invite")
    assert lena.buttons[:2] == ["Key account manager", "Business development"]
    assert "Admin" not in lena.buttons


async def test_admin_switches_a_managers_access_off_and_on(
    admin: TelegramUser, make_user: MakeUser, storage: Storage
) -> None:
    kim = await make_user(3000, "Kim")
    await storage.managers.create(
        telegram_id=3000,
        full_name="Kim <K>",
        username="kim",
        language="en",
        role="kam",
        timezone="UTC",
        now=NOW,
    )
    await admin.send("/team")
    assert "2 people" in admin.last_text
    await admin.press("Kim <K>")
    assert "Kim &lt;K&gt;" in admin.last_html
    await admin.press("Switch access off")
    await kim.send("/help")
    assert "switched off" in kim.last_text
    await admin.press("Team lead")
    await admin.press("Switch access on")
    manager = await storage.managers.by_telegram_id(3000)
    assert manager is not None and manager.active and manager.role == "lead"
    await kim.send("/help")
    assert "For leads and admins" in kim.last_text


async def _lead(make_user: MakeUser, storage: Storage, user_id: int = 3002) -> TelegramUser:
    lena = await make_user(user_id, "Lena")
    await storage.managers.create(
        telegram_id=user_id,
        full_name="Lena",
        username=None,
        role="lead",
        language="en",
        timezone="UTC",
        now=NOW,
    )
    return lena


async def test_a_lead_lists_and_withdraws_only_their_own_invites(
    admin: TelegramUser, make_user: MakeUser, storage: Storage
) -> None:
    await admin.send("/invite")
    await admin.press("Admin")
    await admin.send("/invite")
    await admin.press("Key account manager")
    admins_admin, admins_kam = sorted(await storage.invites.list_open(NOW), key=lambda i: i.id)
    lena = await _lead(make_user, storage)
    await lena.send("/invite")
    assert not any("Open invites" in b for b in lena.buttons)  # the admin's two are not hers
    await lena.press("Business development")
    await lena.send("/invite")
    await lena.press("Open invites (1)")
    assert "Business development" in lena.last_text
    assert "Admin" not in lena.last_text and "Key account manager" not in lena.last_text
    assert len([b for b in lena.buttons if b.startswith("🗑")]) == 1

    # a forged press on the admin's invites: refused, and both still open
    for invite in (admins_admin, admins_kam):
        await lena.press_data(f"inv:revoke:{invite.id}")
        assert lena.last_alert == "You can withdraw only the invites you created."
    assert {i.id for i in await storage.invites.list_open(NOW)} >= {
        admins_kam.id,
        admins_admin.id,
    }
    assert not await storage.invites.revoke(
        admins_admin.id, actor_id=2, now=NOW, created_by=admins_admin.created_by + 1
    )

    # her own is withdrawn; the admin still sees and withdraws everyone's
    await lena.press("🗑 Business development")
    assert "withdrawn" in (lena.last_alert or "")
    await admin.send("/invite")
    await admin.press("Open invites (2)")
    await admin.press_data(f"inv:revoke:{admins_kam.id}")
    assert "withdrawn" in (admin.last_alert or "")
    assert [i.id for i in await storage.invites.list_open(NOW)] == [admins_admin.id]
