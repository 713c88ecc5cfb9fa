from __future__ import annotations

from datetime import time

from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser


async def test_help_in_each_language(admin: TelegramUser) -> None:
    for language, label in (("Русский", "Команды"), ("简体中文", "命令"), ("English", "Commands")):
        await admin.send("/settings")
        await admin.press(admin.buttons[0])  # the language entry, whatever the language
        await admin.press(language)
        await admin.send("/help")
        assert label in admin.last_text
        assert "/invite" in admin.last_text  # admins also see the leaders' part


async def test_a_kam_does_not_see_the_leaders_help(make_user: MakeUser, storage: Storage) -> None:
    kim = await make_user(3000, "Kim")
    from tests.conftest import NOW

    await storage.managers.create(
        telegram_id=3000,
        full_name="Kim",
        username=None,
        role="kam",
        language="en",
        timezone="UTC",
        now=NOW,
    )
    await kim.send("/help")
    assert "Commands" in kim.last_text and "/invite" not in kim.last_text
    assert "✉️ Invite" not in kim.reply_keyboard


async def test_help_from_the_menu_button(admin: TelegramUser) -> None:
    await admin.send("❓ Help")
    assert "Commands" in admin.last_text


async def test_change_time_zone_and_digest_in_settings(
    admin: TelegramUser, storage: Storage
) -> None:
    await admin.send("⚙️ Settings")
    assert "Morning digest: 09:00" in admin.last_text
    settings_message = admin.last_message.message_id
    await admin.press("Time zone")
    await admin.press("New York")
    assert "Saved" in admin.last_text and "America/New_York" in admin.last_text
    await admin.press("Morning digest time")
    await admin.send("6:15")
    assert "Morning digest: 06:15" in admin.last_text
    await admin.press("Done")
    assert "Settings closed" in admin.last_text
    assert admin.buttons == [] or admin.last_message.message_id != settings_message
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None
    assert (manager.timezone, manager.digest_time) == ("America/New_York", time(6, 15))


async def test_settings_back_and_cancel(admin: TelegramUser) -> None:
    await admin.send("/settings")
    await admin.press("Language")
    await admin.press("Back")
    assert "Settings" in admin.last_text
    await admin.press("Time zone")
    await admin.press("Cancel")
    assert "Settings closed" in admin.last_text


async def test_a_forged_time_zone_is_refused(admin: TelegramUser, storage: Storage) -> None:
    await admin.send("/settings")
    await admin.press("Time zone")
    await admin.press_data("pref:tz:Mars/Olympus")
    assert "card is closed" in (admin.last_alert or "")
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None and manager.timezone == "Europe/Moscow"


async def test_buttons_of_an_old_card_are_closed(admin: TelegramUser) -> None:
    await admin.send("/settings")
    old = admin.last_message.message_id
    await admin.send("/settings")
    await admin.press_data("pref:open:language", message_id=old)
    assert "card is closed" in (admin.last_alert or "")


async def test_cancel_outside_a_flow_and_stray_input(admin: TelegramUser) -> None:
    await admin.send("/cancel")
    assert "Nothing to cancel" in admin.last_text
    await admin.send("/frobnicate")
    assert "don't know that command" in admin.last_text
    await admin.send_update({"location": {"latitude": 55.75, "longitude": 37.61}})
    assert "didn't understand" in admin.last_text


async def test_a_10000_character_message_is_answered(admin: TelegramUser) -> None:
    await admin.send("/settings")
    await admin.press("Time zone")
    await admin.send("x" * 10_000)
    assert "I don't know the place" in admin.last_text
    assert len(admin.last_text) < 1000
