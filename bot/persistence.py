"""python-telegram-bot persistence in our SQLite database (JSON, not pickle).

PTB flushes persistence only every `update_interval`; :class:`bot.application.KamApplication`
also flushes after every processed update, so an answered step survives a SIGKILL.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from domain.clock import Clock
from storage.bot_state import BotStateRepository

JsonDict = dict[str, Any]


def _encode(data: JsonDict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class SQLitePersistence(BasePersistence[JsonDict, JsonDict, JsonDict]):
    """Stores conversation states and user data; bot data (the services) stays in memory and
    chat data is not used (every flow keeps its draft in user data)."""

    def __init__(self, state: BotStateRepository, clock: Clock, update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._state = state
        self._clock = clock
        self._written: dict[int, str] = {}  # user id -> the JSON last stored, to skip no-ops

    async def get_user_data(self) -> dict[int, JsonDict]:
        stored = await self._state.all_user_data()
        self._written = {user_id: _encode(data) for user_id, data in stored.items()}
        return stored

    async def get_chat_data(self) -> dict[int, JsonDict]:
        return {}

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
        if self._written.get(user_id) == encoded:
            return  # PTB hands over every touched user's data; most presses change nothing
        await self._state.save_user_data(user_id, data, self._clock.now())
        self._written[user_id] = encoded

    async def update_chat_data(self, chat_id: int, data: JsonDict) -> None:
        """Chat data is not stored."""

    async def update_bot_data(self, data: JsonDict) -> None:
        """Bot data holds the running services and is never stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not stored."""

    async def drop_user_data(self, user_id: int) -> None:
        await self._state.drop_user_data(user_id)
        self._written.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_chat_data(self, chat_id: int, chat_data: JsonDict) -> None:
        """In-memory data is the newest; nothing to refresh."""

    async def refresh_bot_data(self, bot_data: JsonDict) -> None:
        """Bot data is not stored."""

    async def flush(self) -> None:
        """Every update is written when it happens; nothing is buffered."""
