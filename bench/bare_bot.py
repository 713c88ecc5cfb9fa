"""A bare python-telegram-bot bot for bench/pace.py: the floor kam-bot is compared with.

/start shows a two-button screen; a press answers the callback and edits the screen (the two
API calls of a kam-bot settings press). The same rate limiter as kam-bot
(bot.rate_limit.ReplyFirstRateLimiter), PTB's default one-update-at-a-time processing, no
persistence. Settings from the environment: BOT_TOKEN, BOT_API_BASE_URL, BOT_API_BASE_FILE_URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.rate_limit import ReplyFirstRateLimiter


def _screen(step: int) -> tuple[str, InlineKeyboardMarkup]:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Language", callback_data=f"go:{step + 1}")],
            [InlineKeyboardButton("Back", callback_data=f"go:{step + 2}")],
        ]
    )
    return f"<b>Settings</b>, screen {step}", markup


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    text, markup = _screen(0)
    await update.message.reply_html(text, reply_markup=markup)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    text, markup = _screen(int(query.data.split(":")[1]))
    await query.edit_message_text(text, reply_markup=markup, parse_mode="HTML")


def main() -> None:
    application = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .base_file_url(os.environ["BOT_API_BASE_FILE_URL"])
        .rate_limiter(ReplyFirstRateLimiter(max_retries=3))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling()


if __name__ == "__main__":
    main()
