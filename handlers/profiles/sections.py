"""Each section of the profile as a phone-sized view, paginated when long (`acc:sec:...`)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from domain.profile import (
    FIELDS,
    SECTION_KEYS,
    STRUCTURE_KINDS,
    Entity,
    Section,
    field_spec,
)
from handlers.profiles.common import (
    FLOW,
    esc,
    int_part,
    manager_names,
    refuse_missing,
    remember_account,
    value_text,
    visible_account,
)
from handlers.ui import answer, button, callback_parts, keyboard, show_screen
from storage.profile import ProfileItem, ProfileSnapshot

PAGE_CHARS = 1600  # a phone screen or two; Telegram's limit is 4096
FIELD_CHARS = 1200


def _field_block(
    context: KamContext, entity: Entity, key: str, values: dict[str, Any], names: dict[int, str]
) -> str | None:
    spec = field_spec(entity, key)
    assert spec is not None
    shown = value_text(context, spec, values, names)
    if not shown:
        return None
    return f"<b>{context.t(spec.label)}:</b> {esc(shown, FIELD_CHARS)}"


def item_block(context: KamContext, item: ProfileItem, names: dict[int, str]) -> str:
    """One list item: its title in bold, then its filled fields, one per line."""
    t = context.t
    entity: Entity = item.kind
    title = esc(item.title, 120) or "—"
    head = f"• <b>{title}</b>"
    if entity == "team" and item.get("is_executive_sponsor"):
        head += " ⭐ " + t("profile.sponsor_mark")
    if entity == "plan":
        head = ("☑ " if item.get("status") == "done" else "☐ ") + f"<b>{title}</b>"
    lines = [head]
    skip = {"full_name", "name", "title", "need", "text", "is_executive_sponsor", "status"}
    if entity == "team":
        skip.add("manager_id")
    for spec in FIELDS[entity]:
        if spec.key in skip:
            continue
        shown = value_text(context, spec, item.values, names)
        if shown:
            lines.append(f"   {t(spec.label)}: {esc(shown, 400)}")
    return "\n".join(lines)


def section_blocks(
    context: KamContext, section: Section, snap: ProfileSnapshot, names: dict[int, str]
) -> list[str]:
    """The section's content as blocks (a field or an item each), in display order."""
    t = context.t
    account_values = dict(vars(snap.account))
    blocks: list[str] = []
    for key in section.fields:
        block = _field_block(context, "account", key, account_values, names)
        if block:
            blocks.append(block)
    for entity in section.lists:
        items = snap.list(entity)
        if entity == "related":
            structure = [i for i in items if i.get("kind") in STRUCTURE_KINDS]
            related = [i for i in items if i.get("kind") not in STRUCTURE_KINDS]
            groups = [("profile.list.structure", structure), ("profile.list.related", related)]
        else:
            groups = [(f"profile.list.{entity}", items)]
        for title, group in groups:
            blocks.append(f"\n<u>{t(title)}</u> ({len(group)})")
            if not group:
                blocks.append(t("profile.list.empty"))
            blocks.extend(item_block(context, item, names) for item in group)
    if not blocks or all(not b.strip() for b in blocks):
        blocks.append(t("profile.section.empty"))
    return blocks


def paginate(blocks: list[str], limit: int = PAGE_CHARS) -> list[str]:
    pages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + len(block) + 1 > limit:
            pages.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    pages.append(current)
    return [page.strip("\n") for page in pages]


async def show_section(
    update: Update, context: KamContext, account_id: int, key: str, page: int = 0
) -> None:
    section = SECTION_KEYS.get(key)
    account = await visible_account(context, account_id)
    if section is None or account is None:
        await refuse_missing(update, context)
        return
    await answer(update)
    remember_account(context, account_id)
    t = context.t
    now = context.services.clock.now()
    snap = await context.services.storage.profile.snapshot(account_id, now=now)
    assert snap is not None
    names = await manager_names(context)
    pages = paginate(section_blocks(context, section, snap, names))
    page = min(max(page, 0), len(pages) - 1)
    header = f"<b>{esc(account.name, 120)}</b> · {t(section.label)}"
    if len(pages) > 1:
        header += " " + t("profile.page", page=page + 1, pages=len(pages))
    text = header + "\n\n" + pages[page]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(button("◀", f"acc:sec:{account_id}:{key}:{page - 1}"))
    if page < len(pages) - 1:
        nav.append(button("▶", f"acc:sec:{account_id}:{key}:{page + 1}"))
    rows = [
        nav,
        [button(t("profile.edit_button"), f"ed:sec:{account_id}:{key}")],
        [button(t("profile.to_card"), f"acc:open:{account_id}")],
    ]
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def on_section(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "acc:sec")
    account_id, page = int_part(parts, 0), int_part(parts, 2)
    if account_id is None or page is None or parts[1] not in SECTION_KEYS:
        await answer(update, context.t("error.stale_button"))
        return
    await show_section(update, context, account_id, parts[1], page)
