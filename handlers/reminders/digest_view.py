"""The digest as a message: sections in the manager's language, a button per item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Html
from domain.digest import SECTION_LIMIT, Digest, build_digest
from domain.policy import Action, Kind, Target, decide
from domain.reminders import local_moment
from handlers.reminders.common import Formatter, esc
from handlers.ui import button, clip, grid, keyboard

if TYPE_CHECKING:
    from storage import Storage
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


def _leads(manager: Manager) -> bool:
    """Whether the digest covers the manager's team too (leads and admins see the team)."""
    return decide(manager.actor, Action.LIST, Target(Kind.MANAGER)).allowed


async def load_digest(storage: Storage, manager: Manager, now: datetime) -> Digest:
    fmt = Formatter(manager)
    today = fmt.today(now)
    start = local_moment(today, datetime.min.time(), fmt.tz)
    end = local_moment(today + timedelta(days=1), datetime.min.time(), fmt.tz)
    sources = await storage.reminders.digest_sources(
        manager.id, day_start=start, day_end=end, today=today, team=_leads(manager)
    )
    return build_digest(sources, now, fmt.tz)


def _more(fmt: Formatter, total: int) -> list[str]:
    hidden = total - SECTION_LIMIT
    return [fmt.t.plural("reminders.digest.more", hidden)] if hidden > 0 else []


@dataclass
class _Page:
    """The digest message being built: its lines and its buttons (up to MAX_BUTTONS)."""

    fmt: Formatter
    now: datetime
    lines: list[str] = field(default_factory=list)
    buttons: list[InlineKeyboardButton] = field(default_factory=list)

    def add(self, label: str, data: str) -> None:
        if len(self.buttons) < MAX_BUTTONS:
            self.buttons.append(button(clip(label, 40), data))

    def section(self, title: str) -> None:
        self.lines += ["", self.fmt.t(title)]


