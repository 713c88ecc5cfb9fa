"""`/history <client>` and the card's 🧾 Changes button: an account's changes from the audit
log, newest first, a page at a time, each "when · who · what: old → new".

Its owner, the leads and the admins see it (domain.policy: Kind.ACCOUNT, Action.HISTORY); a
team member or anyone else is refused, and the refusal is audited like every other.

hist:<account>:<page>   a page of the account's history (the right is checked on each press)
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import N_
from domain.audit_view import (
    FLAG_FIELDS,
    MANAGER_FIELDS,
    Group,
    code_message,
    group,
    parse_value,
    short,
)
from domain.policy import Action, Target
from domain.search import Candidate, is_confident, rank
from handlers import authz
from handlers.profiles.common import FLOW, account_labels, manager_names, refuse_missing
from handlers.ui import (
    answer,
    button,
    callback_id,
    callback_page,
    keyboard,
    parse_id,
    parse_number,
    shorten,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.audit import HistoryEntry

PER_PAGE = 12
REFUSED = "audit.history.not_allowed"

ENTITY_LABELS = {
    "account": N_("audit.entity.account"),
    "contact": N_("audit.entity.contact"),
    "meeting": N_("audit.entity.meeting"),
    "task": N_("audit.entity.task"),
    "satisfaction_check": N_("audit.entity.satisfaction_check"),
    "contract": N_("audit.entity.contract"),
    "obligation": N_("audit.entity.obligation"),
    "deal": N_("audit.entity.deal"),
    "related_organisation": N_("audit.entity.related_organisation"),
    "account_team": N_("audit.entity.account_team"),
    "client_spend": N_("audit.entity.client_spend"),
    "previous_supplier": N_("audit.entity.previous_supplier"),
}
FIELD_LABELS = {
    name: N_(f"audit.field.{name}")
    for name in (
        "name",
        "status",
        "owner_id",
        "industry",
        "full_name",
        "position",
        "phone",
        "email",
        "notes",
        "title",
        "stage",
        "amount_minor",
        "currency",
        "probability",
        "summary",
        "kind",
        "starts_at",
        "due_at",
        "due_on",
        "text",
        "assignee_id",
        "score",
        "comment",
        "description",
        "ends_on",
        "attachments",
        "contacts",
        "team",
        "snoozed_until",
        "personal_data",
        "last_contact_at",
        "expected_close_on",
        "result_reason",
        "city",
        "website",
        "decision_role",
        "attitude",
        "birthday",
        "opportunity_1y_minor",
        "opportunity_3_5y_minor",
        "deal_id",
    )
}
# Bookkeeping columns a person need not read.
HIDDEN_FIELDS = frozenset(
    {"account_id", "starts_has_time", "due_has_time", "origin", "meeting_id", "contact_id"}
)
ACTION_MARKS = {"create": "➕", "update": "✏️", "delete": "✖"}


@dataclass(frozen=True)
class Names:
    """What ids in the log stand for: managers' names and deals' titles."""

    managers: dict[int, str]
    deals: dict[int, str]


def _value(context: KamContext, row: HistoryEntry, raw: str, names: Names) -> str:
    """A stored value as the reader reads it: a manager's name, a deal's title, a status or
    kind in their language, a date in their language and zone, yes/no, or the text shortened;
    escaped for HTML."""
    field = row.field
    if (message := code_message(row.entity, field, raw)) is not None:
        return context.t(message)
    if field in MANAGER_FIELDS and (manager_id := parse_id(raw)) is not None:
        return html.escape(short(names.managers.get(manager_id, raw)), quote=False)
    if field == "deal_id" and (deal_id := parse_id(raw)) is not None:
        return html.escape(short(names.deals.get(deal_id, f"#{raw}")), quote=False)
    if field in FLAG_FIELDS and raw in ("0", "1"):
        return context.t("audit.yes" if raw == "1" else "audit.no")
    if field and field.endswith("_minor") and (amount := parse_number(raw)) is not None:
        return context.fmt.number(amount / 100, digits=0 if amount % 100 == 0 else 2)
    parsed = parse_value(raw)
    if isinstance(parsed, datetime):
        return context.fmt.datetime(parsed, year=True)
    if isinstance(parsed, date):
        return context.fmt.date(parsed)
    return html.escape(short(parsed), quote=False)


def _shown(context: KamContext, row: HistoryEntry, raw: str | None, names: Names) -> str:
    if raw is None:
        return context.t("audit.erased") if row.erased else "—"
    return _value(context, row, raw, names)


def _subject(context: KamContext, row: HistoryEntry) -> str:
    """What changed: "Contact «Ivan Petrov»", "Meeting 1 Dec", "Account"."""
    label = context.t(ENTITY_LABELS.get(row.entity, "audit.entity.other"))
    if row.erased:
        return f"{label} «{context.t('audit.erased_contact')}»"
    if row.subject_at is not None:
        return f"{label} {context.fmt.date(row.subject_at)}"
    if row.subject:
        return f"{label} «{html.escape(short(row.subject, 40), quote=False)}»"
    return label


def _field(context: KamContext, name: str) -> str:
    key = FIELD_LABELS.get(name)
    return context.t(key) if key else html.escape(name.replace("_", " "), quote=False)


def _heading(context: KamContext, row: HistoryEntry) -> str:
    """ "<b>1 Dec 2026, 14:05 · Anna</b>": when, and who (the bot for its own changes)."""
    who = html.escape(short(row.actor_name or context.t("audit.system"), 30), quote=False)
    return f"<b>{context.fmt.datetime(row.at, year=True)} · {who}</b>"


def group_lines(context: KamContext, chunk: Group[HistoryEntry], names: Names) -> str:
    """One change: ✏️ the item, then a line per field in the order they were written."""
    head = chunk.head
    lines = [f"{ACTION_MARKS.get(head.action, '•')} {_subject(context, head)}"]
    for row in reversed(chunk.rows):
        if row.field is None or row.field in HIDDEN_FIELDS:
            continue
        old, new = (
            _shown(context, row, row.old_value, names),
            _shown(context, row, row.new_value, names),
        )
        if row.action == "create":
            lines.append(f"   {_field(context, row.field)}: {new}")
        elif row.action == "delete":
            lines.append(f"   {_field(context, row.field)}: {old}")
        else:
            lines.append(f"   {_field(context, row.field)}: {old} → {new}")
    return "\n".join(lines)


def page_text(context: KamContext, rows: list[HistoryEntry], names: Names) -> list[str]:
    """The page's changes; the "when · who" heading only where it differs from the one above."""
    blocks: list[str] = []
    shown = ""
    for chunk in group(rows):
        heading = _heading(context, chunk.head)
        text = group_lines(context, chunk, names)
        blocks.append(text if heading == shown else f"{heading}\n{text}")
        shown = heading
    return blocks


