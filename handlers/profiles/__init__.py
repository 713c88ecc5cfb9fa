"""Key account profiles: the card and its sections, creating, editing, finding, exporting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, InlineQueryHandler

from bot.context import KamApp, KamContext
from handlers import dialog
from handlers.profiles import brief, card, edit, erase, export, find, inline, new_client, sections
from handlers.ui import answer


async def dispatch_account_press(update: Update, context: KamContext) -> None:
    """Routes an `acc:` press (open, section, brief, export, close)."""
    data = update.callback_query.data if update.callback_query else ""
    action = (data or "").split(":")[1] if (data or "").count(":") >= 1 else ""
    handler = {
        "open": card.on_open,
        "sec": sections.on_section,
        "brief": brief.on_brief,
        "export": export.on_export,
        "close": card.on_close,
    }.get(action)
    if handler is None:
        await answer(update, context.t("error.stale_button"))
        return
    await handler(update, context)


def register(application: KamApp) -> None:
    dialog.register(application, new_client.NEW_CLIENT)
    dialog.register(application, edit.EDIT)
    dialog.register(application, erase.ERASE)
    dialog.register(application, find.SEARCH_BOX)
    application.add_handler(CallbackQueryHandler(dispatch_account_press, pattern=r"^acc:"))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
