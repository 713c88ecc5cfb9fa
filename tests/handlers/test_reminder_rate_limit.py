"""Telegram's 429: waited out and retried, never dropped, never doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.scheduler import tick
from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram
from tests.handlers.conftest import MakeUser
from tests.reminder_support import add_manager, add_task


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram(rate_limit_per_second=3)


async def _due_tasks(make_user: MakeUser, storage: Storage, clock: FakeClock, count: int) -> None:
    now = clock.now()
    for uid in range(4001, 4001 + count):
        await make_user(uid, f"Kam {uid}")
        manager = await add_manager(storage, uid, f"Kam {uid}", now=now, notify_digest=False)
        await add_task(storage, manager, f"Task for {uid}", now + timedelta(minutes=5), now=now)


async def test_a_429_is_waited_out_through_the_rate_limiter(
    app: Application,  # type: ignore[type-arg]
    fake: FakeTelegram,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
) -> None:
    await tick(app)
    await _due_tasks(make_user, storage, clock, 6)
    clock.advance(timedelta(minutes=6))
    await tick(app)
    assert fake.rate_limited_count >= 1
    for uid in range(4001, 4007):
        assert [m.text for m in fake.bot_messages(uid)] == [f"⏰ Task for {uid}\nDue 10:35"]
    assert await storage.reminders.count_by_status() == {"sent": 6}


async def test_a_429_is_waited_out_by_the_scheduler_itself(
    fake: FakeTelegram,
    settings: Settings,
    storage: Storage,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    bare: Application = build_application(  # type: ignore[type-arg]
        settings, storage, clock, request=FakeRequest(fake), rate_limiter=False
    )
    await bare.initialize()
    try:
        await tick(bare)
        await _due_tasks(make_user, storage, clock, 6)
        clock.advance(timedelta(minutes=6))
        report = await tick(bare)
    finally:
        await bare.shutdown()
    assert report.retried >= 1 and report.sent == 6
    for uid in range(4001, 4007):
        assert len(fake.bot_messages(uid)) == 1
