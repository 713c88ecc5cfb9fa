"""The global error handler: log with the update id, tell the user their input is kept.

A `StaleButton` (forged or malformed button data) is no error: the press is answered
"this button is no longer valid" and nothing is logged. After an error no other handler
runs for the update (a later group would answer it a second time).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import KamContext
from handlers.ui import StaleButton, answer, is_answered

_LOG = logging.getLogger(__name__)


async def on_error(update: object, context: KamContext) -> None:
    if not isinstance(update, Update):
        _LOG.error("error outside of an update", exc_info=context.error)
        return
    await _speak_their_language(update, context)
    if isinstance(context.error, StaleButton):
        _LOG.debug("refused button data: %s", context.error)
        await answer(update, context.t("error.invalid_button"))
        raise ApplicationHandlerStop
    _LOG.error("error while handling update %s", update.update_id, exc_info=context.error)
    if not isinstance(context.error, Forbidden):
        await _tell(update, context)
    raise ApplicationHandlerStop


async def _tell(update: Update, context: KamContext) -> None:
    text = context.t("error.internal")
    chat = update.effective_chat
    try:
        if update.callback_query is not None and not is_answered(update):
            await answer(update, text, alert=True)
        elif chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, text)
    except TelegramError:
        _LOG.exception("could not tell the user about the error in update %s", update.update_id)


async def _speak_their_language(update: Update, context: KamContext) -> None:
    """The error handler gets a fresh context: find the manager again for their language."""
    user = update.effective_user
    if context.manager is not None or user is None:
        return
    try:
        context.manager = await context.services.storage.managers.by_telegram_id(user.id)
    except Exception:  # the database may be what failed; Telegram's language will do
        _LOG.debug("no manager for the error message", exc_info=True)
