"""Creating a client (with "Did you mean …?"), finding it, and the visibility rule."""

from __future__ import annotations

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser, onboard


async def create(user: TelegramUser, name: str, *, status: str = "Key account") -> None:
    await user.send("/newclient")
    await user.send(name)
    if "Did you mean" in user.last_text:
        await user.press("No, create")
    await user.press("Skip")
    await user.press(status)
    if "who will own" in user.last_text:
        await user.press("Anna")


async def test_create_client_opens_its_card(admin: TelegramUser, storage: Storage) -> None:
    await admin.send("/newclient")
    assert "What is the client's name?" in admin.last_text
    await admin.send("VT-Metal")
    await admin.send("Metallurgy")
    await admin.press("Key account")  # the only manager: owner is the creator, no question
    assert "VT-Metal" in admin.last_text and "Key account" in admin.last_text
    assert "Profile" in admin.last_text and "missing: decision process" in admin.last_text
    assert "📋 General" in admin.buttons and "🕓 Timeline" in admin.buttons
    [account] = await storage.accounts.visible(1, sees_all=True)
    assert (account.name, account.status, account.industry) == ("VT-Metal", "active", "Metallurgy")
    entries = await storage.audit.for_entity("account", account.id)
    assert entries and entries[0].action == "create"


async def test_duplicate_warning_offers_the_existing_client(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await admin.send("/newclient")
    await admin.send("VT Metall")
    assert "Did you mean" in admin.last_text
    await admin.press("Open VT-Metal")
    assert "VT-Metal" in admin.last_text and "Owner" in admin.last_text
    assert len(await storage.accounts.visible(1, sees_all=True)) == 1


async def test_new_client_rejects_bad_input_and_keeps_going(admin: TelegramUser) -> None:
    await admin.send("/newclient")
    await admin.send_update(
        {
            "sticker": {
                "file_id": "x",
                "file_unique_id": "y",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        }
    )
    assert "answer the question" in admin.last_text
    await admin.send("x" * 10_000)
    assert "Too long" in admin.last_text
    await admin.send("<b>Evil</b> Ltd")
    assert "&lt;b&gt;" in admin.last_html or "<b>Evil</b> Ltd" in admin.last_text
    await admin.press("Cancel")
    assert "cancelled" in admin.last_text


async def test_find_ranks_and_opens_one_hit(admin: TelegramUser) -> None:
    for name in ("Metal", "Metalurg", "华信物流"):
        await create(admin, name)
    await admin.send("/find metal")
    assert admin.buttons[:2] == ["Metal · Key account", "Metalurg · Key account"]
    await admin.send("/find 华信")
    assert "华信物流" in admin.last_text and "Owner" in admin.last_text
    await admin.send("/find metlurg")  # one letter off Metalurg; Metal is not that close
    assert "Metalurg" in admin.last_text and "Owner" in admin.last_text
    await admin.send("/find nosuchthing")
    assert "Nothing found" in admin.last_text
    await admin.press("New client")
    assert "nosuchthing" in admin.last_text


async def test_menu_find_asks_then_searches(admin: TelegramUser) -> None:
    await create(admin, "Уралхимпласт")
    assert "🔎 Find client" in admin.reply_keyboard
    await admin.send("🔎 Find client")
    assert "Type a client's name" in admin.last_text
    await admin.send("урал")
    assert "Уралхимпласт" in admin.last_text and "Owner" in admin.last_text


async def test_kam_finds_only_own_clients(
    admin: TelegramUser, make_user: MakeUser, storage: Storage
) -> None:
    await create(admin, "Admin Corp")
    await admin.send("/invite")
    await admin.press("Key account manager")
    link = next(t for t in admin.bot_texts() if "start=" in t)
    code = link.split("start=")[1].split()[0]
    boris = await make_user(2000, "Boris")
    await onboard(boris, start=f"/start {code}")
    await boris.send("/find admin corp")
    assert "Nothing found" in boris.last_text
    accounts = await storage.accounts.visible(1, sees_all=True)
    await boris.press_data(f"acc:open:{accounts[0].id}")
    assert boris.last_alert and "not in your portfolio" in boris.last_alert


async def test_chinese_and_russian_managers_see_their_language(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    manager = await storage.managers.by_telegram_id(admin.user_id)
    assert manager is not None
    now = clock.now()
    await storage.managers.update(manager.id, actor_id=manager.id, now=now, language="zh")
    await admin.send("/newclient")
    assert "客户名称是什么" in admin.last_text
    await admin.send("华信物流")
    await admin.press("跳过")
    await admin.press("关键客户")
    assert "华信物流 · 关键客户" in admin.last_text and "档案完整度" in admin.last_text
    await admin.send("/find 华信")
    assert "负责人：Anna" in admin.last_text
    await storage.managers.update(manager.id, actor_id=manager.id, now=now, language="ru")
    await admin.send("/find хуасинь")
    assert "ничего не нашлось" in admin.last_text
    await admin.press("Новый клиент")
    assert "хуасинь" in admin.last_text


async def test_a_search_box_left_open_does_not_swallow_later_text(
    admin: TelegramUser, storage: Storage
) -> None:
    await create(admin, "VT-Metal")
    await admin.send("🔎 Find client")
    await admin.send("📋 Today")  # went elsewhere: the search box is closed
    assert "Type a client's name" not in admin.last_text
    await admin.send("Met the chief engineer at VT-Metal today, agreed on a test batch")
    assert "Save" in " ".join(admin.buttons)  # a quick-log card, not a search result
    await admin.send("🔎 Find client")
    await admin.send("/help")  # a command also closes it
    await admin.send("vt")
    assert "VT-Metal" in admin.last_text  # plain text at the menu searches as before


async def test_did_you_mean_names_the_clients_it_resembles(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await create(admin, "Sygma Trade")
    await admin.send("/newclient")
    await admin.send("Sigma")
    assert "Did you mean Sygma Trade?" in admin.last_text
    assert "«Sigma»" not in admin.last_text
    assert "Open Sygma Trade" in admin.buttons
    await admin.press("No, create")
    await admin.press("Skip")
    await admin.press("Key account")
    manager = await storage.managers.by_telegram_id(admin.user_id)
    assert manager is not None
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), language="ru")
    await admin.send("/newclient")
    await admin.send("Sigmа Trade")  # a Cyrillic "а" typed by mistake
    assert "Вы имели в виду Sygma Trade?" in admin.last_text
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), language="zh")
    await admin.send("/newclient")
    await admin.send("Sigma")
    assert "您是指 Sigma, Sygma Trade 吗？" in admin.last_text


