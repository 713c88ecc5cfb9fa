"""The update pipeline: the access gate's manager served from memory yet refused at once when
changed, and updates stored in the inbox until their effects are stored (crash recovery)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from telegram import Update

from bot.application import build_application
from bot.config import Settings
from bot.context import KamApp
from bot.inbox import InboxQueue, UpdatesRequest
from domain.clock import FakeClock
from storage import Storage
from storage.managers import Manager
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.import_probe import BUILD_APP, imported


async def _kam(storage: Storage, clock: FakeClock, telegram_id: int, language: str) -> Manager:
    return await storage.managers.create(
        telegram_id=telegram_id,
        full_name="Kim",
        username=None,
        role="kam",
        language=language,
        timezone="UTC",
        now=clock.now(),
    )


async def test_a_deactivated_manager_is_refused_on_their_very_next_update(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    for telegram_id, language, refusal in (
        (6100, "en", "access to this bot is switched off"),
        (6101, "ru", "доступ к боту отключён"),
        (6102, "zh", "访问已被关闭"),
    ):
        kim = await make_user(telegram_id, "Kim", language)
        manager = await _kam(storage, clock, telegram_id, language)
        await kim.send("/help")  # the gate now serves Kim from memory
        assert "/help" in kim.last_text or "/find" in kim.last_text
        await storage.managers.update(
            manager.id, actor_id=manager.id, now=clock.now(), active=False
        )
        await kim.send("/help")
        assert refusal in kim.last_text
        await kim.send("/find Acme")
        assert refusal in kim.last_text


async def test_a_changed_language_shows_on_the_next_update(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    kim = await make_user(6200, "Kim")
    manager = await _kam(storage, clock, 6200, "en")
    await kim.send("/help")
    assert "Commands" in kim.last_text
    await storage.managers.update(manager.id, actor_id=manager.id, now=clock.now(), language="ru")
    await kim.send("/help")
    assert "Команды" in kim.last_text


@pytest.fixture
async def restarted(
    fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock
) -> AsyncIterator[KamApp]:
    """A second Application on the same database: the bot after a crash."""
    application = build_application(
        settings, storage, clock, request=FakeRequest(fake), get_updates_request=FakeRequest(fake)
    )
    yield application
    await application.shutdown()


async def test_an_update_in_flight_during_a_crash_is_answered_after_the_restart(
    admin: TelegramUser,
    fake: FakeTelegram,
    storage: Storage,
    clock: FakeClock,
    restarted: KamApp,
) -> None:
    # the crashed process had stored the update (so Telegram was told it arrived) but died
    # before handling it to the end
    update = fake.send_text(ADMIN_ID, "/help")
    stored = await storage.inbox.add_all({update["update_id"]: json.dumps(update)}, clock.now())
    assert stored == {update["update_id"]}
    mark = admin.mark()
    await restarted.initialize()  # puts it back in the queue, ahead of anything new
    queued = restarted.update_queue.get_nowait()
    assert isinstance(queued, Update) and queued.update_id == update["update_id"]
    await restarted.process_update(queued)
    assert "Commands" in admin.last_text and admin.sent_count_since(mark) == 1
    assert await storage.inbox.pending() == []  # done, in the same transaction as its state
    # Telegram delivers it again (it was never confirmed): it is not handled a second time
    await restarted.update_queue.put(queued)
    assert restarted.update_queue.empty()


async def test_an_update_is_stored_before_it_is_queued(
    app: KamApp, fake: FakeTelegram, storage: Storage
) -> None:
    fake.add_user(7000, "Eve")
    update = Update.de_json(fake.send_text(7000, "hello"), app.bot)
    assert isinstance(app.update_queue, InboxQueue)
    await app.update_queue.put(update)
    assert [update_id for update_id, _ in await storage.inbox.pending()] == [update.update_id]
    await app.process_update(app.update_queue.get_nowait())
    assert await storage.inbox.pending() == []


def test_start_up_does_not_import_what_only_some_updates_need() -> None:
    """Charts, spreadsheets, documents and calendar files are imported when asked for."""
    code = BUILD_APP + "build_application(settings, Storage(Database(':memory:')), SystemClock())"
    heavy = ("matplotlib", "openpyxl", "docx", "icalendar", "dateparser", "babel.messages")
    assert imported(code, heavy) == []


async def test_an_update_is_stored_as_telegram_sent_it(
    app: KamApp, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    """The getUpdates connection hands the answer's JSON to the inbox: no Update.to_json."""
    fake.add_user(7001, "Eve")
    sent = fake.send_text(7001, "привет")
    queue = InboxQueue(storage.inbox, clock)
    answer = UpdatesRequest(queue).parse_json_payload(
        json.dumps({"ok": True, "result": [sent]}).encode()
    )
    assert answer == {"ok": True, "result": [sent]}  # PTB reads the answer as before
    await queue.put(Update.de_json(sent, app.bot))
    assert await storage.inbox.pending() == [
        (sent["update_id"], json.dumps(sent, ensure_ascii=False))
    ]
    # an update that came another way (a webhook, a test) is stored from PTB's object
    other = Update.de_json(fake.send_text(7001, "hello"), app.bot)
    await queue.put(other)
    stored = dict(await storage.inbox.pending())
    assert Update.de_json(json.loads(stored[other.update_id]), app.bot) == other


async def test_a_getupdates_answer_is_stored_in_one_statement(
    app: KamApp,
    fake: FakeTelegram,
    storage: Storage,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three updates in one answer, one of them received before (Telegram delivers again what
    was not confirmed): the first put stores the answer; that one is not queued again."""
    fake.add_user(7002, "Eve")
    sent = [fake.send_text(7002, text) for text in ("one", "two", "three")]
    before = {sent[1]["update_id"]: json.dumps(sent[1])}
    assert await storage.inbox.add_all(before, clock.now()) == {sent[1]["update_id"]}
    queue = InboxQueue(storage.inbox, clock)
    statements: list[int] = []
    add_all = storage.inbox.add_all

    async def counted(updates: dict[int, str], now: object) -> set[int]:
        statements.append(len(updates))
        return await add_all(updates, clock.now())

    monkeypatch.setattr(storage.inbox, "add_all", counted)
    UpdatesRequest(queue).parse_json_payload(json.dumps({"ok": True, "result": sent}).encode())
    updates = [Update.de_json(update, app.bot) for update in sent]
    await queue.put(updates[0])
    assert {update_id for update_id, _ in await storage.inbox.pending()} == {
        update["update_id"] for update in sent
    }  # all three are on disk before the next getUpdates confirms them
    for update in updates[1:]:
        await queue.put(update)
    assert statements == [3]
    queued = [queue.get_nowait(), queue.get_nowait()]
    assert queued == [updates[0], updates[2]] and queue.empty()


async def test_each_update_writes_its_users_step_before_the_next(
    admin: TelegramUser, storage: Storage
) -> None:
    """The step a press leads to is on disk once the press is handled (a SIGKILL right after
    would not lose it), not only at PTB's periodic flush."""
    await admin.send("/settings")
    await admin.press("Time zone")
    step = (await storage.bot_state.all_user_data())[ADMIN_ID]["dialog"]["prefs"]["step"]
    await admin.press("Back")
    back = (await storage.bot_state.all_user_data())[ADMIN_ID]["dialog"]["prefs"]["step"]
    assert (step, back) == ("timezone", "menu")
