"""A bridge for flows still written as ConversationHandler-style declarations (profile edit).

Prompts are dialog flows now (handlers.dialog: `prompt(...)`, `Flow(prompt=True)`).
`conversation_prompt` turns entry points / states / fallbacks of PTB handlers whose callbacks
return the next state (or raise it with `stop`, or are wrapped in `taking`) into such a flow:
each state becomes a step without a screen (the callbacks show their own), fallbacks before
`leave_handlers()` are taken at every step, those after answer what nothing else took.
Delete this module once handlers/profiles/edit.py declares its steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, cast

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import KamApp, KamContext
from handlers import dialog
from handlers.dialog import Flow, Go, Input, Next, Run, Step, elsewhere

__all__ = ["conversation_prompt", "elsewhere", "leave_handlers", "register", "stop", "taking"]
Handler = BaseHandler[Update, KamContext, Any]


def register(application: KamApp, prompt: Flow) -> None:
    dialog.register(application, prompt)


def stop(state: object) -> ApplicationHandlerStop:
    """Raise it from a prompt's callback: the new state, and no other handler runs."""
    return ApplicationHandlerStop(state)


def taking(
    callback: Callable[[Update, KamContext], Awaitable[object]],
) -> Callable[[Update, KamContext], Coroutine[Any, Any, None]]:
    """Wraps a callback so that the state it returns is raised (as `stop` does)."""

    async def run(update: Update, context: KamContext) -> None:
        raise stop(await callback(update, context))

    return run


async def leave(update: Update, context: KamContext) -> int:
    """Marks where a prompt leaves (the dialog layer does the leaving itself)."""
    return ConversationHandler.END


def leave_handlers() -> list[Handler]:
    """Fallbacks that end a prompt on a menu press, a command or another button."""
    return [MessageHandler(elsewhere(), leave), CallbackQueryHandler(leave)]


async def _outcome(result: Awaitable[object]) -> object:
    try:
        return await result
    except ApplicationHandlerStop as raised:
        return raised.state


def _next(state: object) -> Next:
    if state is None:
        return None
    return Go.END if state == ConversationHandler.END else str(state)


def _taken(handler: Handler) -> Input:
    async def take(update: Update, context: KamContext, run: Run) -> Next:
        check = handler.check_update(update)
        application = cast("KamApp", context.application)
        handled = handler.handle_update(update, application, check, context)
        return _next(await _outcome(handled))

    return Input(take, matcher=handler)


def _entry(handler: Handler, flow: Callable[[], Flow]) -> Handler:
    original = handler.callback

    async def enter(update: Update, context: KamContext) -> None:
        where = _next(await _outcome(original(update, context)))
        if where is Go.END:
            flow().end(context)
        elif isinstance(where, str):
            await flow().start(update, context, where)

    handler.callback = enter
    return handler


def conversation_prompt(
    *,
    entry_points: Sequence[Handler],
    states: Mapping[str, Sequence[Handler]],
    fallbacks: Sequence[Handler],
    name: str,
    **_ignored: object,
) -> Flow:
    """A prompt flow from a ConversationHandler-style declaration (see the module doc)."""
    cut = next((i for i, h in enumerate(fallbacks) if h.callback is leave), len(fallbacks))
    built: list[Flow] = []
    built.append(
        Flow(
            name,
            name.replace("_", ""),
            steps=[Step(state, takes=[_taken(h) for h in hs]) for state, hs in states.items()],
            entries=[_entry(h, lambda: built[0]) for h in entry_points],
            common=[_taken(h) for h in fallbacks[:cut]],
            otherwise=[_taken(h) for h in fallbacks[cut:] if h.callback is not leave],
            prompt=True,
        )
    )
    return built[0]
