"""The one-screen pre-meeting brief (`acc:brief:<id>`) and `render_brief` for reminders."""

from __future__ import annotations

from datetime import date, tzinfo

from telegram import Update

from bot.context import KamContext
from bot.i18n import N_, Html
from domain.brief import birthdays_this_month, key_people, next_plan_step
from domain.profile import satisfaction_trend
from handlers.profiles.card import TREND_MARKS, ago_text
from handlers.profiles.common import (
    FLOW,
    date_text,
    esc,
    int_part,
    money_text,
    refuse_missing,
    visible_account,
    zone,
)
from handlers.ui import answer, button, callback_parts, clip, keyboard, show_screen
from storage.managers import Manager
from storage.profile import ProfileSnapshot

OUTCOME_MARKS = {"positive": "🟢", "neutral": "🟡", "negative": "🔴"}
ATTITUDE_MARKS = {"supporter": "👍", "neutral": "😐", "opponent": "👎"}
ROLE_LABELS = {
    "decision_maker": N_("profile.role.decision_maker"),
    "influencer": N_("profile.role.influencer"),
    "user": N_("profile.role.user"),
    "gatekeeper": N_("profile.role.gatekeeper"),
    "champion": N_("profile.role.champion"),
}


async def render_brief(
    context: KamContext, account_id: int, *, manager: Manager | None = None
) -> str:
    """The brief's HTML text (also pushed before meetings).

    In the language and time zone of `context.manager`; a scheduled job, which has no
    manager in its context, passes the recipient as `manager`.
    """
    if manager is None or context.manager is not None:
        return await _render(context, account_id)
    context.manager = manager
    try:
        return await _render(context, account_id)
    finally:
        context.manager = None


async def _render(context: KamContext, account_id: int) -> str:
    t = context.t
    now = context.services.clock.now()
    tz = zone(context)
    today = now.astimezone(tz).date()
    snap = await context.services.storage.profile.snapshot(account_id, now=now, today=today)
    if snap is None:
        return t("profile.not_found")
    out = [t("profile.brief.title", name=snap.account.name)]
    out += _people_lines(context, snap, today)
    out += _last_meeting_lines(context, snap, today, tz)
    out += _open_work_lines(context, snap, today)
    out += _outlook_lines(context, snap)
    return "\n".join(out)


def _people_lines(context: KamContext, snap: ProfileSnapshot, today: date) -> list[str]:
    """The key people, then this month's birthdays."""
    t = context.t
    contacts = [c.values for c in snap.list("contact")]
    people = key_people(contacts)
    out = ["\n" + t("profile.brief.people")]
    if not people:
        out.append(t("profile.brief.no_people"))
    for person in people:
        role = person.get("decision_role")
        parts = [f"• <b>{esc(person.get('full_name'), 60)}</b>"]
        if person.get("position"):
            parts.append(esc(person.get("position"), 60))
        if role in ROLE_LABELS:
            parts.append(t(ROLE_LABELS[role]))
        mark = ATTITUDE_MARKS.get(str(person.get("attitude")), "")
        out.append(" · ".join(parts) + (f" {mark}" if mark else ""))
    birthdays = birthdays_this_month(contacts, today)
    if birthdays:
        names = ", ".join(
            f"{esc(c.get('full_name'), 40)} ({context.fmt.birthday(today.month, d)})"
            for d, c in birthdays
        )
        out.append("🎂 " + t("profile.brief.birthdays", names=Html(names)))
    return out


def _last_meeting_lines(
    context: KamContext, snap: ProfileSnapshot, today: date, tz: tzinfo
) -> list[str]:
    t = context.t
    meeting = snap.last_meeting
    if meeting is None:
        return ["\n" + t("profile.brief.no_meeting")]
    days = (today - meeting.starts_at.astimezone(tz).date()).days
    out = [
        "\n"
        + t(
            "profile.brief.last_meeting",
            when=date_text(context, meeting.starts_at) or "",
            ago=ago_text(context, days),
            outcome=OUTCOME_MARKS.get(meeting.outcome or "", "▫️"),
        )
    ]
    if meeting.summary:
        out.append(f"<i>{esc(meeting.summary, 300)}</i>")
    if meeting.outcome_reason:
        out.append(esc(meeting.outcome_reason, 200))
    return out


def _open_work_lines(context: KamContext, snap: ProfileSnapshot, today: date) -> list[str]:
    """Open tasks, the satisfaction trend, and the deadlines ahead."""
    t = context.t
    out = ["\n" + t("profile.brief.tasks", count=len(snap.open_tasks))]
    for task in snap.open_tasks[:4]:
        due = date_text(context, task.due_at) or t("profile.no_due")
        out.append(f"• {esc(task.text, 80)} — {due}")
    trend = satisfaction_trend([s.score for s in snap.scores])
    if trend is None:
        out.append(t("profile.card.no_scores"))
    else:
        out.append(
            t(
                "profile.brief.score",
                latest=trend.latest,
                trend=TREND_MARKS.get(trend.direction or "", ""),
            )
        )
    if snap.deadlines:
        out.append("\n" + t("profile.brief.deadlines"))
        for deadline in snap.deadlines[:5]:
            overdue = " ⚠️" if deadline.on < today else ""
            out.append(f"• {date_text(context, deadline.on)} — {esc(deadline.what, 80)}{overdue}")
    return out


def _outlook_lines(context: KamContext, snap: ProfileSnapshot) -> list[str]:
    """The opportunity and the account plan's next step."""
    t, account = context.t, snap.account
    one = money_text(
        context, account.opportunity_1y_minor, account.opportunity_1y_currency, compact=True
    )
    five = money_text(
        context, account.opportunity_3_5y_minor, account.opportunity_3_5y_currency, compact=True
    )
    out = ["\n" + t("profile.card.opportunity", one=one or "—", five=five or "—")]
    step = next_plan_step([s.values for s in snap.list("plan")])
    if step is not None:
        due = date_text(context, step.get("due_at")) or t("profile.no_due")
        out.append(t("profile.brief.next_step", step=clip(str(step.get("text")), 100), due=due))
    else:
        out.append(t("profile.brief.no_step"))
    return out


async def on_brief(update: Update, context: KamContext) -> None:
    account_id = int_part(callback_parts(update, "acc:brief"), 0)
    if account_id is None or await visible_account(context, account_id) is None:
        await refuse_missing(update, context)
        return
    await answer(update)
    text = await render_brief(context, account_id)
    rows = [[button(context.t("profile.to_card"), f"acc:open:{account_id}")]]
    await show_screen(update, context, FLOW, text, keyboard(rows))
