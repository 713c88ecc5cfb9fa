"""`kam-bot` imports its features in a thread once it polls (build_application's
`features_in_background`): the same handlers, in the same groups and order, and an update
that comes first waits for them."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bot.application import KamApplication, _publish, build_application
from bot.config import Settings
from bot.context import KamApp
from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram
from tests.handlers.conftest import ADMIN_ID
from tests.import_probe import BUILD_APP, imported


def _layout(application: KamApp) -> list[tuple[Any, ...]]:
    """What tells the registered handlers apart, group by group, in order."""
    return [
        (
            group,
            type(handler).__name__,
            getattr(getattr(handler, "flow", None), "name", None),
            sorted(getattr(handler, "commands", ()) or ()),
            str(getattr(handler, "pattern", None)),
            str(getattr(handler, "filters", None)),
        )
        for group, handlers in sorted(application.handlers.items())
        for handler in handlers
    ]


def _build(
    fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock, background: bool
) -> KamApp:
    return build_application(
        settings,
        storage,
        clock,
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
        features_in_background=background,
    )


@pytest.fixture
async def later(
    fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock
) -> AsyncIterator[KamApp]:
    application = _build(fake, settings, storage, clock, background=True)
    await application.initialize()
    yield application
    await application.shutdown()


async def test_the_features_come_in_the_same_order_and_groups(
    later: KamApp, fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock
) -> None:
    assert later.handlers == {}
    assert isinstance(later, KamApplication)
    await later.features_ready()
    at_build = _build(fake, settings, storage, clock, background=False)
    assert _layout(later) and _layout(later) == _layout(at_build)
    assert later.error_handlers.keys() == at_build.error_handlers.keys()


async def test_updates_that_come_first_wait_for_the_features(
    later: KamApp, fake: FakeTelegram
) -> None:
    fake.add_user(ADMIN_ID, "Anna")
    fake.add_user(ADMIN_ID + 1, "Boris")
    first = Update.de_json(fake.send_text(ADMIN_ID, "/start"), later.bot)
    second = Update.de_json(fake.send_text(ADMIN_ID + 1, "/start"), later.bot)
    await asyncio.gather(later.process_update(first), later.process_update(second))
    assert fake.bot_messages(ADMIN_ID)  # the admin is asked for a language
    assert fake.bot_messages(ADMIN_ID + 1)  # the stranger is refused politely


def test_kam_bot_starts_without_importing_its_features() -> None:
    """What `kam-bot` imports before it polls: no feature, no report, no catalogue parser."""
    code = (
        BUILD_APP + "storage = Storage(Database(':memory:'))\n"
        "build_application(settings, storage, SystemClock(), features_in_background=True)\n"
        "storage.inbox, storage.bot_state\n"
    )
    lazy = (
        "handlers.meetings",
        "handlers.profiles",
        "handlers.reminders",
        "handlers.reports",
        "bot.scheduler",
        "domain.reports",
        "domain.dates",
        "domain.search",
        "storage.accounts",
        "storage.contracts",
        "storage.reminders",
        "babel.messages",
    )
    assert imported(code, lazy) == []


def test_the_features_import_leaves_what_no_handler_needs_to_its_first_use() -> None:
    """What an update that waited for the start also waits for: importing the features. The
    report's figures, the quick log (and rapidfuzz), the date reader and the free-text
    intent are imported when first used."""
    lazy = (
        "domain.reports",
        "handlers.reports.view",
        "storage.reports",
        "domain.quick_log",
        "rapidfuzz",
        "domain.dates",
        "domain.intent",
        "domain.date_phrases",
        "domain.usecases.reassign",
        "babel.messages",
    )
    assert imported("import handlers\nhandlers.features()", lazy) == []


def test_the_collector_comes_back_on_once_the_features_are_in() -> None:
    """`kam-bot run` starts with the garbage collector off; loading the features freezes what
    the start-up built and switches the collector on. One that is on is left alone."""
    script = (
        "import asyncio, gc\n"
        "gc.disable()\n"
        "from bot.application import KamApplication, build_application\n"
        "from bot.config import load_settings\n"
        "from domain.clock import SystemClock\n"
        "from storage import Storage\n"
        "from storage.database import Database\n"
        "token = '123456789:AAEabcdefghijklmnopqrstuvwxyz012345678'\n"
        "settings = load_settings({'BOT_TOKEN': token, 'ADMIN_IDS': '1'})\n"
        "storage = Storage(Database(':memory:'))\n"
        "app = build_application(settings, storage, SystemClock(), features_in_background=True)\n"
        "assert isinstance(app, KamApplication)\n"
        "before = gc.isenabled()\n"
        "asyncio.run(app.features_ready())\n"
        "print(before, gc.isenabled(), gc.get_freeze_count() > 1000, bool(app.handlers))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["False", "True", "True", "True"], result.stderr


async def test_a_collector_that_is_on_is_left_alone(later: KamApp) -> None:
    frozen = gc.get_freeze_count()
    assert isinstance(later, KamApplication)
    await later.features_ready()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_a_bot_whose_features_cannot_be_imported_stops(
    later: KamApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken install must not look alive (polling, answering nothing): the bot stops and
    `kam-bot` exits with status 1."""

    def broken() -> None:
        raise ImportError("a broken install")

    stopped: list[bool] = []
    monkeypatch.setattr("handlers.features", broken)
    monkeypatch.setattr(later, "stop_running", lambda: stopped.append(True))
    assert isinstance(later, KamApplication)
    with pytest.raises(ImportError):
        await later.features_ready()
    assert later.features_failed and stopped == [True]


async def test_the_command_menus_are_sent_after_the_updates_that_came_first(
    later: KamApp, fake: FakeTelegram
) -> None:
    fake.add_user(ADMIN_ID + 1, "Boris")  # a stranger: refused in one message
    first = Update.de_json(fake.send_text(ADMIN_ID + 1, "/start"), later.bot)
    answering = asyncio.create_task(later.process_update(first))
    await asyncio.sleep(0)  # it waits for the features
    await _publish(later)
    await answering
    methods = [call.method for call in fake.calls() if call.method != "getMe"]
    assert methods[0] == "sendMessage" and "setMyCommands" in methods, methods
