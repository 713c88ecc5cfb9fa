"""Property-based test (hypothesis): random sequences from several users break nothing.

The structured successor of test_monkey.py (which walks one long seeded run through the
screens of one manager). Here hypothesis draws many short, independent sequences, each
against a fresh database and Application, from a drawn set of actors: two KAMs (each with
the demo portfolio), a lead and a stranger; the admin also owns the demo portfolio and never
acts. An action is a message (text with HTML, emoji, right-to-left script, very long text;
a command from the bot's command list with random arguments; a sticker, contact, photo,
forwarded or edited message), an inline query, or a button press with random data, with
real data taken from the bot's earlier replies (to anyone) or with such data mutated (ids
swapped for other small or huge numbers, cut, extended). After every update:
no request Telegram would refuse, at most MAX_MESSAGES_PER_UPDATE new messages, every
press answered exactly once, nothing reached the error handler. After every sequence:
PRAGMA integrity_check is "ok" and no row changed that no actor may change: the accounts
(and everything hanging off them) of the managers who did not act, unless the lead acted;
the rows of the managers who did not act; and when only the stranger acted, every row.

Reproducible: derandomized (the same examples on every run). PROPERTY_EXAMPLES (default 30)
sets how many; PROPERTY_RANDOM=1 explores new ones:
    PROPERTY_EXAMPLES=500 PROPERTY_RANDOM=1 .venv/bin/pytest tests/handlers/test_property.py
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.application import build_application
from bot.commands import COMMANDS, LEAD_COMMANDS
from bot.config import load_settings
from bot.context import KamApp, KamContext
from domain.clock import FakeClock
from handlers.ui import StaleButton
from storage import Storage
from storage.demo import load_demo_portfolio
from tests.conftest import NOW
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser
from tests.fake_telegram.core import MESSAGE_SENDING_METHODS
from tests.handlers.conftest import ADMIN_ID, FLOOD_BURST, Deliver
from tests.handlers.test_forged_presses import FORGED_TAILS, PREFIXES
from tests.handlers.test_monkey import OTHER_UPDATES, TEXTS

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "30"))
DERANDOMIZE = os.environ.get("PROPERTY_RANDOM") != "1"
MAX_MESSAGES_PER_UPDATE = 3
ACTORS = {"kam1": 2001, "kam2": 2002, "lead": 2003, "stranger": 4242}
UNWATCHED = {"audit_log", "bot_user_data", "bot_chat_data", "bot_conversations"}
"""Rows anyone's update may write: the audit log (denials are logged), persisted dialogs."""
_DIGITS = re.compile(r"\d+")

# ----------------------------------------------------------------------------- strategies

_odd_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("<>&/;\"' bcodeiа漢😀\u200b\u202e\u05d0\u0627\n"),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=80,
)
_long_text = st.builds(
    lambda piece, count: (piece * count)[:4096],
    st.sampled_from(["x", "漢字", "Привет ", "שלום עולם ", "مرحبا ", "😀👍🏽", "<b>&amp;</b>"]),
    st.integers(200, 4096),
)
TEXT = st.one_of(st.sampled_from(TEXTS), _odd_text, _long_text)
COMMAND = st.builds(
    lambda name, args: f"/{name} {args}".strip(),
    st.sampled_from([*COMMANDS, *LEAD_COMMANDS, "nonsense"]),
    st.one_of(st.just(""), st.sampled_from(["VT-Metal", "1", "99999999999999999999"]), TEXT),
)
FORGED = st.one_of(
    st.builds(
        lambda p, t: (p + t)[:64] or "x", st.sampled_from(PREFIXES), st.sampled_from(FORGED_TAILS)
    ),
    st.text(min_size=1, max_size=20).filter(lambda d: len(d.encode()) <= 64),
)
NUMBER = st.one_of(st.integers(0, 40), st.sampled_from([2**31, 2**63 - 1, 2**63, 10**30]))
KIND_WEIGHTS = {
    "text": 4,
    "command": 3,
    "press": 6,
    "mutated": 4,
    "forged": 2,
    "other": 1,
    "edit": 1,
    "inline": 1,
    "elsewhere": 1,
}
KIND = st.sampled_from([kind for kind, weight in KIND_WEIGHTS.items() for _ in range(weight)])