async def test_namesakes_are_told_apart_on_every_list_of_buttons(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    """The admin sees other managers' "VT-Metal": every list names the owner (or city)."""
    now = clock.now()
    await create(admin, "VT-Metal")
    boris = await storage.managers.create(
        telegram_id=2000,
        full_name="Boris",
        username=None,
        role="kam",
        language="en",
        timezone="Europe/Moscow",
        now=now,
    )
    for city in ("Kazan", "Tula"):
        account = await storage.accounts.create(
            name="VT-Metal", owner_id=boris.id, actor_id=boris.id, now=now
        )
        await storage.accounts.update(account.id, actor_id=boris.id, now=now, city=city)
    expected = {"VT-Metal · Anna", "VT-Metal · Boris · Kazan", "VT-Metal · Boris · Tula"}

    await admin.send("/find vt-metal")
    assert {b.rsplit(" · ", 1)[0] for b in admin.buttons} == expected  # then the status
    await admin.send("/edit VT-Metal")
    assert set(admin.buttons) == expected
    await admin.send("/timeline")
    assert expected <= set(admin.buttons)
    await admin.send("📝 Log meeting")
    assert expected <= set(admin.buttons)  # the recent clients
    await admin.send("vt metal")
    assert expected <= set(admin.buttons)  # the clients matching typed text
    await admin.send("/cancel")
    await admin.send("/newclient")
    await admin.send("VT-Metal")
    assert "Did you mean VT-Metal · Anna, VT-Metal · Boris · Kazan" in admin.last_text
    assert {"Open VT-Metal · Anna", "Open VT-Metal · Boris · Tula"} <= set(admin.buttons)
