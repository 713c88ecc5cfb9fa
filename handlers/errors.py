"""The global error handler: log with the update id, tell the user their input is kept."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import KamContext
from handlers.ui import answer

_LOG = logging.getLogger(__name__)


async def on_error(update: object, context: KamContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    _LOG.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    text = context.t("error.internal")
    try:
        if update.callback_query is not None:
            await answer(update, text, alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        _LOG.exception("could not tell the user about the error in update %s", update_id)
