"""kam-bot's real Application in this process against the in-process fake Telegram: no HTTP,
no rate limiter (bench/updates.py, bench/lookup_e2e.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update

from bot.application import build_application
from bot.config import Settings
from domain.clock import SystemClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram

Deliver = Callable[[dict[str, Any]], Awaitable[None]]


@asynccontextmanager
async def kam_bot_in_process(
    fake: FakeTelegram, settings: Settings, storage: Storage
) -> AsyncIterator[Deliver]:
    """The initialized Application; yields how to hand it an update (as the fake's users
    do), and shuts it down after."""
    app = build_application(
        settings,
        storage,
        SystemClock(),
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
        rate_limiter=False,
    )
    await app.initialize()

    async def deliver(update: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    try:
        yield deliver
    finally:
        await app.shutdown()
