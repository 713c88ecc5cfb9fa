"""Stored state of python-telegram-bot: user data, chat data and conversation states as JSON.

This module knows nothing of Telegram; `bot.persistence` adapts it to PTB's BasePersistence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.codec import dt_to_db
from storage.database import Database

JsonDict = dict[str, Any]


@dataclass
class StateChanges:
    """What one flush writes: JSON text per user and chat (None removes the row), conversation
    states by (name, JSON key) (None ends the conversation), and the inbox updates it settles."""

    users: dict[int, str | None] = field(default_factory=dict)
    chats: dict[int, str | None] = field(default_factory=dict)
    conversations: dict[tuple[str, str], str | None] = field(default_factory=dict)
    done_updates: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.users or self.chats or self.conversations or self.done_updates)


class BotStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all_user_data(self) -> dict[int, JsonDict]:
        rows = await self._db.fetch_all("SELECT user_id, data FROM bot_user_data")
        return {int(row["user_id"]): json.loads(row["data"]) for row in rows}

    async def all_chat_data(self) -> dict[int, JsonDict]:
        rows = await self._db.fetch_all("SELECT chat_id, data FROM bot_chat_data")
        return {int(row["chat_id"]): json.loads(row["data"]) for row in rows}

    async def save_user_data(self, user_id: int, data: JsonDict, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO bot_user_data (user_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (user_id, json.dumps(data, ensure_ascii=False), dt_to_db(now)),
        )

    async def save_chat_data(self, chat_id: int, data: JsonDict, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO bot_chat_data (chat_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (chat_id, json.dumps(data, ensure_ascii=False), dt_to_db(now)),
        )

    async def drop_user_data(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM bot_user_data WHERE user_id = ?", (user_id,))

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._db.execute("DELETE FROM bot_chat_data WHERE chat_id = ?", (chat_id,))

    async def conversations(self, name: str) -> dict[tuple[int | str, ...], Any]:
        rows = await self._db.fetch_all(
            "SELECT key, state FROM bot_conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    async def save_conversation(
        self, name: str, key: tuple[int | str, ...], state: Any, now: datetime
    ) -> None:
        """Stores a state; None ends the conversation and removes the row."""
        encoded_key = json.dumps(list(key))
        if state is None:
            await self._db.execute(
                "DELETE FROM bot_conversations WHERE name = ? AND key = ?", (name, encoded_key)
            )
            return
        await self._db.execute(
            "INSERT INTO bot_conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (name, encoded_key, json.dumps(state), dt_to_db(now)),
        )

    async def save(self, changes: StateChanges, now: datetime) -> None:
        """Writes one flush in one transaction (marks its inbox updates done with it), in one
        call to the database thread."""
        stamp = dt_to_db(now)
        statements: list[tuple[str, tuple[Any, ...]]] = []
        for table, column, rows in (
            ("bot_user_data", "user_id", changes.users),
            ("bot_chat_data", "chat_id", changes.chats),
        ):
            for key, data in rows.items():
                if data is None:
                    statements.append((f"DELETE FROM {table} WHERE {column} = ?", (key,)))
                else:
                    statements.append(
                        (
                            f"INSERT INTO {table} ({column}, data, updated_at) VALUES (?, ?, ?)"
                            f" ON CONFLICT ({column}) DO UPDATE SET data = excluded.data,"
                            " updated_at = excluded.updated_at",
                            (key, data, stamp),
                        )
                    )
        for (name, conv_key), state in changes.conversations.items():
            if state is None:
                statements.append(
                    ("DELETE FROM bot_conversations WHERE name = ? AND key = ?", (name, conv_key))
                )
            else:
                statements.append(
                    (
                        "INSERT INTO bot_conversations (name, key, state, updated_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE"
                        " SET state = excluded.state, updated_at = excluded.updated_at",
                        (name, conv_key, state, stamp),
                    )
                )
        statements.extend(
            ("UPDATE inbox SET done_at = ? WHERE update_id = ?", (stamp, update_id))
            for update_id in changes.done_updates
        )
        await self._db.write_script(statements)


def conversation_key(key: tuple[int | str, ...]) -> str:
    return json.dumps(list(key))
