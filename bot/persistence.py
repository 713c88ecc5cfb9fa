"""python-telegram-bot persistence in our SQLite database (JSON, not pickle).

PTB flushes persistence only every `update_interval`; :class:`bot.application.KamApplication`
also flushes after every processed update, so an answered step survives a SIGKILL. After an
update it hands over that update's user and chat data itself (``hand_over_*``); PTB's own
periodic hand-over (each user's data, each chat's data and each conversation state, in
separate calls) goes on for anything else. What is handed over is collected here and written
by :meth:`SQLitePersistence.write` in one transaction, which also marks the updates whose
handling it finishes as done in the inbox (see bot.inbox).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from domain.clock import Clock
from storage.bot_state import BotStateRepository, StateChanges, conversation_key

JsonDict = dict[str, Any]
# The shapes BasePersistence's methods take, spelled out here because PTB names them only in a
# private module (same definitions as PTB 22.8's; mypy checks our overrides against PTB's).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


def _encode(data: JsonDict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class SQLitePersistence(BasePersistence[JsonDict, JsonDict, JsonDict]):
    """Stores conversation states, user data and chat data; bot data (the running services)
    stays in memory. Data that did not change since it was last stored is not written again."""

    def __init__(self, state: BotStateRepository, clock: Clock, update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._state = state
        self._clock = clock
        # The JSON last handed over per user and per chat: PTB hands over the data of every
        # user and chat an update touched, and most presses change nothing there.
        self._users_written: dict[int, str] = {}
        self._chats_written: dict[int, str] = {}
        self._pending = StateChanges()
        self._writing = asyncio.Lock()

    async def get_user_data(self) -> dict[int, JsonDict]:
        stored = await self._state.all_user_data()
        self._users_written = {user_id: _encode(data) for user_id, data in stored.items()}
        return stored

    async def get_chat_data(self) -> dict[int, JsonDict]:
        stored = await self._state.all_chat_data()
        self._chats_written = {chat_id: _encode(data) for chat_id, data in stored.items()}
        return stored

    async def get_bot_data(self) -> JsonDict:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return await self._state.conversations(name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded = None if new_state is None else json.dumps(new_state)
        self._pending.conversations[(name, conversation_key(key))] = encoded

    async def update_user_data(self, user_id: int, data: JsonDict) -> None:
        self.hand_over_user_data(user_id, data)

    async def update_chat_data(self, chat_id: int, data: JsonDict) -> None:
        self.hand_over_chat_data(chat_id, data)

    def hand_over_user_data(self, user_id: int, data: JsonDict) -> None:
        """Takes a user's data (as JSON at once: a later change does not reach this write)."""
        encoded = _encode(data)
        if self._users_written.get(user_id) != encoded:
            self._pending.users[user_id] = encoded
            self._users_written[user_id] = encoded

    def hand_over_chat_data(self, chat_id: int, data: JsonDict) -> None:
        """Takes a chat's data, as :meth:`hand_over_user_data`."""
        encoded = _encode(data)
        if self._chats_written.get(chat_id) != encoded:
            self._pending.chats[chat_id] = encoded
            self._chats_written[chat_id] = encoded

    async def update_bot_data(self, data: JsonDict) -> None:
        """Bot data holds the running services and is never stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        self._pending.chats[chat_id] = None
        self._chats_written.pop(chat_id, None)

    async def drop_user_data(self, user_id: int) -> None:
        self._pending.users[user_id] = None
        self._users_written.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_chat_data(self, chat_id: int, chat_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_bot_data(self, bot_data: JsonDict) -> None:
        """Bot data is not stored."""

    def settle(self, update_id: int) -> None:
        """The update's handling is over: the next :meth:`write` marks it done in the inbox
        (after PTB handed over what it changed, in the same transaction)."""
        self._pending.done_updates.append(update_id)

    async def write(self) -> None:
        """Writes what was handed over since the last write, in one transaction. Concurrent
        calls write in turn; a later one finds only what came after the earlier one took."""
        async with self._writing:
            changes, self._pending = self._pending, StateChanges()
            if not changes:
                return
            try:
                await self._state.save(changes, self._clock.now())
            except BaseException:
                self._restore(changes)
                raise

    def _restore(self, failed: StateChanges) -> None:
        """A failed write is tried again with the next one (newer data wins)."""
        for source, target in (
            (failed.users, self._pending.users),
            (failed.chats, self._pending.chats),
        ):
            for key, data in source.items():
                target.setdefault(key, data)
        for conv_key, state in failed.conversations.items():
            self._pending.conversations.setdefault(conv_key, state)
        self._pending.done_updates[:0] = failed.done_updates

    async def flush(self) -> None:
        """At shutdown, after PTB's last hand-over: write what is left."""
        await self.write()
