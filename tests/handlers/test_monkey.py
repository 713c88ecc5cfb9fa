"""A seeded random-action ("monkey") run against the real Application.

A manager and a stranger type random texts (long, HTML, Chinese, Russian, emoji), commands,
menu buttons, stickers and contacts, press random buttons found on screen (old ones too),
forge callback data, edit earlier messages; now and then the bot restarts (the database and
the persisted conversations stay). Whatever happens: no request Telegram would refuse, no
unhandled exception, every press answered exactly once.

Its structured successor, test_property.py, draws many short sequences from several users with
hypothesis and also checks the database afterwards.

MONKEY_ACTIONS (default 300) and MONKEY_SEED (default 8) set the run; a long run by hand:
    MONKEY_ACTIONS=10000 .venv/bin/pytest tests/handlers/test_monkey.py -q
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.i18n import all_translations
from domain.clock import FakeClock
from handlers.menu import LAYOUT
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, onboard
from tests.handlers.test_forged_presses import FORGED_TAILS, PREFIXES, _seed

ACTIONS = int(os.environ.get("MONKEY_ACTIONS", "300"))
SEED = int(os.environ.get("MONKEY_SEED", "8"))
STRANGER_ID = 4242

TEXTS = [
    "VT-Metal",
    "vt",
    "Ivan",
    "Sigma",
    "Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday",
    "今天在VT-Metal见了Ivan Petrov，商定了第三季度价格，周五前发报价",
    "华信物流",
    "Сегодня встретился с Иваном в VT-Metal, до пятницы отправить предложение",
    "Москва",
    "上海",
    "Berlin",
    "Atlantis",
    "07:30",
    "25:99",
    "21.12.2026",
    "31.02.2027",
    "tomorrow at 15:30",
    "1.2m RUB",
    "一百万",
    "0",
    "-1",
    "99999999999999999999999",
    "<b>bold</b> <script>alert(1)</script> &amp; &lt;",
    "</b><i>",
    "😀🎉👍",
    " . ",
    ".",
    "x" * 10_000,
    "漢字" * 3_000,
    "Привет " * 1_500,
    "a\nb\n\nc",
]
COMMANDS = [
    "/start",
    "/help",
    "/settings",
    "/meeting",
    "/plan",
    "/timeline",
    "/timeline VT-Metal",
    "/find",
    "/find vt",
    "/newclient",
    "/newclient Zeta Trade",
    "/edit",
    "/edit VT-Metal",
    "/cancel",
    "/today",
    "/tasks",
    "/invite",
    "/team",
    "/deal",
    "/deal VT-Metal",
    "/portfolio",
    "/nonsense",
    "/start 12345",
]
MENU = sorted({label for row in LAYOUT for entry in row for label in all_translations(entry.key)})
OTHER_UPDATES: list[dict[str, Any]] = [
    {"sticker": {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512}},
    {"contact": {"phone_number": "+79990001122", "first_name": "Olga", "last_name": "Ivanova"}},
    {"location": {"latitude": 55.75, "longitude": 37.62}},
    {"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]},
    {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}},
]


@dataclass
class Findings:
    """What the run saw go wrong, with the action that caused it."""

    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.refused or self.errors or self.answers)

    def summary(self) -> str:
        return (
            f"{len(self.refused)} refused requests {self.refused[:5]!r}; "
            f"{len(self.errors)} errors {self.errors[:5]!r}; "
            f"{len(self.answers)} answer problems {self.answers[:5]!r}"
        )


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    handler = _Recorder()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


class Monkey:
    def __init__(
        self, fake: FakeTelegram, settings: Settings, storage: Storage, clock: FakeClock
    ) -> None:
        self.fake, self.settings, self.storage, self.clock = fake, settings, storage, clock
        self.app: Application | None = None  # type: ignore[type-arg]
        self.restarts = 0

    async def start(self) -> None:
        self.app = build_application(
            self.settings,
            self.storage,
            self.clock,
            request=FakeRequest(self.fake),
            get_updates_request=FakeRequest(self.fake),
            rate_limiter=False,  # its 30 requests a second would only slow the run down
        )
        await self.app.initialize()

    async def restart(self) -> None:
        """Like a kill between two updates: what was persisted is all that is left."""
        assert self.app is not None
        await self.app.shutdown()
        self.restarts += 1
        await self.start()

    async def deliver(self, update: dict[str, Any]) -> None:
        assert self.app is not None
        await self.app.process_update(Update.de_json(update, self.app.bot))


def _random_press(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    messages = [m for m in fake.bot_messages(user.chat_id) if m.inline_keyboard]
    if not messages:
        return None
    message = messages[-1] if rng.random() < 0.7 else rng.choice(messages)
    buttons = [b for b in message.buttons if isinstance(b.get("callback_data"), str)]
    if not buttons:
        return None
    return user.press_data(rng.choice(buttons)["callback_data"], message.message_id)


def _forged_press(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    if fake.last_bot_message(user.chat_id) is None:
        return None
    data = (rng.choice(PREFIXES) + rng.choice(FORGED_TAILS))[:64] or "x"
    return user.press_data(data)


def _edit(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    own = [m for m in fake.messages(user.chat_id) if not m.from_bot]
    if not own:
        return None
    return user.edit(rng.choice(TEXTS), rng.choice(own).message_id)


def _text(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    return user.send(rng.choice(TEXTS))


def _command(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    return user.send(rng.choice(COMMANDS))


def _menu(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    return user.send(rng.choice(MENU))


def _other(rng: random.Random, fake: FakeTelegram, user: TelegramUser) -> Any:
    return user.send_update(dict(rng.choice(OTHER_UPDATES)))


Action = Callable[[random.Random, FakeTelegram, TelegramUser], Awaitable[None] | None]
ACTION_WEIGHTS: list[tuple[Action, int]] = [
    (_text, 20),
    (_command, 12),
    (_menu, 10),
    (_random_press, 40),
    (_forged_press, 8),
    (_edit, 4),
    (_other, 4),
]


async def _act(rng: random.Random, monkey: Monkey, users: list[TelegramUser]) -> str:
    """One random action; returns what it was (for the findings)."""
    if rng.random() < 0.003:
        await monkey.restart()
        return "restart"
    if rng.random() < 0.02:
        monkey.clock.advance(timedelta(minutes=rng.choice([5, 60, 60 * 24])))
    user = users[0] if rng.random() < 0.9 else users[1]
    actions, weights = zip(*ACTION_WEIGHTS, strict=True)
    action = rng.choices(actions, weights)[0]
    for _ in range(3):
        step = action(rng, monkey.fake, user)
        if step is not None:
            await step
            return f"{user.user_id}: {action.__name__}"
        action = ACTION_WEIGHTS[0][0]
    return "nothing"


def _check(fake: FakeTelegram, mark: int, doing: str, findings: Findings) -> None:
    for call in fake.calls_since(mark):
        if not call.ok:
            findings.refused.append(f"{doing}: {call.method} {call.response.get('description')}")
    for query, count in _answers_per_press(fake, mark).items():
        if count != 1:
            findings.answers.append(f"{doing}: press {query} answered {count} times")


def _answers_per_press(fake: FakeTelegram, mark: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake.calls_since(mark):
        if call.method == "answerCallbackQuery":
            query = str(call.params.get("callback_query_id"))
            counts[query] = counts.get(query, 0) + 1
    return counts


async def test_random_actions_break_nothing(
    fake: FakeTelegram,
    settings: Settings,
    storage: Storage,
    clock: FakeClock,
    recorder: _Recorder,
) -> None:
    monkey = Monkey(fake, settings, storage, clock)
    await monkey.start()
    manager = TelegramUser(fake, ADMIN_ID, monkey.deliver, first_name="Anna")
    stranger = TelegramUser(fake, STRANGER_ID, monkey.deliver, first_name="Eve")
    await onboard(manager)
    await _seed(storage, clock)
    rng = random.Random(SEED)
    findings = Findings()
    try:
        for _ in range(ACTIONS):
            mark, logged = fake.mark(), len(recorder.records)
            doing = await _act(rng, monkey, [manager, stranger])
            _check(fake, mark, doing, findings)
            for record in recorder.records[logged:]:
                problem = record.exc_info[1] if record.exc_info else record.getMessage()
                findings.errors.append(f"{doing}: {record.levelname} {problem!r}")
    finally:
        assert monkey.app is not None
        await monkey.app.shutdown()
    run = f"{ACTIONS} actions, seed {SEED}, {monkey.restarts} restarts"
    print(f"monkey: {run}; {findings.summary()}")
    assert findings.empty(), findings.summary()
