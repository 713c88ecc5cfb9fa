"""The profile as a document (`acc:export:<id>`): every section, for printing or a colleague."""

from __future__ import annotations

import asyncio
import html
import re
from typing import TYPE_CHECKING

from telegram import Update

from domain.profile import FIELDS, SECTIONS, Entity, field_spec, list_groups
from domain.profile_text import day_text, value_text
from handlers.contact_names import contact_name
from handlers.deals.text import detail_lines, title_line
from handlers.meetings import common as mc
from handlers.profiles.card import card_text
from handlers.profiles.common import (
    int_part,
    manager_names,
    refuse_missing,
    visible_account,
)
from handlers.ui import answer, callback_parts

if TYPE_CHECKING:
    from bot.context import KamContext
    from domain.export import DocSection
    from storage.meetings import Meeting
    from storage.profile import ProfileItem, ProfileSnapshot
    from storage.tasks import Task

_TAGS = re.compile(r"<[^>]+>")
MAX_MEETINGS = 1000


def _plain(html_text: str) -> str:
    return html.unescape(_TAGS.sub("", html_text))


def _item_lines(context: KamContext, item: ProfileItem, names: dict[int, str]) -> list[str]:
    entity: Entity = item.kind
    lines = [item.title or "—"]
    if entity == "deal":  # as the History section shows it: kind, stage, amounts, reasons
        deal = [title_line(context.t, item.values)]
        deal += detail_lines(context.t, context.fmt, item.values)
        return [_plain(line) for line in deal]
    if entity == "team" and item.get("is_executive_sponsor"):
        lines[0] += " — " + context.t("profile.sponsor_mark")
    for spec in FIELDS[entity]:
        if spec.key in ("full_name", "name", "title", "need", "text", "is_executive_sponsor"):
            continue
        shown = value_text(context.t, context.fmt, spec, item.values, names)
        if shown:
            lines.append(f"{context.t(spec.label)}: {shown}")
    return lines


def _profile_sections(
    context: KamContext, snap: ProfileSnapshot, names: dict[int, str]
) -> list[DocSection]:
    """The seven sections; each list of a section under its own sub-heading."""
    from domain.export import DocSection

    t = context.t
    values = dict(vars(snap.account))
    sections: list[DocSection] = []
    for section in SECTIONS:
        doc = DocSection(t(section.label))
        for key in section.fields:
            spec = field_spec("account", key)
            assert spec is not None
            shown = value_text(context.t, context.fmt, spec, values, names)
            if shown:
                doc.lines.append((t(spec.label), shown))
        for entity in section.lists:
            for title, group in list_groups(entity, snap.list(entity)):
                lines = [_item_lines(context, i, names) for i in group]
                if len(section.lists) > 1 or entity == "related":
                    doc.subsections.append(DocSection(t(title), items=lines))
                else:
                    doc.items += lines
        if not doc.lines and not doc.items and not any(s.items for s in doc.subsections):
            doc.lines.append(("", t("profile.section.empty")))
        sections.append(doc)
    return sections


def _meeting_lines(context: KamContext, meeting: Meeting, steps: list[Task]) -> list[str]:
    """One meeting: date and kind, then people, summary (or agenda), outcome, next steps."""
    t = context.t
    head = f"{mc.fmt_when(context, meeting.starts_at, meeting.starts_has_time)} · "
    head += t(mc.KIND_LABELS[meeting.kind])
    if meeting.status == "planned":
        head += f" ({t('profile.export.planned')})"
    lines = [head]
    people = [contact_name(t, p.name) for p in meeting.contacts]
    if people:
        lines.append(f"{t('profile.export.people')}: {', '.join(people)}")
    if meeting.summary:
        lines.append(f"{t('profile.export.summary')}: {meeting.summary}")
    elif meeting.agenda:
        lines.append(f"{t('profile.export.agenda')}: {meeting.agenda}")
    if meeting.outcome:
        outcome = t(mc.OUTCOME_LABELS[meeting.outcome])
        if meeting.outcome_reason:
            outcome += f" — {meeting.outcome_reason}"
        lines.append(f"{t('profile.export.outcome')}: {outcome}")
    for task in steps:
        due = day_text(context.fmt, task.due_at)
        step = task.text + (f" — {due}" if due else "")
        lines.append(f"{t('profile.export.next_step')}: {step}")
    return lines


async def _timeline_section(context: KamContext, account_id: int) -> DocSection:
    """Every meeting of the account, newest first."""
    from domain.export import DocSection

    storage = context.services.storage
    found = await storage.meetings.timeline(account_id, page=0, per_page=MAX_MEETINGS)
    steps = await storage.profile.meeting_steps(account_id)
    doc = DocSection(context.t("profile.export.timeline"))
    doc.items = [_meeting_lines(context, m, steps.get(m.id, [])) for m in found.meetings]
    if not doc.items:
        doc.lines.append(("", context.t("profile.export.no_meetings")))
    return doc


async def on_export(update: Update, context: KamContext) -> None:
    from domain.export import DocOutline, build_docx

    account_id = int_part(callback_parts(update, "acc:export"), 0)
    if account_id is None or await visible_account(context, account_id) is None:
        await refuse_missing(update, context)
        return
    await answer(update, context.t("profile.export.preparing"))
    t = context.t
    now = context.services.clock.now()
    snap = await context.services.storage.profile.snapshot(
        account_id, now=now, today=context.fmt.local_day(now)
    )
    assert snap is not None
    names = await manager_names(context)
    sections = _profile_sections(context, snap, names)
    sections.append(await _timeline_section(context, account_id))
    outline = DocOutline(
        snap.account.name,
        _plain(card_text(context, snap))
        + "\n"
        + t("profile.export.as_of", date=day_text(context.fmt, now) or ""),
        sections,
    )
    data = await asyncio.to_thread(build_docx, outline)
    safe = re.sub(r"[^\w\- ]+", "", snap.account.name).strip()[:60] or "profile"
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        document=data,
        filename=f"{safe}.docx",
        caption=t("profile.export.caption", name=snap.account.name),
    )
