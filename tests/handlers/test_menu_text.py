"""Text typed at the menu (and in /settings): a meeting note, a search, or the manager's
choice between them, in English, Chinese and Russian."""

from __future__ import annotations

import pytest

from domain.clock import FakeClock
from storage import Storage
from storage.accounts import Account
from storage.demo import load_demo_portfolio
from tests.fake_telegram import StoredMessage, TelegramUser
from tests.handlers.conftest import ADMIN_ID

ZH_NOTE_1 = "今天在VT-Metal见了Ivan Petrov，商定了第三季度价格，周五前发报价"
ZH_NOTE_2 = "今天拜访了华信物流的王伟，讨论了托盘需求，下周三前发送规格"
EN_NOTE = "Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday"


async def _demo(storage: Storage, clock: FakeClock, language: str = "en") -> None:
    """The seed-demo portfolio (VT-Metal with Ivan Petrov, 华信物流 with 王伟) for the admin."""
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None
    await storage.managers.update(
        manager.id, actor_id=manager.id, now=clock.now(), language=language
    )
    await load_demo_portfolio(
        storage,
        telegram_id=ADMIN_ID,
        full_name=manager.full_name,
        language=language,
        timezone=manager.timezone,
        now=clock.now(),
    )


def _card_is_open(user: TelegramUser) -> bool:
    return any(
        str(b.get("callback_data", "")).startswith("acc:brief:") for b in user.last_message.buttons
    )


async def _task_texts(storage: Storage, account: str) -> list[str]:
    """The tasks of the newest meeting, which must be the account's."""
    rows = await storage.db.fetch_all(
        "SELECT t.text FROM tasks t JOIN accounts a ON a.id = t.account_id"
        " WHERE a.name = ? AND t.meeting_id = (SELECT max(id) FROM meetings) ORDER BY t.id",
        (account,),
    )
    return [row[0] for row in rows]


def _message(user: TelegramUser, message_id: int) -> StoredMessage:
    message = user.fake.message(user.chat_id, message_id)
    assert message is not None
    return message


async def test_chinese_meeting_notes_become_meeting_cards(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock, "zh")
    await admin.send(ZH_NOTE_1)
    assert "我把您的消息理解为" in admin.last_text and "未找到" not in admin.last_text
    assert "VT-Metal" in admin.last_text and "Ivan Petrov" in admin.last_text
    await admin.send(ZH_NOTE_2)
    assert "我把您的消息理解为" in admin.last_text and not _card_is_open(admin)
    assert "华信物流" in admin.last_text and "王伟" in admin.last_text
    await admin.press("保存")
    assert await _task_texts(storage, "华信物流") == ["发送规格"]


async def test_a_russian_note_keeps_its_next_step_whole(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock, "ru")
    await admin.send(
        "Встретился с Иваном Петровым в ВТ-Металл, обсудили цены, до пятницы отправить предложение"
    )
    assert "Ivan Petrov" in admin.last_text
    await admin.press("Сохранить")
    assert await _task_texts(storage, "VT-Metal") == ["отправить предложение"]


async def test_names_still_open_the_card(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock, "zh")
    await admin.send("华信物流")
    assert _card_is_open(admin) and "华信物流" in admin.last_text
    await admin.send("vt metal")
    assert _card_is_open(admin) and "VT-Metal" in admin.last_text


async def test_when_unsure_both_are_offered_and_the_text_is_kept(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock)
    await admin.send("VT-Metal tomorrow")
    assert "Shall I log this as a meeting" in admin.last_text
    assert admin.buttons == ["📝 Log as a meeting", "🔎 Find client"]
    choice = admin.last_message.message_id
    await admin.press("Find client")
    assert _card_is_open(admin) and "VT-Metal" in admin.last_text
    offered = _message(admin, choice)
    assert [b["text"] for b in offered.buttons] == ["📝 Log as a meeting"]
    await admin.press_data("mt:log", message_id=choice)
    assert "I read your message" in admin.last_text
    await admin.press("Save")
    rows = await storage.db.fetch_all("SELECT summary FROM meetings ORDER BY id DESC LIMIT 1")
    assert rows[0][0] == "VT-Metal tomorrow"


async def test_the_choice_in_russian(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock, "ru")
    await admin.send("Северсталь Череповец металлургический комбинат")
    assert "Записать это как встречу или найти клиента?" in admin.last_text
    assert admin.buttons == ["📝 Записать как встречу", "🔎 Найти клиента"]
    await admin.press("Записать как встречу")
    assert "Не понял, о каком клиенте речь" in admin.last_text


async def test_a_meeting_note_typed_in_settings_leaves_settings(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock)
    await admin.send("/settings")
    settings = admin.last_message.message_id
    await admin.send(EN_NOTE)
    assert "I read your message" in admin.last_text and "Ivan Petrov" in admin.last_text
    closed = _message(admin, settings)
    assert "Settings closed" in closed.text and closed.buttons == []
    await admin.press("Save")
    assert await _task_texts(storage, "VT-Metal") == ["send offer"]
    # the language step waits for a button too
    await admin.send("/settings")
    await admin.press("Language")
    await admin.send("VT-Metal")
    assert _card_is_open(admin) and "VT-Metal" in admin.last_text


async def test_settings_still_ask_for_buttons_or_typed_answers(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _demo(storage, clock)
    await admin.send("/settings")
    await admin.send("hello")  # neither a note nor a client
    assert "tap one of the buttons" in admin.last_text
    await admin.press("Time zone")
    await admin.send("Berlin")  # the time zone step takes typed text
    assert "Europe/Berlin" in admin.last_text
    await admin.press("Morning digest time")
    await admin.send("7:45")
    assert "Morning digest: 07:45" in admin.last_text


async def test_a_meeting_note_reads_the_clients_once(
    admin: TelegramUser, storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _demo(storage, clock)
    reads: list[int] = []
    visible = storage.accounts.visible

    async def counted(manager_id: int, *, sees_all: bool) -> list[Account]:
        reads.append(manager_id)
        return await visible(manager_id, sees_all=sees_all)

    monkeypatch.setattr(storage.accounts, "visible", counted)
    await admin.send(EN_NOTE)
    assert "VT-Metal" in admin.last_text  # the meeting card
    assert len(reads) == 1  # the router and the quick log share one read
