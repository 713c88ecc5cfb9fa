"""The one-screen pre-meeting brief (`acc:brief:<id>`), also pushed before meetings."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from telegram import Update

from bot.i18n import N_, Html, Translator
from domain.brief import birthdays_this_month, key_people, next_plan_step
from domain.profile import satisfaction_trend
from domain.profile_text import day_text
from handlers.profiles.card import TREND_MARKS, ago_words, opportunity_line
from handlers.profiles.common import (
    FLOW,
    esc,
    int_part,
    refuse_missing,
    visible_account,
)
from handlers.ui import answer, button, callback_parts, clip, keyboard, show_screen

if TYPE_CHECKING:
    from bot.context import KamContext
    from domain.formatting import Formats
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


class ProfileReader(Protocol):
    """What the brief reads (storage.profile.ProfileRepository)."""

    async def snapshot(
        self, account_id: int, /, *, now: datetime, today: date
    ) -> ProfileSnapshot | None: ...


async def brief_text(
    profiles: ProfileReader, t: Translator, fmt: Formats, now: datetime, account_id: int
) -> str:
    """The brief's HTML text (also pushed before meetings, with no handler context)."""
    today = now.astimezone(fmt.tz).date()
    snap = await profiles.snapshot(account_id, now=now, today=today)
    if snap is None:
        return t("profile.not_found")
    out = [t("profile.brief.title", name=snap.account.name)]
    out += _people(snap, t, fmt, today)
    out += _last_meeting(snap, t, fmt, today)
    out += _tasks_and_score(snap, t, fmt)
    out += _deadlines(snap, t, fmt, today)
    out += _opportunity_and_step(snap, t, fmt)
    return "\n".join(out)


def _people(snap: ProfileSnapshot, t: Translator, fmt: Formats, today: date) -> list[str]:
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
            f"{esc(c.get('full_name'), 40)} ({fmt.birthday(today.month, d)})" for d, c in birthdays
        )
        out.append("🎂 " + t("profile.brief.birthdays", names=Html(names)))
    return out


def _last_meeting(snap: ProfileSnapshot, t: Translator, fmt: Formats, today: date) -> list[str]:
    meeting = snap.last_meeting
    if meeting is None:
        return ["\n" + t("profile.brief.no_meeting")]
    days = (today - meeting.starts_at.astimezone(fmt.tz).date()).days
    out = [
        "\n"
        + t(
            "profile.brief.last_meeting",
            when=day_text(fmt, meeting.starts_at) or "",
            ago=ago_words(t, days),
            outcome=OUTCOME_MARKS.get(meeting.outcome or "", "▫️"),
        )
    ]
    if meeting.summary:
        out.append(f"<i>{esc(meeting.summary, 300)}</i>")
    if meeting.outcome_reason:
        out.append(esc(meeting.outcome_reason, 200))
    return out


def _tasks_and_score(snap: ProfileSnapshot, t: Translator, fmt: Formats) -> list[str]:
    out = ["\n" + t("profile.brief.tasks", count=len(snap.open_tasks))]
    for task in snap.open_tasks[:4]:
        due = day_text(fmt, task.due_at) or t("profile.no_due")
        out.append(f"• {esc(task.text, 80)} — {due}")
    trend = satisfaction_trend([s.score for s in snap.scores])
    if trend is None:
        out.append(t("profile.card.no_scores"))
    else:
        mark = TREND_MARKS.get(trend.direction or "", "")
        out.append(t("profile.brief.score", latest=trend.latest, trend=mark))
    return out


def _deadlines(snap: ProfileSnapshot, t: Translator, fmt: Formats, today: date) -> list[str]:
    if not snap.deadlines:
        return []
    out = ["\n" + t("profile.brief.deadlines")]
    for deadline in snap.deadlines[:5]:
        overdue = " ⚠️" if deadline.on < today else ""
        out.append(f"• {day_text(fmt, deadline.on)} — {esc(deadline.what, 80)}{overdue}")
    return out


def _opportunity_and_step(snap: ProfileSnapshot, t: Translator, fmt: Formats) -> list[str]:
    out = ["\n" + opportunity_line(t, fmt, snap.account)]
    step = next_plan_step([s.values for s in snap.list("plan")])
    if step is None:
        return [*out, t("profile.brief.no_step")]
    due = day_text(fmt, step.get("due_at")) or t("profile.no_due")
    out.append(t("profile.brief.next_step", step=clip(str(step.get("text")), 100), due=due))
    return out


async def on_brief(update: Update, context: KamContext) -> None:
    account_id = int_part(callback_parts(update, "acc:brief"), 0)
    if account_id is None or await visible_account(context, account_id) is None:
        await refuse_missing(update, context)
        return
    await answer(update)
    services = context.services
    text = await brief_text(
        services.storage.profile, context.t, context.fmt, services.clock.now(), account_id
    )
    rows = [[button(context.t("profile.to_card"), f"acc:open:{account_id}")]]
    await show_screen(update, context, FLOW, text, keyboard(rows))
