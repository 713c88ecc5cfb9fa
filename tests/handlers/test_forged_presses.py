"""Forged, oversized and malformed callback data, for every prefix the bot registers.

Whatever the data, a press gets exactly one answer, nothing is logged as an error, and the
bot makes no request Telegram would refuse.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.application import build_application
from bot.config import load_settings
from domain.clock import FakeClock
from handlers.dialog import Input
from handlers.dialog.flow import FlowHandler
from handlers.ui import parse_id, parse_number
from storage import Database, Storage
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID

BIG = "99999999999999999999999"
TOO_BIG = str(2**63)
FORGED_TAILS = (
    *("", BIG, f"{BIG}:{BIG}", f"1:{BIG}", f"{TOO_BIG}:0", "x", "-1", "0", "1:x:y"),
    *("999:kam", "999:1", "999:0"),  # well-formed, about nothing that exists
)


def _patterns(handler: BaseHandler) -> Iterator[str | None]:  # type: ignore[type-arg]
    if isinstance(handler, CallbackQueryHandler):
        pattern = handler.pattern
        yield pattern.pattern if isinstance(pattern, re.Pattern) else pattern  # type: ignore[misc]
    elif isinstance(handler, ConversationHandler):
        states = [h for handlers in handler.states.values() for h in handlers]
        for inner in (*handler.entry_points, *states, *handler.fallbacks):
            yield from _patterns(inner)
    elif isinstance(handler, FlowHandler):
        for inner in (*handler.flow.entries, *(i.matcher for i in _inputs(handler) if i.matcher)):
            yield from _patterns(inner)


def _inputs(handler: FlowHandler) -> list[Input]:
    flow = handler.flow
    return [*(i for step in flow.steps for i in step.takes), *flow.common, *flow.otherwise]


def _own_prefixes(handler: BaseHandler) -> list[str]:  # type: ignore[type-arg]
    """A dialog flow's own buttons: `<code>.<run id>:<action>:` (run 1: usually stale)."""
    if not isinstance(handler, FlowHandler):
        return []
    return [f"{handler.flow.code}.1:{i.action}:" for i in _inputs(handler) if i.action]


def _prefixes(pattern: str | None) -> list[str]:
    """The literal data a pattern starts with; `(a|b)` alternatives give one prefix each."""
    if pattern is None:
        return ["zz:1", "unknown"]
    body = pattern.removeprefix("^")
    literal = re.match(r"[\w:]*", body)
    head = literal.group(0) if literal else ""
    rest = body[len(head) :]
    choices = re.match(r"\(([\w|]+)\)([\w:]*)", rest)
    if choices:
        return [head + choice + choices.group(2) for choice in choices.group(1).split("|")]
    return [head]


def registered_prefixes() -> list[str]:
    """Every callback prefix of the real handler set (an application that never starts)."""
    settings = load_settings({"BOT_TOKEN": DEFAULT_TOKEN})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        application = build_application(
            settings, Storage(Database(":memory:")), FakeClock(datetime.now(UTC))
        )
    found = {
        prefix
        for handlers in application.handlers.values()
        for handler in handlers
        for pattern in _patterns(handler)
        for prefix in _prefixes(pattern)
    }
    found |= {
        own for group in application.handlers.values() for h in group for own in _own_prefixes(h)
    }
    return sorted(found)


PREFIXES = registered_prefixes()

# Where each family's buttons are live, so that a forged press reaches the parsing.
SCREENS = {
    "acc": ["/find VT-Metal"],
    "ed": ["/find VT-Metal", "press:Edit"],
    "ml": ["/meeting"],
    "mtg": ["/meeting"],
    "ncl": ["/newclient Zeta Trade"],
    "pref": ["/settings"],
    "inv": ["/invite"],
    "team": ["/team"],
    "tl": ["/timeline VT-Metal"],
    "task": ["/tasks"],
}


