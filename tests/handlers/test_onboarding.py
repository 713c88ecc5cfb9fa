from __future__ import annotations

from datetime import time

from storage import Storage
from tests.fake_telegram import FakeTelegram
from tests.handlers.conftest import ADMIN_ID, MakeUser


async def test_admin_start_onboards_in_three_taps(make_user: MakeUser, storage: Storage) -> None:
    anna = await make_user(ADMIN_ID, "Anna", language_code="ru")
    await anna.send("/start")
    assert "Добро пожаловать" in anna.last_text
    assert "Шаг 1 из 3" in anna.last_text
    await anna.press("English")
    assert "Step 2 of 3" in anna.last_text
    await anna.press("Berlin")
    assert "Step 3 of 3" in anna.last_text
    await anna.press("08:30")
    assert "All set" in anna.bot_texts()[-2]
    assert "Europe/Berlin" in anna.bot_texts()[-2]
    assert "⚙️ Settings" in anna.reply_keyboard
    assert "✉️ Invite" in anna.reply_keyboard
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None
    assert (manager.role, manager.language, manager.timezone) == ("admin", "en", "Europe/Berlin")
    assert manager.digest_time == time(8, 30)
    assert manager.onboarded_at is not None


async def test_onboarding_edits_one_message(make_user: MakeUser, fake: FakeTelegram) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start")
    first = anna.last_message.message_id
    mark = anna.mark()
    await anna.press("Русский")
    await anna.press("Москва")
    assert anna.last_message.message_id == first
    sent = [c.method for c in anna.calls_since(mark) if "Message" in c.method]
    assert sent == ["editMessageText", "editMessageText"]


async def test_typed_city_and_typed_digest_time(make_user: MakeUser, storage: Storage) -> None:
    anna = await make_user(ADMIN_ID, "Anna", language_code="zh-hans")
    await anna.send("/start")
    await anna.press("简体中文")
    await anna.send("上海")
    assert "Asia/Shanghai" in anna.last_text
    await anna.send("7:45 am")
    assert "不是有效的时间" in anna.last_text
    await anna.send("07:45")
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None
    assert manager.timezone == "Asia/Shanghai" and manager.digest_time == time(7, 45)


async def test_unknown_city_is_asked_again(make_user: MakeUser) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.send("<b>Atlantis</b>")
    assert "I don't know the place “<b>Atlantis</b>”" in anna.last_text
    assert "&lt;b&gt;Atlantis" in anna.last_html
    assert "Step 2 of 3" in anna.last_text


async def test_back_returns_to_the_previous_step(make_user: MakeUser) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("Back")
    assert "Step 2 of 3" in anna.last_text
    await anna.press("Back")
    assert "Step 1 of 3" in anna.last_text


async def test_cancel_keeps_defaults_and_shows_the_menu(
    make_user: MakeUser, storage: Storage
) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.send("/cancel")
    assert "kept these settings" in anna.bot_texts()[-2]
    assert anna.reply_keyboard
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None and manager.onboarded_at is not None
    assert manager.timezone == "Europe/Moscow"


async def test_a_sticker_mid_step_gets_a_hint_and_keeps_the_step(make_user: MakeUser) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.send_update(
        {
            "sticker": {
                "file_id": "S1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    )
    assert "tap one of the buttons" in anna.last_text
    assert "Step 2 of 3" in anna.last_text
    await anna.press("Moscow")
    assert "Step 3 of 3" in anna.last_text


async def test_returning_manager_gets_the_menu(admin: object, make_user: MakeUser) -> None:
    from tests.fake_telegram import TelegramUser

    assert isinstance(admin, TelegramUser)
    await admin.send("/start")
    assert "Welcome back, Anna" in admin.last_text