# ---------------------------------------------------------------------------------- world


@dataclass
class World:
    fake: FakeTelegram
    storage: Storage
    app: KamApp
    users: dict[str, TelegramUser]
    deliver: Deliver
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def _deliver_to(world_app: list[KamApp], update: dict[str, Any]) -> None:
    app = world_app[0]
    await app.process_update(Update.de_json(update, app.bot))


def _hook_errors(app: KamApp, errors: list[str]) -> None:
    """Records every error that reaches the error handler (before it answers politely)."""

    async def record(update: object, context: KamContext) -> None:
        if not isinstance(context.error, StaleButton):  # refused button data: no error
            errors.append(f"{type(context.error).__name__}: {context.error}")

    existing = dict(app.error_handlers)
    app.error_handlers.clear()
    app.add_error_handler(record)
    for callback, block in existing.items():
        app.add_error_handler(callback, block=block)


async def _seed(storage: Storage) -> None:
    await storage.managers.create(
        telegram_id=ADMIN_ID,
        full_name="Anna",
        username=None,
        role="admin",
        language="en",
        timezone="Europe/Moscow",
        now=NOW,
    )
    await storage.managers.create(
        telegram_id=ACTORS["lead"],
        full_name="Lena",
        username=None,
        role="lead",
        language="zh",
        timezone="Asia/Shanghai",
        now=NOW,
    )
    for telegram_id, name, language in (
        (ADMIN_ID, "Anna", "en"),
        (ACTORS["kam1"], "Kirill", "ru"),
        (ACTORS["kam2"], "Katya", "en"),
    ):
        await load_demo_portfolio(
            storage,
            telegram_id=telegram_id,
            full_name=name,
            language=language,
            timezone="Europe/Moscow",
            now=NOW,
        )


async def _world(folder: Path) -> World:
    fake = FakeTelegram()
    fake.add_group(GROUP_ID, "<b>Sales</b>", chat_type="supergroup")
    storage = await Storage.open(str(folder / "kam.sqlite3"))
    await _seed(storage)
    base = load_settings({"BOT_TOKEN": fake.token, "ADMIN_IDS": str(ADMIN_ID)})
    config = replace(
        base, default_timezone="Europe/Moscow", flood_rate=1000.0, flood_burst=FLOOD_BURST
    )
    holder: list[KamApp] = []
    app = build_application(
        config,
        storage,
        FakeClock(NOW),
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
        rate_limiter=False,
    )
    holder.append(app)
    errors: list[str] = []
    _hook_errors(app, errors)
    await app.initialize()

    async def deliver(update: dict[str, Any]) -> None:
        await _deliver_to(holder, update)

    languages = {"kam1": "ru", "kam2": "en", "lead": "zh", "stranger": "en"}
    users = {
        name: TelegramUser(fake, user_id, deliver, first_name=name, language_code=languages[name])
        for name, user_id in ACTORS.items()
    }
    return World(fake, storage, app, users, deliver, errors)


# ------------------------------------------------------------------------- the row guard


async def _tables(storage: Storage) -> dict[str, list[str]]:
    rows = await storage.db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%'"
    )
    tables: dict[str, list[str]] = {}
    for (name,) in rows:
        columns = await storage.db.fetch_all(f"PRAGMA table_info({name})")
        tables[name] = [str(c["name"]) for c in columns]
    return tables


def _scope(table: str, columns: list[str]) -> str | None:
    """A WHERE clause for the rows of ``table`` that belong to the accounts in :ids."""
    if table == "accounts":
        return "id IN ({ids})"
    for column, parent in (
        ("account_id", None),
        ("meeting_id", "meetings"),
        ("contract_id", "contracts"),
        ("deal_id", "deals"),
    ):
        if column in columns:
            if parent is None:
                return "account_id IN ({ids})"
            return f"{column} IN (SELECT id FROM {parent} WHERE account_id IN ({{ids}}))"
    return None


