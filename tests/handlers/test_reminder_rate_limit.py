"""Telegram's 429: waited out and retried, never dropped, never doubled."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from apscheduler.events import (  # type: ignore[import-untyped]  # APScheduler 3 has no types
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    JobEvent,
)
from telegram.ext import Application

from bot import scheduler
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


class _SlowTick:
    """Stands in for a tick that waits out Telegram's 429 answers until released."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.finished = asyncio.Event()

    async def __call__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.started.set()
        await self.release.wait()
        self.finished.set()


async def test_a_slow_tick_is_logged_once_not_every_second(
    fake: FakeTelegram,
    settings: Settings,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = _SlowTick()
    monkeypatch.setattr(scheduler, "tick", slow)
    every_second = replace(settings, reminder_tick_seconds=1)
    app: Application = build_application(  # type: ignore[type-arg]
        every_second, storage, clock, request=FakeRequest(fake)
    )
    runs_due = 0
    three_more = asyncio.Event()

    def count(event: JobEvent) -> None:  # each run due: done at once, or refused
        nonlocal runs_due
        runs_due += 1
        if runs_due >= 4:
            three_more.set()

    await app.initialize()
    scheduler.schedule_reminders(app)
    assert app.job_queue is not None
    app.job_queue.scheduler.add_listener(count, EVENT_JOB_EXECUTED | EVENT_JOB_MAX_INSTANCES)
    caplog.set_level(logging.INFO)
    await app.job_queue.start()
    try:
        await asyncio.wait_for(slow.started.wait(), timeout=10)
        await asyncio.wait_for(three_more.wait(), timeout=15)
        slow.release.set()
        await asyncio.wait_for(slow.finished.wait(), timeout=10)
    finally:
        await app.job_queue.stop()
        await app.shutdown()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []
    still_running = [r for r in caplog.records if "still running" in r.getMessage()]
    assert len(still_running) == 1
