"""Meetings over real HTTP against a `kam-bot` process, each checked in the database."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.fake_telegram.client import PollingUser, new_message, text


async def _onboard(bot: BotProcess) -> PollingUser:
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())  # "All set", then the menu
    return anna


async def _first_meeting_creates_client_and_contacts(anna: PollingUser) -> None:
    await anna.send("/meeting")
    await anna.send("VT-Metal")
    await anna.press("New client")
    await anna.send("Ivan Petrov, CEO")
    await anna.send("Olga Smirnova, CFO")
    await anna.press("Next")
    await anna.press("Skip")
    await anna.press("No next step")
    await anna.press("Save")
    assert "Saved" in anna.last_text


async def test_one_full_held_meeting_in_seven_actions(bot: BotProcess) -> None:
    anna = await _onboard(bot)
    await _first_meeting_creates_client_and_contacts(anna)
    actions = 0
    steps: list[tuple[str, str]] = [
        ("send", "📝 Log meeting"),
        ("press", "VT-Metal"),
        ("press", "Ivan Petrov"),
        ("press", "Olga Smirnova"),
        ("send", "Agreed Q3 prices; they want 5% off for 2 years"),  # the notes, at once
        ("send", "Send the offer tomorrow"),  # its date inside: no date screen
        ("press", "Save"),
    ]
    for kind, value in steps:
        actions += 1
        mark = anna.mark()
        await (anna.send(value) if kind == "send" else anna.press(value))
        edits_or_sends = [
            c
            for c in anna.calls_since(mark)
            if c.method in ("sendMessage", "editMessageText") and c.ok
        ]
        assert len(edits_or_sends) <= 1, (value, [c.method for c in edits_or_sends])
    assert actions <= 7
    assert "Saved" in anna.last_text
    rows = bot.query(
        "SELECT m.status, m.kind, m.summary, count(mc.contact_id) FROM meetings m"
        " LEFT JOIN meeting_contacts mc ON mc.meeting_id = m.id"
        " WHERE m.summary IS NOT NULL GROUP BY m.id"
    )
    assert rows == [("held", "visit", "Agreed Q3 prices; they want 5% off for 2 years", 2)]
    assert bot.query("SELECT text, origin, due_at > created_at, due_has_time FROM tasks") == [
        ("Send the offer", "follow_up", 1, 0)
    ]
    assert len(bot.query("SELECT id FROM satisfaction_checks")) == 2
    assert bot.query("SELECT last_contact_at IS NOT NULL FROM accounts") == [(1,)]


async def test_one_planned_meeting(bot: BotProcess) -> None:
    anna = await _onboard(bot)
    await _first_meeting_creates_client_and_contacts(anna)
    await anna.send("/plan")
    await anna.press("VT-Metal")
    await anna.press("Tomorrow 10:00")
    await anna.press("Ivan Petrov")
    await anna.press("Next")
    await anna.send("Renewal terms")
    assert "Reminder: 1 hour before" in anna.last_text
    await anna.press("Save")
    assert "Planned" in anna.last_text
    rows = bot.query(
        "SELECT status, agenda, remind_before_minutes, starts_at > created_at FROM meetings"
        " WHERE status = 'planned'"
    )
    assert rows == [("planned", "Renewal terms", 60, 1)]


async def test_a_restart_in_the_middle_of_the_flow(bot: BotProcess) -> None:
    anna = await _onboard(bot)
    await _first_meeting_creates_client_and_contacts(anna)
    await anna.send("📝 Log meeting")
    await anna.press("VT-Metal")
    await anna.press("Olga Smirnova")
    await anna.press("Next")
    await bot.finished(anna)
    bot.restart()  # SIGKILL and start again: same step, same draft
    await anna.send("Talked about logistics", expect=text("How did it go?"))
    assert "How did it go?" in anna.last_text
    await anna.press("Neutral")
    await anna.press("No next step")
    assert "Olga Smirnova" in anna.last_text
    await anna.press("Save")
    rows = bot.query(
        "SELECT m.summary, c.full_name FROM meetings m JOIN meeting_contacts mc"
        " ON mc.meeting_id = m.id JOIN contacts c ON c.id = mc.contact_id"
        " WHERE m.summary IS NOT NULL"
    )
    assert rows == [("Talked about logistics", "Olga Smirnova")]


async def test_one_quick_log(bot: BotProcess) -> None:
    anna = await _onboard(bot)
    await _first_meeting_creates_client_and_contacts(anna)
    await anna.send("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday")
    assert "I read your message" in anna.last_text and "Ivan Petrov" in anna.last_text
    assert bot.query("SELECT count(*) FROM meetings") == [(1,)]
    await anna.press("Save")
    assert bot.query("SELECT count(*) FROM meetings") == [(2,)]
    assert bot.query("SELECT text FROM tasks") == [("send offer",)]
