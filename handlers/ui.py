"""Building blocks for screens: buttons, keyboards, and one editable message per flow.

A flow shows one screen at a time. The screen's message id is remembered in user data, so
that a button on an older message ("this card is closed") is told apart from a live one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import KamContext

_LOG = logging.getLogger(__name__)
MAX_CALLBACK_BYTES = 64
MAX_MESSAGE_CHARS = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def button(label: str, data: str) -> InlineKeyboardButton:
    """An inline button; refuses callback data Telegram would reject (over 64 bytes)."""
    if not 0 < len(data.encode()) <= MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data of {len(data.encode())} bytes: {data!r}")
    return InlineKeyboardButton(label, callback_data=data)


def url_button(label: str, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, url=url)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def grid(buttons: Sequence[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def _screens(context: KamContext) -> dict[str, Any]:
    screens = context.user_data.setdefault("screens", {}) if context.user_data is not None else {}
    assert isinstance(screens, dict)
    return screens


def is_current_screen(update: Update, context: KamContext, flow: str) -> bool:
    """Whether a button press came from the flow's live message."""
    query = update.callback_query
    if query is None or query.message is None:
        return False
    return bool(_screens(context).get(flow) == query.message.message_id)


def forget_screen(context: KamContext, flow: str) -> None:
    _screens(context).pop(flow, None)


async def retire_screen(context: KamContext, chat_id: int, flow: str, text: str) -> None:
    """Turns the flow's live message into a plain note without buttons and forgets it, when
    the manager left the flow by typing (no button of that message was pressed)."""
    message_id = _screens(context).pop(flow, None)
    if not isinstance(message_id, int):
        return
    try:
        await context.bot.edit_message_text(shorten(text), chat_id=chat_id, message_id=message_id)
    except BadRequest as error:  # deleted, too old, or unchanged: nothing to retire
        _LOG.info("could not retire the %s screen: %s", flow, error)


async def show_screen(
    update: Update,
    context: KamContext,
    flow: str,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    new_message: bool = False,
) -> Message | None:
    """Edits the flow's message when the user pressed one of its buttons, else sends anew."""
    text = shorten(text)
    query = update.callback_query
    if not new_message and query is not None and is_current_screen(update, context, flow):
        try:
            edited = await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return None
            raise
        return edited if isinstance(edited, Message) else None
    chat = update.effective_chat
    if chat is None:
        return None
    sent = await context.bot.send_message(chat.id, text, reply_markup=markup)
    _screens(context)[flow] = sent.message_id
    return sent


async def close_screen(update: Update, context: KamContext, flow: str, text: str) -> None:
    """Turns the flow's message into a plain note without buttons, and forgets it."""
    query = update.callback_query
    if query is not None and is_current_screen(update, context, flow):
        try:
            await query.edit_message_text(shorten(text))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, shorten(text))
    forget_screen(context, flow)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Acknowledges a button press (a press must always be answered)."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text[:200] if text else None, show_alert=alert)
        except BadRequest as error:  # the press is too old to answer; nothing to do
            _LOG.info("could not answer a callback query: %s", error)


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Keeps an HTML message within Telegram's limit, closing any tag the cut left open.

    Callers that show long user content split it themselves; this is the last guard.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 32]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    if cut.rfind("&") > cut.rfind(";"):
        cut = cut[: cut.rfind("&")]
    open_tags: list[str] = []
    for match in _TAG.finditer(cut):
        closing, name = match[1], match[2].lower()
        if not closing:
            open_tags.append(name)
        elif open_tags and open_tags[-1] == name:
            open_tags.pop()
    return cut + "…" + "".join(f"</{name}>" for name in reversed(open_tags))


def clip(value: str, limit: int) -> str:
    """Clips user text for a one-line display (before escaping)."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def callback_parts(update: Update, prefix: str) -> list[str]:
    """The colon-separated fields after `prefix:` in the pressed button's data."""
    query = update.callback_query
    data = query.data if query is not None and query.data else ""
    if not data.startswith(prefix + ":"):
        return []
    return data[len(prefix) + 1 :].split(":")
