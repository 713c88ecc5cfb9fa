"""Reminder pushes for handlers: a delivery's message again (the "while I was offline" list),
and that list's text. What each kind says is in handlers/reminders/kinds/, looked up by
handlers.reminders.registry; the scheduler calls the registry directly.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.context import KamContext
from handlers.reminders.common import Formatter
from handlers.reminders.registry import Push, PushInput, render
from handlers.ui import keyboard
from storage.reminders import Delivery


async def compose(
    context: KamContext, delivery: Delivery, now: datetime, *, listing: bool = False
) -> Push | None:
    """The message of a delivery to the manager of this update; None when it is obsolete.
    `listing`: for the "while I was offline" list shown again (a check already asked, a task
    snoozed since, still count)."""
    manager = context.require_manager()
    push_input = PushInput.of(manager, context.services.storage, now, listing=listing)
    return await render(push_input, delivery)


def catch_up_message(
    fmt: Formatter, pushes: list[Push], *, of: int | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The "while I was offline" message of these pushes, with a button for each (up to 10)."""
    actions = [p.action for p in pushes if p.action is not None][:10]
    text = catch_up_text(fmt, [p.line for p in pushes], of=of)
    return text, keyboard([[action] for action in actions]) if actions else None


def catch_up_text(fmt: Formatter, lines: list[str], *, of: int | None = None) -> str:
    """The "while I was offline" message; `of`: how many it listed when sent, when some of
    them have been dealt with since."""
    t = fmt.t
    shown = lines[:30]
    if of is None or of == len(lines):
        text = t.plural("reminders.catchup.title", len(lines)) + "\n\n"
    else:
        text = t("reminders.catchup.still_open", count=len(lines), total=of) + "\n\n"
    text += "\n".join(f"• {line}" for line in shown)
    if len(lines) > len(shown):
        text += "\n" + t.plural("reminders.digest.more", len(lines) - len(shown))
    return text
