"""A kill right after a screen is shown, before the update that showed it is stored: after
the restart the update is handled again (the inbox), so the buttons on that screen work
instead of answering "This card is closed" (issue 11, "Nothing the user did is lost")."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.fake_telegram.client import edited, new_message, text


async def test_the_screen_shown_just_before_a_kill_keeps_working(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())
    await anna.send("/settings")
    await bot.finished(anna)

    # The press edits the screen; its answer, the update's last call, never gets through,
    # so the update is not finished, nor stored, when the process dies.
    stuck = bot.server.hold("answerCallbackQuery")
    await anna.press("Language", expect=edited())
    await asyncio.to_thread(stuck.wait_arrived)
    assert "Русский" in anna.buttons
    bot.kill()
    stuck.drop()
    bot.start()

    await anna.press("Русский", expect=text("Язык"))
    assert "This card is closed" not in " ".join(anna.bot_texts())
    assert bot.query("SELECT language FROM managers") == [("ru",)]
