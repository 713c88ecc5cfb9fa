"""Building blocks for screens: buttons, keyboards, and one editable message per flow.

A flow shows one screen at a time. The screen's message id is remembered in user data, so
that a button on an older message ("this card is closed") is told apart from a live one.
When a flow posts a new screen, its previous screen loses its buttons: one live keyboard per
flow. A screen that would not change is not edited again.

Button presses are answered exactly once: `answer` answers the first time and ignores later
calls for the same press, and `answering` (around each update) answers whatever was left
unanswered (this needs blocking handlers, PTB's default). Ids in callback data are read
with `callback_id` (pages with `callback_page`), which refuse malformed or out-of-range
values by raising `StaleButton` (the error handler answers it politely); `parse_id` does the
same check for any other untrusted text.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.context import KamContext
from domain.paging import clip as clip  # re-exported: every screen clips one-line text with it

_LOG = logging.getLogger(__name__)
MAX_CALLBACK_BYTES = 64
MAX_MESSAGE_CHARS = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
MAX_ID = 2**63 - 1
"""Database ids are SQLite integers: 1 .. 2**63-1 (a larger int raises OverflowError)."""
MAX_PAGE = 10_000
_DIGITS = re.compile(r"[0-9]{1,19}")


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


def _keyboards(context: KamContext) -> dict[str, Any]:
    """Flow -> id of its message that still shows buttons (at most one per flow)."""
    if context.user_data is None:
        return {}
    keyboards = context.user_data.setdefault("keyboards", {})
    assert isinstance(keyboards, dict)
    return keyboards


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
    _forget_keyboard(context, message_id)
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
    """Edits the flow's message when the user pressed one of its buttons, else sends anew
    (and the flow's previous message loses its buttons)."""
    text = shorten(text)
    query = update.callback_query
    if not new_message and query is not None and is_current_screen(update, context, flow):
        edited = await edit_pressed_message(update, context, text, markup)
        _remember_keyboard(context, flow, query.message, markup)
        return edited
    chat = update.effective_chat
    if chat is None:
        return None
    sent = await context.bot.send_message(chat.id, text, reply_markup=markup)
    _screens(context)[flow] = sent.message_id
    await _strip_old_keyboard(context, flow, chat.id, sent.message_id)
    _remember_keyboard(context, flow, sent, markup)
    return sent


def _remember_keyboard(
    context: KamContext, flow: str, message: object, markup: InlineKeyboardMarkup | None
) -> None:
    if markup is not None and markup.inline_keyboard and isinstance(message, Message):
        _keyboards(context)[flow] = message.message_id
    else:
        _keyboards(context).pop(flow, None)


def _forget_keyboard(context: KamContext, message_id: int) -> None:
    """The message shows no buttons any more, whichever flows had it as their screen."""
    keyboards = _keyboards(context)
    for flow in [flow for flow, shown in keyboards.items() if shown == message_id]:
        keyboards.pop(flow)


async def _strip_old_keyboard(context: KamContext, flow: str, chat_id: int, keep: int) -> None:
    """The flow's previous message loses its buttons: one live keyboard per flow."""
    old = _keyboards(context).pop(flow, None)
    if not isinstance(old, int) or old == keep:
        return
    _forget_keyboard(context, old)
    try:
        await context.bot.edit_message_reply_markup(chat_id, old, reply_markup=None)
    except BadRequest as error:  # deleted by the user, or already without buttons
        _LOG.info("could not take the buttons off message %s: %s", old, error)


async def edit_pressed_message(
    update: Update, context: KamContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Edits the message whose button was pressed, unless it already shows exactly this."""
    query = update.callback_query
    if query is None or query.message is None:
        return None
    text = shorten(text)
    if _shows(query.message, text, markup):
        return None
    if markup is None or not markup.inline_keyboard:
        _forget_keyboard(context, query.message.message_id)
    try:
        edited = await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None
        raise
    return edited if isinstance(edited, Message) else None


def _normal_html(text: str) -> str:
    """HTML as Telegram gives it back: quotes unescaped, outer blanks trimmed."""
    return text.replace("&quot;", '"').replace("&#x27;", "'").replace("&#39;", "'").strip()


def _shows(message: object, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Whether `message` (as the press saw it) already shows `text` with `markup`."""
    if not isinstance(message, Message) or message.text is None:
        return False
    shown = message.reply_markup
    if (shown.inline_keyboard if shown else ()) != (markup.inline_keyboard if markup else ()):
        return False
    return _normal_html(message.text_html) == _normal_html(text)


async def close_screen(update: Update, context: KamContext, flow: str, text: str) -> None:
    """Turns the flow's message into a plain note without buttons, and forgets it."""
    query = update.callback_query
    if query is not None and is_current_screen(update, context, flow):
        await edit_pressed_message(update, context, text)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, shorten(text))
        await _strip_old_keyboard(context, flow, update.effective_chat.id, 0)
    _keyboards(context).pop(flow, None)
    forget_screen(context, flow)


# --- one answer per press ------------------------------------------------------------------


@dataclass
class _Press:
    query_id: str
    answered: bool = False
    sending: asyncio.Task[None] | None = None


_PRESS: ContextVar[_Press | None] = ContextVar("kam_press", default=None)


@asynccontextmanager
async def answering(update: object) -> AsyncIterator[None]:
    """Around the handling of one update: a button press leaves answered exactly once.

    Inside, `answer` answers the first time and ignores any later call for the same press;
    a press that no handler answered (whatever path it took, errors included) gets an empty
    answer at the end, so that the button never spins. The answer goes out while the handler
    goes on (the user does not care whether the spinner stops or the screen changes first):
    the two calls to Telegram overlap, and the answer is awaited here at the end.
    """
    query = update.callback_query if isinstance(update, Update) else None
    if query is None or not isinstance(update, Update):
        yield
        return
    press = _Press(query.id)
    token = _PRESS.set(press)
    try:
        yield
    finally:
        _PRESS.reset(token)
        if not press.answered:
            _LOG.warning("a press (%r) was left unanswered by its handler", query.data)
            press.sending = asyncio.ensure_future(_send_answer(update, None, alert=False))
        if press.sending is not None:
            try:
                await press.sending
            except TelegramError as error:  # nothing more to do for this press
                _LOG.warning("could not answer a press: %s", error)


def _press(update: Update) -> _Press | None:
    press = _PRESS.get()
    query = update.callback_query
    if press is None or query is None or press.query_id != query.id:
        return None
    return press


def is_answered(update: Update) -> bool:
    """Whether this update's button press has been answered already."""
    press = _press(update)
    return press is not None and press.answered


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Acknowledges a button press. Only the first answer counts: a later call for the same
    press is ignored (Telegram would refuse it), so nested steps may all call it. Inside
    `answering`, the answer is sent in the background (awaited when the update is done)."""
    if update.callback_query is None:
        return
    press = _press(update)
    if press is None:
        await _send_answer(update, text, alert=alert)
        return
    if press.answered:
        if text:
            _LOG.warning("a second answer to a press is dropped: %r", text)
        return
    press.answered = True
    press.sending = asyncio.ensure_future(_send_answer(update, text, alert=alert))


async def _send_answer(update: Update, text: str | None, *, alert: bool) -> None:
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(text[:200] if text else None, show_alert=alert)
    except BadRequest as error:  # the press is too old to answer; nothing to do
        _LOG.info("could not answer a callback query: %s", error)


# --- callback data -------------------------------------------------------------------------


class StaleButton(Exception):
    """The pressed button's data is malformed, forged or about something out of range.

    Raise it from a callback handler: the error handler answers "this button is no longer
    valid" in the user's language, logs nothing, and no other handler runs.
    """


def parse_id(raw: str | None) -> int | None:
    """A database id from untrusted text: plain digits, 1 .. 2**63-1; else None."""
    return parse_number(raw, 1, MAX_ID)


def parse_number(raw: str | None, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from untrusted text (plain digits), if low <= it <= high; else None."""
    if raw is None or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def callback_id(update: Update, prefix: str, index: int = 0) -> int:
    """The id in field `index` after `prefix:` in the pressed button's data.

    Raises StaleButton when the field is missing, not a number, or out of range."""
    parts = callback_parts(update, prefix)
    value = parse_id(parts[index]) if 0 <= index < len(parts) else None
    if value is None:
        raise StaleButton(f"no id at {index} in {prefix}: {parts!r}")
    return value


def callback_page(update: Update, prefix: str, index: int) -> int:
    """A page number (0 .. MAX_PAGE) in field `index` after `prefix:`; else StaleButton."""
    parts = callback_parts(update, prefix)
    value = parse_number(parts[index], 0, MAX_PAGE) if 0 <= index < len(parts) else None
    if value is None:
        raise StaleButton(f"no page at {index} in {prefix}: {parts!r}")
    return value


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


def callback_parts(update: Update, prefix: str) -> list[str]:
    """The colon-separated fields after `prefix:` in the pressed button's data."""
    query = update.callback_query
    data = query.data if query is not None and query.data else ""
    if not data.startswith(prefix + ":"):
        return []
    return data[len(prefix) + 1 :].split(":")
