"""A planned meeting into the phone's calendar (`mtg:ics:<id>`): an .ics file sent as a
document, built by domain.calendar_file in the manager's zone and language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from handlers.contact_names import contact_name
from handlers.meetings import common as c
from handlers.ui import answer, button, clip

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from bot.i18n import Translator
    from domain.calendar_file import CalendarMeeting
    from storage.meetings import Meeting

PREFIX = "mtg:ics"


def calendar_meeting(context: KamContext, meeting: Meeting) -> CalendarMeeting:
    """What the calendar shows: client and kind, the place, the agenda and the people, an alarm
    at the meeting's own lead (else the manager's). Plain text: nothing is escaped."""
    from domain.calendar_file import CalendarMeeting

    t, manager = context.t, context.require_manager()
    people = [
        contact_name(t, p.name) + (f" ({p.position})" if p.position else "")
        for p in meeting.contacts
    ]
    details = [
        (t("meeting.ics_agenda"), meeting.agenda or ""),
        (t("meeting.ics_people"), ", ".join(people)),
        (t("meeting.ics_ours"), ", ".join(p.name for p in meeting.team)),
    ]
    geo = None
    if meeting.latitude is not None and meeting.longitude is not None:
        geo = (meeting.latitude, meeting.longitude)
    remind = meeting.remind_before_minutes
    return CalendarMeeting(
        meeting_id=meeting.id,
        client=meeting.account_name,
        kind=t(c.KIND_LABELS[meeting.kind]),
        starts_at=meeting.starts_at,
        has_time=meeting.starts_has_time,
        zone=manager.timezone,
        location=meeting.location,
        geo=geo,
        details=details,
        alarm_minutes=manager.meeting_lead_minutes if remind is None else remind,
        revision=int((meeting.updated_at - meeting.created_at).total_seconds()),
    )


def calendar_button(t: Translator, meeting_id: int) -> InlineKeyboardButton:
    return button(t("meeting.ics_button"), f"{PREFIX}:{meeting_id}")


def calendar_row(context: KamContext, meeting: Meeting) -> list[InlineKeyboardButton]:
    """The "Add to calendar" row of a meeting's screen: for a planned one not yet over."""
    from domain.calendar_file import is_past

    if meeting.status != "planned" or is_past(calendar_meeting(context, meeting), c.now(context)):
        return []
    return [calendar_button(context.t, meeting.id)]


async def send_calendar_file(update: Update, context: KamContext) -> None:
    """mtg:ics:<id>: the .ics of an upcoming planned meeting the manager may see."""
    from domain.calendar_file import build_ics, file_name, is_past

    meeting = await c.meeting_from(update, context, PREFIX, with_deleted=True)
    if meeting is None:
        return
    t = context.t
    if meeting.deleted_at is not None:
        await answer(update, t("meeting.ics_deleted"), alert=True)
        return
    event = calendar_meeting(context, meeting)
    now = c.now(context)
    if meeting.status != "planned" or is_past(event, now):
        await answer(update, t("meeting.ics_past"), alert=True)
        return
    await answer(update)
    host = f"{context.bot.username}.t.me".lower()
    chat = update.effective_chat
    assert chat is not None
    when = c.fmt_when(context, meeting.starts_at, meeting.starts_has_time)
    await context.bot.send_document(
        chat.id,
        document=build_ics(event, host=host, now=now),
        filename=file_name(event),
        caption=t("meeting.ics_caption", client=clip(meeting.account_name, 60), when=when),
    )


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(send_calendar_file, pattern=r"^mtg:ics:\d+$"))
