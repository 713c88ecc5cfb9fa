"""Plain text typed at the main menu: a few words look a client up, a sentence logs a meeting.

"vt metal" or "Иван Петров" → search; "Met Ivan Petrov at VT-Metal today, agreed Q3 prices,
send offer by Friday" → a prefilled meeting card (nothing is saved without Save).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import KamContext
from handlers.meetings.quick_log import offer_quick_log
from handlers.profiles.find import find_and_show

SEARCH_MAX_WORDS = 3
SEARCH_MAX_CHARS = 60


def looks_like_a_search(text: str) -> bool:
    return len(text.split()) <= SEARCH_MAX_WORDS and len(text) <= SEARCH_MAX_CHARS


async def route_text(update: Update, context: KamContext) -> None:
    assert update.message is not None and update.message.text is not None
    text = update.message.text.strip()
    if looks_like_a_search(text):
        await find_and_show(update, context, text)
    else:
        await offer_quick_log(update, context, text)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature and before the fallbacks."""
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, route_text)
    )
