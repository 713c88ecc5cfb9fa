"""Who may use the bot: registered, active managers, in private chats only.

The gate runs before every other handler. Strangers get one answer saying the bot is private;
nothing else answers them. `/start` from a stranger passes, so that an invite code or an id
in ADMIN_IDS can register them.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import KamContext
from handlers.ui import answer

_LOG = logging.getLogger(__name__)
GATE_GROUP = -100


def _is_start_command(update: Update) -> bool:
    message = update.message
    return bool(message and message.text and message.text.split()[0].split("@")[0] == "/start")


async def gate(update: Update, context: KamContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if update.inline_query is not None:
        context.manager = await context.services.storage.managers.by_telegram_id(user.id)
        if context.manager is None or not context.manager.active:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop
        return
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _refuse(update, context, context.t("access.private_chats_only"), loud=False)
        raise ApplicationHandlerStop
    manager = await context.services.storage.managers.by_telegram_id(user.id)
    if manager is not None and manager.active:
        if manager.blocked_at is not None:  # they are back: held reminders go out again
            await context.services.storage.managers.set_blocked(manager.id, None)
            manager = replace(manager, blocked_at=None)
        context.manager = manager
        return
    if manager is not None:
        context.manager = manager  # for the language only
        await _refuse(update, context, context.t("access.deactivated"), loud=True)
        context.manager = None
        raise ApplicationHandlerStop
    if _is_start_command(update):
        return
    _LOG.info("refused user %s", user.id)
    await _refuse(update, context, context.t("access.private"), loud=True)
    raise ApplicationHandlerStop


async def _refuse(update: Update, context: KamContext, text: str, *, loud: bool) -> None:
    if update.callback_query is not None:
        await answer(update, text, alert=True)
        return
    message = update.effective_message
    if message is None or update.edited_message is not None:
        return
    is_command = bool(message.text and message.text.startswith("/"))
    if loud or is_command:
        await message.reply_text(text)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
