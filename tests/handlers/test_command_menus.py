"""The command menu: everyone's default list, and the leads' and admins' own list in their chat."""

from __future__ import annotations

import re

from telegram.ext import Application

from bot.commands import publish_commands
from storage import Storage
from storage.managers import Role
from tests.conftest import NOW
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser, onboard

LEAD_ONLY = {"invite", "team", "portfolio"}


def _menu(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c["command"] for c in fake.commands("chat", chat_id=chat_id)]


async def _kam(make_user: MakeUser, storage: Storage, user_id: int, role: Role = "kam") -> None:
    await make_user(user_id, "Kim")
    await storage.managers.create(
        telegram_id=user_id,
        full_name="Kim",
        username=None,
        role=role,
        language="ru",
        timezone="UTC",
        now=NOW,
    )


async def test_at_start_up_the_default_menu_has_no_lead_commands_and_leads_get_theirs(
    app: Application,  # type: ignore[type-arg]
    fake: FakeTelegram,
    make_user: MakeUser,
    storage: Storage,
) -> None:
    await _kam(make_user, storage, 3000, "kam")
    await _kam(make_user, storage, 3001, "lead")
    await publish_commands(app)
    for language in ("", "en", "zh", "ru"):
        default = {c["command"] for c in fake.commands(language_code=language)}
        assert "help" in default and not default & LEAD_ONLY, language
    assert _menu(fake, 3000) == []  # a KAM has the default list
    lead = fake.commands("chat", chat_id=3001)
    assert {c["command"] for c in lead} >= LEAD_ONLY and "audit" not in {c["command"] for c in lead}
    assert {c["command"]: c["description"] for c in lead}["help"] == "Что я умею"


async def test_an_admin_gets_the_lead_menu_when_registering(
    admin: TelegramUser, fake: FakeTelegram
) -> None:
    menu = _menu(fake, ADMIN_ID)
    assert set(menu) >= LEAD_ONLY and menu[0] == "start" and menu[-1] == "cancel"
    assert menu[-2] == "audit" and "history" in menu  # /audit: admins only


async def test_the_menu_follows_role_changes_and_access(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, fake: FakeTelegram
) -> None:
    await _kam(make_user, storage, 3000)
    await admin.send("/team")
    await admin.press("Kim")
    assert _menu(fake, 3000) == []
    await admin.press("Team lead")
    assert set(_menu(fake, 3000)) >= LEAD_ONLY
    await admin.press("Switch access off")
    assert _menu(fake, 3000) == []
    await admin.press("Switch access on")
    assert set(_menu(fake, 3000)) >= LEAD_ONLY
    await admin.press("Key account manager")
    assert _menu(fake, 3000) == []


async def test_a_lead_invited_by_link_gets_the_lead_menu_a_kam_does_not(
    admin: TelegramUser, make_user: MakeUser, fake: FakeTelegram
) -> None:
    for role, user_id, expected in (("Team lead", 4000, True), ("Key account", 4001, False)):
        await admin.send("/invite")
        await admin.press(role)
        match = re.search(r"\?start=([\w-]+)", admin.last_text)
        assert match is not None
        user = await make_user(user_id, "Lena", "zh")
        await onboard(user, start=f"/start {match[1]}")
        assert (set(_menu(fake, user_id)) >= LEAD_ONLY) is expected


async def test_the_lead_menu_follows_the_language_chosen(
    make_user: MakeUser, fake: FakeTelegram
) -> None:
    anna = await make_user(ADMIN_ID, "Anna", "en")
    await anna.send("/start")
    await anna.press("Русский")  # onboarding: the language step
    described = {c["command"]: c["description"] for c in fake.commands("chat", chat_id=ADMIN_ID)}
    assert described["help"] == "Что я умею"
    await anna.press("Москва")
    await anna.press("09:00")
    await anna.send("/settings")
    await anna.press("Язык")
    await anna.press("简体中文")
    described = {c["command"]: c["description"] for c in fake.commands("chat", chat_id=ADMIN_ID)}
    assert described["help"] == "我能做什么"
