"""Short "type something" conversations that must never linger.

A prompt (the search box, the satisfaction comment) runs in its own handler group before the
features. What it takes stops there (`raise stop(state)`); a menu press, a command or another
button ends it quietly and goes on to the feature it belongs to, so text typed later is never
mistaken for the answer to a prompt the manager has walked away from.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import KamContext
from handlers.menu import any_menu_button

PROMPT_GROUP = -1


def stop(state: object) -> ApplicationHandlerStop:
    """Raise it from a prompt's callback: the new state, and no other handler runs."""
    return ApplicationHandlerStop(state)


def elsewhere() -> filters.BaseFilter:
    """Messages that belong to another feature: commands and main-menu presses."""
    return filters.COMMAND | any_menu_button()


async def leave(update: Update, context: KamContext) -> int:
    """The manager went elsewhere: end the prompt and let that feature answer."""
    return ConversationHandler.END


def leave_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Fallbacks that end a prompt on a menu press, a command or another button."""
    return [MessageHandler(elsewhere(), leave), CallbackQueryHandler(leave)]
