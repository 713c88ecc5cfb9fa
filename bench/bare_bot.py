"""A bare python-telegram-bot bot for bench/pace.py: the floor kam-bot is compared with.

/start shows a screen; a press answers the callback and edits the message to the other screen
(the two API calls of a kam-bot settings press). With BARE_SCREENS (JSON: two [text,
reply_markup] pairs, as bench/pace.py passes kam-bot's own settings and language screens) it
sends the same text and buttons as kam-bot, so that both bots make the same API calls with the
same payloads; without it, a two-button screen. The same rate limiter as kam-bot
(bot.rate_limit.ReplyFirstRateLimiter), PTB's default one-update-at-a-time processing, no
persistence. Settings from the environment: BOT_TOKEN, BOT_API_BASE_URL, BOT_API_BASE_FILE_URL,
BARE_SCREENS.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.rate_limit import ReplyFirstRateLimiter

Screen = tuple[str, InlineKeyboardMarkup]


def _two_buttons(text: str, prefix: str) -> tuple[str, dict[str, Any]]:
    rows = [
        [{"text": label, "callback_data": f"{prefix}:{label}"}] for label in ("Language", "Back")
    ]
    return text, {"inline_keyboard": rows}


def _screens() -> list[Screen]:
    """The two screens: [0] is shown after a press on [1]'s buttons, [1] after any other."""
    given = os.environ.get("BARE_SCREENS")
    pairs = (
        json.loads(given)
        if given
        else [
            _two_buttons("<b>Settings</b>, the other screen", "other"),
            _two_buttons("<b>Settings</b>", "settings"),
        ]
    )
    return [(str(text), InlineKeyboardMarkup.de_json(markup)) for text, markup in pairs]


SCREENS = _screens()
_ON_SECOND = {button.callback_data for row in SCREENS[1][1].inline_keyboard for button in row}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    text, markup = SCREENS[1]
    await update.message.reply_html(text, reply_markup=markup)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    text, markup = SCREENS[0 if query.data in _ON_SECOND else 1]
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
