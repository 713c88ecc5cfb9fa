"""The "while I was offline" message: its text and buttons from the pushes it lists. What each
kind says is in handlers/reminders/kinds/, looked up by handlers.reminders.registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from handlers.ui import keyboard

if TYPE_CHECKING:
    from handlers.reminders.common import Formatter
    from handlers.reminders.registry import Push


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