async def _names(context: KamContext, rows: list[HistoryEntry]) -> Names:
    deal_ids = {i for row in rows if row.field == "deal_id" for i in _ids(row)}
    deals = await context.services.storage.deals.titles(deal_ids) if deal_ids else {}
    return Names(await manager_names(context), deals)


def _ids(row: HistoryEntry) -> list[int]:
    values = (row.old_value, row.new_value)
    return [i for raw in values if raw is not None and (i := parse_id(raw)) is not None]


async def show_history(update: Update, context: KamContext, account_id: int, page: int) -> None:
    target = await authz.account(context, account_id)
    if not await authz.require(update, context, Action.HISTORY, target, REFUSED):
        return
    storage = context.services.storage
    account = await storage.accounts.get(account_id)
    if account is None:
        await refuse_missing(update, context)
        return
    await answer(update)
    t = context.t
    total = await storage.audit.count_history(account_id)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(page, pages - 1)
    rows = await storage.audit.history(account_id, offset=page * PER_PAGE, limit=PER_PAGE)
    names = await _names(context, rows)
    title = t("audit.history.title", name=short(account.name, 60))
    if pages > 1:
        title += " " + t("audit.history.page", page=page + 1, pages=pages)
    body = page_text(context, rows, names) or [t("audit.history.empty")]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(button("◀", f"hist:{account_id}:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"hist:{account_id}:{page + 1}"))
    markup = keyboard([nav, [button(t("audit.history.back"), f"acc:open:{account_id}")]])
    text = shorten(f"<b>{title}</b>\n\n" + "\n\n".join(body))
    new_message = update.callback_query is None
    await show_screen(update, context, FLOW, text, markup, new_message=new_message)


def history_button(context: KamContext, account: Target) -> list[InlineKeyboardButton]:
    """The card's 🧾 Changes button, for those who may read it (none for the others)."""
    if not authz.may(context, Action.HISTORY, account):
        return []
    return [button(context.t("audit.history_button"), f"hist:{account.id}:0")]


async def on_press(update: Update, context: KamContext) -> None:
    """hist:<account>:<page>."""
    account_id, page = callback_id(update, "hist"), callback_page(update, "hist", 1)
    await show_history(update, context, account_id, page)


async def command(update: Update, context: KamContext) -> None:
    """/history <client name or id>: that client's history; without one, or when the name is
    not clear, the manager's clients to choose from."""
    assert update.effective_message is not None
    manager = context.require_manager()
    t = context.t
    query = " ".join(context.args or [])[:100].strip()
    if (account_id := parse_id(query)) is not None:
        await show_history(update, context, account_id, 0)
        return
    accounts = await context.services.storage.accounts.visible(
        manager.id, sees_all=manager.sees_all_accounts
    )
    candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
    matches = rank(query, candidates) if query else []
    if query and is_confident(matches):
        await show_history(update, context, matches[0].id, 0)
        return
    if query and not matches:
        await update.effective_message.reply_text(t("audit.history.no_match", text=query))
        await authz.search_refused(context, query)  # after the answer, which it does not change
        return
    choices = [(m.id, m.label) for m in matches[:8]] or [(a.id, a.name) for a in accounts[:8]]
    if not choices:
        await update.effective_message.reply_text(t("audit.history.no_accounts"))
        return
    labels = await account_labels(context, choices)
    rows = [[button(labels[i], f"hist:{i}:0")] for i, _ in choices]
    text = t("audit.history.pick")
    await show_screen(update, context, FLOW, text, keyboard(rows), new_message=True)


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("history", command))
    application.add_handler(CallbackQueryHandler(on_press, pattern=r"^hist:"))
