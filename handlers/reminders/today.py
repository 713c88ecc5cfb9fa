"""`/today` and "📋 Today": the digest on demand (`rem:today` shows it again in place)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import KamApp, KamContext
from handlers.menu import menu_button
from handlers.reminders.common import edit_pressed, formatter
from handlers.ui import answer, show_screen

FLOW = "today"


async def today(update: Update, context: KamContext) -> None:
    text, markup = await _screen(context)
    await show_screen(update, context, FLOW, text, markup, new_message=True)


async def today_again(update: Update, context: KamContext) -> None:
    await answer(update)
    await redraw(update, context)


async def redraw(update: Update, context: KamContext) -> None:
    """Today's digest in place of the pressed message."""
    text, markup = await _screen(context)
    await edit_pressed(update, context, text, markup)


async def _screen(context: KamContext) -> tuple[str, InlineKeyboardMarkup | None]:
    from handlers.reminders.digest_view import (  # the digest's code on its first use
        load_digest,
        render_digest,
    )

    now = context.services.clock.now()
    digest = await load_digest(context.services.storage, context.require_manager(), now)
    return render_digest(digest, formatter(context), now, on_demand=True)


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("today", today))
    application.add_handler(MessageHandler(menu_button("menu.today"), today))
    application.add_handler(CallbackQueryHandler(today_again, pattern=r"^rem:today$"))
