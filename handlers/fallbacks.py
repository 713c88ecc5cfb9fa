"""What answers when nothing else did: stale buttons, stray text, unknown commands.

An edited message is no new input: it is ignored everywhere, right after the access gate.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import KamApp, KamContext
from handlers.menu import main_menu
from handlers.ui import answer

EDITS_GROUP = -99
"""After the access gate (-100), before every prompt and feature."""


async def ignore_edit(update: Update, context: KamContext) -> None:
    """Editing an earlier message changes nothing: the flows take new messages only."""
    raise ApplicationHandlerStop


async def stale_button(update: Update, context: KamContext) -> None:
    await answer(update, context.t("error.stale_button"))


async def _reply_with_menu(update: Update, context: KamContext, key: str) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t(key), reply_markup=main_menu(context.t, context.require_manager())
    )


async def nothing_to_cancel(update: Update, context: KamContext) -> None:
    await _reply_with_menu(update, context, "cancel.nothing")


async def unknown_command(update: Update, context: KamContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t("error.unknown_command"))


async def not_understood(update: Update, context: KamContext) -> None:
    await _reply_with_menu(update, context, "error.not_understood")


def register(application: KamApp) -> None:
    """Registered last in the default group, so that every feature comes first."""
    application.add_handler(CommandHandler("cancel", nothing_to_cancel))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, not_understood)
    )
    application.add_handler(CallbackQueryHandler(stale_button))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, ignore_edit), EDITS_GROUP)
