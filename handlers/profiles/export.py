"""The profile as a document (`acc:export:<id>`): every section, for printing or a colleague."""

from __future__ import annotations

import asyncio
import re

from telegram import Update

from bot.context import KamContext
from domain.export import DocOutline, DocSection, build_docx
from domain.profile import FIELDS, SECTIONS, STRUCTURE_KINDS, Entity, field_spec
from handlers.profiles.card import card_text
from handlers.profiles.common import (
    date_text,
    int_part,
    manager_names,
    refuse_missing,
    value_text,
    visible_account,
)
from handlers.ui import answer, callback_parts
from storage.profile import ProfileItem

_TAGS = re.compile(r"<[^>]+>")


def _plain(html_text: str) -> str:
    import html

    return html.unescape(_TAGS.sub("", html_text))


def _item_lines(context: KamContext, item: ProfileItem, names: dict[int, str]) -> list[str]:
    entity: Entity = item.kind
    lines = [item.title or "—"]
    if entity == "team" and item.get("is_executive_sponsor"):
        lines[0] += " — " + context.t("profile.sponsor_mark")
    for spec in FIELDS[entity]:
        if spec.key in ("full_name", "name", "title", "need", "text", "is_executive_sponsor"):
            continue
        shown = value_text(context, spec, item.values, names)
        if shown:
            lines.append(f"{context.t(spec.label)}: {shown}")
    return lines


async def on_export(update: Update, context: KamContext) -> None:
    account_id = int_part(callback_parts(update, "acc:export"), 0)
    if account_id is None or await visible_account(context, account_id) is None:
        await refuse_missing(update, context)
        return
    await answer(update, context.t("profile.export.preparing"))
    t = context.t
    now = context.services.clock.now()
    snap = await context.services.storage.profile.snapshot(account_id, now=now)
    assert snap is not None
    names = await manager_names(context)
    values = dict(vars(snap.account))
    sections: list[DocSection] = []
    for section in SECTIONS:
        doc = DocSection(t(section.label))
        for key in section.fields:
            spec = field_spec("account", key)
            assert spec is not None
            shown = value_text(context, spec, values, names)
            if shown:
                doc.lines.append((t(spec.label), shown))
        for entity in section.lists:
            items = snap.list(entity)
            if entity == "related":
                doc.items += [
                    _item_lines(context, i, names)
                    for i in items
                    if i.get("kind") in STRUCTURE_KINDS
                ]
                doc.items += [
                    _item_lines(context, i, names)
                    for i in items
                    if i.get("kind") not in STRUCTURE_KINDS
                ]
            else:
                doc.items += [_item_lines(context, i, names) for i in items]
        if not doc.lines and not doc.items:
            doc.lines.append(("", t("profile.section.empty")))
        sections.append(doc)
    outline = DocOutline(
        snap.account.name,
        _plain(card_text(context, snap))
        + "\n"
        + t("profile.export.as_of", date=date_text(context, now) or ""),
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
