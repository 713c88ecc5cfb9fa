"""Shared pieces of the reminder screens: local time formatting, editing the pressed message."""

from __future__ import annotations

import html
import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.i18n import Translator, translator
from domain.formatting import Formats
from domain.profile import is_overdue
from domain.reminders import zone_of
from handlers.ui import answer, clip, edit_pressed_message, shorten

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.managers import Manager

_LOG = logging.getLogger(__name__)


def esc(value: str | None, limit: int = 120) -> str:
    """User text for a one-line display inside pre-built HTML."""
    return html.escape(clip(value or "", limit), quote=False)


class Formatter(Formats):
    """The formatting service for one manager, with the relative forms reminders use."""

    def __init__(self, manager: Manager) -> None:
        super().__init__(manager.language, zone_of(manager))
        self.manager = manager
        self.t: Translator = translator(manager.language)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def day(self, day: date | datetime, *, weekday: bool = True) -> str:
        """'Thu 26 Nov' / '11月26日周四' / 'чт, 26 нояб.' (a date as it is, a moment locally)."""
        return self.weekday_date(day) if weekday else self.day_month(day)

    def moment(self, moment: datetime, *, now: datetime | None = None) -> str:
        """'14:00' today, 'tomorrow 14:00', or 'Fri 27 Nov, 14:00'."""
        local = self.local(moment)
        if now is not None:
            today = self.today(now)
            if local.date() == today:
                return self.time(moment)
            if (local.date() - today).days == 1:
                return self.t("reminders.tomorrow_at", time=self.time(moment))
        return self.datetime(moment, weekday=True)

    def task_due(self, due_at: datetime, has_time: bool, now: datetime) -> str:
        if has_time:
            return self.moment(due_at, now=now)
        day = self.local(due_at).date()
        today = self.today(now)
        if day == today:
            return self.t("reminders.today")
        if (day - today).days == 1:
            return self.t("reminders.tomorrow")
        return self.day(day)

    def is_overdue(self, due_at: datetime, has_time: bool, now: datetime) -> bool:
        """Past its moment, or (a date only) past its local day."""
        return is_overdue(due_at, has_time, now, self.tz)


def formatter(context: KamContext) -> Formatter:
    return Formatter(context.require_manager())


async def edit_pressed(
    update: Update, context: KamContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replaces the message whose button was pressed (a reminder is its own screen);
    sends a new message when there is none to edit."""
    query = update.callback_query
    text = shorten(text)
    if query is not None and query.message is not None:
        try:
            await edit_pressed_message(update, context, text, markup)  # skipped if unchanged
            return
        except BadRequest as error:
            _LOG.info("could not edit a reminder message: %s", error)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, reply_markup=markup)


async def refuse(update: Update, context: KamContext, key: str = "error.stale_button") -> None:
    """Answers a press that cannot act (forged, foreign, or about something gone)."""
    await answer(update, context.t(key), alert=key != "error.stale_button")
