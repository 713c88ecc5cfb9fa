"""Short "type something" conversations that must never linger.

A prompt (the search box, a profile field's new value, the satisfaction comment) runs in its
own handler group ahead of the features. What it takes stops there (its callbacks are wrapped
in `taking`); a menu press, a command or another feature's button ends it quietly and goes on
to the feature it belongs to; and when one prompt starts, any other open prompt ends. So text
typed later is never mistaken for the answer to a prompt the manager has walked away from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import KamApp, KamContext
from handlers.menu import any_menu_button

_REGISTRY_KEY = "prompts"
# Each prompt gets its own group (so that every one of them sees each update), all of them
# before the features' default group 0 and after the access gate.
FIRST_GROUP = -20


class PromptConversation(ConversationHandler[KamContext]):
    """A ConversationHandler that ends every other open prompt of the user when it acts."""

    async def handle_update(
        self,
        update: Update,
        application: KamApp,
        check_result: Any,
        context: KamContext,
    ) -> object:
        for other in application.bot_data.get(_REGISTRY_KEY, ()):
            if other is not self:
                other.end_for(update)
        return await super().handle_update(update, application, check_result, context)

    def end_for(self, update: Update) -> None:
        # PTB has no public way to end a conversation from outside (checked on 22.8).
        self._update_state(self.END, self._get_key(update))


def register(application: KamApp, prompt: PromptConversation) -> None:
    prompts: list[PromptConversation] = application.bot_data.setdefault(_REGISTRY_KEY, [])
    application.add_handler(prompt, group=FIRST_GROUP + len(prompts))
    prompts.append(prompt)


def stop(state: object) -> ApplicationHandlerStop:
    """Raise it from a prompt's callback: the new state, and no other handler runs."""
    return ApplicationHandlerStop(state)


def taking(
    callback: Callable[[Update, KamContext], Awaitable[object]],
) -> Callable[[Update, KamContext], Coroutine[Any, Any, None]]:
    """Wraps a prompt's callback so that what it handles goes no further (the state it
    returns becomes the conversation's new state)."""

    async def run(update: Update, context: KamContext) -> None:
        raise stop(await callback(update, context))

    return run


def elsewhere() -> filters.BaseFilter:
    """Messages that belong to another feature: commands and main-menu presses."""
    return filters.COMMAND | any_menu_button()


async def leave(update: Update, context: KamContext) -> int:
    """The manager went elsewhere: end the prompt and let that feature answer."""
    return ConversationHandler.END


def leave_handlers() -> list[BaseHandler[Update, KamContext, object]]:
    """Fallbacks that end a prompt on a menu press, a command or another button."""
    return [MessageHandler(elsewhere(), leave), CallbackQueryHandler(leave)]
