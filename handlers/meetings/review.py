"""The review card: everything entered on one screen, each default a one-tap button."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.context import KamContext
from bot.i18n import Html
from domain.meeting_draft import MeetingDraft, from_iso
from handlers.meetings import common as c
from handlers.ui import button, clip, grid

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


def _where(draft: MeetingDraft) -> str:
    if draft.location:
        return draft.location
    if draft.latitude is not None and draft.longitude is not None:
        return f"{draft.latitude:.5f}, {draft.longitude:.5f}"
    return "—"


async def render_card_text(context: KamContext, draft: MeetingDraft) -> str:
    """The card's text (also used by the quick-log offer)."""
    t = context.t
    now = c.now(context)
    planned = draft.is_planned(now)
    contacts, team = await attendee_names(context, draft)
    account = draft.account_name or "—"
    if draft.editing_meeting_id is not None:
        title = t("meeting.title_edit", account=account)
    elif planned:
        title = t("meeting.title_plan", account=account)
    else:
        title = t("meeting.title_log", account=account)
    lines = ["<b>" + title + "</b>"]
    if draft.is_new_account:
        lines.append(t("meeting.card_new_client"))
    lines.append(
        t("meeting.card_when", when=c.when_label(context, draft), kind=t(c.KIND_LABELS[draft.kind]))
    )
    lines.append(t("meeting.card_where", where=_where(draft)))
    lines.append(t("meeting.card_who", who=c.who_label(context, contacts, limit=6)))
    if team:
        lines.append(t("meeting.card_ours", who=c.who_label(context, team, limit=6)))
    text = draft.notes_text
    key = "meeting.card_agenda" if planned else "meeting.card_summary"
    shown = clip(text, SUMMARY_PREVIEW) if text else "—"
    lines.append(t(key, text=shown))
    if len(text) > SUMMARY_PREVIEW:
        lines.append(t.plural("meeting.card_summary_long", len(text)))
    if draft.attachments:
        lines.append(t.plural("meeting.card_files", len(draft.attachments)))
    if planned:
        lines.append(
            t("meeting.card_remind", remind=c.remind_label(context, draft.remind_before_minutes))
        )
    elif draft.editing_meeting_id is None or draft.source_meeting_id is not None:
        outcome = t(c.OUTCOME_LABELS[draft.outcome]) if draft.outcome else "—"
        if draft.outcome_reason:
            outcome += " — " + draft.outcome_reason
        lines.append(t("meeting.card_outcome", outcome=outcome))
        if draft.next_steps:
            lines.append(t("meeting.card_next_title"))
            for number, step in enumerate(draft.next_steps, start=1):
                due = (
                    c.fmt_when(context, from_iso(step.due_at), step.due_has_time)
                    if step.due_at
                    else t("meeting.due_none")
                )
                lines.append(
                    t("meeting.next_line", number=number, text=clip(step.text, 100), due=due)
                )
        else:
            lines.append(t("meeting.card_next_none"))
        due_at = draft.satisfaction_due(now)
        sat = c.satisfaction_label(context, draft.satisfaction_days)
        if due_at is not None:
            sat += " (" + c.fmt_day(context, due_at) + ")"
        lines.append(t("meeting.card_sat", sat=sat))
    else:
        outcome = t(c.OUTCOME_LABELS[draft.outcome]) if draft.outcome else "—"
        lines.append(t("meeting.card_outcome", outcome=outcome))
    return Html("\n".join(lines))


def _due_buttons(context: KamContext, draft: MeetingDraft) -> list[InlineKeyboardButton]:
    """One 📅 per next step: its due date, changed in one tap."""
    found = []
    for index, step in enumerate(draft.next_steps):
        due = (
            c.fmt_when(context, from_iso(step.due_at), step.due_has_time)
            if step.due_at
            else context.t("meeting.due_none")
        )
        label = context.t("meeting.edit_due", number=index + 1, due=due)
        found.append(button(label, f"ml:ed:due:{index}"))
    return found


async def render_review(
    context: KamContext, draft: MeetingDraft
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    t = context.t
    planned = draft.is_planned(c.now(context))
    text = await render_card_text(context, draft)
    problems = draft.problems(c.now(context))
    if problems:
        text += "\n\n" + c.problems_note(context, problems)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button("🕒 " + clip(c.when_label(context, draft), 28), "ml:ed:when"),
            button(t(c.KIND_LABELS[draft.kind]), "ml:ed:kind"),
        ],
        [
            button(t("meeting.edit_where"), "ml:ed:where"),
            button(t("meeting.edit_who"), "ml:ed:who"),
        ],
    ]
    notes_button = button(
        t("meeting.edit_agenda" if planned else "meeting.edit_summary"), "ml:ed:notes"
    )
    editing_held = draft.editing_meeting_id is not None and draft.source_meeting_id is None
    if planned:
        rows.append(
            [
                notes_button,
                button(
                    "⏰ " + c.remind_label(context, draft.remind_before_minutes), "ml:ed:remind"
                ),
            ]
        )
    elif editing_held:
        rows.append([notes_button, button(t("meeting.edit_outcome"), "ml:ed:outcome")])
    else:
        rows.append([notes_button, button(t("meeting.edit_outcome"), "ml:ed:outcome")])
        rows.append(
            [
                button(t("meeting.edit_next"), "ml:ed:next"),
                button("⭐ " + c.satisfaction_label(context, draft.satisfaction_days), "ml:ed:sat"),
            ]
        )
        rows += grid(_due_buttons(context, draft), 2)
    rows.append([button(t("meeting.edit_account"), "ml:ed:account")])
    rows.append([button(t("meeting.save"), "ml:save")])
    rows.append([button(t("button.cancel"), "ml:cancel")])
    return text, rows
