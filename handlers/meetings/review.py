"""The review card: everything entered on one screen, each default a one-tap button."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from bot.i18n import Html
from domain.meeting_draft import MeetingDraft, from_iso, place
from handlers.meetings import common as c
from handlers.ui import clip, grid

if TYPE_CHECKING:
    from bot.context import KamContext
    from handlers.dialog import Run

SUMMARY_PREVIEW = 600


async def attendee_names(context: KamContext, draft: MeetingDraft) -> tuple[list[str], list[str]]:
    """Names of the client's people and of ours on the draft, for display."""
    storage = context.services.storage
    contacts: list[str] = []
    if draft.account_id is not None and draft.contact_ids:
        known = {p.id: p.full_name for p in await storage.contacts.for_account(draft.account_id)}
        contacts = [known[i] for i in draft.contact_ids if i in known]
    contacts += [p.name for p in draft.new_contacts]
    team: list[str] = []
    if draft.team_ids:
        everyone = {m.id: m.full_name for m in await storage.managers.list_all()}
        team = [everyone[i] for i in draft.team_ids if i in everyone]
    return contacts, team


def _due(context: KamContext, at: str | None, has_time: bool) -> str:
    return c.fmt_when(context, from_iso(at), has_time) if at else context.t("meeting.due_none")


def next_lines(context: KamContext, draft: MeetingDraft, limit: int) -> list[str]:
    """One line per next step: number, text, due date."""
    return [
        context.t(
            "meeting.next_line",
            number=number,
            text=clip(step.text, limit),
            due=_due(context, step.due_at, step.due_has_time),
        )
        for number, step in enumerate(draft.next_steps, start=1)
    ]


def _summary_lines(context: KamContext, draft: MeetingDraft, planned: bool) -> list[str]:
    t = context.t
    text = draft.notes_text
    key = "meeting.card_agenda" if planned else "meeting.card_summary"
    lines = [t(key, text=clip(text, SUMMARY_PREVIEW) if text else "—")]
    if len(text) > SUMMARY_PREVIEW:
        lines.append(t.plural("meeting.card_summary_long", len(text)))
    if draft.attachments:
        lines.append(t.plural("meeting.card_files", len(draft.attachments)))
    return lines


def _held_lines(context: KamContext, draft: MeetingDraft) -> list[str]:
    """How it went, the next steps and the satisfaction check of a held meeting."""
    t = context.t
    outcome = c.outcome_label(context, draft.outcome, draft.outcome_reason)
    lines = [t("meeting.card_outcome", outcome=outcome)]
    if draft.next_steps:
        lines += [t("meeting.card_next_title"), *next_lines(context, draft, 100)]
    else:
        lines.append(t("meeting.card_next_none"))
    due_at = draft.satisfaction_due(c.now(context))
    sat = c.satisfaction_label(context, draft.satisfaction_days)
    if due_at is not None:
        sat += " (" + c.fmt_when(context, due_at, has_time=False) + ")"
    return [*lines, t("meeting.card_sat", sat=sat)]


def _tail_lines(context: KamContext, draft: MeetingDraft, planned: bool) -> list[str]:
    t = context.t
    if planned:
        remind = c.remind_label(context, draft.remind_before_minutes)
        return [t("meeting.card_remind", remind=remind)]
    if not draft.edits_held:
        return _held_lines(context, draft)
    return [t("meeting.card_outcome", outcome=c.outcome_label(context, draft.outcome))]


async def render_card_text(context: KamContext, draft: MeetingDraft) -> str:
    """The card's text (also used by the quick-log offer)."""
    t = context.t
    planned = draft.is_planned(c.now(context))
    contacts, team = await attendee_names(context, draft)
    lines = ["<b>" + c.title(context, draft, planned, "—") + "</b>"]
    if draft.is_new_account:
        lines.append(t("meeting.card_new_client"))
    kind = t(c.KIND_LABELS[draft.kind])
    lines.append(t("meeting.card_when", when=c.when_label(context, draft), kind=kind))
    where = place(draft.location, draft.latitude, draft.longitude) or "—"
    lines.append(t("meeting.card_where", where=where))
    lines.append(t("meeting.card_who", who=c.who_label(context, contacts, limit=6)))
    if team:
        lines.append(t("meeting.card_ours", who=c.who_label(context, team, limit=6)))
    lines += _summary_lines(context, draft, planned)
    lines += _tail_lines(context, draft, planned)
    return Html("\n".join(lines))


def _due_buttons(context: KamContext, run: Run, draft: MeetingDraft) -> list[InlineKeyboardButton]:
    """One 📅 per next step: its due date, changed in one tap."""
    dues = [_due(context, s.due_at, s.due_has_time) for s in draft.next_steps]
    label = partial(context.t, "meeting.edit_due")
    return [run.button(label(number=i + 1, due=due), "eddue", i) for i, due in enumerate(dues)]


async def render_review(context: KamContext, run: Run, draft: MeetingDraft) -> c.View:
    t = context.t
    planned = draft.is_planned(c.now(context))
    text = await render_card_text(context, draft)
    problems = draft.problems(c.now(context))
    if problems:
        text += "\n\n" + c.problems_note(context, problems)

    def edit(label: str, field: str) -> InlineKeyboardButton:
        return run.button(label, "ed", field)

    rows = [
        [
            edit("🕒 " + clip(c.when_label(context, draft), 28), "when"),
            edit(t(c.KIND_LABELS[draft.kind]), "kind"),
        ],
        [edit(t("meeting.edit_where"), "where"), edit(t("meeting.edit_who"), "who")],
    ]
    notes = edit(t("meeting.edit_agenda" if planned else "meeting.edit_summary"), "notes")
    if planned:
        rows.append(
            [notes, edit("⏰ " + c.remind_label(context, draft.remind_before_minutes), "remind")]
        )
    else:
        rows.append([notes, edit(t("meeting.edit_outcome"), "outcome")])
    if not planned and not draft.edits_held:
        sat = edit("⭐ " + c.satisfaction_label(context, draft.satisfaction_days), "sat")
        rows.append([edit(t("meeting.edit_next"), "next"), sat])
        rows += grid(_due_buttons(context, run, draft), 2)
    rows.append([edit(t("meeting.edit_account"), "account")])
    rows.append([run.button(t("meeting.save"), "save")])
    rows.append([run.button(t("button.cancel"), "cancel")])
    return text, rows
