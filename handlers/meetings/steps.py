"""What each step of the meeting flow does with a press or a message, and where it goes next
(a step's name, or `Go.REDRAW`: the same screen, with `run.note`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message

from domain import meeting_dates as dates
from domain import meeting_steps as ms
from domain.meeting_draft import (
    KINDS,
    MAX_LINE,
    MAX_NAME,
    MAX_NEXT_STEPS,
    MAX_STEP_TEXT,
    OUTCOMES,
    REMIND_CHOICES,
    SATISFACTION_CHOICES,
    DraftAttachment,
    MeetingDraft,
    NewContact,
    NextStep,
    iso,
    looks_like_a_person,
    split_name_and_position,
)
from domain.search import Candidate, is_sure_match, rank
from domain.text_input import clean
from handlers.dialog import Go, Next, Run
from handlers.meetings import common as c
from handlers.meetings.common import on_draft
from handlers.ui import clip, parse_id, parse_number

if TYPE_CHECKING:
    from bot.context import KamContext


def _typed(run: Run) -> str:
    return " ".join(run.text.split())


def _choice(run: Run) -> str:
    return ":".join(run.args)


# --- where the flow goes next -----------------------------------------------------------


def after(context: KamContext, draft: MeetingDraft, done: str) -> str:
    return ms.after(draft, done, c.now(context))


@on_draft
async def forward(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """Next, Done or Skip on a step: the step after it."""
    return after(context, draft, run.step)


@on_draft
async def back(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    declared = run.flow.step(run.step).back
    target = ms.before(draft, run.step, declared, c.now(context))
    if run.step == ms.NEXT_DUE:
        if draft.pending_step and draft.redate is None:
            # shown once more, so that going back never silently loses what was typed
            run.note = context.t("meeting.step_dropped", text=clip(draft.pending_step, 300))
        draft.pending_step, draft.redate = None, None
    return target


# --- account -----------------------------------------------------------------------------


@on_draft
async def choose_account(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    choice = _choice(run)
    if choice == "new":
        return ms.NEW_ACCOUNT
    if choice == "typed" and draft.pending_name:
        return _new_account_named(context, run, draft, draft.pending_name)
    account_id = parse_id(choice)
    account = None if account_id is None else await c.visible_account(context, account_id)
    if account is None or account.archived_at is not None:
        run.note = context.t("meeting.account_gone")
        return ms.ACCOUNT
    draft.set_account(account.id, account.name)
    draft.pending_name = None
    return after(context, draft, ms.ACCOUNT)


@on_draft
async def search_account(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    text = _typed(run)
    if not text:
        run.note = context.t("meeting.use_buttons")
    else:
        run.data["query"] = clip(text, MAX_NAME)
    return ms.ACCOUNT


@on_draft
async def type_new_account(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    name = _typed(run)
    if not name or len(name) > MAX_NAME:
        too_long = context.t("meeting.name_too_long", limit=MAX_NAME)
        run.note = too_long if name else context.t("meeting.need_text")
        return Go.REDRAW
    return _new_account_named(context, run, draft, name)


def _new_account_named(context: KamContext, run: Run, draft: MeetingDraft, name: str) -> str:
    draft.set_account(None, name)
    draft.pending_name = None
    run.note = context.t("meeting.new_client_noted", name=name)
    return after(context, draft, ms.ACCOUNT)


# --- when, kind, where -------------------------------------------------------------------


@on_draft
async def choose_when(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    picked = dates.when_choice(_choice(run), c.now(context), c.zone(context))
    if picked is None:
        return Go.REDRAW
    draft.starts_at, draft.starts_has_time = picked
    run.note = _when_note(context, draft)
    return after(context, draft, ms.WHEN)


def _when_note(context: KamContext, draft: MeetingDraft) -> str:
    """Echoes the time; says so when it changes what is saved (planned or held)."""
    note = context.t("meeting.understood", when=c.when_label(context, draft))
    if draft.mode != "planned" and draft.is_planned(c.now(context)):
        note += "\n" + context.t("meeting.becomes_planned")
    elif draft.mode == "planned" and not draft.is_planned(c.now(context)):
        # "Just now" or a time gone by while planning: the meeting is being logged
        draft.mode = "held"
        note += "\n" + context.t("meeting.becomes_held")
    return note


@on_draft
async def type_when(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    from domain.dates import parse_when

    planned = draft.mode == "planned"
    now, tz = c.now(context), c.zone(context)
    parsed = parse_when(run.text, now=now, tz=tz, prefer="future" if planned else "past")
    if parsed is None:
        key = "meeting.when_unparsed_plan" if planned else "meeting.when_unparsed"
        run.note = context.t(key, text=clip(run.text, 60))
        return Go.REDRAW
    draft.starts_at, draft.starts_has_time = iso(parsed.at), parsed.has_time
    run.note = _when_note(context, draft)
    return after(context, draft, ms.WHEN)


@on_draft
async def choose_kind(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    if _choice(run) not in KINDS:
        return Go.REDRAW
    draft.kind = _choice(run)
    return ms.REVIEW


@on_draft
async def clear_where(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    draft.location, draft.latitude, draft.longitude = None, None, None
    return ms.REVIEW


@on_draft
async def type_where(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    message = run.update.effective_message
    assert message is not None
    if message.venue is not None:
        draft.location = clip(f"{message.venue.title}, {message.venue.address}", MAX_LINE)
        draft.latitude = message.venue.location.latitude
        draft.longitude = message.venue.location.longitude
    elif message.location is not None:
        draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
        draft.location = None
    elif not _typed(run):
        run.note = context.t("meeting.need_text")
        return Go.REDRAW
    else:
        draft.location = clip(_typed(run), MAX_LINE)
    return ms.REVIEW


# --- people ------------------------------------------------------------------------------


@on_draft
async def toggle_contact(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    choice = _choice(run)
    if choice == "add":
        return ms.NEW_CONTACT
    if choice == "team":
        return ms.TEAM
    contact_id = parse_id(choice)
    if contact_id is not None and draft.account_id is not None:
        contact = await context.services.storage.contacts.get(contact_id)
        if contact is not None and contact.account_id == draft.account_id:
            draft.toggle_contact(contact.id)
    return Go.REDRAW


@on_draft
async def remove(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """✖ on a new person (people step) or a next step: it goes."""
    items: list[NewContact] | list[NextStep] = (
        draft.new_contacts if run.step == ms.CONTACTS else draft.next_steps
    )
    index = parse_number(_choice(run), 0, len(items) - 1)
    if index is not None:
        items.pop(index)
    return Go.REDRAW


@on_draft
async def type_contact(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """At the people step, a typed name marks a known person or adds a new one."""
    text = _typed(run)
    if not text:
        run.note = context.t("meeting.use_buttons")
        return ms.CONTACTS
    if run.step == ms.CONTACTS and not looks_like_a_person(text):
        # What was discussed, typed on the people screen: the marked people and the notes at
        # once, and on to the next screen.
        run.note = take_content(context, run, draft) or ""
        return after(context, draft, ms.NOTES)
    name, position = split_name_and_position(text)
    if draft.account_id is not None and run.step == ms.CONTACTS:
        known = await context.services.storage.contacts.for_account(draft.account_id)
        matches = rank(name, [Candidate(p.id, p.full_name, (p.full_name,)) for p in known], 1)
        if matches and is_sure_match(matches[0]):
            if matches[0].id not in draft.contact_ids:
                draft.contact_ids.append(matches[0].id)
            run.note = context.t("meeting.contact_marked", name=matches[0].label)
            return ms.CONTACTS
    added = draft.add_new_contact(name, position)
    run.note = (
        context.t("meeting.contact_added", name=name) if added else context.t("meeting.too_many")
    )
    return ms.CONTACTS


@on_draft
async def toggle_team(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    member_id = parse_id(_choice(run))
    if member_id is not None:
        member = await context.services.storage.managers.get(member_id)
        if member is not None and member.active:
            draft.toggle_team(member.id)
    return Go.REDRAW


# --- notes, outcome ----------------------------------------------------------------------


def attachment_of(message: Message) -> DraftAttachment | None:
    caption = clip(message.caption, 1000) if message.caption else None
    if message.voice is not None:
        v = message.voice
        return DraftAttachment("voice", v.file_id, v.file_unique_id, None, v.mime_type, caption)
    if message.audio is not None:
        a = message.audio
        return DraftAttachment("audio", a.file_id, a.file_unique_id, a.file_name, a.mime_type)
    if message.photo:
        p = message.photo[-1]
        return DraftAttachment("photo", p.file_id, p.file_unique_id, None, None, caption)
    if message.video is not None:
        v2 = message.video
        return DraftAttachment("video", v2.file_id, v2.file_unique_id, v2.file_name, None, caption)
    if message.document is not None:
        d = message.document
        return DraftAttachment(
            "document", d.file_id, d.file_unique_id, d.file_name, d.mime_type, caption
        )
    return None


def take_content(context: KamContext, run: Run, draft: MeetingDraft) -> str | None:
    """Adds a text or a file to the summary; a note for the user, or None if nothing fit."""
    message = run.update.effective_message
    if message is None:
        return None
    attachment = attachment_of(message)
    if attachment is not None:
        return context.t(
            "meeting.file_added" if draft.add_attachment(attachment) else "meeting.too_many"
        )
    text = clean(message.text or "")
    if not text.strip():
        return None
    future = draft.speaks_of_future(c.now(context))
    if not draft.add_note(text):
        return context.t("meeting.agenda_full" if future else "meeting.notes_full")
    return context.t("meeting.agenda_added" if future else "meeting.note_added")


@on_draft
async def notes_content(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    note = take_content(context, run, draft)
    run.note = note or context.t("meeting.notes_hint")
    return Go.REDRAW if note is None else after(context, draft, ms.NOTES)


@on_draft
async def more_content(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """Text or files sent at the outcome step or on the card: more of the summary."""
    run.note = take_content(context, run, draft) or context.t("meeting.use_buttons")
    return Go.REDRAW


@on_draft
async def choose_outcome(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    choice = _choice(run)
    if choice == "reason":
        return ms.REASON
    if choice == "skip":
        draft.outcome = None
    elif choice in OUTCOMES:
        draft.outcome = None if draft.outcome == choice and run.step == ms.NEXT_TEXT else choice
    else:
        return Go.REDRAW
    if run.step == ms.NEXT_TEXT:
        return Go.REDRAW
    return after(context, draft, ms.OUTCOME)


@on_draft
async def type_reason(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    if not _typed(run):
        run.note = context.t("meeting.need_text")
        return Go.REDRAW
    draft.outcome_reason = clip(_typed(run), MAX_LINE)
    if not draft.return_to_review:
        return ms.NEXT_TEXT
    return ms.REVIEW if draft.outcome else ms.OUTCOME


# --- next steps --------------------------------------------------------------------------


@on_draft
async def type_next_step(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    from domain.quick_log import next_step  # and rapidfuzz: on first use, not at start-up

    text = _typed(run)
    if not text or len(draft.next_steps) >= MAX_NEXT_STEPS:
        run.note = context.t("meeting.too_many" if text else "meeting.need_text")
        return Go.REDRAW
    if len(text) > MAX_STEP_TEXT:  # asked again, nothing cut behind their back
        run.note = context.t("meeting.step_too_long", limit=MAX_STEP_TEXT, length=len(text))
        return Go.REDRAW
    found = next_step(text, now=c.now(context), tz=c.zone(context))
    if found.due is None:
        draft.pending_step = clip(text, MAX_STEP_TEXT)
        return ms.NEXT_DUE
    # the date inside the text is its due date (with its time); the card can change it
    draft.next_steps.append(
        NextStep(clip(found.text, MAX_STEP_TEXT), iso(found.due.at), found.due.has_time)
    )
    due = c.fmt_when(context, found.due.at, found.due.has_time)
    run.note = context.t("meeting.due_read", due=due)
    return ms.REVIEW


@on_draft
async def choose_due(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    choice = _choice(run)
    if choice == "pick":
        return ms.PICK_DATE
    if choice == "notes" and draft.pending_step and draft.redate is None:
        # not a next step after all, but more of what was discussed: nothing typed is lost
        text, draft.pending_step = draft.pending_step, None
        run.note = context.t("meeting.note_added" if draft.add_note(text) else "meeting.notes_full")
        return ms.NEXT_TEXT
    valid, due = dates.picked_due(choice, c.now(context), c.zone(context))
    if not valid:
        return ms.NEXT_DUE
    return ms.dated(draft, iso(due) if due else None, False)


@on_draft
async def type_due(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    from domain.dates import parse_when

    now, tz = c.now(context), c.zone(context)
    parsed = parse_when(run.text, now=now, tz=tz, prefer="future")
    if parsed is None:
        run.note = context.t("meeting.due_unparsed", text=clip(run.text, 60))
        return Go.REDRAW
    if not dates.due_day_allowed(parsed.at.astimezone(tz).date(), now, tz):
        run.note = context.t("meeting.due_out_of_range", text=clip(run.text, 60))
        return Go.REDRAW
    return ms.dated(draft, iso(parsed.at), parsed.has_time)


# --- satisfaction, reminder, card edits --------------------------------------------------


@on_draft
async def choose_number(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """Satisfaction check days or reminder minutes: an offered choice, the default or 0."""
    choice, manager = parse_number(_choice(run)), context.require_manager()
    if run.step == ms.SATISFACTION:
        if choice in {*SATISFACTION_CHOICES, 0, manager.satisfaction_days}:
            draft.satisfaction_days = choice
    elif choice in {*REMIND_CHOICES, 0, manager.meeting_lead_minutes}:
        draft.remind_before_minutes = choice
    return ms.REVIEW


EDITS = {
    "when": ms.WHEN,
    "kind": ms.KIND,
    "where": ms.WHERE,
    "who": ms.CONTACTS,
    "notes": ms.NOTES,
    "outcome": ms.OUTCOME,
    "next": ms.NEXT_TEXT,
    "sat": ms.SATISFACTION,
    "remind": ms.REMIND,
    "account": ms.ACCOUNT,
}


@on_draft
async def edit_field(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """A field's button on the card: its step, and back to the card after it."""
    draft.return_to_review = True
    return EDITS.get(_choice(run), ms.REVIEW)


@on_draft
async def redate_step(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """📅 on the card: change one next step's due date."""
    index = parse_number(_choice(run), 0, len(draft.next_steps) - 1)
    if index is None:
        return ms.REVIEW
    draft.redate = index
    return ms.NEXT_DUE


@on_draft
async def hint(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """Anything the step does not expect: say so briefly and show the step again."""
    if run.step == ms.RESUME:
        return Go.REDRAW
    command = run.text.startswith("/")
    run.note = context.t("meeting.hint_command" if command else "meeting.use_buttons")
    return ms.current_step(draft)
