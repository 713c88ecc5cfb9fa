"""Saving a meeting: held or planned, and what it creates (follow-up tasks, a satisfaction check).

plan = plan_save(draft, author_id=manager.id, now=now)
result = await storage.meetings.save(plan, now=now)
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from domain.entities import (
    AttachmentIn,
    AttachmentKind,
    MeetingIn,
    MeetingKind,
    NewContactIn,
    Outcome,
    TaskIn,
)
from domain.meeting_draft import MeetingDraft, from_iso


def plan_save(draft: MeetingDraft, *, author_id: int, now: datetime) -> MeetingIn:
    """What Save writes for this draft: the meeting row and everything that hangs on it.

    A start in the future makes a planned meeting: its notes are the agenda, and it has no
    outcome, no follow-up tasks and no satisfaction check, but may have a reminder. A held
    meeting keeps its notes as the summary; only a new one (not an edit of a saved meeting)
    creates the next steps as tasks and schedules the satisfaction check.
    """
    planned = draft.is_planned(now)
    creates = not planned and draft.editing_meeting_id is None
    notes = draft.notes_text or None
    return MeetingIn(
        author_id=author_id,
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
        tasks=_follow_ups(draft) if creates else (),
        satisfaction_due_at=draft.satisfaction_due(now) if creates else None,
        client_token=draft.token,
        existing_id=draft.editing_meeting_id or draft.source_meeting_id,
    )


def _follow_ups(draft: MeetingDraft) -> tuple[TaskIn, ...]:
    return tuple(
        TaskIn(step.text, from_iso(step.due_at) if step.due_at else None, step.due_has_time)
        for step in draft.next_steps
    )


def check_contact(contact_ids: list[int]) -> int | None:
    """Whom the satisfaction check asks about: the first person met, if any."""
    return contact_ids[0] if contact_ids else None


def last_contact(starts_at: datetime, now: datetime) -> datetime:
    """The account's last contact after a held meeting (a future start counts as now)."""
    return min(starts_at, now)
