"""Each section of the profile as a phone-sized view, paginated when long (`acc:sec:...`)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update

from domain.paging import paginate, split_text
from domain.policy import Action, Kind, Target
from domain.profile import (
    FIELDS,
    SECTION_KEYS,
    Entity,
    Section,
    field_spec,
    list_groups,
)
from domain.profile_text import value_text
from handlers import authz
from handlers.deals.text import history_blocks
from handlers.profiles.common import (
    FLOW,
    esc,
    int_part,
    manager_names,
    open_account,
)
from handlers.ui import StaleButton, answer, button, callback_parts, clip, keyboard, show_screen

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.profile import ProfileItem, ProfileSnapshot

PAGE_CHARS = 1600  # a phone screen or two; Telegram's limit is 4096


def _escaped_len(text: str) -> int:
    return len(html.escape(text, quote=False))


def long_value_blocks(prefix: str, value: str, limit: int = PAGE_CHARS) -> list[str]:
    """`prefix` (HTML) and the escaped value, split into blocks of at most `limit`
    characters at paragraph/sentence/word boundaries: never clipped, tags always closed."""
    budget = max(limit - len(prefix) - len(CONTINUED), 40)
    pieces = split_text(value, budget, _escaped_len)
    return [
        (prefix if number == 0 else CONTINUED) + html.escape(piece.strip("\n"), quote=False)
        for number, piece in enumerate(pieces)
    ]


CONTINUED = "… "


def _field_blocks(
    context: KamContext, entity: Entity, key: str, values: dict[str, Any], names: dict[int, str]
) -> list[str]:
    spec = field_spec(entity, key)
    assert spec is not None
    shown = value_text(context.t, context.fmt, spec, values, names)
    if not shown:
        return []
    return long_value_blocks(f"<b>{context.t(spec.label)}:</b> ", shown)


def _item_lines(
    context: KamContext, item: ProfileItem, names: dict[int, str], limit: int | None
) -> tuple[str, list[tuple[str, str]]]:
    """An item's title line (HTML) and its filled fields as (label, plain value)."""
    t = context.t
    entity: Entity = item.kind
    title = esc(item.title, 120) or "—"
    head = f"• <b>{title}</b>"
    if entity == "team" and item.get("is_executive_sponsor"):
        head += " ⭐ " + t("profile.sponsor_mark")
    if entity == "plan":
        head = ("☑ " if item.get("status") == "done" else "☐ ") + f"<b>{title}</b>"
    fields: list[tuple[str, str]] = []
    skip = {"full_name", "name", "title", "need", "text", "is_executive_sponsor", "status"}
    if entity == "team":
        skip.add("manager_id")
    for spec in FIELDS[entity]:
        if spec.key in skip:
            continue
        shown = value_text(context.t, context.fmt, spec, item.values, names)
        if shown:
            fields.append((t(spec.label), clip(shown, limit) if limit else shown))
    return head, fields


def item_block(context: KamContext, item: ProfileItem, names: dict[int, str]) -> str:
    """One list item: its title in bold, then its filled fields, one per line (clipped)."""
    head, fields = _item_lines(context, item, names, 400)
    return "\n".join([head] + [f"   {label}: {esc(value, 400)}" for label, value in fields])


def item_blocks(context: KamContext, item: ProfileItem, names: dict[int, str]) -> list[str]:
    """One list item for a section's pages: one block, or several when it is long; whole."""
    if item.kind == "deal":  # a deal or tender: its stage and win/loss reason
        return history_blocks(context.t, context.fmt, item.values, PAGE_CHARS)
    head, fields = _item_lines(context, item, names, None)
    lines = [head] + [
        f"   {html.escape(label, quote=False)}: {html.escape(value, quote=False)}"
        for label, value in fields
    ]
    if sum(len(line) + 1 for line in lines) <= PAGE_CHARS:
        return ["\n".join(lines)]
    blocks = [head]
    for label, value in fields:
        blocks += long_value_blocks(f"   {html.escape(label, quote=False)}: ", value)
    return blocks


def section_blocks(
    context: KamContext, section: Section, snap: ProfileSnapshot, names: dict[int, str]
) -> list[str]:
    """The section's content as blocks (a field or an item each), in display order."""
    t = context.t
    account_values = dict(vars(snap.account))
    blocks: list[str] = []
    for key in section.fields:
        blocks += _field_blocks(context, "account", key, account_values, names)
    for entity in section.lists:
        for title, group in list_groups(entity, snap.list(entity)):
            blocks.append(f"\n<u>{t(title)}</u> ({len(group)})")
            if not group:
                blocks.append(t("profile.list.empty"))
            for item in group:
                blocks += item_blocks(context, item, names)
    if not blocks or all(not b.strip() for b in blocks):
        blocks.append(t("profile.section.empty"))
    return blocks


async def show_section(
    update: Update, context: KamContext, account_id: int, key: str, page: int = 0
) -> None:
    section = SECTION_KEYS.get(key)
    if section is None:
        raise StaleButton(f"no section {key!r}")
    account = await open_account(update, context, account_id)
    if account is None:
        return
    t = context.t
    now = context.services.clock.now()
    snap = await context.services.storage.profile.snapshot(
        account_id, now=now, today=context.fmt.local_day(now)
    )
    assert snap is not None
    names = await manager_names(context)
    pages = paginate(section_blocks(context, section, snap, names), PAGE_CHARS)
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
        [button(t("deal.card_button"), f"deal:list:{account_id}:0")] if key == "history" else [],
        [button(t("profile.edit_button"), f"ed:sec:{account_id}:{key}")],
        [button(t("profile.to_card"), f"acc:open:{account_id}")],
    ]
    if key == "history":
        rows.insert(1, [button(t("contract.section_button"), f"ctr:list:{account_id}")])
    if key == "team" and authz.may(context, Action.LIST, Target(Kind.MANAGER)):
        rows.insert(1, [button(t("team.manage_button"), f"team:acc:{account_id}")])
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def on_section(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "acc:sec")
    account_id, page = int_part(parts, 0), int_part(parts, 2)
    if account_id is None or page is None or parts[1] not in SECTION_KEYS:
        await answer(update, context.t("error.stale_button"))
        return
    await show_section(update, context, account_id, parts[1], page)