def render_digest(
    digest: Digest, fmt: Formatter, now: datetime, *, on_demand: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    t = fmt.t
    title_key = "reminders.digest.title_today" if on_demand else "reminders.digest.title"
    page = _Page(fmt, now, [t(title_key, day=fmt.day(digest.day))])
    if digest.is_empty:
        page.lines += ["", t("reminders.digest.empty")]
        return "\n".join(page.lines), None
    _meetings(page, digest)
    _tasks(page, digest)
    _checks(page, digest)
    _obligations(page, digest)
    _silent(page, digest)
    _team(page, digest)
    _birthdays(page, digest)
    markup = keyboard(grid(page.buttons, 2)) if page.buttons else None
    return "\n".join(page.lines), markup


def _meetings(page: _Page, digest: Digest) -> None:
    if not digest.meetings:
        return
    fmt, t = page.fmt, page.fmt.t
    page.section("reminders.digest.meetings")
    for m in digest.meetings[:SECTION_LIMIT]:
        kind = t(MEETING_KINDS[m.kind]) if m.kind in MEETING_KINDS else m.kind
        where = f", {esc(m.location, 60)}" if m.location else ""
        page.lines.append(
            t(
                "reminders.digest.meeting_line",
                time=fmt.time(m.starts_at),
                account=Html(f"<b>{esc(m.account_name, 60)}</b>"),
                kind=Html(esc(kind) + where),
            )
        )
        if m.agenda:
            page.lines.append(t("reminders.digest.agenda", agenda=clip(m.agenda, 160)))
        page.add(f"📅 {fmt.time(m.starts_at)} {m.account_name}", f"acc:brief:{m.account_id}")
    page.lines += _more(fmt, len(digest.meetings))


def _tasks(page: _Page, digest: Digest) -> None:
    fmt = page.fmt
    for title, mark, items in (
        ("reminders.digest.due_today", "✅", digest.due_today),
        ("reminders.digest.overdue", "⚠️", digest.overdue),
    ):
        if not items:
            continue
        page.section(title)
        for task in items[:SECTION_LIMIT]:
            due = fmt.task_due(task.due_at, task.due_has_time, page.now)
            when = fmt.t("reminders.digest.overdue_since", day=due) if mark == "⚠️" else esc(due)
            where = f" ({esc(task.account_name, 40)})" if task.account_name else ""
            page.lines.append(f"• {esc(task.text, 100)}{where} — {when}")
            page.add(f"{mark} {task.text}", f"task:show:{task.id}:d")
        page.lines += _more(fmt, len(items))


def _checks(page: _Page, digest: Digest) -> None:
    if not digest.checks:
        return
    fmt, t = page.fmt, page.fmt.t
    page.section("reminders.digest.checks")
    for check in digest.checks[:SECTION_LIMIT]:
        who = check.contact_name or check.account_name
        what = (
            t("reminders.sat.meeting_of", day=fmt.day(check.meeting_at, weekday=False))
            if check.meeting_at
            else t("reminders.sat.last_contact")
        )
        page.lines.append(
            f"• {esc(who, 60)} ({esc(check.account_name, 40)}) — {esc(what)}"
            if check.contact_name
            else f"• {esc(who, 60)} — {esc(what)}"
        )
        page.add(f"⭐ {who}", f"sat:ask:{check.id}")
    page.lines += _more(fmt, len(digest.checks))


def _obligations(page: _Page, digest: Digest) -> None:
    fmt = page.fmt
    for title, items in (
        ("reminders.digest.obligations", digest.obligations),
        ("reminders.digest.obligations_open", digest.overdue_obligations),
    ):
        if not items:
            continue
        page.section(title)
        for o in items[:SECTION_LIMIT]:
            page.lines.append(
                f"• {esc(fmt.day(o.due_on))}: {esc(o.description, 90)} — "
                f"{esc(o.contract_title, 40)} ({esc(o.account_name, 40)})"
            )
            page.add(f"📄 {o.description}", f"obl:show:{o.id}")
        page.lines += _more(fmt, len(items))


def _silent(page: _Page, digest: Digest) -> None:
    if not digest.silent:
        return
    t = page.fmt.t
    page.section("reminders.digest.silent")
    for s in digest.silent[:SECTION_LIMIT]:
        if s.days is None:
            detail = t("reminders.digest.never_contacted")
        else:
            detail = t.plural("reminders.digest.days_silent", s.days)
        page.lines.append(f"• <b>{esc(s.account.name, 60)}</b> — {esc(detail)}")
        page.add(f"💤 {s.account.name}", f"acc:open:{s.account.id}")
    page.lines += _more(page.fmt, len(digest.silent))


def _team(page: _Page, digest: Digest) -> None:
    """A lead's team: the overdue tasks per manager, the key accounts gone quiet."""
    fmt, t = page.fmt, page.fmt.t
    if digest.team_overdue:
        page.section("team.digest.overdue")
        for late in digest.team_overdue[:SECTION_LIMIT]:
            day = fmt.day(late.since, weekday=False)
            line = t.plural(
                "team.digest.overdue_line", late.overdue, name=late.manager_name, day=day
            )
            page.lines.append(line)
        page.lines += _more(fmt, len(digest.team_overdue))
    if digest.team_silent:
        page.section("team.digest.silent")
        for s in digest.team_silent[:SECTION_LIMIT]:
            detail = (
                t("reminders.digest.never_contacted")
                if s.days is None
                else t.plural("reminders.digest.days_silent", s.days)
            )
            owner = s.account.owner_name or "—"
            page.lines.append(
                t("team.digest.silent_line", account=s.account.name, owner=owner, detail=detail)
            )
            page.add(f"💤 {s.account.name}", f"acc:open:{s.account.id}")
        page.lines += _more(fmt, len(digest.team_silent))


def _birthdays(page: _Page, digest: Digest) -> None:
    if not (digest.birthdays_today or digest.birthdays_week):
        return
    fmt = page.fmt
    page.section("reminders.digest.birthdays")
    for b in digest.birthdays_today[:SECTION_LIMIT]:
        page.lines.append(
            fmt.t(
                "reminders.digest.birthday_today",
                name=b.item.contact_name,
                account=b.item.account_name,
            )
        )
        page.add(f"🎂 {b.item.contact_name}", f"acc:open:{b.item.account_id}")
    for b in digest.birthdays_week[:SECTION_LIMIT]:
        page.lines.append(
            f"• {esc(fmt.day(b.day))}: {esc(b.item.contact_name, 60)}"
            f" ({esc(b.item.account_name, 40)})"
        )
        page.add(f"🎂 {b.item.contact_name}", f"acc:open:{b.item.account_id}")
