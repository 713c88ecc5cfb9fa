"""The meeting flow: /meeting, /plan, the menu buttons, "How did it go?", edits, quick log.

The step `resume` asks about an unsaved draft (kept in user data, see common); its Discard
enters the step named by `run.data["then"]`, the rest of the run's data its parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain import meeting_steps as ms
from domain.meeting_draft import IDLE_AFTER, MeetingDraft, iso
from domain.policy import Action
from handlers import authz, dialog
from handlers.dialog import (
    Flow,
    Go,
    Input,
    Next,
    Run,
    Step,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.meetings import common as c
from handlers.meetings import quick_log
from handlers.meetings import screens as s
from handlers.meetings import steps as st
from handlers.meetings.common import on_draft
from handlers.meetings.saving import save_draft, show_saved
from handlers.menu import menu_button
from handlers.ui import answer, callback_id

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from handlers.dialog.model import InputCallback
    from storage.meetings import Meeting

# --- entries -----------------------------------------------------------------------------


async def _open(update: Update, context: KamContext, step: str, **params: Any) -> None:
    """Opens the flow at `step`, or first asks about an unsaved meeting (then `step`)."""
    await answer(update)
    quick_log.QUICK.end(context)
    draft = c.get_draft(context)
    if draft is not None and draft.has_content() and not _same(draft, step, params):
        await MEETING.start(update, context, ms.RESUME, data={"then": step, **params})
    else:
        await MEETING.start(update, context, step, data=params)


def _same(draft: MeetingDraft, step: str, params: dict[str, Any]) -> bool:
    """ "How did it go?" or Edit again on the meeting the draft already is about."""
    about = draft.source_meeting_id if step == ms.FROM_PLANNED else draft.editing_meeting_id
    return step != ms.FRESH and about == params.get("meeting")


async def start_log(update: Update, context: KamContext) -> None:
    await _open(update, context, ms.FRESH, mode="held")


async def start_plan(update: Update, context: KamContext) -> None:
    await _open(update, context, ms.FRESH, mode="planned")


async def held_from_planned(update: Update, context: KamContext) -> None:
    """mtg:held:<id>, "How did it go?" on a planned meeting: the held flow, prefilled."""
    await _open(update, context, ms.FROM_PLANNED, meeting=callback_id(update, "mtg:held"))


async def edit_meeting(update: Update, context: KamContext) -> None:
    """mtg:edit:<id> from the meeting view: the card, prefilled, saved back in place."""
    await _open(update, context, ms.EDIT, meeting=callback_id(update, "mtg:edit"))


# --- the steps that make a draft ---------------------------------------------------------


async def fresh(update: Update, context: KamContext, run: Run) -> Next:
    c.put_draft(context, c.new_draft(context, str(run.data.get("mode", "held"))))
    return ms.ACCOUNT


async def _load_meeting(context: KamContext, run: Run) -> Meeting | None:
    """The meeting of `run.data["meeting"]`, if the manager may change it."""
    meeting_id = run.data.get("meeting")
    if not isinstance(meeting_id, int):
        return None
    meeting = await context.services.storage.meetings.get(meeting_id)
    if meeting is None or not authz.check(context, Action.CHANGE, authz.meeting(context, meeting)):
        return None
    return meeting


def _draft_from(context: KamContext, meeting: Meeting, mode: str) -> MeetingDraft:
    draft = c.new_draft(context, mode)
    draft.account_id, draft.account_name = meeting.account_id, meeting.account_name
    draft.kind = meeting.kind
    draft.location = meeting.location
    draft.latitude, draft.longitude = meeting.latitude, meeting.longitude
    draft.contact_ids = [p.id for p in meeting.contacts]
    draft.team_ids = [p.id for p in meeting.team]
    draft.starts_at, draft.starts_has_time = iso(meeting.starts_at), meeting.starts_has_time
    if meeting.remind_before_minutes is not None:
        draft.remind_before_minutes = meeting.remind_before_minutes
    draft.agenda = meeting.agenda
    return draft


async def _refuse(update: Update, context: KamContext, key: str) -> Next:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, context.t(key))
    return Go.END


async def from_planned(update: Update, context: KamContext, run: Run) -> Next:
    """A planned meeting took place: the held flow at "what was discussed", prefilled."""
    meeting = await _load_meeting(context, run)
    if meeting is None or meeting.status != "planned":
        return await _refuse(update, context, "meeting.not_planned_any_more")
    draft = _draft_from(context, meeting, "held")
    draft.source_meeting_id = meeting.id
    if draft.is_planned(c.now(context)):
        draft.starts_at = None  # it is happening now
    c.put_draft(context, draft)
    run.note = context.t("meeting.from_planned", when=c.when_label(context, draft))
    if meeting.agenda:
        run.note += "\n" + context.t("meeting.agenda_was", agenda=meeting.agenda[:300])
    return ms.NOTES


async def edit_existing(update: Update, context: KamContext, run: Run) -> Next:
    """A saved meeting's card, prefilled; Save writes it back in place."""
    meeting = await _load_meeting(context, run)
    if meeting is None:
        return await _refuse(update, context, "meeting.cannot_edit")
    draft = _draft_from(context, meeting, "planned" if meeting.status == "planned" else "held")
    draft.editing_meeting_id = meeting.id
    text = meeting.agenda if meeting.status == "planned" else meeting.summary
    draft.notes = [text] if text else []
    draft.outcome, draft.outcome_reason = meeting.outcome, meeting.outcome_reason
    c.put_draft(context, draft)
    return ms.REVIEW


