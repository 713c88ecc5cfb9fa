"""PollingUser (the end-to-end client) waits for the bot's expected reaction, however slow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fake_telegram import FakeBotApiServer, FakeTelegram
from tests.fake_telegram.client import PollingUser, new_message, text

SLOW = 0.8  # seconds the bot takes between the answer and the new screen: a cold start


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="next")]])
    await update.effective_message.reply_text("Step 1", reply_markup=markup)


async def next_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers at once, shows the next screen late, and then a second message later still."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    await asyncio.sleep(SLOW)  # the slow bot under test, not a wait of the test
    step = int(context.chat_data.get("step", 1)) + 1 if context.chat_data is not None else 2
    if context.chat_data is not None:
        context.chat_data["step"] = step
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="next")]])
    await query.edit_message_text(f"Step {step}", reply_markup=markup)
    await asyncio.sleep(SLOW)
    await context.bot.send_message(query.message.chat.id, "Menu")


@pytest.fixture
async def polling_bot() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    with FakeBotApiServer(fake) as server:
        application: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(fake.token)
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("start", start))
        application.add_handler(CallbackQueryHandler(next_step))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield fake
            finally:
                await application.updater.stop()
                await application.stop()


async def test_a_press_waits_for_the_new_screen_not_for_a_pause(
    polling_bot: FakeTelegram,
) -> None:
    user = PollingUser(polling_bot, 3003, timeout=10)
    await user.send("/start")
    assert user.last_text == "Step 1"
    await user.press("Next")  # answered at once; the screen changes SLOW seconds later
    assert "Step 2" in user.bot_texts()
    assert user.last_answer is not None


async def test_the_last_of_several_messages_can_be_awaited(polling_bot: FakeTelegram) -> None:
    user = PollingUser(polling_bot, 3004, timeout=10)
    await user.send("/start")
    await user.press("Next", expect=new_message())
    assert user.bot_texts() == ["Step 2", "Menu"]
    await user.press("Next", expect=text("Menu"))
    assert user.bot_texts() == ["Step 3", "Menu", "Menu"]


async def test_a_reaction_that_never_comes_fails_the_test(polling_bot: FakeTelegram) -> None:
    user = PollingUser(polling_bot, 3005, timeout=1)
    with pytest.raises(AssertionError, match="did not come within 1"):
        await user.send("/start", expect=text("never shown"))
