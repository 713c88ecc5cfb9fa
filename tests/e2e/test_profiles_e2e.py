"""Profiles over real HTTP: create a client, edit it (surviving a crash mid-edit), find it."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.fake_telegram.client import new_message, text


async def test_create_edit_find_round_trip(bot: BotProcess) -> None:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())  # "All set", then the menu

    await anna.send("➕ New client")
    await anna.send("Уралхимпласт")
    await anna.send("Chemicals")
    await anna.press("Key account", expect=new_message())  # the step is closed, the card sent
    assert "Уралхимпласт" in anna.last_text and "Owner: Anna" in anna.last_text

    await anna.press("✏️ Edit")
    await anna.press("📋 General")
    await anna.press("Other names")
    await bot.finished(anna)
    bot.restart()  # a crash in the middle of an edit: the step is not lost
    await anna.send("Uralkhimplast, UHP", expect=text("Saved: Other names"))
    assert "Saved: Other names" in anna.last_text  # at once, with Undo
    assert "Now: Uralkhimplast, UHP" in anna.last_text
    assert bot.query("SELECT aliases FROM accounts") == [("Uralkhimplast\nUHP",)]
    changed = bot.query("SELECT field FROM audit_log WHERE entity = 'account'")
    assert ("aliases",) in changed

    await anna.send("/find uralkhim")
    assert "Уралхимпласт" in anna.last_text and "Chemicals" in anna.last_text
    await anna.send("🔎 Find client")
    await anna.send("uhp")
    assert "Уралхимпласт" in anna.last_text
