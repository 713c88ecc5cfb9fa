"""The reminder tick against the fake Telegram: each kind once, on time, in the right place."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot import scheduler
from bot.i18n import translator
from bot.scheduler import tick
from domain import reminders as rules
from domain.clock import FakeClock
from storage import Storage
from storage.managers import Manager
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser
from tests.reminder_support import (
    add_account,
    add_check,
    add_manager,
    add_meeting,
    add_obligation,
    add_task,
    hm,
)

App = Application[Any, Any, Any, Any, Any, Any]


async def kam(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    uid: int = 2001,
    name: str = "Ivan",
    **prefs: object,
) -> tuple[TelegramUser, Manager]:
    user = await make_user(uid, name)
    manager = await add_manager(storage, uid, name, now=clock.now(), **prefs)  # type: ignore[arg-type]
    return user, manager


async def run_until(app: App, clock: FakeClock, until: datetime, step: timedelta) -> None:
    """Ticks every `step` of fake time, as the JobQueue would."""
    while clock.now() < until:
        clock.advance(min(step, until - clock.now()))
        await tick(app)


async def test_a_task_arrives_once_at_its_time_and_done_works(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    account_id = await add_account(storage, manager, "VT-Metal <Group>", now=clock.now())
    due = clock.now() + timedelta(minutes=30)
    task_id = await add_task(
        storage, manager, "Call <b>Ivan</b>", due, now=clock.now(), account_id=account_id
    )
    await tick(app)
    await run_until(app, clock, due - timedelta(minutes=1), timedelta(minutes=1))
    assert user.bot_texts() == []
    await run_until(app, clock, due + timedelta(minutes=10), timedelta(minutes=1))
    assert len(user.bot_texts()) == 1
    assert "Call <b>Ivan</b>" in user.last_text  # shown, not interpreted
    assert "&lt;b&gt;" in user.last_html and "VT-Metal &lt;Group&gt;" in user.last_html
    assert user.buttons == ["✔ Done", "⏰ Snooze", "🏢 Open account"]
    await user.press("Done")
    assert "Done" in user.last_text and user.buttons == []
    task = await storage.tasks.get(task_id)
    assert task is not None and task.status == "done"
    await run_until(app, clock, due + timedelta(hours=2), timedelta(minutes=15))
    assert len(user.bot_texts()) == 1


async def test_a_stop_while_a_reminder_is_on_its_way_confirms_it(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop cancels the tick while Telegram is taking a reminder: it is still confirmed
    (the stop waits for it), not left 'sending' to go out again after the lease."""
    user, manager = await kam(make_user, storage, clock)
    await add_task(
        storage, manager, "Call Ivan", clock.now() + timedelta(minutes=1), now=clock.now()
    )
    await tick(app)
    clock.advance(timedelta(minutes=2))
    arrived, telegram_answers = asyncio.Event(), asyncio.Event()
    push_bot = scheduler._push_bot

    class SlowTelegram:
        def __init__(self, application: Any) -> None:
            self.bot = push_bot(application)

        async def send_message(self, *args: Any, **kwargs: Any) -> Any:
            arrived.set()
            await telegram_answers.wait()
            return await self.bot.send_message(*args, **kwargs)

    monkeypatch.setattr(scheduler, "_push_bot", SlowTelegram)
    running = asyncio.create_task(tick(app))
    await asyncio.wait_for(arrived.wait(), timeout=10)
    running.cancel()  # the stop
    with contextlib.suppress(asyncio.CancelledError):
        await running
    telegram_answers.set()
    await scheduler.settle(app)
    assert len(user.bot_texts()) == 1
    rows = await storage.db.fetch_all("SELECT status FROM reminder_deliveries")
    assert [row[0] for row in rows] == ["sent"]
    later = clock.now() + rules.SEND_LEASE + timedelta(minutes=1)
    assert await storage.reminders.claim(later) == []  # never sent again