async def snapshot(storage: Storage, actors: frozenset[str]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows none of ``actors`` may change."""
    tables = await _tables(storage)
    owners = [ADMIN_ID, *(ACTORS[a] for a in ("kam1", "kam2") if a not in actors)]
    if "lead" in actors:
        owners = []  # a lead may change every account
    idle = [ADMIN_ID, *(v for k, v in ACTORS.items() if k not in actors and k != "stranger")]
    rows = await storage.db.fetch_all(
        f"SELECT a.id FROM accounts a JOIN managers m ON m.id = a.owner_id"
        f" WHERE m.telegram_id IN ({','.join('?' * len(owners)) or 'NULL'})",
        owners,
    )
    ids = ",".join(str(r[0]) for r in rows) or "NULL"
    seen: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in tables.items():
        if table in UNWATCHED:
            continue
        if actors == {"stranger"}:
            where: str | None = "1"
        elif table == "managers" and "lead" not in actors:
            where = f"telegram_id IN ({','.join(map(str, idle))})"
        else:
            scope = _scope(table, columns)
            where = scope.format(ids=ids) if scope else None
        if where is not None:
            found = await storage.db.fetch_all(f"SELECT * FROM {table} WHERE {where}")
            seen[table] = sorted((tuple(r) for r in found), key=repr)
    return seen


# -------------------------------------------------------------------------------- actions


def _callback_data(fake: FakeTelegram) -> list[str]:
    """Every button's data the bot has shown anyone so far."""
    chats = [*ACTORS.values(), ADMIN_ID]
    return [
        b["callback_data"]
        for chat in chats
        for m in fake.bot_messages(chat)
        for b in m.buttons
        if isinstance(b.get("callback_data"), str)
    ]


def _mutate(data: str, number: int, how: int) -> str:
    if how == 0:
        mutated = _DIGITS.sub(str(number), data, count=1)
    elif how == 1:
        mutated = _DIGITS.sub(lambda _: str(number), data)
    elif how == 2:
        mutated = data[: max(1, len(data) - number % 8)]
    else:
        mutated = f"{data}:{number}"
    while len(mutated.encode()) > 64:
        mutated = mutated[:-1]
    return mutated or "x"


async def _press(draw: st.DataObject, world: World, user: TelegramUser, kind: str) -> bool:
    if world.fake.last_bot_message(user.chat_id) is None:
        return False
    if kind == "forged":
        await user.press_data(draw.draw(FORGED, "forged data"))
        return True
    if kind == "press":
        own = [m for m in world.fake.bot_messages(user.chat_id) if m.inline_keyboard]
        if not own:
            return False
        message = own[-1] if draw.draw(st.booleans(), "newest") else draw.draw(st.sampled_from(own))
        buttons = [b for b in message.buttons if isinstance(b.get("callback_data"), str)]
        if not buttons:
            return False
        button = draw.draw(st.sampled_from(buttons), "button")
        await user.press_data(button["callback_data"], message.message_id)
        return True
    pool = _callback_data(world.fake)
    if not pool:
        return False
    data = draw.draw(st.sampled_from(pool), "real data")
    number, how = draw.draw(NUMBER, "number"), draw.draw(st.integers(0, 3), "mutation")
    await user.press_data(_mutate(data, number, how))
    return True


_UPDATE_IDS = iter(range(800_000_000, 900_000_000))


GROUP_ID = -100700
GROUP: dict[str, Any] = {"id": GROUP_ID, "type": "supergroup", "title": "<b>Sales</b>"}


def _elsewhere(kind: str, sender: dict[str, Any], bot: dict[str, Any], text: str) -> dict[str, Any]:
    """An update from outside the private chat: the bot added to a group, a channel post,
    a message in a business chat."""
    group = GROUP
    message: dict[str, Any] = {"message_id": 9, "date": 1_700_000_000, "text": text}
    if kind == "my_chat_member":
        member = {"status": "member", "user": bot}
        body: dict[str, Any] = {"chat": group, "from": sender, "date": 1_700_000_000}
        body |= {"old_chat_member": {**member, "status": "left"}, "new_chat_member": member}
    elif kind in ("channel_post", "edited_channel_post"):
        channel = {"id": -100800, "type": "channel", "title": "News"}
        body = {**message, "chat": channel, "sender_chat": channel}
    else:
        client = {"id": 5555, "type": "private", "first_name": "Client"}
        body = {**message, "chat": client, "from": sender, "business_connection_id": "c1"}
    if kind.startswith("edited"):
        body["edit_date"] = 1_700_000_100
    return {"update_id": next(_UPDATE_IDS), kind: body}


ELSEWHERE = st.sampled_from(
    ["message", "my_chat_member", "channel_post", "edited_channel_post", "business_message"]
)


async def _message(draw: st.DataObject, world: World, user: TelegramUser, kind: str) -> None:
    if kind == "elsewhere":
        where = draw.draw(ELSEWHERE, "elsewhere")
        sender = world.fake.user(user.user_id).to_api()
        text = draw.draw(st.one_of(COMMAND, TEXT), "text")
        if where == "message":  # through the fake, which keeps the group's messages
            in_group = TelegramUser(world.fake, user.user_id, world.deliver, chat_id=GROUP_ID)
            await in_group.send(text)
        else:
            await world.deliver(_elsewhere(where, sender, world.fake.bot_user(), text))
    elif kind == "command":
        await user.send(draw.draw(COMMAND, "command"))
    elif kind == "other":
        extra = draw.draw(st.sampled_from([*OTHER_UPDATES, {"text": "fwd"}]), "other")
        if "text" in extra:
            origin = {"type": "hidden_user", "date": 1_700_000_000, "sender_user_name": "X"}
            extra = {**extra, "forward_origin": origin}
        await user.send_update(dict(extra))
    elif kind == "edit" and any(not m.from_bot for m in world.fake.messages(user.chat_id)):
        await user.edit(draw.draw(TEXT, "edit"))
    elif kind == "inline":
        await user.send_update({"query": draw.draw(TEXT, "inline")[:256]}, "inline_query")
    else:
        await user.send(draw.draw(TEXT, "text"))


async def _act(draw: st.DataObject, world: World, actor: str) -> str:
    user = world.users[actor]
    kind = draw.draw(KIND, "kind")
    if kind in ("press", "mutated", "forged") and await _press(draw, world, user, kind):
        return f"{actor} {kind}"
    await _message(
        draw, world, user, kind if kind not in ("press", "mutated", "forged") else "text"
    )
    return f"{actor} {kind}"


def _check_update(world: World, mark: int, doing: str) -> None:
    calls = world.fake.calls_since(mark)
    for call in calls:
        if not call.ok:
            world.problems.append(f"{doing}: refused {call.method} {call.response}")
    sent = sum(1 for c in calls if c.ok and c.method in MESSAGE_SENDING_METHODS)
    if sent > MAX_MESSAGES_PER_UPDATE:
        world.problems.append(f"{doing}: {sent} messages for one update")
    answers: dict[str, int] = {}
    for call in calls:
        if call.method == "answerCallbackQuery":
            query = str(call.params.get("callback_query_id"))
            answers[query] = answers.get(query, 0) + 1
    world.problems += [f"{doing}: press answered {n} times" for n in answers.values() if n != 1]


async def _run(draw: st.DataObject, actors: frozenset[str], length: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        world = await _world(Path(folder))
        try:
            before = await snapshot(world.storage, actors)
            for _ in range(length):
                actor = draw.draw(st.sampled_from(sorted(actors)), "actor")
                mark = world.fake.mark()
                doing = await _act(draw, world, actor)
                _check_update(world, mark, doing)
                assert not world.errors, f"{doing}: the error handler got {world.errors}"
                assert not world.problems, world.problems
            world.fake.assert_answered_once(all_answered=True)
            integrity = await world.storage.db.fetch_all("PRAGMA integrity_check")
            assert [tuple(r) for r in integrity] == [("ok",)]
            after = await snapshot(world.storage, actors)
            changed = [t for t in before if before[t] != after[t]]
            assert not changed, f"{sorted(actors)} changed rows they may not: {changed}"
        finally:
            await world.app.shutdown()
            await world.storage.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    draw=st.data(),
    actors=st.sets(st.sampled_from(sorted(ACTORS)), min_size=1).map(frozenset),
    length=st.integers(1, 25),
)
def test_random_sequences_from_several_users_break_nothing(
    draw: st.DataObject, actors: frozenset[str], length: int
) -> None:
    asyncio.run(_run(draw, actors, length))
