"""Who may use the bot: registered, active managers, in private chats only.

The gate runs before every other handler. Strangers get one answer saying the bot is private;
nothing else answers them. Each refusal of a stranger or a deactivated manager is written to
the audit log (entity ``telegram_user`` with the Telegram id, or ``manager``; action ``use``).
`/start` from a stranger passes, so that an invite code or an id in ADMIN_IDS can register
them (not `/start@other_bot`: a command addressed to another bot is never run; a manager is
told that the command is unknown).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import KamApp, KamContext
from bot.update_log import refused
from handlers.ui import answer
from storage.audit import Denial
from storage.managers import Manager

_LOG = logging.getLogger(__name__)
GATE_GROUP = -100
SEEN_EVERY = timedelta(minutes=1)
"""How often at most a manager's last activity (managers.last_seen_at, shown by /team) is
written: one cheap UPDATE a minute per manager, not one per update."""


def _command(update: Update, bot_username: str) -> tuple[str, bool] | None:
    """The command a new message starts with, and whether it is addressed to this bot
    (``/start`` and ``/start@this_bot`` are; ``/start@other_bot`` is not)."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    name, at, addressee = message.text.split()[0].partition("@")
    return name, not at or addressee.casefold() == bot_username.casefold()


async def gate(update: Update, context: KamContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if update.inline_query is not None:
        context.manager = await context.services.storage.managers.by_telegram_id(user.id)
        if context.manager is None or not context.manager.active:
            refused()
            _deny(context, user.id)
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop
        return
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _refuse(update, context, context.t("access.private_chats_only"), loud=False)
        raise ApplicationHandlerStop
    manager = await context.services.storage.managers.by_telegram_id(user.id)
    if manager is not None and manager.active:
        if manager.blocked_at is not None:  # they are back: held reminders go out again
            await context.services.storage.managers.set_blocked(
                manager.id, None, now=context.services.clock.now()
            )
            manager = replace(manager, blocked_at=None)
        await _seen(context, manager)
        context.manager = manager
        command = _command(update, context.bot.username)
        if command is not None and not command[1]:
            # not ours to run; every command addressed elsewhere gets the same answer
            await _refuse(update, context, context.t("error.unknown_command"), loud=True)
            raise ApplicationHandlerStop
        return
    if manager is not None:
        context.manager = manager  # for the language only
        _deny(context, user.id)
        await _refuse(update, context, context.t("access.deactivated"), loud=True)
        context.manager = None
        raise ApplicationHandlerStop
    if _command(update, context.bot.username) == ("/start", True):
        return
    _LOG.debug("refused user %s", user.id)  # INFO has the update's line, without who it was
    _deny(context, user.id)
    await _refuse(update, context, context.t("access.private"), loud=True)
    raise ApplicationHandlerStop


async def _seen(context: KamContext, manager: Manager) -> None:
    now = context.services.clock.now()
    if manager.last_seen_at is None or now - manager.last_seen_at >= SEEN_EVERY:
        await context.services.storage.managers.seen(manager.id, now)


def _deny(context: KamContext, telegram_id: int) -> None:
    """Notes the refusal of a stranger (no manager) or of a deactivated manager for the audit
    log (written after the update, with the other denials)."""
    manager = context.manager
    context.services.denials.append(
        Denial(
            at=context.services.clock.now(),
            actor_id=None if manager is None else manager.id,
            entity="telegram_user" if manager is None else "manager",
            entity_id=telegram_id if manager is None else manager.id,
            action="use",
            reason="stranger" if manager is None else "inactive",
        )
    )


async def _refuse(update: Update, context: KamContext, text: str, *, loud: bool) -> None:
    refused()
    if update.callback_query is not None:
        await answer(update, text, alert=True)
        return
    message = update.effective_message
    if message is None or update.edited_message is not None:
        return
    is_command = bool(message.text and message.text.startswith("/"))
    if loud or is_command:
        await message.reply_text(text)


def register(application: KamApp) -> None:
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