def test_the_prefixes_are_collected() -> None:
    for expected in ("ml.1:acc:", "tl:", "mtg:v:", "mtg:edit:", "mtg:del:", "mtg:delok:"):
        assert expected in PREFIXES
    for expected in (
        "ml.1:ct:",
        "mq.1:save:",
        "team:open:",
        "inv:revoke:",
        "acc:open:",
        "ed:acc:",
        "zz:1",
    ):
        assert expected in PREFIXES
    assert "team:role:" in PREFIXES and "team:active:" in PREFIXES


async def _seed(storage: Storage, clock: FakeClock) -> None:
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    vt = await storage.accounts.create(
        name="VT-Metal", owner_id=admin.id, actor_id=admin.id, now=clock.now()
    )
    await storage.contacts.create(
        account_id=vt.id,
        full_name="Ivan Petrov",
        position="CEO",
        actor_id=admin.id,
        now=clock.now(),
    )


async def _open(user: TelegramUser, steps: list[str]) -> None:
    for step in steps:
        if step.startswith("press:"):
            await user.press(step.removeprefix("press:"))
        else:
            await user.send(step)


async def press_and_check(user: TelegramUser, fake: FakeTelegram, data: str) -> None:
    """One forged press: one answer, no refused request."""
    mark = fake.mark()
    answers = len(fake.callback_answers(user.user_id))
    await user.press_data(data)
    given = fake.callback_answers(user.user_id)[answers:]
    assert len(given) == 1, f"{data!r} got {len(given)} answers"
    refused = [(c.method, c.response) for c in fake.calls_since(mark) if not c.ok]
    assert not refused, f"{data!r}: {refused!r}"


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_forged_data_is_answered_once(
    prefix: str,
    admin: TelegramUser,
    fake: FakeTelegram,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _seed(storage, clock)
    caplog.set_level(logging.WARNING)
    for screen in ([], SCREENS.get(re.split("[.:]", prefix)[0], [])):
        await _open(admin, screen)
        for tail in FORGED_TAILS:
            await press_and_check(admin, fake, (prefix + tail)[:64])
    problems = [
        (r.getMessage(), r.exc_info[1] if r.exc_info else None)
        for r in caplog.records
        if r.levelno >= logging.WARNING
    ]
    assert not problems


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_an_oversized_id_is_refused_politely(
    language: str, admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    if language != "en":
        await admin.send("/settings")
        await admin.press("Language")
        await admin.press({"zh": "中文", "ru": "Русский"}[language])
        await admin.send("/cancel")
    polite = {
        "en": "This button is no longer valid",
        "zh": "此按钮已失效",
        "ru": "Эта кнопка больше не действует",
    }[language]
    await admin.send("/find VT-Metal")
    for data in (f"tl:{BIG}:0", f"mtg:v:{BIG}", f"mtg:edit:{BIG}", f"mtg:delok:{BIG}"):
        await admin.press_data(data)
        assert admin.last_alert is not None and polite in admin.last_alert, data
    for data in ("ed:acc:", "ed:acc:x", "ed:acc:-1", f"ed:acc:{BIG}", f"ed:acc:{2**63}"):
        await admin.press_data(data)
        assert admin.last_alert is not None and polite in admin.last_alert, data


async def test_a_forged_client_in_the_meeting_flow_is_refused_on_screen(
    admin: TelegramUser, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    screen = admin.last_text
    run = str(admin.last_message.buttons[0]["callback_data"]).split(":")[0]  # ml.<run id>
    for _ in range(2):  # the same refusal twice: the screen is not edited again
        await press_and_check(admin, fake, f"{run}:acc:{BIG}")
    assert admin.last_text != screen and "VT-Metal" in admin.buttons


def test_ids_are_range_checked() -> None:
    assert [parse_id(raw) for raw in ("1", "42", str(2**63 - 1))] == [1, 42, 2**63 - 1]
    for raw in (None, "", "0", "-1", "+1", " 1", "1.0", "x", "١٢", str(2**63), BIG):
        assert parse_id(raw) is None, raw
    assert parse_number("0") == 0 and parse_number("7", 1, 5) is None