# --- resume, cancel, save ----------------------------------------------------------------


@on_draft
async def go_on(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    """Continue (the unsaved meeting) or No (do not discard it): the step it was at."""
    return ms.current_step(draft)


async def discard_and_go_on(update: Update, context: KamContext, run: Run) -> Next:
    """Discard at the resume question: the draft is gone; on to what was asked for."""
    await answer(update, context.t("meeting.discarded"))
    c.drop_draft(context)
    return str(run.data.pop("then", ms.FRESH))


async def ask_cancel(update: Update, context: KamContext, run: Run) -> Next:
    """Cancel (button or /cancel): one confirmation when something would be lost."""
    draft = c.get_draft(context)
    if draft is None or not draft.has_content() or run.step == ms.CONFIRM_CANCEL:
        return await discard(update, context, run)
    return ms.CONFIRM_CANCEL


async def discard(update: Update, context: KamContext, run: Run) -> Next:
    c.drop_draft(context)
    await run.close(context.t("meeting.cancelled"))
    return Go.END


@on_draft
async def save(context: KamContext, run: Run, draft: MeetingDraft) -> Next:
    problems = draft.problems(c.now(context))
    if problems:
        run.note = c.problems_note(context, problems)
        return ms.REVIEW
    try:
        result = await save_draft(context, draft)
    except LookupError:
        run.note = context.t("meeting.save_gone")
        return ms.REVIEW
    c.drop_draft(context)
    await show_saved(run.update, context, draft, result)
    return Go.END


# --- the flow ----------------------------------------------------------------------------

NEW = filters.UpdateType.MESSAGE
TEXT = NEW & filters.TEXT & ~filters.COMMAND
MEDIA = NEW & (filters.VOICE | filters.AUDIO | filters.PHOTO | filters.VIDEO | filters.Document.ALL)
CONTENT = TEXT | MEDIA
PLACE = (NEW & (filters.LOCATION | filters.VENUE)) | TEXT


def _text(callback: InputCallback) -> Input:
    return on_text(callback, TEXT)


def _more(content: filters.BaseFilter) -> Input:
    """Text or files sent where they are not asked for: more of the summary."""
    return on_message(content, st.more_content)


def _held_steps() -> list[Step]:
    """Client, when, people, notes, outcome and next steps."""
    account = [on_button("acc", st.choose_account), _text(st.search_account)]
    where = [on_button("nowhere", st.clear_where), on_message(PLACE, st.type_where)]
    forward = on_button("next", st.forward)
    people = [on_button("ct", st.toggle_contact), on_button("nc", st.remove), forward]
    notes = [forward, on_message(CONTENT, st.notes_content)]
    steps = [forward, on_button("nsdel", st.remove), on_button("out", st.choose_outcome)]
    due = [on_button("due", st.choose_due), _text(st.type_due)]
    return [
        Step(ms.ACCOUNT, s.account, account),
        Step(ms.NEW_ACCOUNT, s.new_account, [_text(st.type_new_account)], back=ms.ACCOUNT),
        Step(ms.WHEN, s.when, [on_button("when", st.choose_when), _text(st.type_when)]),
        Step(ms.KIND, s.kind, [on_button("kind", st.choose_kind)]),
        Step(ms.WHERE, s.where, where),
        Step(ms.CONTACTS, s.contacts, [*people, _text(st.type_contact)]),
        Step(ms.NEW_CONTACT, s.new_contact, [_text(st.type_contact)], back=ms.CONTACTS),
        Step(ms.TEAM, s.team, [on_button("tm", st.toggle_team)], back=ms.CONTACTS),
        Step(ms.NOTES, s.notes, notes),
        Step(ms.OUTCOME, s.outcome, [on_button("out", st.choose_outcome), _more(CONTENT)]),
        Step(ms.REASON, s.reason, [_text(st.type_reason)], back=ms.OUTCOME),
        Step(ms.NEXT_TEXT, s.next_text, [*steps, _text(st.type_next_step), _more(MEDIA)]),
        Step(ms.NEXT_DUE, s.next_due, due, back=ms.NEXT_TEXT),
        Step(ms.PICK_DATE, s.pick_date, due, back=ms.NEXT_DUE),
    ]


def _card_steps() -> list[Step]:
    """The card and the fields only the card offers."""
    card = [on_button("ed", st.edit_field), on_button("eddue", st.redate_step)]
    return [
        Step(ms.SATISFACTION, s.satisfaction, [on_button("sat", st.choose_number)]),
        Step(ms.REMIND, s.remind, [on_button("rem", st.choose_number)]),
        Step(ms.REVIEW, s.review, [*card, on_button("save", save), _more(CONTENT)]),
    ]


def _entries() -> list[Any]:
    def press(callback: Any, pattern: str) -> CallbackQueryHandler[KamContext, None]:
        return CallbackQueryHandler(callback, pattern=pattern)

    return [
        CommandHandler("meeting", start_log),
        CommandHandler("plan", start_plan),
        MessageHandler(menu_button("menu.log_meeting"), start_log),
        MessageHandler(menu_button("menu.plan_meeting"), start_plan),
        press(start_log, r"^mtg:new$"),
        press(held_from_planned, r"^mtg:held:\d+$"),
        press(edit_meeting, r"^mtg:edit:\d+$"),
    ]


MEETING = Flow(
    c.FLOW,
    "ml",
    steps=[
        *(Step(ms.FRESH, enter=fresh), Step(ms.FROM_PLANNED, enter=from_planned)),
        *(Step(ms.EDIT, enter=edit_existing), Step(ms.QUICK, enter=quick_log.take_quick)),
        Step(
            ms.RESUME,
            s.resume,
            [on_button("resume", go_on), on_button("discard", discard_and_go_on)],
        ),
        *_held_steps(),
        *_card_steps(),
        Step(
            ms.CONFIRM_CANCEL,
            s.confirm_cancel,
            [on_button("yes", discard), on_button("no", go_on)],
        ),
    ],
    entries=_entries(),
    common=[
        on_command("cancel", ask_cancel),
        on_button("cancel", ask_cancel),
        on_button("back", st.back),
    ],
    otherwise=[on_message(NEW, st.hint)],
    idle=IDLE_AFTER,
)


def register(application: KamApp) -> None:
    dialog.register(application, MEETING)
    dialog.register(application, quick_log.QUICK)
