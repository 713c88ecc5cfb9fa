"""Reminders over real HTTP: `kam-bot` ticks every second against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.client import new_message


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_task(bot: BotProcess, text: str, due: datetime) -> int:
    """A timed task for the admin, written straight into the bot's database."""
    now = datetime.now(UTC)
    ((manager_id,),) = bot.query("SELECT id FROM managers WHERE telegram_id = ?", (ADMIN_ID,))
    rows = bot.query(
        "INSERT INTO tasks (assignee_id, created_by, text, due_at, due_has_time, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
        (
            manager_id,
            manager_id,
            text,
            _stamp(due),
            _stamp(now),
            _stamp(now),
        ),
    )
    return int(rows[0][0])


def _texts_with(fake: FakeTelegram, needle: str) -> list[str]:
    return [m.text for m in fake.bot_messages(ADMIN_ID) if needle in m.text]


async def _wait_for_text(fake: FakeTelegram, needle: str, seconds: float = 20.0) -> None:
    await asyncio.to_thread(fake.wait_for, lambda f: bool(_texts_with(f, needle)), seconds)


def _while_down(bot: BotProcess) -> datetime:
    """A due time after the last tick of a stopped bot (its watermark), at most 1 s ahead."""
    watermark = bot.watermark()
    assert watermark is not None
    last_tick = datetime.strptime(watermark, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC).replace(microsecond=0)
    return max(now, last_tick + timedelta(seconds=1))


async def _until(moment: datetime) -> None:
    """Wait for the wall clock to reach ``moment`` (the event the test needs is the time)."""
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


async def test_a_due_task_arrives_done_works_and_a_restart_does_not_resend(
    bot: BotProcess,
) -> None:
    bot.env["REMINDER_TICK_SECONDS"] = "1"
    bot.restart()
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.send("/start")
    await anna.press("English")
    await anna.press("Moscow")
    await anna.press("09:00", expect=new_message())  # "All set", then the menu
    # quiet hours off, so that the test passes at any time of day
    bot.query("UPDATE managers SET quiet_start = '00:00', quiet_end = '00:00'")

    task_id = _add_task(
        bot, "Call Ivan Petrov about the offer", datetime.now(UTC) + timedelta(seconds=3)
    )
    started = time.monotonic()
    await _wait_for_text(bot.fake, "Call Ivan Petrov")
    assert time.monotonic() - started < 15
    assert anna.buttons == ["✔ Done", "⏰ Snooze"]
    await anna.press("Done")
    assert "Done" in anna.last_text
    assert bot.query("SELECT status FROM tasks WHERE id = ?", (task_id,)) == [("done",)]

    # a crash and a restart: nothing is sent twice (a whole tick after the start is over).
    # The press is stored first: one killed while in flight is handled again after the start
    # (the inbox), and its answer may then reach Telegram twice (test_crash_inbox_e2e.py).
    await bot.finished(anna)
    bot.restart()
    await bot.ticks(2)
    assert len(_texts_with(bot.fake, "Call Ivan Petrov")) == 1
    assert bot.query("SELECT status, count(*) FROM reminder_deliveries GROUP BY status") == [
        ("sent", 1)
    ]

    # a task that fell due while the bot was down arrives once after the start
    bot.kill()
    due = _while_down(bot)
    _add_task(bot, "Send the contract draft", due)
    await _until(due)
    bot.start()
    await _wait_for_text(bot.fake, "Send the contract draft")
    bot.restart()
    await bot.ticks(2)
    assert len(_texts_with(bot.fake, "Send the contract draft")) == 1
