"""Plain text typed at the main menu: a client to look up ("vt metal") or a meeting to log
("Met Ivan Petrov at VT-Metal today, agreed prices"), as domain.intent reads it; when it is
unsure the manager chooses, the text kept and the other choice staying on offer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import KamApp, KamContext
from domain.search import Candidate
from domain.text_input import clean
from handlers.meetings.quick_log import offer_quick_log
from handlers.profiles.find import find_and_show
from handlers.ui import (
    answer,
    button,
    callback_parts,
    clip,
    is_current_screen,
    keyboard,
    show_screen,
)

if TYPE_CHECKING:
    from domain.intent import Intent

FLOW = "menu_text"
_PENDING = "menu_text_pending"  # the text waiting for the manager's choice
_CHOICES = {"log": "meeting.quick_as_meeting", "find": "meeting.quick_as_search"}


async def read_menu_intent(context: KamContext, text: str) -> Intent:
    """Search, meeting note or unsure, against the clients this manager sees."""
    from domain.intent import read_intent  # with its date phrases: on the first free text

    manager = context.require_manager()
    accounts = await context.visible_accounts()
    candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
    now = context.services.clock.now()
    return read_intent(text, now=now, tz=ZoneInfo(manager.timezone), accounts=candidates)


async def route(update: Update, context: KamContext, text: str, intent: Intent) -> None:
    if intent == "search":
        await find_and_show(update, context, text)
    elif intent == "meeting":
        await offer_quick_log(update, context, text)
    else:
        assert context.user_data is not None
        context.user_data[_PENDING] = text
        await _show_choice(update, context, text, tuple(_CHOICES), new_message=True)


async def _show_choice(
    update: Update, context: KamContext, text: str, offered: tuple[str, ...], **kwargs: bool
) -> None:
    t = context.t
    rows = [[button(t(_CHOICES[choice]), f"mt:{choice}")] for choice in offered]
    body = t("meeting.quick_unsure", text=clip(text, 300))
    await show_screen(update, context, FLOW, body, keyboard(rows), **kwargs)


async def route_text(update: Update, context: KamContext) -> None:
    assert update.message is not None and update.message.text is not None
    text = clean(update.message.text).strip()
    await route(update, context, text, await read_menu_intent(context, text))


async def choose(update: Update, context: KamContext) -> None:
    """ "Log as a meeting" / "Find client" under an unsure text: the other stays on offer."""
    parts = callback_parts(update, "mt")
    text = context.user_data.get(_PENDING) if context.user_data is not None else None
    if not isinstance(text, str) or not is_current_screen(update, context, FLOW) or not parts:
        await answer(update, context.t("error.stale_button"))
        return
    await answer(update)
    chosen = parts[0]
    await _show_choice(update, context, text, tuple(c for c in _CHOICES if c != chosen))
    await route(update, context, text, "meeting" if chosen == "log" else "search")


def register(application: KamApp) -> None:
    """Registered after every feature and before the fallbacks."""
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, route_text)
    )
    application.add_handler(CallbackQueryHandler(choose, pattern=r"^mt:(?:log|find)$"))
