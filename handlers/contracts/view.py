"""An account's contracts, one contract, one obligation; the signed file re-sent; removing an
obligation.

Callback data (no authority: each press reloads the row and asks the policy):
ctr:list:<account>, ctr:v:<contract>, ctr:file:<contract>, ctr:o:<obligation>,
ctr:odel:<obligation>[:yes]. A contract's status and its deletion: handlers.contracts.status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from domain import contracts as rules
from domain.policy import Action
from handlers import authz
from handlers.contracts import common as c
from handlers.reminders.common import formatter
from handlers.reminders.kinds.obligation import obligation_answer_rows
from handlers.ui import answer, button, callback_id, callback_parts, clip, keyboard, show_screen

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.contracts import Contract, ObligationView

MAX_TERM_BUTTONS = 12


# --- the list --------------------------------------------------------------------------------


def _contract_block(context: KamContext, contract: Contract, terms: list[ObligationView]) -> str:
    t, fmt = context.t, context.fmt
    head = f"<b>{c.esc(contract.title, 120)}</b>"
    if contract.number:
        head += " · " + t("contract.number_short", number=clip(contract.number, 40))
    lines = [head]
    period = _period(context, contract)
    value = c.money_text(fmt, contract.amount_minor, contract.currency)
    details = " · ".join(p for p in (period, value) if p)
    if details:
        lines.append("   " + details)
    if contract.live:
        state = rules.compliance(terms, c.today(context))
        lines += ["   " + line for line in c.compliance_lines(t, fmt, state, limit=1)]
    else:
        lines.append("   " + t(f"contract.status.{contract.status}"))
    return "\n".join(lines)


def _period(context: KamContext, contract: Contract) -> str:
    fmt = context.fmt
    start = fmt.date(contract.starts_on) if contract.starts_on else "…"
    end = fmt.date(contract.ends_on) if contract.ends_on else "…"
    return "" if not (contract.starts_on or contract.ends_on) else f"{start} – {end}"


async def show_list(update: Update, context: KamContext, account_id: int) -> None:
    storage = context.services.storage
    account = await storage.accounts.get(account_id)
    if account is None:
        await c.refuse(update, context, "profile.not_found")
        return
    target = await authz.contract(context, account_id)
    if not await authz.require(update, context, Action.SEE, target):
        return
    await answer(update)
    t = context.t
    items = await storage.contracts.for_account(account_id)
    header = t("contract.list.title", account=clip(account.name, 120), count=len(items))
    blocks = [_contract_block(context, contract, terms) for contract, terms in items]
    text = header + "\n\n" + ("\n\n".join(blocks) if blocks else t("contract.list.empty"))
    rows = [
        [button("📄 " + clip(contract.title, 40), f"ctr:v:{contract.id}")]
        for contract, _ in items[:20]
    ]
    if authz.may(context, Action.CHANGE, target):
        rows.append([button(t("contract.add_button"), f"ctr:new:{account_id}")])
    rows.append([button(t("contract.to_card"), f"acc:open:{account_id}")])
    await show_screen(update, context, c.SCREEN, text, keyboard(rows))


async def on_list(update: Update, context: KamContext) -> None:
    await show_list(update, context, callback_id(update, "ctr:list"))


# --- one contract ----------------------------------------------------------------------------


def contract_text(context: KamContext, contract: Contract, terms: list[ObligationView]) -> str:
    t, fmt = context.t, context.fmt
    lines = [f"📄 <b>{c.esc(contract.title, 200)}</b>"]
    lines.append(t("contract.field.account", value=clip(contract.account_name, 120)))
    if contract.deal_title:
        lines.append(t("contract.field.deal", value=clip(contract.deal_title, 120)))
    if contract.number:
        lines.append(t("contract.field.number", value=clip(contract.number, 60)))
    if contract.signed_on:
        lines.append(t("contract.field.signed", value=fmt.date(contract.signed_on)))
    if contract.starts_on or contract.ends_on:
        lines.append(t("contract.field.period", value=_period(context, contract)))
    left = rules.days_left(contract.ends_on, c.today(context))
    if contract.live and left is not None and left >= 0:
        lines.append("   " + t.plural("contract.ends_in_days", left))
    value = c.money_text(fmt, contract.amount_minor, contract.currency)
    if value:
        lines.append(t("contract.field.value", value=value))
    if contract.file_name or contract.file_id:
        lines.append(t("contract.field.file", value=clip(contract.file_name or "📎", 80)))
    if contract.notes:
        lines.append(t("contract.field.notes", value=clip(contract.notes, 600)))
    lines.append("")
    if contract.live:
        state = rules.compliance(terms, c.today(context))
        lines += c.compliance_lines(t, fmt, state)
    else:
        lines.append(t(f"contract.status.{contract.status}"))
    lines.append("")
    lines.append(t("contract.terms_title", count=len(terms)))
    if not terms:
        lines.append(t("contract.terms_empty"))
    lines += [c.term_line(t, fmt, term) for term in terms[:30]]
    return "\n".join(lines)


def _contract_rows(
    context: KamContext, contract: Contract, terms: list[ObligationView], changes: bool
) -> list[list[InlineKeyboardButton]]:
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    if contract.file_id:
        rows.append([button(t("contract.file_button"), f"ctr:file:{contract.id}")])
    for term in terms[:MAX_TERM_BUTTONS]:
        label = f"{c.STATUS_MARKS.get(term.status, '•')} {clip(term.description, 36)}"
        rows.append([button(label, f"ctr:o:{term.id}")])
    if changes:
        rows.append(
            [
                button(t("contract.term_add_button"), f"ctr:oadd:{contract.id}"),
                button(t("contract.edit_button"), f"ctr:edit:{contract.id}"),
            ]
        )
        rows.append(
            [
                button(t("contract.status_button"), f"ctr:st:{contract.id}"),
                button(t("contract.delete_button"), f"ctr:del:{contract.id}"),
            ]
        )
    rows.append([button(t("contract.back_to_list"), f"ctr:list:{contract.account_id}")])
    return rows


async def show_contract(
    update: Update, context: KamContext, contract: Contract, *, new_message: bool = False
) -> None:
    terms = await context.services.storage.contracts.obligations_of(contract.id)
    changes = await c.may_change(context, contract.account_id)
    rows = _contract_rows(context, contract, terms, changes)
    text = contract_text(context, contract, terms)
    await show_screen(update, context, c.SCREEN, text, keyboard(rows), new_message=new_message)


async def on_contract(update: Update, context: KamContext) -> None:
    contract_id = callback_id(update, "ctr:v")
    contract = await c.load_contract(update, context, contract_id, Action.SEE)
    if contract is not None:
        await answer(update)
        await show_contract(update, context, contract)


async def on_file(update: Update, context: KamContext) -> None:
    """The signed file, sent again as a new message (the screen stays as it is)."""
    contract_id = callback_id(update, "ctr:file")
    contract = await c.load_contract(update, context, contract_id, Action.SEE)
    if contract is None:
        return
    chat = update.effective_chat
    if not contract.file_id or chat is None:
        await answer(update, context.t("contract.no_file"), alert=True)
        return
    await answer(update)
    await context.bot.send_document(chat.id, contract.file_id, caption=c.esc(contract.title, 900))


# --- one obligation --------------------------------------------------------------------------


def term_text(context: KamContext, term: ObligationView) -> str:
    t, fmt = context.t, context.fmt
    lines = [
        f"{c.STATUS_MARKS.get(term.status, '•')} <b>{c.esc(term.description, 600)}</b>",
        t("contract.field.contract", value=clip(term.contract_title, 120)),
        t("contract.field.kind", value=t(c.KIND_LABELS.get(term.kind, "contract.kind.other"))),
        t("contract.field.whose", value=t(c.PARTY_LABELS.get(term.party, "contract.party.ours"))),
        t("contract.field.due", value=fmt.weekday_date(term.effective_due)),
        t(
            "contract.field.recurrence",
            value=c.recurrence_text(t, term.recurrence, term.recur_every, term.recur_day),
        ),
        t(
            "contract.field.status",
            value=t(c.STATUS_LABELS.get(term.status, "contract.kind.other")),
        ),
    ]
    state = rules.obligation_state(term, c.today(context))
    if state in ("overdue", "due_soon"):
        lines.append(
            t(
                c.REASON_KEYS[state],
                what=clip(term.description, 80),
                day=fmt.weekday_date(term.effective_due),
            )
        )
    return "\n".join(lines)


async def show_term(update: Update, context: KamContext, term: ObligationView) -> None:
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    if term.status in rules.OPEN_STATUSES and authz.may(
        context, Action.ANSWER, authz.obligation(context, term)
    ):
        rows += obligation_answer_rows(formatter(context), term.id)
    if await c.may_change(context, term.account_id):
        rows.append(
            [
                button(t("contract.term_edit_button"), f"ctr:oed:{term.id}"),
                button(t("contract.term_remove_button"), f"ctr:odel:{term.id}"),
            ]
        )
    rows.append([button(t("contract.back_to_contract"), f"ctr:v:{term.contract_id}")])
    await show_screen(update, context, c.SCREEN, term_text(context, term), keyboard(rows))


async def on_term(update: Update, context: KamContext) -> None:
    term = await c.load_term(update, context, callback_id(update, "ctr:o"), Action.SEE)
    if term is not None:
        await answer(update)
        await show_term(update, context, term)


async def on_remove(update: Update, context: KamContext) -> None:
    """ctr:odel:<id> asks; ctr:odel:<id>:yes removes (and writes the audit log)."""
    obligation_id = callback_id(update, "ctr:odel")
    term = await c.load_term(update, context, obligation_id, Action.CHANGE)
    if term is None:
        return
    t = context.t
    if callback_parts(update, "ctr:odel")[1:] != ["yes"]:
        text = t("contract.term_remove_ask", what=clip(term.description, 200))
        yes = (t("contract.term_remove_yes"), f"ctr:odel:{term.id}:yes")
        await c.ask_to_confirm(update, context, text, yes, f"ctr:o:{term.id}")
        return
    storage = context.services.storage
    now = context.services.clock.now()
    await storage.contracts.delete_term(term.id, actor_id=context.require_manager().id, now=now)
    await answer(update, t("contract.term_removed"))
    contract = await storage.contracts.get(term.contract_id)
    if contract is not None:
        await show_contract(update, context, contract)


def register(application: KamApp) -> None:
    for callback, pattern in (
        (on_list, r"^ctr:list:"),
        (on_contract, r"^ctr:v:"),
        (on_file, r"^ctr:file:"),
        (on_term, r"^ctr:o:"),
        (on_remove, r"^ctr:odel:"),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
