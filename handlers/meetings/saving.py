"""Save: the draft becomes a meeting (one transaction), then a one-line summary with buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update

from domain.usecases.meetings import plan_save
from handlers.meetings import common as c
from handlers.meetings.calendar import calendar_button
from handlers.ui import button, forget_screen, keyboard, show_screen

if TYPE_CHECKING:
    from bot.context import KamContext
    from domain.entities import MeetingIn
    from domain.meeting_draft import MeetingDraft
    from storage.meetings import SaveResult


def meeting_in(context: KamContext, draft: MeetingDraft) -> MeetingIn:
    """What Save writes for this draft (the rules: domain.usecases.meetings)."""
    return plan_save(draft, author_id=context.require_manager().id, now=c.now(context))


async def save_draft(context: KamContext, draft: MeetingDraft) -> SaveResult:
    return await context.services.storage.meetings.save(
        meeting_in(context, draft), now=c.now(context)
    )


async def show_saved(
    update: Update, context: KamContext, draft: MeetingDraft, result: SaveResult
) -> None:
    """Turns the card into a one-line summary with View account / Log another."""
    t = context.t
    now = c.now(context)
    planned = draft.is_planned(now)
    key = "meeting.saved_planned" if planned else "meeting.saved_held"
    if draft.editing_meeting_id is not None:
        key = "meeting.saved_edit"
    text = t(
        key,
        kind=t(c.KIND_LABELS[draft.kind]),
        account=draft.account_name or "—",
        when=c.fmt_when(context, draft.start_time(now), draft.starts_has_time),
    )
    extras = []
    people = draft.attendee_count()
    if people:
        extras.append(t.plural("meeting.saved_people", people))
    follow_ups = len(meeting_in(context, draft).tasks)  # the tasks this save created
    if follow_ups:
        extras.append(t.plural("meeting.saved_steps", follow_ups))
    if extras:
        text += " · " + " · ".join(extras)
    rows = [
        [
            button(t("meeting.view_account"), f"acc:open:{result.account_id}"),
            button(t("meeting.view_meeting"), f"mtg:v:{result.meeting_id}"),
        ],
        [button(t("meeting.log_another"), "mtg:new")],
    ]
    if planned:
        rows.insert(1, [calendar_button(t, result.meeting_id)])
    await show_screen(update, context, c.FLOW, text, keyboard(rows))
    forget_screen(context, c.FLOW)
