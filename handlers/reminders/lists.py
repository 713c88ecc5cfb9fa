"""The lists a reminder item is opened from, and the way back to them.

A task or an obligation opens in place of the message whose button was pressed. When that
message is a list (/tasks, /today, the morning digest, the "while I was offline" message) the
item's screens keep a button back to it, and once the item is done or snoozed the list comes
back by itself. Which list a message is comes from the message itself (the screen it was
recorded as, or the reminders delivered as it), so no callback data has to carry it.

Callback data: rem:missed (the "while I was offline" list again, in place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from handlers.reminders import today
from handlers.reminders.common import edit_pressed, formatter, refuse
from handlers.reminders.pushes import catch_up_message
from handlers.reminders.registry import Push, PushInput, render
from handlers.ui import answer, button, is_current_screen

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.reminders import Delivery

TASKS_FLOW = "tasks"
TASKS = "task:list"
TODAY = "rem:today"
CATCH_UP = "rem:missed"
_PAGE_KEY = "tasks_page"


@dataclass(frozen=True)
class Origin:
    """The list an item was opened from: its back button's label (message id) and data."""

    label: str
    data: str


def remember_page(context: KamContext, page: int) -> None:
    if context.user_data is not None:
        context.user_data[_PAGE_KEY] = page


def tasks_page(context: KamContext) -> int:
    page = context.user_data.get(_PAGE_KEY, 0) if context.user_data is not None else 0
    return page if isinstance(page, int) else 0


async def origin_of(update: Update, context: KamContext) -> Origin | None:
    """The list the pressed message shows, or showed before an item opened in its place."""
    if is_current_screen(update, context, TASKS_FLOW):
        return Origin("button.back", f"{TASKS}:{tasks_page(context)}")
    if is_current_screen(update, context, today.FLOW):
        return Origin("reminders.back_to_today", TODAY)
    sent = await _sent(update, context)
    if any(delivery.catch_up for delivery in sent):
        return Origin("button.back", CATCH_UP)
    if any(delivery.kind == "digest" for delivery in sent):
        return Origin("reminders.back_to_today", TODAY)
    return None


def back_row(context: KamContext, origin: Origin) -> list[InlineKeyboardButton]:
    return [button(context.t(origin.label), origin.data)]


async def back_rows(update: Update, context: KamContext) -> list[list[InlineKeyboardButton]]:
    """The row back to the list the pressed message shows, if it is one."""
    origin = await origin_of(update, context)
    return [] if origin is None else [back_row(context, origin)]


async def show_again(update: Update, context: KamContext, origin: Origin) -> None:
    """Today's digest or the "while I was offline" list, in place of the pressed message
    (the /tasks list is the tasks module's own)."""
    if origin.data == CATCH_UP:
        await _show_catch_up(update, context, await _catch_up_sent(update, context))
    else:
        await today.redraw(update, context)


async def _sent(update: Update, context: KamContext) -> list[Delivery]:
    """The reminders delivered as the pressed message."""
    query = update.callback_query
    if query is None or query.message is None:
        return []
    manager = context.require_manager()
    return await context.services.storage.reminders.in_message(manager.id, query.message.message_id)


async def _catch_up_sent(update: Update, context: KamContext) -> list[Delivery]:
    """What the pressed "while I was offline" message listed ([] for any other message)."""
    sent = await _sent(update, context)
    return sent if any(delivery.catch_up for delivery in sent) else []


async def _show_catch_up(update: Update, context: KamContext, sent: list[Delivery]) -> None:
    """The list again, with what is still open."""
    # listing: a check already asked, a task snoozed since, still count
    push_input = PushInput.of(
        context.require_manager(),
        context.services.storage,
        context.services.clock.now(),
        listing=True,
    )
    pushes: list[Push] = []
    for delivery in sent:
        push = await render(push_input, delivery)
        if push is not None:
            pushes.append(push)
    if not pushes:
        await edit_pressed(update, context, context.t("reminders.catchup.all_done"))
        return
    text, markup = catch_up_message(formatter(context), pushes, of=len(sent))
    await edit_pressed(update, context, text, markup)


async def back_to_catch_up(update: Update, context: KamContext) -> None:
    sent = await _catch_up_sent(update, context)
    if not sent:
        await refuse(update, context)
        return
    await answer(update)
    await _show_catch_up(update, context, sent)


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(back_to_catch_up, pattern=rf"^{CATCH_UP}$"))
