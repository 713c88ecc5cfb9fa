"""The reminder tick composes its pushes through the registry of kinds, with no handler
context: a KamContext built during a tick fails the test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.context import KamContext
from bot.scheduler import tick
from domain.clock import FakeClock
from storage import Storage
from tests.handlers.conftest import MakeUser
from tests.reminder_support import add_account, add_manager, add_meeting, add_task

App = Application[Any, Any, Any, Any, Any, Any]


def _no_context(*args: object, **kwargs: object) -> None:
    raise AssertionError("the reminder tick built a handler context")


async def test_the_tick_sends_a_brief_and_a_task_without_a_handler_context(
    app: App,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await make_user(2101, "Ivan")
    manager = await add_manager(
        storage, 2101, "Ivan", now=clock.now(), language="ru", notify_digest=False
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    await tick(app)
    starts = clock.now() + timedelta(minutes=90)
    await add_meeting(storage, manager, account_id, starts, now=clock.now())
    await add_task(
        storage, manager, "Позвонить Ивану", clock.now() + timedelta(minutes=30), now=clock.now()
    )
    monkeypatch.setattr(KamContext, "__init__", _no_context)
    clock.advance(timedelta(minutes=31))
    report = await tick(app)
    assert report.sent == 2 and report.failed == 0, report
    texts = user.bot_texts()
    assert any("VT-Metal" in text for text in texts)  # the brief, with the profile's part
    assert any("Позвонить Ивану" in text for text in texts)
