"""What each step does with a press or a message, and where the flow goes next."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot.context import KamContext
from domain import meeting_dates as dates
from domain.dates import ParsedWhen, day_bounds, parse_when
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
    NextStep,
    iso,
    looks_like_a_person,
    split_name_and_position,
)
from domain.quick_log import next_step
from domain.search import Candidate, is_sure_match, rank
from handlers.meetings import common as c
from handlers.meetings import screens as s
from handlers.ui import answer, callback_parts, clip, is_current_screen, parse_id

_LOG = logging.getLogger(__name__)
StepResult = str | int | None
Step = Callable[[Update, KamContext, MeetingDraft], Awaitable[StepResult]]


def step(func: Step) -> Callable[[Update, KamContext], Coroutine[Any, Any, StepResult]]:
    """Loads the draft, refuses presses on old cards, answers the press, touches the draft."""

    @functools.wraps(func)
    async def run(update: Update, context: KamContext) -> StepResult:
        draft = c.get_draft(context)
        if update.callback_query is not None:
            if draft is None or not is_current_screen(update, context, c.FLOW):
                await answer(update, context.t("error.stale_button"))
                return None
            await answer(update)
        elif draft is None:
            assert update.effective_message is not None
            await update.effective_message.reply_text(context.t("meeting.draft_lost"))
            return ConversationHandler.END
        draft.touch(c.now(context))
        if context.user_data is not None:
            context.user_data.pop("meeting_confirming", None)
        return await func(update, context, draft)

    return run


def _data(update: Update, prefix: str) -> str:
    parts = callback_parts(update, prefix)
    return ":".join(parts)


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message is not None else ""


# --- where the flow goes next -----------------------------------------------------------


async def advance(
    update: Update, context: KamContext, draft: MeetingDraft, done: str, note: str = ""
) -> str:
    """The next screen after ``done``: the thumb order, or back to the card when editing."""
    planned = draft.mode == "planned" and draft.editing_meeting_id is None
    if draft.return_to_review and done not in (c.ACCOUNT, c.NEW_ACCOUNT):
        return await s.show_review(update, context, draft, note)
    if done in (c.ACCOUNT, c.NEW_ACCOUNT):
        if draft.return_to_review:
            return await s.show_contacts(update, context, draft, note)
        if planned and draft.starts_at is None:
            return await s.show_when(update, context, draft, note)
        return await s.show_contacts(update, context, draft, note)
    if done == c.WHEN:
        return await s.show_contacts(update, context, draft, note)
    if done == c.CONTACTS:
        return await s.show_notes(update, context, draft, note)
    if done == c.NOTES:
        if draft.speaks_of_future(c.now(context)) or planned:
            return await s.show_review(update, context, draft, note)
        # how it went and the next step share one screen
        return await s.show_next_text(update, context, draft, note)
    if done == c.OUTCOME:
        return await s.show_next_text(update, context, draft, note)
    return await s.show_review(update, context, draft, note)


BACK_TO = {
    c.NEW_ACCOUNT: c.ACCOUNT,
    c.NEW_CONTACT: c.CONTACTS,
    c.TEAM: c.CONTACTS,
    c.REASON: c.OUTCOME,
    c.NEXT_DUE: c.NEXT_TEXT,
    c.PICK_DATE: c.NEXT_DUE,
}


@step
async def back(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    current = draft.step
    planned = draft.mode == "planned" and draft.editing_meeting_id is None
    if current in BACK_TO:
        target = BACK_TO[current]
        if current == c.TEAM and draft.return_to_review and draft.step == c.TEAM:
            target = c.CONTACTS
        if current == c.REASON and not draft.return_to_review:
            target = c.NEXT_TEXT
        if current == c.NEXT_DUE and draft.redate is not None:
            target = c.REVIEW
    elif draft.return_to_review and current != c.REVIEW:
        target = c.REVIEW
    else:
        held = [c.ACCOUNT, c.CONTACTS, c.NOTES, c.NEXT_TEXT, c.REVIEW]
        plan = [c.ACCOUNT, c.WHEN, c.CONTACTS, c.NOTES, c.REVIEW]
        order = plan if planned else held
        if draft.is_planned(c.now(context)) and not planned:
            order = [c.ACCOUNT, c.CONTACTS, c.NOTES, c.REVIEW]
        index = order.index(current) if current in order else len(order) - 1
        target = order[max(index - 1, 0)]
        if current == c.REVIEW:
            draft.return_to_review = False
    note = ""
    if current == c.NEXT_DUE:
        if draft.pending_step and draft.redate is None:
            # shown once more, so that going back never silently loses what was typed
            note = context.t("meeting.step_dropped", text=clip(draft.pending_step, 300))
        draft.pending_step, draft.redate = None, None
    draft.step = target
    return await s.show_step(update, context, draft, note)


# --- account -----------------------------------------------------------------------------


@step
async def choose_account(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:acc")
    if choice == "new":
        return await s.show_new_account(update, context, draft)
    if choice == "typed" and draft.pending_name:
        return await _new_account_named(update, context, draft, draft.pending_name)
    manager = context.require_manager()
    account = None
    account_id = parse_id(choice)
    if account_id is not None:
        storage = context.services.storage
        if await storage.accounts.is_visible(
            account_id, manager.id, sees_all=manager.sees_all_accounts
        ):
            account = await storage.accounts.get(account_id)
    if account is None or account.archived_at is not None:
        return await s.show_account(update, context, draft, context.t("meeting.account_gone"))
    draft.set_account(account.id, account.name)
    draft.pending_name = None
    return await advance(update, context, draft, c.ACCOUNT)


@step
async def search_account(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    text = " ".join(_text(update).split())
    if not text:
        return await s.show_account(update, context, draft, context.t("meeting.use_buttons"))
    return await s.show_account(update, context, draft, query=clip(text, MAX_NAME))


@step
async def type_new_account(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    name = " ".join(_text(update).split())
    if not name:
        return await s.show_new_account(update, context, draft, context.t("meeting.need_text"))
    if len(name) > MAX_NAME:
        note = context.t("meeting.name_too_long", limit=MAX_NAME)
        return await s.show_new_account(update, context, draft, note)
    return await _new_account_named(update, context, draft, name)


async def _new_account_named(
    update: Update, context: KamContext, draft: MeetingDraft, name: str
) -> StepResult:
    draft.set_account(None, name)
    draft.pending_name = None
    note = context.t("meeting.new_client_noted", name=name)
    return await advance(update, context, draft, c.NEW_ACCOUNT, note)


# --- when, kind, where -------------------------------------------------------------------


@step
async def choose_when(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:when")
    today, yesterday = s.today_and_yesterday(context)
    if choice == "now":
        draft.starts_at, draft.starts_has_time = None, True
    elif choice == "today":
        draft.starts_at, draft.starts_has_time = today, False
    elif choice == "yest":
        draft.starts_at, draft.starts_has_time = yesterday, False
    else:
        preset = s.plan_preset(context, choice)
        if preset is None:
            return await s.show_when(update, context, draft)
        draft.starts_at, draft.starts_has_time = preset, True
    return await advance(update, context, draft, c.WHEN, _when_note(context, draft))


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


@step
async def type_when(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    text = _text(update)
    when_now, tz = c.now(context), c.zone(context)
    if draft.mode == "planned":
        parsed = parse_when(text, now=when_now, tz=tz, prefer="future")
    else:
        parsed = parse_when(text, now=when_now, tz=tz, prefer="past")
    if parsed is None:
        key = "meeting.when_unparsed_plan" if draft.mode == "planned" else "meeting.when_unparsed"
        note = context.t(key, text=clip(text, 60))
        return await s.show_when(update, context, draft, note)
    draft.starts_at, draft.starts_has_time = iso(parsed.at), parsed.has_time
    return await advance(update, context, draft, c.WHEN, _when_note(context, draft))


@step
async def choose_kind(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    kind = _data(update, "ml:kind")
    if kind not in KINDS:
        return await s.show_kind(update, context, draft)
    draft.kind = kind
    return await s.show_review(update, context, draft)


@step
async def clear_where(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    draft.location, draft.latitude, draft.longitude = None, None, None
    return await s.show_review(update, context, draft)


@step
async def type_where(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    message = update.effective_message
    assert message is not None
    if message.venue is not None:
        draft.location = clip(f"{message.venue.title}, {message.venue.address}", MAX_LINE)
        draft.latitude = message.venue.location.latitude
        draft.longitude = message.venue.location.longitude
    elif message.location is not None:
        draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
        draft.location = None
    else:
        text = " ".join(_text(update).split())
        if not text:
            return await s.show_where(update, context, draft, context.t("meeting.need_text"))
        draft.location = clip(text, MAX_LINE)
    return await s.show_review(update, context, draft)


# --- people ------------------------------------------------------------------------------


@step
async def toggle_contact(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:ct")
    if choice == "add":
        return await s.show_new_contact(update, context, draft)
    if choice == "team":
        return await s.show_team(update, context, draft)
    contact_id = parse_id(choice)
    if contact_id is not None and draft.account_id is not None:
        contact = await context.services.storage.contacts.get(contact_id)
        if contact is not None and contact.account_id == draft.account_id:
            draft.toggle_contact(contact.id)
    return await s.show_contacts(update, context, draft)


@step
async def remove_new_contact(
    update: Update, context: KamContext, draft: MeetingDraft
) -> StepResult:
    choice = _data(update, "ml:nc")
    if choice.isdigit() and int(choice) < len(draft.new_contacts):
        draft.new_contacts.pop(int(choice))
    return await s.show_contacts(update, context, draft)


@step
async def contacts_next(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    return await advance(update, context, draft, c.CONTACTS)


@step
async def type_contact(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    """At the people step, a typed name marks a known person or adds a new one."""
    text = " ".join(_text(update).split())
    if not text:
        return await s.show_contacts(update, context, draft, context.t("meeting.use_buttons"))
    if draft.step == c.CONTACTS and not looks_like_a_person(text):
        # What was discussed, typed on the people screen: the marked people and the notes at
        # once, and on to the next screen.
        note = take_content(context, draft, update) or ""
        return await advance(update, context, draft, c.NOTES, note)
    name, position = split_name_and_position(text)
    if draft.account_id is not None and draft.step == c.CONTACTS:
        known = await context.services.storage.contacts.for_account(draft.account_id)
        matches = rank(name, [Candidate(p.id, p.full_name, (p.full_name,)) for p in known], 1)
        if matches and is_sure_match(matches[0]):
            if matches[0].id not in draft.contact_ids:
                draft.contact_ids.append(matches[0].id)
            note = context.t("meeting.contact_marked", name=matches[0].label)
            return await s.show_contacts(update, context, draft, note)
    if not draft.add_new_contact(name, position):
        return await s.show_contacts(update, context, draft, context.t("meeting.too_many"))
    note = context.t("meeting.contact_added", name=name)
    return await s.show_contacts(update, context, draft, note)


@step
async def toggle_team(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:tm")
    member_id = parse_id(choice)
    if member_id is not None:
        member = await context.services.storage.managers.get(member_id)
        if member is not None and member.active:
            draft.toggle_team(member.id)
    return await s.show_team(update, context, draft)


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


def take_content(context: KamContext, draft: MeetingDraft, update: Update) -> str | None:
    """Adds a text or a file to the summary; a note for the user, or None if nothing fit."""
    message = update.effective_message
    if message is None:
        return None
    attachment = attachment_of(message)
    if attachment is not None:
        if not draft.add_attachment(attachment):
            return context.t("meeting.too_many")
        return context.t("meeting.file_added")
    text = message.text or ""
    if not text.strip():
        return None
    future = draft.speaks_of_future(c.now(context))
    if not draft.add_note(text):
        return context.t("meeting.agenda_full" if future else "meeting.notes_full")
    return context.t("meeting.agenda_added" if future else "meeting.note_added")


@step
async def notes_content(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    note = take_content(context, draft, update)
    if note is None:
        return await s.show_notes(update, context, draft, context.t("meeting.notes_hint"))
    return await advance(update, context, draft, c.NOTES, note)


@step
async def notes_done(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    return await advance(update, context, draft, c.NOTES)


@step
async def more_content(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    """Text or files sent at the outcome step or on the card: more of the summary."""
    note = take_content(context, draft, update)
    if note is None:
        note = context.t("meeting.use_buttons")
    return await s.show_step(update, context, draft, note)


@step
async def choose_outcome(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:out")
    if choice == "reason":
        return await s.show_reason(update, context, draft)
    if choice == "skip":
        draft.outcome = None
    elif choice in OUTCOMES:
        draft.outcome = None if draft.outcome == choice and draft.step == c.NEXT_TEXT else choice
    else:
        return await s.show_step(update, context, draft)
    if draft.step == c.NEXT_TEXT:
        return await s.show_next_text(update, context, draft)
    return await advance(update, context, draft, c.OUTCOME)


@step
async def type_reason(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    text = " ".join(_text(update).split())
    if not text:
        return await s.show_reason(update, context, draft, context.t("meeting.need_text"))
    draft.outcome_reason = clip(text, MAX_LINE)
    if not draft.return_to_review:
        return await s.show_next_text(update, context, draft)
    if draft.outcome:
        return await s.show_review(update, context, draft)
    return await s.show_outcome(update, context, draft)


# --- next steps --------------------------------------------------------------------------


@step
async def type_next_step(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    text = " ".join(_text(update).split())
    if not text:
        return await s.show_next_text(update, context, draft, context.t("meeting.need_text"))
    if len(draft.next_steps) >= MAX_NEXT_STEPS:
        return await s.show_next_text(update, context, draft, context.t("meeting.too_many"))
    found = next_step(text, now=c.now(context), tz=c.zone(context))
    if found.due is None:
        draft.pending_step = clip(text, MAX_STEP_TEXT)
        return await s.show_next_due(update, context, draft)
    # the date inside the text is its due date (with its time); the card can change it
    draft.next_steps.append(
        NextStep(clip(found.text, MAX_STEP_TEXT), iso(found.due.at), found.due.has_time)
    )
    due = c.fmt_when(context, found.due.at, found.due.has_time)
    return await s.show_review(update, context, draft, context.t("meeting.due_read", due=due))


@step
async def next_steps_done(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    return await s.show_review(update, context, draft)


@step
async def remove_next_step(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:ns:del")
    if choice.isdigit() and int(choice) < len(draft.next_steps):
        draft.next_steps.pop(int(choice))
    return await s.show_next_text(update, context, draft)


async def _add_next_step(
    update: Update, context: KamContext, draft: MeetingDraft, due: str | None, has_time: bool
) -> StepResult:
    if draft.redate is not None:
        index, draft.redate = draft.redate, None
        if index < len(draft.next_steps):
            draft.next_steps[index].due_at, draft.next_steps[index].due_has_time = due, has_time
        return await s.show_review(update, context, draft)
    if not draft.pending_step:
        return await s.show_next_text(update, context, draft)
    draft.next_steps.append(NextStep(draft.pending_step, due, has_time))
    draft.pending_step = None
    return await s.show_review(update, context, draft)


@step
async def choose_due(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:due")
    if choice == "pick":
        return await s.show_pick_date(update, context, draft)
    if choice == "notes" and draft.pending_step and draft.redate is None:
        # not a next step after all, but more of what was discussed: nothing typed is lost
        text, draft.pending_step = draft.pending_step, None
        key = "meeting.note_added" if draft.add_note(text) else "meeting.notes_full"
        return await s.show_next_text(update, context, draft, context.t(key))
    due: str | None
    preset = dates.due_preset(choice, c.now(context), c.zone(context))
    if preset is not None:
        due = iso(preset)
    elif choice == "none":
        due = None
    elif choice.startswith("d:") and len(choice) == 10 and choice[2:].isdigit():
        try:
            day = datetime.strptime(choice[2:], "%Y%m%d").date()
        except ValueError:
            return await s.show_next_due(update, context, draft)
        if not dates.due_day_allowed(day, c.now(context), c.zone(context)):
            return await s.show_next_due(update, context, draft)
        due = iso(day_bounds(day, c.zone(context))[0])
    else:
        return await s.show_next_due(update, context, draft)
    return await _add_next_step(update, context, draft, due, False)


@step
async def type_due(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    text = _text(update)
    parsed: ParsedWhen | None = parse_when(
        text, now=c.now(context), tz=c.zone(context), prefer="future"
    )
    if parsed is None:
        note = context.t("meeting.due_unparsed", text=clip(text, 60))
        return await s.show_step(update, context, draft, note)
    return await _add_next_step(update, context, draft, iso(parsed.at), parsed.has_time)


# --- satisfaction, reminder, card edits --------------------------------------------------


@step
async def choose_satisfaction(
    update: Update, context: KamContext, draft: MeetingDraft
) -> StepResult:
    choice = _data(update, "ml:sat")
    allowed = {*SATISFACTION_CHOICES, 0, context.require_manager().satisfaction_days}
    if choice.isdigit() and int(choice) in allowed:
        draft.satisfaction_days = int(choice)
    return await s.show_review(update, context, draft)


@step
async def choose_remind(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    choice = _data(update, "ml:rem")
    allowed = {*REMIND_CHOICES, 0, context.require_manager().meeting_lead_minutes}
    if choice.isdigit() and int(choice) in allowed:
        draft.remind_before_minutes = int(choice)
    return await s.show_review(update, context, draft)


EDITS: dict[str, Any] = {
    "when": s.show_when,
    "kind": s.show_kind,
    "where": s.show_where,
    "who": s.show_contacts,
    "notes": s.show_notes,
    "outcome": s.show_outcome,
    "next": s.show_next_text,
    "sat": s.show_satisfaction,
    "remind": s.show_remind,
    "account": s.show_account,
}


@step
async def edit_field(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    screen = EDITS.get(_data(update, "ml:ed"))
    draft.return_to_review = True
    if screen is None:
        return await s.show_review(update, context, draft)
    result = await screen(update, context, draft)
    assert isinstance(result, str)
    return result


@step
async def redate_step(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    """📅 on the card: change one next step's due date."""
    choice = _data(update, "ml:ed:due")
    if not choice.isdigit() or int(choice) >= len(draft.next_steps):
        return await s.show_review(update, context, draft)
    draft.redate = int(choice)
    return await s.show_next_due(update, context, draft)


@step
async def hint(update: Update, context: KamContext, draft: MeetingDraft) -> StepResult:
    """Anything the step does not expect: say so briefly and show the step again."""
    message = update.effective_message
    command = bool(message and message.text and message.text.startswith("/"))
    key = "meeting.hint_command" if command else "meeting.use_buttons"
    if context.user_data is not None and "meeting_then" in context.user_data:
        return await s.show_resume(update, context, draft)
    return await s.show_step(update, context, draft, context.t(key))
