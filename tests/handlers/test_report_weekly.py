"""The weekly report push: Monday at the digest time in the manager's zone, exactly once
(duplicate ticks, a restart), never late on Tuesday; leads by default, KAMs who turn it on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.scheduler import tick
from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser
from tests.handlers.conftest import MakeUser
from tests.report_support import Team, seed_team

App = Application[Any, Any, Any, Any, Any, Any]
MONDAY_0850_SHANGHAI = datetime(2026, 11, 30, 0, 50, tzinfo=UTC)


def _weekly(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        m.text for m in fake.messages(chat_id) if m.from_bot and "weekly report" in m.text.lower()
    ]


def _photos(fake: FakeTelegram, chat_id: int) -> int:
    return sum(1 for m in fake.messages(chat_id) if m.from_bot and m.photo)


async def _team_in_shanghai(storage: Storage, clock: FakeClock) -> Team:
    team = await seed_team(storage, clock.now())
    for manager in (team.lead, team.kam_a, team.kam_b, team.kam_c):
        await storage.managers.update(
            manager.id, actor_id=manager.id, now=clock.now(), timezone="Asia/Shanghai"
        )
    return team


async def test_the_monday_push_goes_once_across_ticks_and_a_restart(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    fake: FakeTelegram,
    settings: Settings,
) -> None:
    team = await _team_in_shanghai(storage, clock)
    lena = await make_user(team.lead.telegram_id, "Lena")
    anton = await make_user(team.kam_a.telegram_id, "Anton")
    clock.set(MONDAY_0850_SHANGHAI)
    await tick(app)
    assert _weekly(fake, lena.chat_id) == []  # 08:50 in Shanghai: not yet
    clock.advance(timedelta(minutes=15))  # 09:05 in Shanghai, 01:05 UTC
    await tick(app)
    [text] = _weekly(fake, lena.chat_id)
    assert "Report: team of Lena Lead" in text
    assert "Last week: 23 Nov 2026 – 29 Nov 2026" in text
    assert _photos(fake, lena.chat_id) == 1
    assert _weekly(fake, anton.chat_id) == []  # a KAM's is off unless turned on
    await tick(app)  # a duplicate tick
    await app.shutdown()
    fresh_storage = await Storage.open(storage.db.path)  # a new process over the same file
    fresh = build_application(
        replace(settings),
        fresh_storage,
        clock,
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
    )
    await fresh.initialize()
    try:
        await tick(fresh)
        clock.advance(timedelta(hours=3))
        await tick(fresh)
    finally:
        await fresh.shutdown()
        await fresh_storage.close()
        await app.initialize()
    assert len(_weekly(fake, lena.chat_id)) == 1 and _photos(fake, lena.chat_id) == 1


async def test_not_on_tuesdays_first_tick(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await _team_in_shanghai(storage, clock)
    lena = await make_user(team.lead.telegram_id, "Lena")
    clock.set(MONDAY_0850_SHANGHAI - timedelta(hours=2))
    await tick(app)  # Monday 06:50 in Shanghai; then the bot is down until Tuesday
    clock.set(MONDAY_0850_SHANGHAI + timedelta(days=1, minutes=15))  # Tuesday 09:05
    await tick(app)
    assert _weekly(fake, lena.chat_id) == []
    clock.advance(timedelta(days=6))  # the next Monday, 09:05
    await tick(app)
    [text] = _weekly(fake, lena.chat_id)
    assert "30 Nov 2026 – 6 Dec 2026" in text


async def test_a_kam_turns_it_on_in_settings_and_gets_their_own(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await _team_in_shanghai(storage, clock)
    anton = await make_user(team.kam_a.telegram_id, "Anton")
    await anton.send("/settings")
    await anton.press("Reminders")
    assert "▫️ Weekly report (Mondays)" in anton.buttons
    await anton.press("Weekly report")
    assert "✅ Weekly report (Mondays)" in anton.buttons
    manager = await storage.managers.get(team.kam_a.id)
    assert manager is not None and manager.notify_weekly is True and manager.weekly_report
    clock.set(MONDAY_0850_SHANGHAI)
    await tick(app)
    clock.advance(timedelta(minutes=15))
    await tick(app)
    [text] = _weekly(fake, anton.chat_id)
    assert "Report: Anton" in text and "Last week: 23 Nov 2026 – 29 Nov 2026" in text
    # in Shanghai the Sunday 23:30 and Monday 00:30 Moscow meetings both fall on Monday 23rd
    assert "Held: 2 — 1 × Visit, 1 × Call" in text
    assert _photos(fake, anton.chat_id) == 1


async def test_a_lead_who_turned_it_off_gets_none(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await _team_in_shanghai(storage, clock)
    lena: TelegramUser = await make_user(team.lead.telegram_id, "Lena")
    await storage.managers.update(
        team.lead.id, actor_id=team.lead.id, now=clock.now(), notify_weekly=False
    )
    clock.set(MONDAY_0850_SHANGHAI)
    await tick(app)
    clock.advance(timedelta(minutes=15))
    await tick(app)
    assert _weekly(fake, lena.chat_id) == []


async def test_the_push_speaks_the_leads_language(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    team = await seed_team(storage, clock.now(), language="zh")
    lena = await make_user(team.lead.telegram_id, "Lena", "zh")
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday 09:00 in Moscow
    await tick(app)
    clock.advance(timedelta(minutes=5))
    await tick(app)
    [text] = [m.text for m in fake.messages(lena.chat_id) if m.from_bot and "周报" in m.text]
    assert "报告：Lena Lead的团队" in text and "上周" in text
    assert _photos(fake, lena.chat_id) == 1
