"""What the meeting steps share: the draft in user data, labels, date formatting.

The draft (domain.meeting_draft) lives in user data, outside the dialog run: when the run
ends after 30 idle minutes the draft stays, and the next /meeting offers it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from bot.i18n import N_
from domain import meeting_steps as ms
from domain.meeting_draft import MeetingDraft
from domain.policy import Action
from handlers import authz
from handlers.dialog import Go, Next, Run, Screen
from handlers.ui import answer, callback_id

if TYPE_CHECKING:
    from storage.accounts import Account
    from storage.meetings import Meeting

FLOW = "meeting"
DRAFT_KEY = "meeting_draft"

KIND_LABELS: dict[str, str] = {
    "visit": N_("meeting.kind_visit"),
    "office": N_("meeting.kind_office"),
    "call": N_("meeting.kind_call"),
    "video": N_("meeting.kind_video"),
    "event": N_("meeting.kind_event"),
    "negotiation": N_("meeting.kind_negotiation"),
}
OUTCOME_LABELS: dict[str, str] = {
    "positive": N_("meeting.outcome_positive"),
    "neutral": N_("meeting.outcome_neutral"),
    "negative": N_("meeting.outcome_negative"),
}
PROBLEM_LABELS: dict[str, str] = {
    "no_account": N_("meeting.problem_no_account"),
    "bad_kind": N_("meeting.problem_bad_kind"),
    "bad_outcome": N_("meeting.problem_bad_outcome"),
    "bad_time": N_("meeting.problem_bad_time"),
    "pending_step": N_("meeting.problem_pending_step"),
}
FILE_KIND_LABELS: dict[str, str] = {
    "voice": N_("meeting.file_kind_voice"),
    "audio": N_("meeting.file_kind_audio"),
    "photo": N_("meeting.file_kind_photo"),
    "video": N_("meeting.file_kind_video"),
    "document": N_("meeting.file_kind_document"),
}


def problems_note(context: KamContext, problems: list[str]) -> str:
    return "\n".join("⚠️ " + context.t(PROBLEM_LABELS[p]) for p in problems)


async def meeting_from(
    update: Update, context: KamContext, prefix: str, *, with_deleted: bool = False
) -> Meeting | None:
    """The meeting of the pressed button if the manager may see it (else refused)."""
    found = await context.services.storage.meetings.get(
        callback_id(update, prefix), with_deleted=with_deleted
    )
    if found is None or not authz.check(
        context, Action.SEE, await authz.seen_meeting(context, found)
    ):
        await answer(update, context.t("meeting.not_found"), alert=True)
        return None
    return found


async def visible_account(context: KamContext, account_id: int) -> Account | None:
    """The account if the manager sees it (an archived one too: the caller decides); a
    refusal is logged and audited (handlers.authz)."""
    account = await context.services.storage.accounts.get(account_id)
    if account is None or not authz.check(
        context, Action.SEE, await authz.account(context, account_id)
    ):
        return None
    return account


def get_draft(context: KamContext) -> MeetingDraft | None:
    if context.user_data is None:
        return None
    data = context.user_data.get(DRAFT_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return MeetingDraft.from_dict(data)
    except (TypeError, ValueError):
        return None


def put_draft(context: KamContext, draft: MeetingDraft) -> None:
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = draft.to_dict()


def drop_draft(context: KamContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)


def zone(context: KamContext) -> ZoneInfo:
    return ZoneInfo(context.require_manager().timezone)


def now(context: KamContext) -> datetime:
    return context.services.clock.now()


def fmt_when(context: KamContext, at: datetime, has_time: bool = True) -> str:
    """ "Tue 24 Nov, 15:00" in the manager's zone and language (the year when not this one)."""
    fmt = context.fmt
    year = fmt.local(at).year != fmt.local(now(context)).year
    if has_time:
        return fmt.datetime(at, weekday=True, year=year)
    return fmt.weekday_date(at, year=year)


