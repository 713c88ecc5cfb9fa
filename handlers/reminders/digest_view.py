"""The digest as a message: sections in the manager's language, a button per item."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Html
from domain.digest import SECTION_LIMIT, Digest, DigestSources, build_digest
from domain.reminders import local_moment
from handlers.reminders.common import Formatter, esc
from handlers.ui import button, clip, grid, keyboard
from storage.managers import Manager

MAX_BUTTONS = 24
MEETING_KINDS = {
    "visit": N_("reminders.kind.visit"),
    "office": N_("reminders.kind.office"),
    "call": N_("reminders.kind.call"),
    "video": N_("reminders.kind.video"),
    "event": N_("reminders.kind.event"),
    "negotiation": N_("reminders.kind.negotiation"),
}


class DigestRows(Protocol):
    """Where the digest's rows come from (storage.reminders.ReminderRepository)."""

    async def digest_sources(
        self, manager_id: int, /, *, day_start: datetime, day_end: datetime, today: date
    ) -> DigestSources: ...


class DigestReader(Protocol):
    @property
    def reminders(self) -> DigestRows: ...


async def load_digest(storage: DigestReader, manager: Manager, now: datetime) -> Digest:
    fmt = Formatter(manager)
    today = fmt.today(now)
    start = local_moment(today, datetime.min.time(), fmt.tz)
    end = local_moment(today + timedelta(days=1), datetime.min.time(), fmt.tz)
    sources = await storage.reminders.digest_sources(
        manager.id, day_start=start, day_end=end, today=today
    )
    return build_digest(sources, now, fmt.tz)


def _more(fmt: Formatter, total: int) -> list[str]:
    hidden = total - SECTION_LIMIT
    return [fmt.t.plural("reminders.digest.more", hidden)] if hidden > 0 else []


def render_digest(
    digest: Digest, fmt: Formatter, now: datetime, *, on_demand: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    t = fmt.t
    title_key = "reminders.digest.title_today" if on_demand else "reminders.digest.title"
    lines = [t(title_key, day=fmt.day(digest.day))]
    buttons: list[InlineKeyboardButton] = []

    def add(label: str, data: str) -> None:
        if len(buttons) < MAX_BUTTONS:
            buttons.append(button(clip(label, 40), data))

    if digest.is_empty:
        lines.append("")
        lines.append(t("reminders.digest.empty"))
        return "\n".join(lines), None

    if digest.meetings:
        lines += ["", t("reminders.digest.meetings")]
        for m in digest.meetings[:SECTION_LIMIT]:
            kind = t(MEETING_KINDS[m.kind]) if m.kind in MEETING_KINDS else m.kind
            where = f", {esc(m.location, 60)}" if m.location else ""
            lines.append(
                t(
                    "reminders.digest.meeting_line",
                    time=fmt.time(m.starts_at),
                    account=Html(f"<b>{esc(m.account_name, 60)}</b>"),
                    kind=Html(esc(kind) + where),
                )
            )
            if m.agenda:
                lines.append(t("reminders.digest.agenda", agenda=clip(m.agenda, 160)))
            add(f"📅 {fmt.time(m.starts_at)} {m.account_name}", f"acc:brief:{m.account_id}")
        lines += _more(fmt, len(digest.meetings))

    def task_line(task_text: str, account: str | None, when: str) -> str:
        where = f" ({esc(account, 40)})" if account else ""
        return f"• {esc(task_text, 100)}{where} — {when}"

    if digest.due_today:
        lines += ["", t("reminders.digest.due_today")]
        for task in digest.due_today[:SECTION_LIMIT]:
            when = fmt.task_due(task.due_at, task.due_has_time, now)
            lines.append(task_line(task.text, task.account_name, esc(when)))
            add(f"✅ {task.text}", f"task:show:{task.id}:d")
        lines += _more(fmt, len(digest.due_today))

    if digest.overdue:
        lines += ["", t("reminders.digest.overdue")]
        for task in digest.overdue[:SECTION_LIMIT]:
            since = t(
                "reminders.digest.overdue_since",
                day=fmt.task_due(task.due_at, task.due_has_time, now),
            )
            lines.append(task_line(task.text, task.account_name, since))
            add(f"⚠️ {task.text}", f"task:show:{task.id}:d")
        lines += _more(fmt, len(digest.overdue))

    if digest.checks:
        lines += ["", t("reminders.digest.checks")]
        for check in digest.checks[:SECTION_LIMIT]:
            who = check.contact_name or check.account_name
            what = (
                t("reminders.sat.meeting_of", day=fmt.day(check.meeting_at, weekday=False))
                if check.meeting_at
                else t("reminders.sat.last_contact")
            )
            lines.append(
                f"• {esc(who, 60)} ({esc(check.account_name, 40)}) — {esc(what)}"
                if check.contact_name
                else f"• {esc(who, 60)} — {esc(what)}"
            )
            add(f"⭐ {who}", f"sat:ask:{check.id}")
        lines += _more(fmt, len(digest.checks))

    for title, items in (
        ("reminders.digest.obligations", digest.obligations),
        ("reminders.digest.obligations_open", digest.overdue_obligations),
    ):
        if not items:
            continue
        lines += ["", t(title)]
        for o in items[:SECTION_LIMIT]:
            lines.append(
                f"• {esc(fmt.day(o.due_on))}: {esc(o.description, 90)} — "
                f"{esc(o.contract_title, 40)} ({esc(o.account_name, 40)})"
            )
            add(f"📄 {o.description}", f"obl:show:{o.id}")
        lines += _more(fmt, len(items))

    if digest.silent:
        lines += ["", t("reminders.digest.silent")]
        for s in digest.silent[:SECTION_LIMIT]:
            if s.days is None:
                detail = t("reminders.digest.never_contacted")
            else:
                detail = t.plural("reminders.digest.days_silent", s.days)
            lines.append(f"• <b>{esc(s.account.name, 60)}</b> — {esc(detail)}")
            add(f"💤 {s.account.name}", f"acc:open:{s.account.id}")
        lines += _more(fmt, len(digest.silent))

    if digest.birthdays_today or digest.birthdays_week:
        lines += ["", t("reminders.digest.birthdays")]
        for b in digest.birthdays_today[:SECTION_LIMIT]:
            lines.append(
                t(
                    "reminders.digest.birthday_today",
                    name=b.item.contact_name,
                    account=b.item.account_name,
                )
            )
            add(f"🎂 {b.item.contact_name}", f"acc:open:{b.item.account_id}")
        for b in digest.birthdays_week[:SECTION_LIMIT]:
            lines.append(
                f"• {esc(fmt.day(b.day))}: {esc(b.item.contact_name, 60)}"
                f" ({esc(b.item.account_name, 40)})"
            )
            add(f"🎂 {b.item.contact_name}", f"acc:open:{b.item.account_id}")

    return "\n".join(lines), keyboard(grid(buttons, 2)) if buttons else None
