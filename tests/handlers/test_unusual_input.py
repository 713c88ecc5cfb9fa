"""Unusual input: edited messages, several typed answers in a row, presses that change nothing."""

from __future__ import annotations

import logging

import pytest

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.handlers.test_forged_presses import _seed


def refused_calls(fake: FakeTelegram, mark: int) -> list[tuple[str, object]]:
    return [(c.method, c.response.get("description")) for c in fake.calls_since(mark) if not c.ok]


def live_keyboards(fake: FakeTelegram, chat_id: int) -> list[int]:
    """Ids of the bot's messages in the chat that still show inline buttons."""
    return [m.message_id for m in fake.bot_messages(chat_id) if m.inline_keyboard]


# Every conversation state that takes typed text, and how a manager gets there.
TEXT_STATES = {
    "menu": [],
    "settings time zone": ["/settings", "press:Time zone"],
    "settings digest time": ["/settings", "press:Morning digest time"],
    "search box": ["🔎 Find client"],
    "new client name": ["/newclient"],
    "new client industry": ["/newclient Zeta Trade"],
    "meeting client": ["/meeting"],
    "planned meeting client": ["/plan"],
    "meeting notes": ["/meeting", "press:VT-Metal", "press:Next"],
    "meeting next step": ["/meeting", "press:VT-Metal", "press:Next", "Talked", "press:Positive"],
    "profile field": ["/find VT-Metal", "press:Edit", "press:General", "press:Goals"],
}


async def _go(user: TelegramUser, steps: list[str]) -> None:
    for step in steps:
        if step.startswith("press:"):
            await user.press(step.removeprefix("press:"))
        else:
            await user.send(step)


@pytest.mark.parametrize("state", list(TEXT_STATES))
async def test_an_edited_message_is_ignored_in_every_text_state(
    state: str,
    admin: TelegramUser,
    fake: FakeTelegram,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES[state])
    screen = (admin.last_message.message_id, admin.last_text)
    mark = fake.mark()
    caplog.set_level(logging.WARNING)
    await admin.edit("Berlin 07:30 VT-Metal")
    assert (admin.last_message.message_id, admin.last_text) == screen
    assert fake.calls_since(mark) == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_an_edited_message_during_onboarding_is_ignored(
    make_user: MakeUser, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_user(ADMIN_ID, "Anna")
    await user.send("/start")
    await user.press("English")
    caplog.set_level(logging.WARNING)
    await user.edit("Berlin")
    await user.send("Berlin")
    assert "Europe/Berlin" in user.last_text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_typed_answers_leave_one_live_keyboard(
    admin: TelegramUser, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send("Talked about prices")
    await admin.press("Positive")
    mark = fake.mark()
    for typed in ("send the offer", "no date", "31.02.2027", "someday", "21.12.2026"):
        await admin.send(typed)
        assert live_keyboards(fake, ADMIN_ID) == [admin.last_message.message_id], typed
    assert refused_calls(fake, mark) == []


async def test_a_wrong_time_zone_typed_twice_leaves_one_keyboard(
    admin: TelegramUser, fake: FakeTelegram
) -> None:
    await admin.send("/settings")
    await admin.press("Time zone")
    for typed in ("Atlantis", "Atlantis", "Lemuria"):
        await admin.send(typed)
        assert live_keyboards(fake, ADMIN_ID) == [admin.last_message.message_id]


async def test_a_press_that_changes_nothing_edits_nothing(
    admin: TelegramUser, fake: FakeTelegram
) -> None:
    await admin.send("/settings")
    await admin.press("Reminders")
    await admin.press("Digest days")
    await admin.press("Every day")
    mark = fake.mark()
    await admin.press("Every day")
    calls = [c.method for c in fake.calls_since(mark)]
    assert calls == ["answerCallbackQuery"]
    assert refused_calls(fake, mark) == []


async def test_the_new_client_status_and_done_are_answered_once(
    admin: TelegramUser, fake: FakeTelegram
) -> None:
    """ncl:st:* and ed:done used to be answered twice (Telegram refuses the second)."""
    await admin.send("/newclient")
    await admin.send("Zeta Trade")
    await admin.press("Skip")
    mark = fake.mark()
    await admin.press("Key account")
    await admin.press("✏️ Edit")
    await admin.press("Done")
    answers = [c for c in fake.calls_since(mark) if c.method == "answerCallbackQuery"]
    assert len(answers) == 3 and all(c.ok for c in answers)
    assert fake.double_answers() == []