def when_label(context: KamContext, draft: MeetingDraft) -> str:
    if draft.starts_at is None:
        return context.t("meeting.when_just_now")
    return fmt_when(context, draft.start_time(now(context)), draft.starts_has_time)


def title(context: KamContext, draft: MeetingDraft, planned: bool, nobody: str) -> str:
    """The title: a meeting logged, planned or edited with the client (`nobody`: none yet)."""
    if draft.editing_meeting_id is not None:
        key = "meeting.title_edit"
    else:
        key = "meeting.title_plan" if planned else "meeting.title_log"
    return context.t(key, account=draft.account_name or nobody)


def nav_row(
    context: KamContext, run: Run, *, back: bool = True, extra: InlineKeyboardButton | None = None
) -> list[InlineKeyboardButton]:
    row = [run.button(context.t("button.back"), "back")] if back else []
    if extra is not None:
        row.append(extra)
    row.append(run.button(context.t("button.cancel"), "cancel"))
    return row


def outcome_label(context: KamContext, outcome: str | None, reason: str | None = None) -> str:
    """How it went ("—" when not said), with the reason when there is one."""
    label = context.t(OUTCOME_LABELS[outcome]) if outcome else "—"
    return label + " — " + reason if reason else label


def who_label(context: KamContext, names: list[str], limit: int = 3) -> str:
    if not names:
        return "—"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += " " + context.t("meeting.and_more", count=len(names) - limit)
    return shown


def satisfaction_label(context: KamContext, days: int) -> str:
    if days <= 0:
        return context.t("meeting.sat_none")
    return context.t.plural("meeting.sat_in_days", days)


def remind_label(context: KamContext, minutes: int) -> str:
    if minutes <= 0:
        return context.t("meeting.remind_none")
    if minutes % 1440 == 0:
        return context.t.plural("meeting.remind_days", minutes // 1440)
    if minutes % 60 == 0:
        return context.t.plural("meeting.remind_hours", minutes // 60)
    return context.t.plural("meeting.remind_minutes", minutes)


def new_draft(context: KamContext, mode: str) -> MeetingDraft:
    manager = context.require_manager()
    return MeetingDraft.start(
        secrets.token_hex(8),
        now(context),
        mode=mode,
        satisfaction_days=manager.satisfaction_days,
        remind_before_minutes=manager.meeting_lead_minutes,
    )


# --- steps on the draft ------------------------------------------------------------------

Rows = list[list[InlineKeyboardButton]]
View = tuple[str, Rows]
DraftScreen = Callable[[KamContext, Run, MeetingDraft], Awaitable[View]]
DraftInput = Callable[[KamContext, Run, MeetingDraft], Awaitable[Next]]


def draft_screen(
    func: DraftScreen,
) -> Callable[[Update, KamContext, Run], Awaitable[Screen | None]]:
    """A step's screen drawn from the draft; the draft remembers the step (to continue it)."""

    async def render(update: Update, context: KamContext, run: Run) -> Screen | None:
        draft = get_draft(context)
        if draft is None:
            return None
        if run.step in ms.DRAFT_STEPS:
            draft.step = run.step
        text, rows = await func(context, run, draft)
        put_draft(context, draft)
        return Screen((run.note + "\n\n" if run.note else "") + text, rows)

    return render


def on_draft(func: DraftInput) -> Callable[[Update, KamContext, Run], Awaitable[Next]]:
    """An input that changes the draft: loaded, and kept after (unless the input dropped it)."""

    async def take(update: Update, context: KamContext, run: Run) -> Next:
        draft = get_draft(context)
        if draft is None:
            if update.callback_query is not None:
                await answer(update, context.t("error.stale_button"))
            elif update.effective_message is not None:
                await update.effective_message.reply_text(context.t("meeting.draft_lost"))
            return Go.END
        where = await func(context, run, draft)
        kept = get_draft(context)
        if kept is not None and kept.token == draft.token:
            put_draft(context, draft)
        return where

    return take
