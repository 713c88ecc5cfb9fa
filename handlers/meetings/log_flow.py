"""The meeting conversation: /meeting, /plan, the menu buttons, "How did it go?", edits.

Idle drafts: the draft carries ``touched_at``; :class:`IdleConversation` ends the
conversation (keeping the draft) when an update arrives after 30 idle minutes, so that the
update goes wherever it would go outside the flow, and the next /meeting offers
"Continue the unsaved meeting with … / Discard". This survives restarts, unlike PTB's
``conversation_timeout``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import SERVICES_KEY, KamApp, KamContext
from bot.services import Services
from domain.meeting_draft import MeetingDraft, iso
from domain.policy import Action
from handlers import authz
from handlers.meetings import common as c
from handlers.meetings import screens as s
from handlers.meetings import steps
from handlers.meetings.saving import save_draft, show_saved
from handlers.menu import menu_button
from handlers.ui import answer, callback_id, close_screen, is_current_screen
from storage.meetings import Meeting

_LOG = logging.getLogger(__name__)
END = ConversationHandler.END


def new_draft(context: KamContext, mode: str) -> MeetingDraft:
    manager = context.require_manager()
    return MeetingDraft.start(
        secrets.token_hex(8),
        c.now(context),
        mode=mode,
        satisfaction_days=manager.satisfaction_days,
        remind_before_minutes=manager.meeting_lead_minutes,
    )


async def _begin(update: Update, context: KamContext, mode: str) -> str:
    draft = new_draft(context, mode)
    return await s.show_account(update, context, draft)


async def _offer_resume(update: Update, context: KamContext, draft: MeetingDraft, then: str) -> str:
    assert context.user_data is not None
    context.user_data["meeting_then"] = then
    draft.touch(c.now(context))
    return await s.show_resume(update, context, draft)


async def start(update: Update, context: KamContext, mode: str) -> str:
    """/meeting, /plan and the menu buttons: a fresh draft, or the unsaved one first."""
    if update.callback_query is not None:
        await answer(update)
    draft = c.get_draft(context)
    if draft is not None and draft.has_content():
        return await _offer_resume(update, context, draft, mode)
    return await _begin(update, context, mode)


async def start_log(update: Update, context: KamContext) -> str:
    return await start(update, context, "held")


async def start_plan(update: Update, context: KamContext) -> str:
    return await start(update, context, "planned")


async def resume(update: Update, context: KamContext) -> str | int | None:
    draft = c.get_draft(context)
    if draft is None or not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    if context.user_data is not None:
        context.user_data.pop("meeting_then", None)
    draft.touch(c.now(context))
    return await s.show_step(update, context, draft)


async def discard_and_start(update: Update, context: KamContext) -> str | int | None:
    if c.get_draft(context) is None or not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update, context.t("meeting.discarded"))
    c.drop_draft(context)
    assert context.user_data is not None
    then = str(context.user_data.pop("meeting_then", "held"))
    if then.startswith("q:"):
        from handlers.meetings.quick_log import take_quick_draft

        return await take_quick_draft(update, context, then)
    if then.startswith("h") and then[1:].isdigit():
        return await _start_from_planned(update, context, int(then[1:]))
    if then.startswith("e") and then[1:].isdigit():
        return await _start_edit(update, context, int(then[1:]))
    return await _begin(update, context, "planned" if then == "planned" else "held")


# --- from an existing meeting ------------------------------------------------------------


async def _load_meeting(context: KamContext, meeting_id: int, *, edit: bool) -> Meeting | None:
    meeting = await context.services.storage.meetings.get(meeting_id)
    if meeting is None:
        return None
    action = Action.CHANGE if edit else Action.SEE
    target = authz.meeting(context, meeting) if edit else await authz.seen_meeting(context, meeting)
    return meeting if authz.check(context, action, target) else None


def _draft_from(context: KamContext, meeting: Meeting, mode: str) -> MeetingDraft:
    draft = new_draft(context, mode)
    draft.account_id, draft.account_name = meeting.account_id, meeting.account_name
    draft.kind = meeting.kind
    draft.location, draft.latitude, draft.longitude = (
        meeting.location,
        meeting.latitude,
        meeting.longitude,
    )
    draft.contact_ids = [p.id for p in meeting.contacts]
    draft.team_ids = [p.id for p in meeting.team]
    draft.starts_at, draft.starts_has_time = iso(meeting.starts_at), meeting.starts_has_time
    if meeting.remind_before_minutes is not None:
        draft.remind_before_minutes = meeting.remind_before_minutes
    return draft


async def held_from_planned(update: Update, context: KamContext) -> str | int | None:
    """mtg:held:<id>, "How did it go?" on a planned meeting: the held flow, prefilled."""
    meeting_id = callback_id(update, "mtg:held")
    await answer(update)
    draft = c.get_draft(context)
    if draft is not None and draft.has_content() and draft.source_meeting_id != meeting_id:
        return await _offer_resume(update, context, draft, f"h{meeting_id}")
    return await _start_from_planned(update, context, meeting_id)


async def _start_from_planned(update: Update, context: KamContext, meeting_id: int) -> str | int:
    meeting = await _load_meeting(context, meeting_id, edit=True)
    if meeting is None or meeting.status != "planned":
        await _say(update, context, context.t("meeting.not_planned_any_more"))
        return END
    draft = _draft_from(context, meeting, "held")
    draft.source_meeting_id = meeting.id
    draft.agenda = meeting.agenda
    if draft.is_planned(c.now(context)):
        draft.starts_at = None  # it is happening now
    draft.return_to_review = False
    note = context.t("meeting.from_planned", when=c.when_label(context, draft))
    if meeting.agenda:
        note += "\n" + context.t("meeting.agenda_was", agenda=meeting.agenda[:300])
    return await s.show_notes(update, context, draft, note)


async def edit_meeting(update: Update, context: KamContext) -> str | int | None:
    """mtg:edit:<id> from the meeting view: the card, prefilled, saved back in place."""
    meeting_id = callback_id(update, "mtg:edit")
    await answer(update)
    draft = c.get_draft(context)
    if draft is not None and draft.has_content() and draft.editing_meeting_id != meeting_id:
        return await _offer_resume(update, context, draft, f"e{meeting_id}")
    return await _start_edit(update, context, meeting_id)


async def _start_edit(update: Update, context: KamContext, meeting_id: int) -> str | int:
    meeting = await _load_meeting(context, meeting_id, edit=True)
    if meeting is None:
        await _say(update, context, context.t("meeting.cannot_edit"))
        return END
    draft = _draft_from(context, meeting, "planned" if meeting.status == "planned" else "held")
    draft.editing_meeting_id = meeting.id
    text = meeting.agenda if meeting.status == "planned" else meeting.summary
    draft.notes = [text] if text else []
    draft.agenda = meeting.agenda
    draft.outcome, draft.outcome_reason = meeting.outcome, meeting.outcome_reason
    return await s.show_review(update, context, draft)


async def _say(update: Update, context: KamContext, text: str) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


# --- cancel and save ---------------------------------------------------------------------


async def ask_cancel(update: Update, context: KamContext) -> str | int | None:
    """Cancel (button or /cancel): one confirmation, then the draft is gone."""
    draft = c.get_draft(context)
    if update.callback_query is not None:
        if draft is None or not is_current_screen(update, context, c.FLOW):
            await answer(update, context.t("error.stale_button"))
            return None
        await answer(update)
    if draft is None:
        return await _discard(update, context)
    if not draft.has_content():
        return await _discard(update, context)
    return await s.show_confirm_cancel(update, context, draft)


async def command_cancel(update: Update, context: KamContext) -> str | int | None:
    """/cancel asks once; a second /cancel at the question discards."""
    if context.user_data is not None and context.user_data.get("meeting_confirming"):
        return await _discard(update, context)
    return await ask_cancel(update, context)


async def confirm_cancel(update: Update, context: KamContext) -> str | int | None:
    if not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    return await _discard(update, context)


async def keep_going(update: Update, context: KamContext) -> str | int | None:
    draft = c.get_draft(context)
    if draft is None or not is_current_screen(update, context, c.FLOW):
        await answer(update, context.t("error.stale_button"))
        return None
    await answer(update)
    if context.user_data is not None:
        context.user_data.pop("meeting_confirming", None)
    draft.touch(c.now(context))
    return await s.show_step(update, context, draft)


async def _discard(update: Update, context: KamContext) -> int:
    c.drop_draft(context)
    if context.user_data is not None:
        context.user_data.pop("meeting_confirming", None)
        context.user_data.pop("meeting_then", None)
    await close_screen(update, context, c.FLOW, context.t("meeting.cancelled"))
    return END


@steps.step
async def save(update: Update, context: KamContext, draft: Any) -> str | int | None:
    assert isinstance(draft, MeetingDraft)
    problems = draft.problems(c.now(context))
    if problems:
        note = c.problems_note(context, problems)
        return await s.show_review(update, context, draft, note)
    try:
        result = await save_draft(context, draft)
    except LookupError:
        return await s.show_review(update, context, draft, context.t("meeting.save_gone"))
    c.drop_draft(context)
    await show_saved(update, context, draft, result)
    return END


# --- the conversation --------------------------------------------------------------------


class IdleConversation(ConversationHandler[KamContext]):
    """A ConversationHandler that ends an idle flow before looking at the next update."""

    def __init__(self, *args: Any, is_idle: Callable[[Update], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._is_idle = is_idle

    def check_update(self, update: object) -> Any:
        if isinstance(update, Update) and update.effective_user and update.effective_chat:
            key = self._get_key(update)
            if key in self._conversations and self._is_idle(update):
                self._update_state(self.END, key)
        return super().check_update(update)


def _idle_check(application: KamApp) -> Callable[[Update], bool]:
    def is_idle(update: Update) -> bool:
        user = update.effective_user
        if user is None:
            return False
        data = application.user_data.get(user.id, {}).get(c.DRAFT_KEY)
        if not isinstance(data, dict) or "touched_at" not in data:
            return False
        services = application.bot_data.get(SERVICES_KEY)
        if not isinstance(services, Services):
            return False
        try:
            return MeetingDraft.from_dict(data).is_idle(services.clock.now())
        except (TypeError, ValueError):
            return False

    return is_idle


def build_conversation(application: KamApp) -> ConversationHandler[KamContext]:
    new = filters.UpdateType.MESSAGE
    text = new & filters.TEXT & ~filters.COMMAND
    media = new & (
        filters.VOICE | filters.AUDIO | filters.PHOTO | filters.VIDEO | filters.Document.ALL
    )
    content = text | media
    place = (new & (filters.LOCATION | filters.VENUE)) | text

    def cb(callback: Any, pattern: str) -> CallbackQueryHandler[KamContext, Any]:
        return CallbackQueryHandler(callback, pattern=pattern)

    more = MessageHandler(content, steps.more_content)
    return IdleConversation(
        entry_points=[
            CommandHandler("meeting", start_log),
            CommandHandler("plan", start_plan),
            MessageHandler(menu_button("menu.log_meeting"), start_log),
            MessageHandler(menu_button("menu.plan_meeting"), start_plan),
            cb(start_log, r"^mtg:new$"),
            cb(held_from_planned, r"^mtg:held:\d+$"),
            cb(edit_meeting, r"^mtg:edit:\d+$"),
            cb(resume, r"^mtg:resume$"),
            cb(discard_and_start, r"^mtg:discard$"),
            *quick_entry_points(),
        ],
        states={
            c.ACCOUNT: [
                cb(steps.choose_account, r"^ml:acc:(\d+|new|typed)$"),
                MessageHandler(text, steps.search_account),
            ],
            c.NEW_ACCOUNT: [MessageHandler(text, steps.type_new_account)],
            c.WHEN: [
                cb(steps.choose_when, r"^ml:when:\w+$"),
                MessageHandler(text, steps.type_when),
            ],
            c.KIND: [cb(steps.choose_kind, r"^ml:kind:\w+$")],
            c.WHERE: [
                cb(steps.clear_where, r"^ml:where:none$"),
                MessageHandler(place, steps.type_where),
            ],
            c.CONTACTS: [
                cb(steps.toggle_contact, r"^ml:ct:(\d+|add|team)$"),
                cb(steps.remove_new_contact, r"^ml:nc:\d+$"),
                cb(steps.contacts_next, r"^ml:next$"),
                MessageHandler(text, steps.type_contact),
            ],
            c.NEW_CONTACT: [MessageHandler(text, steps.type_contact)],
            c.TEAM: [cb(steps.toggle_team, r"^ml:tm:\d+$")],
            c.NOTES: [
                cb(steps.notes_done, r"^ml:next$"),
                MessageHandler(content, steps.notes_content),
            ],
            c.OUTCOME: [cb(steps.choose_outcome, r"^ml:out:\w+$"), more],
            c.REASON: [MessageHandler(text, steps.type_reason)],
            c.NEXT_TEXT: [
                cb(steps.next_steps_done, r"^ml:next$"),
                cb(steps.remove_next_step, r"^ml:ns:del:\d+$"),
                cb(steps.choose_outcome, r"^ml:out:\w+$"),
                MessageHandler(text, steps.type_next_step),
                MessageHandler(media, steps.more_content),
            ],
            c.NEXT_DUE: [
                cb(steps.choose_due, r"^ml:due:"),
                MessageHandler(text, steps.type_due),
            ],
            c.PICK_DATE: [
                cb(steps.choose_due, r"^ml:due:d:\d+$"),
                MessageHandler(text, steps.type_due),
            ],
            c.SATISFACTION: [cb(steps.choose_satisfaction, r"^ml:sat:\d+$")],
            c.REMIND: [cb(steps.choose_remind, r"^ml:rem:\d+$")],
            c.REVIEW: [
                cb(steps.edit_field, r"^ml:ed:\w+$"),
                cb(steps.redate_step, r"^ml:ed:due:\d+$"),
                cb(save, r"^ml:save$"),
                more,
            ],
            c.CONFIRM_CANCEL: [
                cb(confirm_cancel, r"^ml:cancel:yes$"),
                cb(keep_going, r"^ml:cancel:no$"),
            ],
            c.RESUME: [],
        },
        fallbacks=[
            CommandHandler("cancel", command_cancel),
            cb(ask_cancel, r"^ml:cancel$"),
            cb(steps.back, r"^ml:back$"),
            cb(_stale, r"^ml:"),
            MessageHandler(new, steps.hint),
        ],
        name="meeting",
        persistent=True,
        allow_reentry=True,
        is_idle=_idle_check(application),
    )


async def _stale(update: Update, context: KamContext) -> None:
    """A press the current step does not know (an old card of this flow, or forged data)."""
    await answer(update, context.t("error.stale_button"))


def quick_entry_points() -> list[CallbackQueryHandler[KamContext, Any]]:
    from handlers.meetings import quick_log

    return [
        CallbackQueryHandler(quick_log.quick_save, pattern=r"^mtg:q:save$"),
        CallbackQueryHandler(quick_log.quick_edit, pattern=r"^mtg:q:edit$"),
        CallbackQueryHandler(quick_log.quick_flow, pattern=r"^mtg:q:flow$"),
        CallbackQueryHandler(quick_log.quick_account, pattern=r"^mtg:q:acc:\d+$"),
        CallbackQueryHandler(quick_log.quick_cancel, pattern=r"^mtg:q:cancel$"),
    ]


def register(application: KamApp) -> None:
    application.add_handler(build_conversation(application))
