"""One screen per step of the meeting flow: text plus buttons, shown in the flow's message.

Every ``show_*`` records the step in the draft, shows the screen (editing the flow's message
when a button of it was pressed, else sending one new message) and returns the state.
"""

from __future__ import annotations

import html
from datetime import timedelta

from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from domain import meeting_dates as dates
from domain.dates import day_bounds
from domain.meeting_draft import (
    KINDS,
    OUTCOMES,
    REMIND_CHOICES,
    SATISFACTION_CHOICES,
    MeetingDraft,
    from_iso,
    iso,
)
from domain.search import Candidate, rank
from handlers.meetings import common as c
from handlers.meetings.review import render_review
from handlers.profiles.common import account_labels
from handlers.ui import button, clip, grid, keyboard, show_screen

ACCOUNT_BUTTONS = 8
TEAM_BUTTONS = 12


def _new(update: Update) -> bool:
    return update.callback_query is None


async def _show(
    update: Update,
    context: KamContext,
    draft: MeetingDraft,
    step: str,
    text: str,
    rows: list[list[InlineKeyboardButton]],
    note: str = "",
) -> str:
    draft.step = step
    c.put_draft(context, draft)
    body = (note + "\n\n" if note else "") + text
    await show_screen(update, context, c.FLOW, body, keyboard(rows), new_message=_new(update))
    return step


def _title(context: KamContext, draft: MeetingDraft) -> str:
    name = draft.account_name or "…"
    key = "meeting.title_plan" if draft.mode == "planned" else "meeting.title_log"
    if draft.editing_meeting_id is not None:
        key = "meeting.title_edit"
    return context.t(key, account=name)


# --- account -----------------------------------------------------------------------------


async def show_account(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = "", query: str = ""
) -> str:
    manager = context.require_manager()
    t = context.t
    accounts = await context.services.storage.accounts.visible(
        manager.id, sees_all=manager.sees_all_accounts
    )
    rows: list[list[InlineKeyboardButton]] = []
    if query:
        candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
        matches = rank(query, candidates, limit=ACCOUNT_BUTTONS)
        names = await account_labels(context, [(m.id, m.label) for m in matches])
        rows += [[button(names[m.id], f"ml:acc:{m.id}")] for m in matches]
        draft.pending_name = clip(query, 120)
        text = t("meeting.account_matches" if matches else "meeting.account_no_match", text=query)
        rows.append([button(t("meeting.new_client_named", name=clip(query, 30)), "ml:acc:typed")])
    else:
        shown = [(a.id, a.name) for a in accounts[:ACCOUNT_BUTTONS]]
        names = await account_labels(context, shown)
        rows += [[button(names[account_id], f"ml:acc:{account_id}")] for account_id, _ in shown]
        key = "meeting.account_prompt" if accounts else "meeting.account_prompt_empty"
        text = t(key)
        rows.append([button(t("meeting.new_client"), "ml:acc:new")])
    heading = t("meeting.heading_plan" if draft.mode == "planned" else "meeting.heading_log")
    back = draft.return_to_review
    rows.append(c.nav_row(context, back=back))
    return await _show(update, context, draft, c.ACCOUNT, heading + "\n" + text, rows, note)


