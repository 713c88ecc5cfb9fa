"""Our PTB persistence: what is stored, and that unchanged data is not written again."""

from __future__ import annotations

from datetime import timedelta

from bot.persistence import SQLitePersistence
from domain.clock import FakeClock
from storage import Storage


async def test_user_chat_and_conversation_data_survive_a_new_process(
    storage: Storage, clock: FakeClock
) -> None:
    first = SQLitePersistence(storage.bot_state, clock)
    await first.update_user_data(7, {"draft": {"summary": "Агреед 价格"}})
    await first.update_chat_data(7, {"last_screen": 12})
    await first.update_conversation("meeting", (7, 7), "notes")
    second = SQLitePersistence(storage.bot_state, clock)
    assert await second.get_user_data() == {7: {"draft": {"summary": "Агреед 价格"}}}
    assert await second.get_chat_data() == {7: {"last_screen": 12}}
    assert await second.get_conversations("meeting") == {(7, 7): "notes"}


async def test_unchanged_data_is_not_written_again(storage: Storage, clock: FakeClock) -> None:
    persistence = SQLitePersistence(storage.bot_state, clock)
    await persistence.get_user_data()
    await persistence.update_user_data(7, {"a": 1})
    stamp = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    clock.advance(timedelta(minutes=5))
    await persistence.update_user_data(7, {"a": 1})
    again = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    assert stamp is not None and again is not None and stamp[0] == again[0]
    await persistence.update_user_data(7, {"a": 2})
    changed = await storage.db.fetch_one("SELECT updated_at FROM bot_user_data WHERE user_id = 7")
    assert changed is not None and changed[0] != stamp[0]
