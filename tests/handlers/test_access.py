from __future__ import annotations

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, Deliver, MakeUser


async def test_a_stranger_is_refused_in_their_language(make_user: MakeUser) -> None:
    for language, expected in (
        ("en", "This bot is private"),
        ("ru", "Это закрытый бот"),
        ("zh", "这是一个私有机器人"),
    ):
        stranger = await make_user(5000 + len(language) + ord(language[0]), "Eve", language)
        for text in ("/start", "hello", "/help", "/settings"):
            await stranger.send(text)
            assert expected in stranger.last_text
            assert stranger.reply_keyboard == []


async def test_only_the_gate_answers_a_stranger(make_user: MakeUser, fake: FakeTelegram) -> None:
    stranger = await make_user(5001, "Eve")
    mark = stranger.mark()
    await stranger.send("/invite")
    assert [c.method for c in stranger.calls_since(mark)] == ["sendMessage"]


async def test_a_strangers_button_press_is_refused(
    make_user: MakeUser, admin: TelegramUser
) -> None:
    stranger = await make_user(5002, "Eve")
    await stranger.send("/start")
    await stranger.press_data("pref:open:language", message_id=stranger.last_message.message_id)
    assert stranger.last_alert is not None and "private" in stranger.last_alert


async def test_garbled_used_and_expired_codes(make_user: MakeUser, storage: Storage) -> None:
    stranger = await make_user(5003, "Eve", "ru")
    await stranger.send("/start garbled-code")
    assert "недействительна" in stranger.last_text and "закрытый бот" in stranger.last_text
    assert await storage.managers.by_telegram_id(5003) is None


async def test_group_chats_are_refused(
    admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    fake.add_group(-100200, "Sales team")
    group_user = TelegramUser(fake, admin.user_id, deliver, chat_id=-100200)
    await group_user.send("/help")
    assert "only work in a private chat" in fake.last_bot_message(-100200).text  # type: ignore[union-attr]
    mark = fake.mark()
    await group_user.send("just chatting")
    assert fake.calls_since(mark) == []


async def test_a_deactivated_manager_is_refused(
    admin: TelegramUser, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    kim = await make_user(6000, "Kim")
    manager = await storage.managers.create(
        telegram_id=6000,
        full_name="Kim",
        username=None,
        role="kam",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), active=False)
    await kim.send("/help")
    assert "access to this bot is switched off" in kim.last_text


async def test_a_command_for_another_bot_is_not_a_way_in(make_user: MakeUser) -> None:
    for language, expected in (
        ("en", "This bot is private"),
        ("ru", "Это закрытый бот"),
        ("zh", "这是一个私有机器人"),
    ):
        stranger = await make_user(5100 + ord(language[0]), "Eve", language)
        for text in ("/start@other_bot", "/start@other_bot abc", "/help@other_bot"):
            mark = stranger.mark()
            await stranger.send(text)
            assert [c.method for c in stranger.calls_since(mark)] == ["sendMessage"], text
            assert expected in stranger.last_text, text


async def test_a_strangers_start_addressed_to_this_bot_still_registers(
    make_user: MakeUser, storage: Storage
) -> None:
    anna = await make_user(ADMIN_ID, "Anna")
    await anna.send("/start@kam_test_bot")
    assert "Welcome" in anna.last_text
    assert await storage.managers.by_telegram_id(ADMIN_ID) is not None


async def test_a_managers_command_for_another_bot_is_refused_the_same_way_everywhere(
    admin: TelegramUser,
) -> None:
    for text in ("/help@other_bot", "/start@other_bot", "/meeting@OtherBot", "/nosuch@other_bot"):
        mark = admin.mark()
        await admin.send(text)
        assert [c.method for c in admin.calls_since(mark)] == ["sendMessage"], text
        assert "I don't know that command" in admin.last_text, text
    await admin.send("/meeting")  # inside a flow: still not run, same answer
    await admin.send("/cancel@other_bot")
    assert "I don't know that command" in admin.last_text
    await admin.send("/help@KAM_TEST_BOT")  # addressed to us (any case): runs
    assert "Commands" in admin.last_text