async def test_buttons_of_an_old_reminder_change_nothing(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    due = clock.now() + timedelta(minutes=5)
    task_id = await add_task(storage, manager, "Send the offer", due, now=clock.now())
    await tick(app)
    await run_until(app, clock, due + timedelta(minutes=1), timedelta(minutes=1))
    reminder = user.last_message.message_id
    await user.press_data(f"task:done:{task_id}", reminder)
    await user.press_data(f"task:done:{task_id}", reminder)
    assert user.last_alert == "This task is already done; nothing changed."
    await user.press_data(f"task:sz:{task_id}:1h", reminder)
    assert user.last_alert == "This task is already done; nothing changed."
    task = await storage.tasks.get(task_id)
    assert task is not None and task.snoozed_until is None
    await user.press_data("task:done:999999", reminder)
    assert user.last_alert == "This task no longer exists."
    # a forged press on someone else's task changes nothing
    other, _ = await kam(make_user, storage, clock, 2002, "Olga")
    mine = await add_task(storage, manager, "Mine", None, now=clock.now())
    await other.send("/tasks")
    await other.press_data(f"task:done:{mine}")
    assert other.last_alert == "This card is closed. Open it again from the menu."
    task = await storage.tasks.get(mine)
    assert task is not None and task.status == "open"


async def test_snooze_brings_the_reminder_back(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock, notify_digest=False)
    due = clock.now() + timedelta(minutes=5)
    await add_task(storage, manager, "Call Ivan", due, now=clock.now())
    await tick(app)
    await run_until(app, clock, due + timedelta(minutes=1), timedelta(minutes=1))
    await user.press("Snooze")
    assert any(b.startswith("In 1 hour") for b in user.buttons)
    await user.press("In 1 hour")
    assert "I'll remind you" in user.last_text
    await run_until(app, clock, due + timedelta(minutes=59), timedelta(minutes=2))
    assert len(user.bot_texts()) == 1
    await run_until(app, clock, due + timedelta(minutes=65), timedelta(minutes=2))
    assert len(user.bot_texts()) == 2 and "Call Ivan" in user.last_text
    # pick a day and a time: Monday 30 November, 10:00 Moscow
    await user.press("Snooze")
    await user.press("Pick a day")
    await user.press("Mon 30 Nov")
    await user.press("10:00")
    await run_until(app, clock, datetime(2026, 11, 30, 6, 59, tzinfo=UTC), timedelta(hours=1))
    assert len(user.bot_texts()) == 2
    await run_until(app, clock, datetime(2026, 11, 30, 7, 5, tzinfo=UTC), timedelta(minutes=1))
    assert len(user.bot_texts()) == 3 and "Call Ivan" in user.last_text


async def test_after_downtime_one_message_lists_what_was_missed(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    start = clock.now()
    await tick(app)
    for minutes in (20, 40, 60):
        await add_task(
            storage, manager, f"Task {minutes}", start + timedelta(minutes=minutes), now=start
        )
    await add_check(
        storage,
        manager,
        account_id,
        start + timedelta(minutes=50),
        now=start,
        contact_name="Ivan Petrov",
    )
    clock.advance(timedelta(hours=3))  # the bot was down; it starts again now
    mark = user.mark()
    await tick(app)
    assert user.sent_count_since(mark) == 1
    text = user.last_text
    assert "While I was offline, 4 reminders were due" in text
    assert "Task 20" in text and "Task 60" in text and "Ivan Petrov" in text
    assert len(user.buttons) == 4
    await tick(app)
    await run_until(app, clock, clock.now() + timedelta(hours=1), timedelta(minutes=10))
    assert user.sent_count_since(mark) == 1
    # the catch-up's buttons act: the satisfaction question
    await user.press("Ivan Petrov")
    assert "How satisfied is Ivan Petrov (VT-Metal)" in user.last_text


@pytest.mark.parametrize(
    ("language", "back", "done", "still_open"),
    [
        ("en", "◀ Back", "✔ Done", "still open: 4"),
        ("zh", "◀ 返回", "✔ 完成", "还有 4 条未处理"),
        ("ru", "◀ Назад", "✔ Сделано", "ещё не сделано: 4"),
    ],
    ids=["en", "zh", "ru"],
)
async def test_an_item_opened_from_the_offline_message_keeps_the_way_back(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    back: str,
    done: str,
    still_open: str,
) -> None:
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(
        storage, 2001, "Ivan", now=clock.now(), language=language, notify_digest=False
    )
    manager = await storage.managers.update(
        manager.id, actor_id=manager.id, now=clock.now(), digest_time=hm("11:00")
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    start = clock.now()
    await tick(app)
    for minutes in (20, 40, 60):
        await add_task(
            storage, manager, f"Task {minutes}", start + timedelta(minutes=minutes), now=start
        )
    await add_check(
        storage, manager, account_id, start + timedelta(minutes=50), now=start, contact_name="Olga"
    )
    await add_obligation(storage, manager, account_id, date(2026, 11, 26), "Batch 2", now=start)
    clock.advance(timedelta(hours=3))  # the bot was down; it starts again now
    await tick(app)
    listed = user.last_message
    assert len(listed.buttons) == 5
    # a task opens in place, with a way back to the list as it was
    await user.press("Task 20")
    assert user.last_message.message_id == listed.message_id and done in user.buttons
    await user.press(back)
    assert user.last_text == listed.text and len(user.buttons) == 5
    # done: the list comes back without it
    await user.press("Task 20")
    await user.press(done)
    assert user.last_message.message_id == listed.message_id
    assert still_open in user.last_text and "Task 20" not in user.last_text
    assert len(user.buttons) == 4
    # an obligation too
    await user.press("Batch 2")
    assert "Batch 2" in user.last_text and user.buttons[-1] == back
    await user.press(back)
    assert still_open in user.last_text and len(user.buttons) == 4
    # a forged "back" on another message changes nothing
    await user.send("/tasks")
    await user.press_data("rem:missed")
    assert user.last_alert == translator(language)("error.stale_button")


async def test_two_concurrent_ticks_send_each_reminder_once(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    users = []
    start = clock.now()
    await tick(app)
    for uid in range(3001, 3011):
        user, manager = await kam(make_user, storage, clock, uid, f"Kam {uid}")
        users.append(user)
        for n in range(3):
            await add_task(storage, manager, f"Task {n}", start + timedelta(minutes=5), now=start)
    clock.advance(timedelta(minutes=6))
    await asyncio.gather(tick(app), tick(app), tick(app))
    for user in users:
        assert (
            sorted(user.bot_texts()) == sorted([t for t in user.bot_texts()])
            and len(user.bot_texts()) == 3
        )
    counts = await storage.reminders.count_by_status()
    assert counts == {"sent": 30}


async def test_a_manager_who_blocked_the_bot_is_skipped_until_they_return(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    blocked_user, blocked = await kam(make_user, storage, clock, 2001, "Ivan")
    other_user, other = await kam(make_user, storage, clock, 2002, "Olga")
    start = clock.now()
    await tick(app)
    await add_task(storage, blocked, "Call Ivan", start + timedelta(minutes=5), now=start)
    await add_task(storage, other, "Call Olga", start + timedelta(minutes=5), now=start)
    blocked_user.fake.block(2001)
    clock.advance(timedelta(minutes=6))
    report = await tick(app)
    assert report.blocked == 1 and report.sent == 1
    assert other_user.bot_texts() == [other_user.last_text] and "Call Olga" in other_user.last_text
    refreshed = await storage.managers.get(blocked.id)
    assert refreshed is not None and refreshed.blocked_at is not None
    await run_until(app, clock, clock.now() + timedelta(hours=2), timedelta(minutes=15))
    assert blocked_user.bot_texts() == []
    # they come back: a message clears the mark, the next tick delivers what waited
    blocked_user.fake.unblock(2001)
    await blocked_user.send("/help")
    refreshed = await storage.managers.get(blocked.id)
    assert refreshed is not None and refreshed.blocked_at is None
    mark = blocked_user.mark()
    await tick(app)
    assert blocked_user.sent_count_since(mark) == 1
    assert "While I was offline" in blocked_user.last_text and "Call Ivan" in blocked_user.last_text


async def test_a_deactivated_manager_receives_nothing(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    start = clock.now()
    await tick(app)
    await add_task(storage, manager, "Call Ivan", start + timedelta(minutes=5), now=start)
    await storage.managers.update(manager.id, actor_id=manager.id, now=start, active=False)
    await run_until(app, clock, start + timedelta(days=2), timedelta(hours=1))
    assert user.bot_texts() == []


async def test_quiet_hours_hold_reminders_until_morning_except_explicit_ones(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock, notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    at_2230 = datetime(2026, 11, 26, 19, 30, tzinfo=UTC)  # 22:30 Moscow
    await add_check(storage, manager, account_id, at_2230, now=clock.now(), contact_name="Ivan")
    await add_task(storage, manager, "Late call to Vladivostok", at_2230, now=clock.now())
    await run_until(app, clock, at_2230 + timedelta(minutes=5), timedelta(minutes=30))
    assert len(user.bot_texts()) == 1 and "Late call to Vladivostok" in user.last_text
    morning = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 08:00 Moscow
    await run_until(app, clock, morning - timedelta(minutes=1), timedelta(minutes=30))
    assert len(user.bot_texts()) == 1
    await run_until(app, clock, morning + timedelta(minutes=1), timedelta(minutes=1))
    assert len(user.bot_texts()) == 2 and "How satisfied is Ivan" in user.last_text
    assert user.buttons[:5] == ["1", "2", "3", "4", "5"]


async def _held_check(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, language: str
) -> tuple[TelegramUser, datetime]:
    """A satisfaction check that came due at 22:30 Moscow, held by quiet hours (21-08)."""
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(
        storage, 2001, "Ivan", now=clock.now(), language=language, notify_digest=False
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    at_2230 = datetime(2026, 11, 26, 19, 30, tzinfo=UTC)
    await add_check(storage, manager, account_id, at_2230, now=clock.now(), contact_name="Ivan")
    await run_until(app, clock, at_2230 + timedelta(minutes=30), timedelta(minutes=10))
    assert user.bot_texts() == []
    return user, at_2230


@pytest.mark.parametrize(
    ("language", "reminders", "quiet", "none", "off"),
    [
        ("en", "Reminders", "Quiet hours", "No quiet hours", "Quiet hours: now off"),
        ("zh", "提醒", "免打扰时段", "不设免打扰", "免打扰时段：当前 已关闭"),
        ("ru", "Напоминания", "Тихие часы", "Без тихих часов", "Тихие часы: сейчас выключены"),
    ],
    ids=["en", "zh", "ru"],
)
async def test_switching_quiet_hours_off_releases_what_they_hold(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    reminders: str,
    quiet: str,
    none: str,
    off: str,
) -> None:
    user, _ = await _held_check(app, make_user, storage, clock, language)
    await user.send("/settings")
    await user.press(reminders)
    await user.press(quiet)
    await user.press(none)
    assert off in user.last_text
    mark = user.mark()
    clock.advance(timedelta(seconds=30))
    await tick(app)  # the next tick: not at the old end of quiet hours (08:00)
    assert user.sent_count_since(mark) == 1 and user.buttons[:5] == ["1", "2", "3", "4", "5"]


async def test_shortening_quiet_hours_releases_what_they_hold_at_the_new_end(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, _ = await _held_check(app, make_user, storage, clock, "en")
    await user.send("/settings")
    await user.press("Reminders")
    await user.press("Quiet hours")
    await user.press("06:00")
    assert "Quiet hours: now 21:00–06:00" in user.last_text
    mark = user.mark()
    six = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 06:00 Moscow
    await run_until(app, clock, six - timedelta(seconds=1), timedelta(minutes=30))
    assert user.sent_count_since(mark) == 0
    await run_until(app, clock, six + timedelta(seconds=30), timedelta(seconds=30))
    assert user.sent_count_since(mark) == 1 and "How satisfied is Ivan" in user.last_text


async def test_the_morning_digest_on_workdays(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    now = clock.now()
    await add_meeting(
        storage,
        manager,
        account_id,
        datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        now=now,
        agenda="Prices for 2027",
    )
    await add_task(
        storage, manager, "Send the offer", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), now=now
    )
    await add_obligation(
        storage, manager, account_id, date(2026, 12, 2), "Deliver batch 2", now=now
    )
    await tick(app)
    morning = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # Friday 09:00 Moscow
    await run_until(app, clock, morning - timedelta(minutes=1), timedelta(minutes=30))
    texts = [t for t in user.bot_texts() if "Good morning" in t]
    assert texts == []
    await run_until(app, clock, morning + timedelta(minutes=2), timedelta(minutes=1))
    digest = [t for t in user.bot_texts() if "Good morning" in t]
    assert len(digest) == 1
    text = digest[0]
    assert "Fri 27 Nov" in text
    assert "11:00 VT-Metal — visit" in text and "Prices for 2027" in text
    assert "Overdue" in text and "Send the offer" in text
    assert "Deliver batch 2" in text
    assert any("VT-Metal" in b for b in user.buttons)
    # nothing on Saturday or Sunday
    await run_until(app, clock, datetime(2026, 11, 29, 20, 0, tzinfo=UTC), timedelta(hours=1))
    assert len([t for t in user.bot_texts() if "Good morning" in t]) == 1


async def test_an_empty_digest_is_one_line_or_nothing(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, _ = await kam(make_user, storage, clock, 2001, "Ivan")
    silent, _ = await kam(make_user, storage, clock, 2002, "Olga", digest_when_empty=False)
    await tick(app)
    await run_until(app, clock, datetime(2026, 11, 27, 6, 5, tzinfo=UTC), timedelta(minutes=30))
    assert len(user.bot_texts()) == 1
    assert "Nothing on your plate today" in user.last_text
    assert silent.bot_texts() == []


async def test_today_and_tasks_commands(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    now = clock.now()
    for n in range(10):
        await add_task(
            storage, manager, f"Task {n}", now + timedelta(days=n), now=now, account_id=account_id
        )
    await user.send("/today")
    assert "Today, Thu 26 Nov" in user.last_text and "Task 0" in user.last_text
    await user.press("Task 0")
    assert "Task 0" in user.last_text and "✔ Done" in user.buttons
    await user.press("◀ Today")
    assert "Today, Thu 26 Nov" in user.last_text
    await user.press("Task 0")
    await user.press("Open account")
    assert user.last_text.startswith("VT-Metal")  # the profiles feature's account card
    await user.send("/tasks")
    assert "10 open tasks" in user.last_text and "(page 1 of 2)" in user.last_text
    await user.press("▶")
    assert "Task 9" in user.last_text
    await user.press("9. Task 8")
    await user.press("Done")
    await user.send("/tasks")
    assert "9 open tasks" in user.last_text
    # done from today's digest: the digest again, without it
    await user.send("/today")
    await user.press("Task 0")
    await user.press("Done")
    assert "Today, Thu 26 Nov" in user.last_text and "Task 0" not in user.last_text


@pytest.mark.parametrize(
    ("language", "done", "snooze", "back", "snoozed_line", "toast"),
    [
        ("en", "✔ Done", "⏰ Snooze", "◀ Back", "💤 Snoozed until tomorrow 09:00", "Marked"),
        ("zh", "✔ 完成", "⏰ 稍后提醒", "◀ 返回", "💤 已推迟到 明天 09:00", "已标记为完成"),
        ("ru", "✔ Сделано", "⏰ Отложить", "◀ Назад", "💤 Отложено до завтра в 09:00", "Отмечено"),
    ],
    ids=["en", "zh", "ru"],
)
async def test_tasks_list_has_done_and_snooze_and_shows_snoozed_tasks_by_their_new_time(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    done: str,
    snooze: str,
    back: str,
    snoozed_line: str,
    toast: str,
) -> None:
    user = await make_user(2001, "Ivan", language_code=language)
    manager = await add_manager(storage, 2001, "Ivan", now=clock.now(), language=language)
    now = clock.now()
    late = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday, overdue
    snoozed = await add_task(storage, manager, "Call Ivan", late, now=now)
    await storage.tasks.snooze(
        snoozed, datetime(2026, 11, 27, 6, 0, tzinfo=UTC), actor_id=manager.id, now=now
    )
    await add_task(storage, manager, "Send the offer", late, now=now)
    await add_task(storage, manager, "Book the hall", now + timedelta(days=3), now=now)
    await user.send("/tasks")
    lines = user.last_text.splitlines()
    assert lines[2] == f"1. Call Ivan — {snoozed_line}"  # not the old date, no ⚠️
    assert lines[3].startswith("2. ⚠️ Send the offer — ")
    assert user.buttons[:3] == ["1. Call Ivan", done, snooze]
    assert user.buttons[3:6] == ["2. Send the offer", done, snooze]
    screen = user.last_message.message_id
    # Done right on the list: the list again, without the task
    await user.press_data(f"task:done:{snoozed}", screen)
    assert user.last_alert is not None and toast in user.last_alert
    assert user.last_message.message_id == screen
    assert user.buttons[0] == "1. Send the offer" and "Call Ivan" not in user.last_text
    # Snooze right on the list: its choices, a way back, then the list with the new time
    await user.press(snooze)
    assert user.buttons[-1] == back
    await user.press(back)
    assert user.buttons[0] == "1. Send the offer"
    await user.press(snooze)
    await user.press_data(user_data_of(user, 0))
    assert user.last_message.message_id == screen
    assert user.last_text.splitlines()[2].startswith("1. Send the offer — 💤")


def user_data_of(user: TelegramUser, index: int) -> str:
    """The callback data of the newest keyboard's button `index`."""
    message = next(m for m in reversed(user.fake.bot_messages(user.chat_id)) if m.buttons)
    data = message.buttons[index].get("callback_data")
    assert isinstance(data, str)
    return data


async def test_a_low_score_creates_a_recovery_task_and_tells_the_lead(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    lead_user, lead = await kam(make_user, storage, clock, 2000, "Lena", role="lead")
    user, manager = await kam(make_user, storage, clock, 2001, "Ivan", lead_id=lead.id)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    meeting_id = await add_meeting(
        storage,
        manager,
        account_id,
        datetime(2026, 5, 12, 8, 0, tzinfo=UTC),
        now=clock.now(),
        status="held",
    )
    await tick(app)
    due = clock.now() + timedelta(minutes=10)
    check_id = await add_check(
        storage,
        manager,
        account_id,
        due,
        now=clock.now(),
        contact_name="Ivan Petrov",
        meeting_id=meeting_id,
    )
    await run_until(app, clock, due + timedelta(minutes=1), timedelta(minutes=1))
    assert "How satisfied is Ivan Petrov (VT-Metal) with the meeting of 12 May?" in user.last_text
    await user.press("2")
    assert "2/5" in user.last_text and "recovery task" in user.last_text
    check = await storage.satisfaction.get(check_id)
    assert check is not None and check.score == 2
    tasks = await storage.tasks.open_for_assignee(manager.id)
    assert [t.origin for t in tasks] == ["recovery"]
    await user.press("Add a comment")
    await user.send_update(
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    )
    assert "Please type the comment as text" in user.last_text
    await user.send("Delivery was late <again>")
    assert "Comment saved" in user.last_text
    await tick(app)
    assert "Low satisfaction: 2/5" in lead_user.last_text
    assert "Delivery was late <again>" in lead_user.last_text
    assert "Ivan" in lead_user.last_text
    # pressing another score on the old question changes nothing
    await user.press_data(f"sat:{check_id}:5")
    assert user.last_alert == "This check is already answered; nothing changed."
    check = await storage.satisfaction.get(check_id)
    assert check is not None and check.score == 2
    # the check is asked once; later ticks do not ask again
    mark = user.mark()
    await run_until(app, clock, clock.now() + timedelta(hours=1), timedelta(minutes=20))
    assert user.sent_count_since(mark) == 0


async def test_contract_obligation_reminders_and_a_missed_one(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    lead_user, lead = await kam(
        make_user, storage, clock, 2000, "Lena", role="lead", notify_digest=False
    )
    user, manager = await kam(
        make_user, storage, clock, 2001, "Ivan", lead_id=lead.id, notify_digest=False
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    contract_id, obligation_id = await add_obligation(
        storage, manager, account_id, date(2026, 12, 4), "Deliver batch 2", now=clock.now()
    )
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # ticks on the hour from here
    await run_until(app, clock, datetime(2026, 12, 5, 7, 0, tzinfo=UTC), timedelta(hours=1))
    texts = user.bot_texts()
    assert len(texts) == 4
    assert texts[0].startswith("📄 In a week (Fri 4 Dec): Deliver batch 2")
    assert texts[1].startswith("📄 Tomorrow")
    assert texts[2].startswith("📄 Due today")
    assert texts[3].startswith("❓ Was it met?")
    await user.press("No, missed")
    assert "at risk" in user.last_text
    assert await storage.contracts.contract_status(contract_id) == "at_risk"
    await tick(app)
    assert "Missed obligation" in lead_user.last_text and "Deliver batch 2" in lead_user.last_text
    await user.press_data(f"obl:{obligation_id}:met")
    assert user.last_alert == "This obligation is already answered; nothing changed."


async def test_an_obligation_delayed_to_a_later_date(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock, notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    _, obligation_id = await add_obligation(
        storage, manager, account_id, date(2026, 11, 26), now=clock.now()
    )
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await run_until(app, clock, datetime(2026, 11, 27, 6, 30, tzinfo=UTC), timedelta(hours=1))
    assert user.last_text.startswith("❓ Was it met?")
    await user.press("Delayed to")
    await user.press("In a week")
    view = await storage.contracts.obligation(obligation_id)
    assert view is not None and view.status == "delayed" and view.delayed_to == date(2026, 12, 4)


async def test_overdue_task_is_reported_to_the_lead_once(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    lead_user, lead = await kam(
        make_user, storage, clock, 2000, "Lena", role="lead", notify_digest=False
    )
    _, manager = await kam(
        make_user, storage, clock, 2001, "Ivan", lead_id=lead.id, notify_digest=False
    )
    await tick(app)
    task_id = await add_task(
        storage, manager, "Send the offer", clock.now() + timedelta(hours=2), now=clock.now()
    )
    await run_until(app, clock, clock.now() + timedelta(days=5), timedelta(hours=2))
    notices = [t for t in lead_user.bot_texts() if "Overdue by" in t]
    assert len(notices) == 1 and "Send the offer" in notices[0] and "Ivan" in notices[0]
    task = await storage.tasks.get(task_id)
    assert task is not None and task.escalated_at is not None


async def test_planned_meeting_brief_before_and_question_after(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock, notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    starts = clock.now() + timedelta(hours=3)
    meeting_id = await add_meeting(storage, manager, account_id, starts, now=clock.now())
    await run_until(app, clock, starts - timedelta(minutes=61), timedelta(minutes=5))
    assert user.bot_texts() == []
    await run_until(app, clock, starts - timedelta(minutes=55), timedelta(minutes=5))
    assert len(user.bot_texts()) == 1 and "Meeting with VT-Metal" in user.last_text
    assert "Before the meeting: VT-Metal" in user.last_text  # the profiles feature's brief
    await run_until(app, clock, starts + timedelta(minutes=65), timedelta(minutes=5))
    assert len(user.bot_texts()) == 2 and "How did the meeting with VT-Metal" in user.last_text
    assert user.buttons == ["📝 How did it go?"]
    message = user.fake.last_bot_message(user.chat_id)
    assert message is not None
    assert message.buttons[0]["callback_data"] == f"mtg:held:{meeting_id}"
    # the meetings feature takes it from here: the held-meeting log, prefilled
    await user.press("How did it go?")
    assert "What was discussed?" in user.last_text and "VT-Metal" in user.last_text


async def test_reminder_settings_switch_a_kind_off(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, manager = await kam(make_user, storage, clock, notify_digest=False)
    await user.send("/settings")
    await user.press("Reminders")
    assert "Quiet hours: 21:00–08:00" in user.last_text
    await user.press("Task reminders")
    refreshed = await storage.managers.get(manager.id)
    assert refreshed is not None and not refreshed.notify_tasks
    await user.press("Digest days")
    await user.press("Sat")
    await user.press("◀ Back")
    await user.press("Quiet hours")
    await user.press("22:00")
    await user.press("07:00")
    refreshed = await storage.managers.get(manager.id)
    assert refreshed is not None
    assert refreshed.digest_days == (1, 2, 3, 4, 5, 6)
    assert (refreshed.quiet_start, refreshed.quiet_end) == (hm("22:00"), hm("07:00"))
    await user.send("a sticker-like stray text")
    assert "Reminders" in user.last_text  # the step is shown again with a hint
    await user.send("/cancel")
    mark = user.mark()
    await tick(app)
    await add_task(
        storage, manager, "Call Ivan", clock.now() + timedelta(minutes=5), now=clock.now()
    )
    await run_until(app, clock, clock.now() + timedelta(minutes=30), timedelta(minutes=5))
    assert user.sent_count_since(mark) == 0


@pytest.mark.parametrize(
    ("language", "labels", "workdays", "every_day", "some_days"),
    [
        (
            "en",
            ("Reminders", "Digest days", "Every day", "Back", "Digest time", "Sat"),
            "When should I send your morning digest on workdays?",
            "When should I send your morning digest every day?",
            "When should I send your morning digest on Mon, Tue, Wed, Thu, Fri and Sun?",
        ),
        (
            "zh",
            ("提醒", "摘要日期", "每天", "返回", "摘要时间", "周六"),
            "工作日几点给您发送早间摘要？",
            "每天几点给您发送早间摘要？",
            "每逢周一、周二、周三、周四、周五和周日几点给您发送早间摘要？",
        ),
        (
            "ru",
            ("Напоминания", "Дни сводки", "Каждый день", "Назад", "Время сводки", "сб"),
            "Когда присылать утреннюю сводку по рабочим дням?",
            "Когда присылать утреннюю сводку каждый день?",
            "Когда присылать утреннюю сводку в пн, вт, ср, чт, пт и вс?",
        ),
    ],
    ids=["en", "zh", "ru"],
)
async def test_the_digest_time_prompt_names_the_chosen_days(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    language: str,
    labels: tuple[str, ...],
    workdays: str,
    every_day: str,
    some_days: str,
) -> None:
    reminders, days, all_days, back, digest_time, saturday = labels
    user = await make_user(2001, "Ivan", language_code=language)
    await add_manager(storage, 2001, "Ivan", now=clock.now(), language=language)
    await user.send("/settings")
    await user.press(reminders)
    await user.press(digest_time)
    assert workdays in user.last_text
    await user.send("/settings")
    await user.press(reminders)
    await user.press(days)
    await user.press(all_days)
    await user.press(back)
    await user.press(digest_time)
    assert every_day in user.last_text
    await user.send("/settings")
    await user.press(reminders)
    await user.press(days)
    await user.press(saturday)
    await user.press(back)
    await user.press(digest_time)
    assert some_days in user.last_text


async def test_digest_across_the_autumn_dst_change_comes_once(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, _ = await kam(
        make_user,
        storage,
        clock,
        tz="Europe/Berlin",
        digest_time=hm("02:30"),
        digest_days=(1, 2, 3, 4, 5, 6, 7),
        quiet_start=hm("00:00"),
        quiet_end=hm("00:00"),
    )
    clock.set(datetime(2026, 10, 24, 20, 0, tzinfo=UTC))
    await tick(app)
    await run_until(app, clock, datetime(2026, 10, 25, 4, 0, tzinfo=UTC), timedelta(minutes=10))
    assert len(user.bot_texts()) == 1 and "Sun 25 Oct" in user.last_text
    # and in spring the missing 02:30 becomes 03:30, once
    clock.set(datetime(2027, 3, 27, 22, 0, tzinfo=UTC))
    await tick(app)  # (the months between are one long downtime)
    mark = user.mark()
    await run_until(app, clock, datetime(2027, 3, 28, 1, 20, tzinfo=UTC), timedelta(minutes=10))
    assert user.sent_count_since(mark) == 0
    await run_until(app, clock, datetime(2027, 3, 28, 3, 0, tzinfo=UTC), timedelta(minutes=10))
    assert user.sent_count_since(mark) == 1 and "Sun 28 Mar" in user.last_text


async def _asked_satisfaction(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> tuple[TelegramUser, int]:
    """A KAM who has just been asked how satisfied Ivan Petrov (VT-Metal) is."""
    user, manager = await kam(make_user, storage, clock, 2001, "Ivan")
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    due = clock.now() + timedelta(minutes=10)
    check_id = await add_check(
        storage, manager, account_id, due, now=clock.now(), contact_name="Ivan Petrov"
    )
    await run_until(app, clock, due + timedelta(minutes=1), timedelta(minutes=1))
    return user, check_id


async def test_the_comment_step_ends_when_the_manager_goes_elsewhere(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, check_id = await _asked_satisfaction(app, make_user, storage, clock)
    await user.press("4")
    await user.press("Add a comment")
    await user.send("📋 Today")  # the menu answers, and the comment step is over
    assert "Comment saved" not in user.last_text
    await user.send("VT-Metal")  # a search now, not a comment
    assert "Comment saved" not in " ".join(user.bot_texts())
    check = await storage.satisfaction.get(check_id)
    assert check is not None and check.score == 4 and not check.comment


async def test_a_comment_can_follow_an_open_search_box(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    user, check_id = await _asked_satisfaction(app, make_user, storage, clock)
    await user.press("5")
    await user.send("🔎 Find client")
    await user.press("Add a comment")  # on the score message above the search prompt
    assert "card is closed" not in (user.last_alert or "")
    await user.send("Very happy with the delivery")
    assert "Comment saved" in user.last_text
    check = await storage.satisfaction.get(check_id)
    assert check is not None and check.comment == "Very happy with the delivery"
