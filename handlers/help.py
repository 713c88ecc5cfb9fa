"""/help: what the bot does and its commands, in the manager's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.context import KamApp, KamContext
from handlers.menu import main_menu, menu_button


async def show_help(update: Update, context: KamContext) -> None:
    manager = context.require_manager()
    t = context.t
    text = t("help.text")
    if manager.can_invite:
        text += "\n\n" + t("help.leaders")
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=main_menu(t, manager))


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("help", show_help))
    application.add_handler(MessageHandler(menu_button("menu.help"), show_help))
