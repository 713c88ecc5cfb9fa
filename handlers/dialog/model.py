"""What a flow is made of: steps, the input each step takes, screens, return addresses."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import KamContext
from handlers.menu import any_menu_button

if TYPE_CHECKING:
    from handlers.dialog.flow import Run


class Go(enum.Enum):
    """Where an input callback sends the flow, besides a step's name (None: stay, no redraw)."""

    NEXT = "next"  # the current step's `next`
    BACK = "back"  # the current step's `back`
    REDRAW = "redraw"  # show the current step's screen again (with `run.note`, if any)
    END = "end"  # the flow is over; it returns to its `back_to` address, if any


Next = str | Go | None
InputCallback = Callable[[Update, KamContext, "Run"], Awaitable[Next]]


@dataclass(frozen=True)
class Screen:
    """What a step shows in the flow's one live message. Build buttons with `run.button`."""

    text: str
    rows: Sequence[Sequence[InlineKeyboardButton]] = ()
    new_message: bool = False  # send anew even when a button of the live message was pressed


Render = Callable[[Update, KamContext, "Run"], Awaitable[Screen | None]]
"""A step's screen. Returning None means the function showed something itself."""


@dataclass(frozen=True)
class Address:
    """A typed return address: enter `flow` at `step` with `params` put in its run's data.

    It is plain data (kept in user data as a dict), so a flow can hand control to another
    one and be called back later: `other.start(..., back_to=Address("meeting", "review"))`.
    """

    flow: str
    step: str
    params: Mapping[str, str | int | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "step": self.step, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, raw: object) -> Address | None:
        if not isinstance(raw, dict):
            return None
        flow, step, params = raw.get("flow"), raw.get("step"), raw.get("params") or {}
        if not isinstance(flow, str) or not isinstance(step, str) or not isinstance(params, dict):
            return None
        return cls(flow, step, params)


@dataclass(frozen=True)
class Input:
    """One kind of input a step takes, and the callback that handles it.

    Own buttons are matched by `action` (data made by `run.button`); everything else by a
    PTB handler used only for its `check_update` (its callback is never called).
    """

    callback: InputCallback
    action: str | None = None
    matcher: BaseHandler[Update, KamContext, None] | None = None

    def matches(self, update: Update, action: str | None) -> bool:
        if self.action is not None:
            return action == self.action
        if self.matcher is None:
            return False
        check = self.matcher.check_update(update)
        return check is not None and check is not False


async def _never(update: Update, context: KamContext) -> None:
    """The callback of a matcher: never called (the flow calls the Input's callback)."""


def elsewhere() -> filters.BaseFilter:
    """Messages that belong to another feature: commands and main-menu presses."""
    return filters.COMMAND | any_menu_button()


def plain_text() -> filters.BaseFilter:
    """Typed (or edited) text that is an answer: not a command, not a main-menu press."""
    return filters.TEXT & ~elsewhere()


def on_button(action: str, callback: InputCallback) -> Input:
    """A press of this flow's button made with `run.button(label, action, *args)`."""
    return Input(callback, action=action)


def on_text(callback: InputCallback, only: filters.BaseFilter | None = None) -> Input:
    """Typed text (by default not a command nor a menu press); `run.text` holds it."""
    return Input(callback, matcher=MessageHandler(only or plain_text(), _never))


def on_message(only: filters.BaseFilter, callback: InputCallback) -> Input:
    """Any message the filter accepts: media, a location, a shared contact, ..."""
    return Input(callback, matcher=MessageHandler(only, _never))


def on_command(name: str, callback: InputCallback) -> Input:
    """A command while the flow runs, e.g. `/cancel`."""
    return Input(callback, matcher=CommandHandler(name, _never))


def on_press(pattern: str, callback: InputCallback) -> Input:
    """A press of another feature's button (callback data matching `pattern`)."""
    return Input(callback, matcher=CallbackQueryHandler(_never, pattern=pattern))


@dataclass(frozen=True)
class Step:
    """A state of a flow: its screen, the input it takes, and its neighbours.

    `enter` runs first each time the step is entered (load something, or skip on by
    returning another step); then `screen` is shown. `back`/`next` name the steps that
    `Go.BACK`/`Go.NEXT` lead to.
    """

    name: str
    screen: Render | None = None
    takes: Sequence[Input] = ()
    next: str | None = None
    back: str | None = None
    enter: InputCallback | None = None
