"""Handler tests: the real Application, real Update JSON, and the fake Telegram in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings, load_settings
from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser

ADMIN_ID = 1000
FLOOD_BURST = 10_000
MakeUser = Callable[..., Awaitable[TelegramUser]]
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """Fails the test when the bot answered a press twice or left one unanswered."""
    telegram = FakeTelegram()
    yield telegram
    telegram.assert_answered_once(all_answered=True)


@pytest.fixture
def settings(fake: FakeTelegram) -> Settings:
    base = load_settings({"BOT_TOKEN": fake.token, "ADMIN_IDS": str(ADMIN_ID)})
    # A scripted user is faster than a thumb: the fastest tests send ~190 updates a second
    # (the monkey, 157 by one user within a second). Flood control stays on, far above that;
    # tests/handlers/test_intake.py checks the default limits.
    return replace(
        base, default_timezone="Europe/Moscow", flood_rate=1000.0, flood_burst=FLOOD_BURST
    )


@pytest.fixture
async def app(
    fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = build_application(
        settings, storage, clock, request=FakeRequest(fake), get_updates_request=FakeRequest(fake)
    )
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
def deliver(app: Application) -> Deliver:  # type: ignore[type-arg]
    """Feeds an update's JSON to the Application, as polling would."""

    async def feed(update: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    return feed


@pytest.fixture
def make_user(fake: FakeTelegram, deliver: Deliver) -> MakeUser:
    """A simulated Telegram user whose messages and presses go through the Application."""

    async def make(
        user_id: int, first_name: str = "Ivan", language_code: str = "en"
    ) -> TelegramUser:
        fake.add_user(user_id, first_name, language_code=language_code)
        return TelegramUser(
            fake, user_id, deliver, first_name=first_name, language_code=language_code
        )

    return make


async def onboard(user: TelegramUser, *, start: str = "/start") -> None:
    """The three taps of onboarding with the default choices."""
    await user.send(start)
    await user.press("English")
    await user.press("Moscow")
    await user.press("09:00")


@pytest.fixture
async def admin(make_user: MakeUser) -> TelegramUser:
    user = await make_user(ADMIN_ID, "Anna")
    await onboard(user)
    return user
