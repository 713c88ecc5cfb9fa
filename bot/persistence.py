"""python-telegram-bot persistence in our SQLite database (JSON, not pickle).

PTB flushes persistence only every `update_interval`; :class:`bot.application.KamApplication`
also flushes after every processed update, so an answered step survives a SIGKILL.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from domain.clock import Clock
from storage.bot_state import BotStateRepository

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
        # The JSON last stored per user and per chat: PTB hands over the data of every user and
        # chat an update touched, and most presses change nothing there.
        self._users_written: dict[int, str] = {}
        self._chats_written: dict[int, str] = {}

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
        await self._state.save_conversation(name, key, new_state, self._clock.now())

    async def update_user_data(self, user_id: int, data: JsonDict) -> None:
        encoded = _encode(data)
        if self._users_written.get(user_id) != encoded:
            await self._state.save_user_data(user_id, data, self._clock.now())
            self._users_written[user_id] = encoded

    async def update_chat_data(self, chat_id: int, data: JsonDict) -> None:
        encoded = _encode(data)
        if self._chats_written.get(chat_id) != encoded:
            await self._state.save_chat_data(chat_id, data, self._clock.now())
            self._chats_written[chat_id] = encoded

    async def update_bot_data(self, data: JsonDict) -> None:
        """Bot data holds the running services and is never stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._state.drop_chat_data(chat_id)
        self._chats_written.pop(chat_id, None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._state.drop_user_data(user_id)
        self._users_written.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_chat_data(self, chat_id: int, chat_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_bot_data(self, bot_data: JsonDict) -> None:
        """Bot data is not stored."""

    async def flush(self) -> None:
        """Every update is written when it happens; nothing is buffered."""