async def show_new_account(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    rows = [c.nav_row(context)]
    return await _show(
        update, context, draft, c.NEW_ACCOUNT, context.t("meeting.new_client_prompt"), rows, note
    )


# --- when, kind, where -------------------------------------------------------------------


def _local_today_start(context: KamContext) -> tuple[str, str]:
    """ISO starts of today and yesterday (local midnight, in UTC)."""
    today, yesterday = dates.today_and_yesterday(c.now(context), c.zone(context))
    return today.isoformat(), yesterday.isoformat()


PLAN_PRESETS = dates.PLAN_PRESETS


async def show_when(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    current = c.when_label(context, draft)
    if draft.mode == "planned" or draft.speaks_of_future(c.now(context)):
        choices = [button(t(f"meeting.when_preset_{p}"), f"ml:when:{p}") for p in PLAN_PRESETS]
        text = t("meeting.when_prompt_plan", current=current)
        rows = grid(choices, 2)
        rows.append([button(t("meeting.when_just_now"), "ml:when:now")])
    else:
        rows = [
            [button(t("meeting.when_just_now"), "ml:when:now")],
            [
                button(t("meeting.when_earlier_today"), "ml:when:today"),
                button(t("meeting.when_yesterday"), "ml:when:yest"),
            ],
        ]
        text = t("meeting.when_prompt", current=current)
    rows.append(c.nav_row(context))
    return await _show(update, context, draft, c.WHEN, text, rows, note)


async def show_kind(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    choices = [
        button(("✓ " if kind == draft.kind else "") + t(c.KIND_LABELS[kind]), f"ml:kind:{kind}")
        for kind in KINDS
    ]
    rows = [*grid(choices, 2), c.nav_row(context)]
    return await _show(update, context, draft, c.KIND, t("meeting.kind_prompt"), rows, note)


async def show_where(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    current = draft.location or "—"
    rows = [[button(t("meeting.where_none"), "ml:where:none")], c.nav_row(context)]
    return await _show(
        update, context, draft, c.WHERE, t("meeting.where_prompt", current=current), rows, note
    )


# --- people ------------------------------------------------------------------------------


async def show_contacts(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    known = []
    if draft.account_id is not None:
        known = await context.services.storage.contacts.for_account(draft.account_id)
    toggles = [
        button(
            ("✅ " if person.id in draft.contact_ids else "▫️ ") + clip(person.full_name, 30),
            f"ml:ct:{person.id}",
        )
        for person in known[:20]
    ]
    toggles += [
        button("✅ " + clip(person.name, 30), f"ml:nc:{index}")
        for index, person in enumerate(draft.new_contacts)
    ]
    rows = grid(toggles, 2)
    rows.append(
        [
            button(t("meeting.add_contact"), "ml:ct:add"),
            button(t("meeting.our_people"), "ml:ct:team"),
        ]
    )
    count = draft.attendee_count()
    label = t("meeting.next_with", count=count) if count else t("meeting.next_nobody")
    rows.append([button(label, "ml:next")])
    rows.append(c.nav_row(context))
    key = "meeting.contacts_prompt" if known or draft.new_contacts else "meeting.contacts_none"
    if draft.speaks_of_future(c.now(context)):
        key += "_plan"
    text = _title(context, draft) + "\n" + t(key)
    return await _show(update, context, draft, c.CONTACTS, text, rows, note)


async def show_new_contact(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    rows = [c.nav_row(context)]
    return await _show(
        update, context, draft, c.NEW_CONTACT, context.t("meeting.new_contact_prompt"), rows, note
    )


async def show_team(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    manager = context.require_manager()
    colleagues = [
        m
        for m in await context.services.storage.managers.list_all()
        if m.active and m.id != manager.id
    ]
    toggles = [
        button(("✅ " if m.id in draft.team_ids else "▫️ ") + clip(m.full_name, 30), f"ml:tm:{m.id}")
        for m in colleagues[:TEAM_BUTTONS]
    ]
    rows = grid(toggles, 2)
    rows.append([button(context.t("button.done"), "ml:back")])
    key = "meeting.team_prompt" if colleagues else "meeting.team_none"
    if colleagues and draft.speaks_of_future(c.now(context)):
        key = "meeting.team_prompt_plan"
    return await _show(update, context, draft, c.TEAM, context.t(key), rows, note)


# --- what was discussed, outcome ---------------------------------------------------------


def _notes_state(context: KamContext, draft: MeetingDraft) -> str:
    t = context.t
    parts = len(draft.notes) + len(draft.attachments)
    if not parts:
        return ""
    preview = clip(draft.notes_text, 200) if draft.notes else ""
    line = t("meeting.notes_so_far", count=parts)
    return line + ("\n<i>" + html.escape(preview, quote=False) + "</i>" if preview else "")


async def show_notes(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    key = (
        "meeting.agenda_prompt"
        if draft.speaks_of_future(c.now(context))
        else "meeting.notes_prompt"
    )
    text = _title(context, draft) + "\n" + t(key)
    state = _notes_state(context, draft)
    if state:
        text += "\n\n" + state
    done = draft.notes or draft.attachments
    extra = button(t("button.done") if done else t("meeting.skip"), "ml:next")
    rows = [c.nav_row(context, extra=extra)]
    return await _show(update, context, draft, c.NOTES, text, rows, note)


async def show_outcome(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    choices = [
        button(("✓ " if o == draft.outcome else "") + t(c.OUTCOME_LABELS[o]), f"ml:out:{o}")
        for o in OUTCOMES
    ]
    text = t("meeting.outcome_prompt")
    if draft.outcome_reason:
        text += "\n" + t("meeting.outcome_reason_is", reason=draft.outcome_reason)
    state = _notes_state(context, draft)
    if state:
        text += "\n\n" + state + "\n" + t("meeting.notes_append_hint")
    rows = [
        choices,
        [
            button(t("meeting.outcome_add_reason"), "ml:out:reason"),
            button(t("meeting.skip"), "ml:out:skip"),
        ],
        c.nav_row(context),
    ]
    return await _show(update, context, draft, c.OUTCOME, text, rows, note)


async def show_reason(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    rows = [c.nav_row(context)]
    return await _show(
        update, context, draft, c.REASON, context.t("meeting.reason_prompt"), rows, note
    )


# --- next steps --------------------------------------------------------------------------


def _next_lines(context: KamContext, draft: MeetingDraft) -> list[str]:
    lines = []
    for number, step in enumerate(draft.next_steps, start=1):
        due = (
            c.fmt_when(context, from_iso(step.due_at), step.due_has_time)
            if step.due_at
            else context.t("meeting.due_none")
        )
        lines.append(
            context.t("meeting.next_line", number=number, text=clip(step.text, 80), due=due)
        )
    return lines


def _outcome_part(
    context: KamContext, draft: MeetingDraft
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """ "How did it go?" on the next-step screen: one optional tap, no screen of its own."""
    t = context.t
    if draft.speaks_of_future(c.now(context)) or (
        draft.editing_meeting_id is not None and draft.source_meeting_id is None
    ):
        return "", []
    text = t("meeting.outcome_prompt")
    if draft.outcome_reason:
        text += "\n" + t("meeting.outcome_reason_is", reason=draft.outcome_reason)
    choices = [
        button(("✓ " if o == draft.outcome else "") + t(c.OUTCOME_LABELS[o]), f"ml:out:{o}")
        for o in OUTCOMES
    ]
    return text + "\n\n", [choices, [button(t("meeting.outcome_add_reason"), "ml:out:reason")]]


async def show_next_text(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    head, rows = _outcome_part(context, draft)
    text = head + t("meeting.next_prompt")
    lines = _next_lines(context, draft)
    if lines:
        text += "\n\n" + "\n".join(lines)
    removes = [
        button(t("meeting.next_remove", number=n), f"ml:ns:del:{n - 1}")
        for n in range(1, len(draft.next_steps) + 1)
    ]
    rows += grid(removes, 3)
    label = t("button.done") if draft.next_steps else t("meeting.no_next_step")
    rows.append([button(label, "ml:next")])
    rows.append(c.nav_row(context))
    return await _show(update, context, draft, c.NEXT_TEXT, text, rows, note)


DUE_PRESETS = dates.DUE_PRESETS


async def show_next_due(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    t = context.t
    rows = grid([button(t(f"meeting.due_{p}"), f"ml:due:{p}") for p in DUE_PRESETS], 3)
    rows.append(
        [
            button(t("meeting.due_pick"), "ml:due:pick"),
            button(t("meeting.due_none_button"), "ml:due:none"),
        ]
    )
    if draft.redate is None and not draft.speaks_of_future(c.now(context)):
        rows.append([button(t("meeting.due_to_summary"), "ml:due:notes")])
    rows.append(c.nav_row(context))
    step = draft.pending_step or ""
    if draft.redate is not None and draft.redate < len(draft.next_steps):
        step = draft.next_steps[draft.redate].text
    text = t("meeting.due_prompt", step=clip(step, 200))
    return await _show(update, context, draft, c.NEXT_DUE, text, rows, note)


async def show_pick_date(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    tz = c.zone(context)
    days = dates.pick_days(c.now(context), tz)
    choices = [
        button(
            c.fmt_day(context, day_bounds(day, tz)[0] + timedelta(hours=12)),
            f"ml:due:d:{day.strftime('%Y%m%d')}",
        )
        for day in days
    ]
    rows = [*grid(choices, 3), c.nav_row(context)]
    return await _show(
        update, context, draft, c.PICK_DATE, context.t("meeting.pick_prompt"), rows, note
    )


# --- satisfaction, reminder --------------------------------------------------------------


async def show_satisfaction(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    options = list(dict.fromkeys([*SATISFACTION_CHOICES, draft.satisfaction_days, 0]))
    choices = [
        button(
            ("✓ " if days == draft.satisfaction_days else "") + c.satisfaction_label(context, days),
            f"ml:sat:{days}",
        )
        for days in options
    ]
    rows = [*grid(choices, 2), c.nav_row(context)]
    return await _show(
        update, context, draft, c.SATISFACTION, context.t("meeting.sat_prompt"), rows, note
    )


async def show_remind(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    options = list(dict.fromkeys([*REMIND_CHOICES, draft.remind_before_minutes, 0]))
    choices = [
        button(
            ("✓ " if m == draft.remind_before_minutes else "") + c.remind_label(context, m),
            f"ml:rem:{m}",
        )
        for m in options
    ]
    rows = [*grid(choices, 2), c.nav_row(context)]
    return await _show(
        update, context, draft, c.REMIND, context.t("meeting.remind_prompt"), rows, note
    )


# --- review, cancel, resume --------------------------------------------------------------


async def show_review(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    draft.return_to_review = True
    text, rows = await render_review(context, draft)
    return await _show(update, context, draft, c.REVIEW, text, rows, note)


async def show_confirm_cancel(update: Update, context: KamContext, draft: MeetingDraft) -> str:
    t = context.t
    rows = [
        [button(t("meeting.discard_yes"), "ml:cancel:yes")],
        [button(t("meeting.discard_no"), "ml:cancel:no")],
    ]
    # remember where to come back to, without losing the step itself
    previous = draft.step
    assert context.user_data is not None
    context.user_data["meeting_confirming"] = True
    text = t("meeting.discard_prompt", account=draft.account_name or "—")
    await _show(update, context, draft, c.CONFIRM_CANCEL, text, rows)
    draft.step = previous
    c.put_draft(context, draft)
    return c.CONFIRM_CANCEL


async def show_resume(update: Update, context: KamContext, draft: MeetingDraft) -> str:
    t = context.t
    started = c.fmt_when(context, from_iso(draft.created_at))
    if draft.account_name:
        text = t("meeting.resume_prompt", account=draft.account_name, started=started)
    else:
        text = t("meeting.resume_prompt_noaccount", started=started)
    rows = [
        [button(t("meeting.resume_continue"), "mtg:resume")],
        [button(t("meeting.resume_discard"), "mtg:discard")],
    ]
    # the step to come back to stays in the draft
    c.put_draft(context, draft)
    await show_screen(update, context, c.FLOW, text, keyboard(rows), new_message=_new(update))
    return c.RESUME


SCREENS = {
    c.ACCOUNT: show_account,
    c.NEW_ACCOUNT: show_new_account,
    c.WHEN: show_when,
    c.KIND: show_kind,
    c.WHERE: show_where,
    c.CONTACTS: show_contacts,
    c.NEW_CONTACT: show_new_contact,
    c.TEAM: show_team,
    c.NOTES: show_notes,
    c.OUTCOME: show_outcome,
    c.REASON: show_reason,
    c.NEXT_TEXT: show_next_text,
    c.NEXT_DUE: show_next_due,
    c.PICK_DATE: show_pick_date,
    c.SATISFACTION: show_satisfaction,
    c.REMIND: show_remind,
    c.REVIEW: show_review,
}


async def show_step(
    update: Update, context: KamContext, draft: MeetingDraft, note: str = ""
) -> str:
    """Shows the draft's current step again (after a hint, Back, or Continue)."""
    screen = SCREENS.get(draft.step, show_review if draft.return_to_review else show_account)
    return await screen(update, context, draft, note)


def plan_preset(context: KamContext, preset: str) -> str | None:
    """ISO UTC time of a planning preset button (tomorrow 10:00, ...)."""
    at = dates.plan_preset(preset, c.now(context), c.zone(context))
    return None if at is None else iso(at)


def today_and_yesterday(context: KamContext) -> tuple[str, str]:
    return _local_today_start(context)
