"""What the contract screens share: labels, loading with the policy's say, status lines."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import TYPE_CHECKING

from telegram import Update

from bot.i18n import N_, Translator
from domain import contracts as rules
from domain.policy import Action
from domain.profile_text import amount_text
from handlers import authz
from handlers.dialog import Go, Next, Run
from handlers.ui import answer, button, clip, keyboard, show_screen

if TYPE_CHECKING:
    from bot.context import KamContext
    from domain.formatting import Formats
    from storage.contracts import CardSummary, Contract, ObligationView

SCREEN = "profile"  # the contract screens share the profile card's one message
IDLE_AFTER = timedelta(minutes=30)
"""A flow left this long ends quietly (what is typed next goes where it would go)."""

KIND_LABELS = {
    "delivery": N_("contract.kind.delivery"),
    "payment": N_("contract.kind.payment"),
    "service_level": N_("contract.kind.service_level"),
    "report": N_("contract.kind.report"),
    "renewal_notice": N_("contract.kind.renewal_notice"),
    "other": N_("contract.kind.other"),
}
PARTY_LABELS = {"ours": N_("contract.party.ours"), "client": N_("contract.party.client")}
STATUS_MARKS = {"pending": "⏳", "delayed": "⏸", "met": "✅", "missed": "❌"}
STATUS_LABELS = {
    "pending": N_("contract.term_status.pending"),
    "delayed": N_("contract.term_status.delayed"),
    "met": N_("contract.term_status.met"),
    "missed": N_("contract.term_status.missed"),
}
LEVEL_MARKS = {"on_track": "🟢", "at_risk": "🟡", "breached": "🔴"}
LEVEL_LABELS = {
    "on_track": N_("contract.level.on_track"),
    "at_risk": N_("contract.level.at_risk"),
    "breached": N_("contract.level.breached"),
}
REASON_KEYS = {
    "missed": N_("contract.reason.missed"),
    "delayed": N_("contract.reason.delayed"),
    "overdue": N_("contract.reason.overdue"),
    "due_soon": N_("contract.reason.due_soon"),
}
CURRENCIES = ("RUB", "CNY", "USD", "EUR")
DEFAULT_CURRENCY = {"ru": "RUB", "zh": "CNY", "en": "USD"}


def esc(value: str | None, limit: int = 200) -> str:
    return html.escape(clip(value or "", limit), quote=False)


def today(context: KamContext) -> date:
    return context.fmt.local_day(context.services.clock.now())


def default_currency(context: KamContext) -> str:
    return DEFAULT_CURRENCY.get(context.language, "USD")


def recurrence_text(t: Translator, recurrence: str, every: int | None, day: int | None) -> str:
    if recurrence in rules.NEEDS_DAY and day:
        return t(f"contract.recur.{recurrence}_on", day=day)
    if recurrence == "days" and every:
        return t.plural("contract.recur.every_days", every)
    return t(f"contract.recur.{recurrence}")


def money_text(fmt: Formats, minor: int | None, currency: str | None) -> str | None:
    return amount_text(fmt, minor, currency)


def compliance_lines(
    t: Translator, fmt: Formats, state: rules.Compliance, *, limit: int = 3
) -> list[str]:
    """ "🟡 At risk" and why: which obligation, when (the first few)."""
    lines = [f"{LEVEL_MARKS[state.level]} {t(LEVEL_LABELS[state.level])}"]
    for reason in state.reasons[:limit]:
        lines.append(
            "   "
            + t(
                REASON_KEYS[reason.kind],
                what=clip(reason.description, 80),
                day=fmt.weekday_date(reason.day),
            )
        )
    if len(state.reasons) > limit:
        lines.append("   " + t.plural("contract.reason.more", len(state.reasons) - limit))
    return lines


def term_line(t: Translator, fmt: Formats, term: ObligationView) -> str:
    mark = STATUS_MARKS.get(term.status, "•")
    whose = t(PARTY_LABELS.get(term.party, "contract.party.ours"))
    return t(
        "contract.term_line",
        mark=mark,
        kind=t(KIND_LABELS.get(term.kind, "contract.kind.other")),
        what=clip(term.description, 120),
        day=fmt.weekday_date(term.effective_due),
        whose=whose,
    )


def card_lines(t: Translator, summary: CardSummary, day: date) -> list[str]:
    """The account card's contract line: the nearest end, and what is at risk or breached."""
    lines: list[str] = []
    upcoming = [(title, end) for title, end in summary.ends if end is not None and end >= day]
    if upcoming:
        title, end = upcoming[0]
        left = rules.days_left(end, day) or 0
        lines.append(t.plural("contract.card.ends_in", left, title=clip(title, 60)))
    state = rules.compliance(summary.terms, day)
    if state.level == "breached" and state.reason is not None:
        lines.append(t("contract.card.breached", what=clip(state.reason.description, 60)))
    elif state.level == "at_risk":
        lines.append(t.plural("contract.card.at_risk", len(state.reasons)))
    return lines


async def may_change(context: KamContext, account_id: int) -> bool:
    return authz.may(context, Action.CHANGE, await authz.contract(context, account_id))


async def load_contract(
    update: Update, context: KamContext, contract_id: int | None, action: Action
) -> Contract | None:
    """The contract, reloaded, if the manager may `action` it (else the press is refused)."""
    found = await context.services.storage.contracts.get(contract_id) if contract_id else None
    if found is None:
        await refuse(update, context, "contract.gone")
        return None
    target = await authz.contract(context, found.account_id, found.id)
    if not await authz.require(update, context, action, target):
        return None
    return found


async def load_term(
    update: Update, context: KamContext, obligation_id: int | None, action: Action
) -> ObligationView | None:
    """The obligation, reloaded, if the manager may `action` its contract."""
    storage = context.services.storage
    found = await storage.contracts.obligation(obligation_id) if obligation_id else None
    if found is None:
        await refuse(update, context, "contract.term_gone")
        return None
    target = await authz.contract(context, found.account_id, found.contract_id)
    if not await authz.require(update, context, action, target):
        return None
    return found


async def ask_to_confirm(
    update: Update, context: KamContext, text: str, yes: tuple[str, str], back: str
) -> None:
    """A removal's question: `yes` (label, callback data) over ◀ Back (to `back`)."""
    await answer(update)
    rows = [[button(*yes)], [button(context.t("button.back"), back)]]
    await show_screen(update, context, SCREEN, text, keyboard(rows))


async def refuse(update: Update, context: KamContext, key: str) -> None:
    if update.callback_query is not None:
        await answer(update, context.t(key), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t(key))


async def cancel(update: Update, context: KamContext, run: Run) -> Next:
    """Cancel in either contract flow: the draft is dropped, the screen says so."""
    await answer(update)
    await run.close(context.t("contract.cancelled"))
    return Go.END


async def hint(update: Update, context: KamContext, run: Run) -> Next:
    """Something typed or sent where a button is expected."""
    run.note = context.t("contract.use_buttons")
    return Go.REDRAW
