"""The meeting flow's steps: their names (persisted in the draft and the run) and the order
they come in (Next, Back, after an edit on the card)."""

from __future__ import annotations

from datetime import datetime

from domain.meeting_draft import MeetingDraft, NextStep

FRESH, FROM_PLANNED, EDIT, QUICK = "fresh", "from_planned", "edit", "quick"  # make a draft
RESUME, CONFIRM_CANCEL = "resume", "confirm_cancel"  # questions about the draft
ACCOUNT, NEW_ACCOUNT, WHEN, KIND, WHERE = "account", "new_account", "when", "kind", "where"
CONTACTS, NEW_CONTACT, TEAM, NOTES = "contacts", "new_contact", "team", "notes"
OUTCOME, REASON, NEXT_TEXT = "outcome", "reason", "next_text"
NEXT_DUE, PICK_DATE = "next_due", "pick_date"
SATISFACTION, REMIND, REVIEW = "satisfaction", "remind", "review"

DRAFT_STEPS = {
    *(ACCOUNT, NEW_ACCOUNT, WHEN, KIND, WHERE, CONTACTS, NEW_CONTACT, TEAM, NOTES),
    *(OUTCOME, REASON, NEXT_TEXT, NEXT_DUE, PICK_DATE, SATISFACTION, REMIND, REVIEW),
}
"""The steps a draft can be continued at (not the questions about it)."""


def current_step(draft: MeetingDraft) -> str:
    """The step to continue the draft at."""
    if draft.step in DRAFT_STEPS:
        return draft.step
    return REVIEW if draft.return_to_review else ACCOUNT


def _planning(draft: MeetingDraft) -> bool:
    return draft.mode == "planned" and draft.editing_meeting_id is None


def after(draft: MeetingDraft, done: str, now: datetime) -> str:
    """The next step after `done`: the thumb order, or back to the card when editing."""
    if done == ACCOUNT:
        if _planning(draft) and draft.starts_at is None and not draft.return_to_review:
            return WHEN
        return CONTACTS
    if draft.return_to_review:
        return REVIEW
    if done == WHEN:
        return CONTACTS
    if done == CONTACTS:
        return NOTES
    if done == NOTES and not (draft.speaks_of_future(now) or _planning(draft)):
        return NEXT_TEXT  # how it went and the next step share one screen
    if done == OUTCOME:
        return NEXT_TEXT
    return REVIEW


def before(draft: MeetingDraft, current: str, declared: str | None, now: datetime) -> str:
    """Where Back goes from `current`: its `declared` back step, the card when editing, else
    the order. Back from the card leaves the card's editing mode."""
    if current == REASON and not draft.return_to_review:
        return NEXT_TEXT
    if current == NEXT_DUE and draft.redate is not None:
        return REVIEW
    if declared is not None:
        return declared
    if draft.return_to_review and current != REVIEW:
        return REVIEW
    order = [ACCOUNT, CONTACTS, NOTES, NEXT_TEXT, REVIEW]
    if _planning(draft):
        order = [ACCOUNT, WHEN, CONTACTS, NOTES, REVIEW]
    elif draft.is_planned(now):
        order = [ACCOUNT, CONTACTS, NOTES, REVIEW]
    index = order.index(current) if current in order else len(order) - 1
    if current == REVIEW:
        draft.return_to_review = False
    return order[max(index - 1, 0)]


def dated(draft: MeetingDraft, due: str | None, has_time: bool) -> str:
    """A due date chosen: the step being re-dated on the card gets it, else the typed step
    waiting for it is added. Where to go: the card, or the next step's text if none waits."""
    if draft.redate is not None:
        index, draft.redate = draft.redate, None
        if index < len(draft.next_steps):
            draft.next_steps[index].due_at, draft.next_steps[index].due_has_time = due, has_time
        return REVIEW
    if not draft.pending_step:
        return NEXT_TEXT
    draft.next_steps.append(NextStep(draft.pending_step, due, has_time))
    draft.pending_step = None
    return REVIEW
