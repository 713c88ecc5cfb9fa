"""The meeting flow's screens: one per step, its text and the run's buttons, from the draft."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update

from domain import meeting_dates as dates
from domain.meeting_draft import (
    KINDS,
    OUTCOMES,
    REMIND_CHOICES,
    SATISFACTION_CHOICES,
    MeetingDraft,
    from_iso,
)
from domain.search import Candidate, rank
from handlers.meetings import common as c
from handlers.meetings.common import Rows, View, draft_screen
from handlers.meetings.review import next_lines, render_review
from handlers.profiles.common import account_labels
from handlers.ui import clip, grid

if TYPE_CHECKING:
    from bot.context import KamContext
    from handlers.dialog import Run, Screen

ACCOUNT_BUTTONS = 8
TEAM_BUTTONS = 12


def _marked(on: bool, label: str) -> str:
    return ("✓ " if on else "") + label


def _ticked(on: bool, label: str) -> str:
    return ("✅ " if on else "▫️ ") + clip(label, 30)


def _ask(key: str) -> Callable[[Update, KamContext, Run], Awaitable[Screen | None]]:
    """A step that asks for a typed answer: its question, Back and Cancel."""

    @draft_screen
    async def ask(context: KamContext, run: Run, draft: MeetingDraft) -> View:
        return context.t(key), [c.nav_row(context, run)]

    return ask


new_account = _ask("meeting.new_client_prompt")
new_contact = _ask("meeting.new_contact_prompt")
reason = _ask("meeting.reason_prompt")


# --- account -----------------------------------------------------------------------------


@draft_screen
async def account(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    manager, t = context.require_manager(), context.t
    accounts = await context.services.storage.accounts.visible(
        manager.id, sees_all=manager.sees_all_accounts
    )
    query = str(run.data.pop("query", "") or "")
    if query:
        candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
        shown = [(m.id, m.label) for m in rank(query, candidates, limit=ACCOUNT_BUTTONS)]
        draft.pending_name = clip(query, 120)
        key = "meeting.account_matches" if shown else "meeting.account_no_match"
        text = t(key, text=query)
        last = run.button(t("meeting.new_client_named", name=clip(query, 30)), "acc", "typed")
    else:
        shown = [(a.id, a.name) for a in accounts[:ACCOUNT_BUTTONS]]
        text = t("meeting.account_prompt" if accounts else "meeting.account_prompt_empty")
        last = run.button(t("meeting.new_client"), "acc", "new")
    names = await account_labels(context, shown)
    rows = [[run.button(names[account_id], "acc", account_id)] for account_id, _ in shown]
    rows += [[last], c.nav_row(context, run, back=draft.return_to_review)]
    heading = t("meeting.heading_plan" if draft.mode == "planned" else "meeting.heading_log")
    return heading + "\n" + text, rows


# --- when, kind, where -------------------------------------------------------------------


@draft_screen
async def when(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    current = c.when_label(context, draft)
    just_now = run.button(t("meeting.when_just_now"), "when", "now")
    if draft.mode == "planned" or draft.speaks_of_future(c.now(context)):
        presets = dates.PLAN_PRESETS
        rows = grid([run.button(t(f"meeting.when_preset_{p}"), "when", p) for p in presets], 2)
        rows.append([just_now])
        text = t("meeting.when_prompt_plan", current=current)
    else:
        earlier = run.button(t("meeting.when_earlier_today"), "when", "today")
        rows = [[just_now], [earlier, run.button(t("meeting.when_yesterday"), "when", "yest")]]
        text = t("meeting.when_prompt", current=current)
    return text, [*rows, c.nav_row(context, run)]


@draft_screen
async def kind(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    choices = [run.button(_marked(k == draft.kind, t(c.KIND_LABELS[k])), "kind", k) for k in KINDS]
    return t("meeting.kind_prompt"), [*grid(choices, 2), c.nav_row(context, run)]


@draft_screen
async def where(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    rows = [[run.button(t("meeting.where_none"), "nowhere")], c.nav_row(context, run)]
    return t("meeting.where_prompt", current=draft.location or "—"), rows


# --- people ------------------------------------------------------------------------------


@draft_screen
async def contacts(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    known = []
    if draft.account_id is not None:
        known = await context.services.storage.contacts.for_account(draft.account_id)
    toggles = [
        run.button(_ticked(p.id in draft.contact_ids, p.full_name), "ct", p.id) for p in known[:20]
    ]
    toggles += [
        run.button(_ticked(True, p.name), "nc", i) for i, p in enumerate(draft.new_contacts)
    ]
    rows = grid(toggles, 2)
    add = run.button(t("meeting.add_contact"), "ct", "add")
    rows.append([add, run.button(t("meeting.our_people"), "ct", "team")])
    count = draft.attendee_count()
    label = t("meeting.next_with", count=count) if count else t("meeting.next_nobody")
    rows += [[run.button(label, "next")], c.nav_row(context, run)]
    key = "meeting.contacts_prompt" if known or draft.new_contacts else "meeting.contacts_none"
    if draft.speaks_of_future(c.now(context)):
        key += "_plan"
    return c.title(context, draft, draft.mode == "planned", "…") + "\n" + t(key), rows


@draft_screen
async def team(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    manager = context.require_manager()
    everyone = await context.services.storage.managers.list_all()
    colleagues = [m for m in everyone if m.active and m.id != manager.id]
    toggles = [
        run.button(_ticked(m.id in draft.team_ids, m.full_name), "tm", m.id)
        for m in colleagues[:TEAM_BUTTONS]
    ]
    rows = [*grid(toggles, 2), [run.button(context.t("button.done"), "back")]]
    key = "meeting.team_prompt" if colleagues else "meeting.team_none"
    if colleagues and draft.speaks_of_future(c.now(context)):
        key = "meeting.team_prompt_plan"
    return context.t(key), rows


# --- what was discussed, outcome ---------------------------------------------------------


def _notes_state(context: KamContext, draft: MeetingDraft) -> str:
    parts = len(draft.notes) + len(draft.attachments)
    if not parts:
        return ""
    preview = clip(draft.notes_text, 200) if draft.notes else ""
    line = context.t("meeting.notes_so_far", count=parts)
    return line + ("\n<i>" + html.escape(preview, quote=False) + "</i>" if preview else "")


@draft_screen
async def notes(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    future = draft.speaks_of_future(c.now(context))
    prompt = t("meeting.agenda_prompt" if future else "meeting.notes_prompt")
    text = c.title(context, draft, draft.mode == "planned", "…") + "\n" + prompt
    state = _notes_state(context, draft)
    if state:
        text += "\n\n" + state
    done = draft.notes or draft.attachments
    extra = run.button(t("button.done") if done else t("meeting.skip"), "next")
    return text, [c.nav_row(context, run, extra=extra)]


def _outcome_choices(context: KamContext, run: Run, draft: MeetingDraft) -> tuple[str, Rows]:
    t = context.t
    text = t("meeting.outcome_prompt")
    if draft.outcome_reason:
        text += "\n" + t("meeting.outcome_reason_is", reason=draft.outcome_reason)
    choices = [
        run.button(_marked(o == draft.outcome, t(c.OUTCOME_LABELS[o])), "out", o) for o in OUTCOMES
    ]
    return text, [choices, [run.button(t("meeting.outcome_add_reason"), "out", "reason")]]


@draft_screen
async def outcome(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    text, rows = _outcome_choices(context, run, draft)
    state = _notes_state(context, draft)
    if state:
        text += "\n\n" + state + "\n" + t("meeting.notes_append_hint")
    rows[1].append(run.button(t("meeting.skip"), "out", "skip"))
    return text, [*rows, c.nav_row(context, run)]


# --- next steps --------------------------------------------------------------------------


@draft_screen
async def next_text(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    """The next step; "How did it go?" shares the screen (one optional tap)."""
    t = context.t
    head, rows = "", list[list[InlineKeyboardButton]]()
    if not draft.speaks_of_future(c.now(context)) and not draft.edits_held:
        head, rows = _outcome_choices(context, run, draft)
        head += "\n\n"
    text = head + t("meeting.next_prompt")
    lines = next_lines(context, draft, 80)
    if lines:
        text += "\n\n" + "\n".join(lines)
    count = len(draft.next_steps)
    removals = [
        run.button(t("meeting.next_remove", number=i + 1), "nsdel", i) for i in range(count)
    ]
    rows += grid(removals, 3)
    label = t("button.done") if draft.next_steps else t("meeting.no_next_step")
    return text, [*rows, [run.button(label, "next")], c.nav_row(context, run)]


@draft_screen
async def next_due(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    rows = grid([run.button(t(f"meeting.due_{p}"), "due", p) for p in dates.DUE_PRESETS], 3)
    pick = run.button(t("meeting.due_pick"), "due", "pick")
    rows.append([pick, run.button(t("meeting.due_none_button"), "due", "none")])
    if draft.redate is None and not draft.speaks_of_future(c.now(context)):
        rows.append([run.button(t("meeting.due_to_summary"), "due", "notes")])
    step = draft.pending_step or ""
    if draft.redate is not None and draft.redate < len(draft.next_steps):
        step = draft.next_steps[draft.redate].text
    return t("meeting.due_prompt", step=clip(step, 200)), [*rows, c.nav_row(context, run)]


@draft_screen
async def pick_date(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    from domain.dates import day_bounds

    tz = c.zone(context)
    choices = [
        run.button(
            c.fmt_when(context, day_bounds(day, tz)[0] + timedelta(hours=12), has_time=False),
            *("due", "d", day.strftime("%Y%m%d")),
        )
        for day in dates.pick_days(c.now(context), tz)
    ]
    return context.t("meeting.pick_prompt"), [*grid(choices, 3), c.nav_row(context, run)]


# --- satisfaction, reminder, review ------------------------------------------------------


@draft_screen
async def satisfaction(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    days = draft.satisfaction_days
    choices = _numbers(
        run, "sat", SATISFACTION_CHOICES, days, partial(c.satisfaction_label, context)
    )
    return context.t("meeting.sat_prompt"), [*grid(choices, 2), c.nav_row(context, run)]


@draft_screen
async def remind(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    minutes = draft.remind_before_minutes
    choices = _numbers(run, "rem", REMIND_CHOICES, minutes, partial(c.remind_label, context))
    return context.t("meeting.remind_prompt"), [*grid(choices, 2), c.nav_row(context, run)]


def _numbers(
    run: Run, action: str, offered: tuple[int, ...], current: int, label: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    """The offered numbers, the current one and 0 (none), the current one marked."""
    options = dict.fromkeys([*offered, current, 0])
    return [run.button(_marked(n == current, label(n)), action, n) for n in options]


@draft_screen
async def review(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    draft.return_to_review = True
    return await render_review(context, run, draft)


# --- questions about the draft -----------------------------------------------------------


@draft_screen
async def confirm_cancel(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    t = context.t
    rows = [
        [run.button(t("meeting.discard_yes"), "yes")],
        [run.button(t("meeting.discard_no"), "no")],
    ]
    return t("meeting.discard_prompt", account=draft.account_name or "—"), rows


@draft_screen
async def resume(context: KamContext, run: Run, draft: MeetingDraft) -> View:
    """An unsaved meeting is open: Continue it, or Discard it and go on (`run.data["then"]`)."""
    t = context.t
    started = c.fmt_when(context, from_iso(draft.created_at))
    if draft.account_name:
        text = t("meeting.resume_prompt", account=draft.account_name, started=started)
    else:
        text = t("meeting.resume_prompt_noaccount", started=started)
    rows = [
        [run.button(t("meeting.resume_continue"), "resume")],
        [run.button(t("meeting.resume_discard"), "discard")],
    ]
    return text, rows
