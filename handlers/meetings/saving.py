"""Save: the draft becomes a meeting (one transaction), then a one-line summary with buttons."""

from __future__ import annotations

from typing import cast

from telegram import Update

from bot.context import KamContext
from domain.meeting_draft import MeetingDraft, from_iso
from handlers.meetings import common as c
from handlers.ui import button, forget_screen, keyboard, show_screen
from storage.meetings import (
    AttachmentIn,
    AttachmentKind,
    MeetingIn,
    MeetingKind,
    NewContactIn,
    Outcome,
    SaveResult,
    TaskIn,
)


def meeting_in(context: KamContext, draft: MeetingDraft) -> MeetingIn:
    """What Save writes for this draft (a future time makes it a planned meeting)."""
    manager = context.require_manager()
    now = c.now(context)
    planned = draft.is_planned(now)
    existing = draft.editing_meeting_id or draft.source_meeting_id
    new_only = draft.editing_meeting_id is None
    notes = draft.notes_text or None
    return MeetingIn(
        author_id=manager.id,
        status="planned" if planned else "held",
        kind=cast(MeetingKind, draft.kind),
        starts_at=draft.start_time(now),
        starts_has_time=draft.starts_has_time,
        account_id=draft.account_id,
        new_account_name=None if draft.account_id is not None else draft.account_name,
        location=draft.location,
        latitude=draft.latitude,
        longitude=draft.longitude,
        agenda=notes if planned else draft.agenda,
        summary=None if planned else notes,
        outcome=None if planned else cast(Outcome | None, draft.outcome),
        outcome_reason=None if planned else draft.outcome_reason,
        remind_before_minutes=draft.remind_before_minutes if planned else None,
        contact_ids=tuple(draft.contact_ids),
        new_contacts=tuple(NewContactIn(p.name, p.position) for p in draft.new_contacts),
        team_ids=tuple(draft.team_ids),
        attachments=tuple(
            AttachmentIn(
                cast(AttachmentKind, a.kind),
                a.file_id,
                a.file_unique_id,
                a.file_name,
                a.mime_type,
                a.caption,
            )
            for a in draft.attachments
        ),
        tasks=()
        if planned or not new_only
        else tuple(
            TaskIn(step.text, from_iso(step.due_at) if step.due_at else None, step.due_has_time)
            for step in draft.next_steps
        ),
        satisfaction_due_at=None if planned or not new_only else draft.satisfaction_due(now),
        client_token=draft.token,
        existing_id=existing,
    )


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
    if not planned and draft.editing_meeting_id is None and draft.next_steps:
        extras.append(t.plural("meeting.saved_steps", len(draft.next_steps)))
    if extras:
        text += " · " + " · ".join(extras)
    rows = [
        [
            button(t("meeting.view_account"), f"acc:open:{result.account_id}"),
            button(t("meeting.view_meeting"), f"mtg:v:{result.meeting_id}"),
        ],
        [button(t("meeting.log_another"), "mtg:new")],
    ]
    await show_screen(update, context, c.FLOW, text, keyboard(rows))
    forget_screen(context, c.FLOW)
