"""Our PTB persistence: what is stored, that unchanged data is not written again, and that
one flush is one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.persistence import SQLitePersistence
from domain.clock import FakeClock
from storage import Storage


async def test_user_chat_and_conversation_data_survive_a_new_process(
    storage: Storage, clock: FakeClock
) -> None:
    first = SQLitePersistence(storage.bot_state, clock)
    await first.update_user_data(7, {"draft": {"summary": "Агреед 价格 'quoted'; DROP"}})
    await first.update_chat_data(7, {"last_screen": 12})
    await first.update_conversation("meeting", (7, 7), "notes")
    await first.write()
    second = SQLitePersistence(storage.bot_state, clock)
    assert await second.get_user_data() == {7: {"draft": {"summary": "Агреед 价格 'quoted'; DROP"}}}
    assert await second.get_chat_data() == {7: {"last_screen": 12}}
    assert await second.get_conversations("meeting") == {(7, 7): "notes"}


async def test_unchanged_data_is_not_written_again(storage: Storage, clock: FakeClock) -> None:
    persistence = SQLitePersistence(storage.bot_state, clock)
    await persistence.get_user_data()
    await persistence.update_user_data(7, {"a": 1})
    await persistence.write()
    stamp = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    clock.advance(timedelta(minutes=5))
    await persistence.update_user_data(7, {"a": 1})
    await persistence.write()
    again = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    assert stamp is not None and again is not None and stamp[0] == again[0]
    await persistence.update_user_data(7, {"a": 2})
    await persistence.write()
    changed = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    assert changed is not None and changed[0] != stamp[0]


async def test_a_flush_is_one_transaction_that_also_settles_its_update(
    storage: Storage, clock: FakeClock
) -> None:
    await storage.inbox.add_all({501: '{"update_id": 501}'}, clock.now())
    persistence = SQLitePersistence(storage.bot_state, clock)
    await persistence.update_user_data(7, {"step": "notes"})
    await persistence.update_conversation("meeting", (7, 7), "notes")
    persistence.settle(501)
    statements: list[str] = []
    await storage.db.connection.set_trace_callback(statements.append)
    await persistence.write()
    await storage.db.connection.set_trace_callback(lambda _statement: None)
    statements = [s.strip() for s in statements]
    assert statements[0].startswith("BEGIN") and statements[-1].startswith("COMMIT")
    assert sum(s.startswith(("BEGIN", "COMMIT")) for s in statements) == 2
    assert await storage.inbox.pending() == []


async def test_a_failed_flush_is_written_with_the_next_one(
    storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    persistence = SQLitePersistence(storage.bot_state, clock)
    await persistence.update_user_data(7, {"step": "notes"})
    original = storage.bot_state.save

    async def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(storage.bot_state, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        await persistence.write()
    monkeypatch.setattr(storage.bot_state, "save", original)
    await persistence.update_user_data(8, {"step": "date"})
    await persistence.write()
    assert await storage.bot_state.all_user_data() == {7: {"step": "notes"}, 8: {"step": "date"}}
