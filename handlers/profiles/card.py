"""The profile card (`acc:open:<id>`): a one-screen header and a button per section."""

from __future__ import annotations

from telegram import Update

from bot.context import KamContext
from bot.i18n import N_, Translator
from domain.formatting import Formats
from domain.policy import Action, Target
from domain.profile import SECTIONS, completeness, days_since, is_overdue, satisfaction_trend
from domain.profile_text import amount_text, day_text
from handlers import authz
from handlers.audit.history import history_button
from handlers.contracts.common import card_lines
from handlers.deals.text import card_lines as deal_lines
from handlers.profiles.common import (
    FLOW,
    STATUS_LABELS,
    esc,
    int_part,
    refuse_missing,
    state,
)
from handlers.ui import answer, button, callback_parts, close_screen, grid, keyboard, show_screen
from storage.accounts import Account
from storage.profile import CardSnapshot, NextTask, ProfileSnapshot

TREND_MARKS = {"up": "↗", "down": "↘", "flat": "→"}
MISSING_LABELS = {
    "decision_process": N_("profile.missing.decision_process"),
    "decision_maker": N_("profile.missing.decision_maker"),
    "opportunity_1y": N_("profile.missing.opportunity_1y"),
    "opportunity_3_5y": N_("profile.missing.opportunity_3_5y"),
    "goals": N_("profile.missing.goals"),
    "executive_sponsor": N_("profile.missing.executive_sponsor"),
    "action_plan": N_("profile.missing.action_plan"),
    "contacts": N_("profile.missing.contacts"),
    "description": N_("profile.missing.description"),
    "financial_results": N_("profile.missing.financial_results"),
    "industry": N_("profile.missing.industry"),
    "corporate_culture": N_("profile.missing.corporate_culture"),
    "related": N_("profile.missing.related"),
    "history": N_("profile.missing.history"),
    "spend": N_("profile.missing.spend"),
    "suppliers": N_("profile.missing.suppliers"),
}


def ago_words(t: Translator, days: int | None) -> str:
    if days is None:
        return t("profile.never")
    if days <= 0:
        return t("profile.today")
    if days == 1:
        return t("profile.yesterday")
    return t.plural("profile.days_ago", days)


def header_lines(t: Translator, account: Account, owner: str | None) -> list[str]:
    """Name and status, industry and city, owner: the card's head (and the inline card's)."""
    lines = [f"<b>{esc(account.name, 120)}</b> · {t(STATUS_LABELS[account.status])}"]
    if account.industry or account.city:
        lines.append(esc(" · ".join(p for p in (account.industry, account.city) if p), 160))
    return [*lines, t("profile.card.owner", owner=owner or "—")]


def opportunity_line(t: Translator, fmt: Formats, account: Account) -> str:
    one = amount_text(
        fmt, account.opportunity_1y_minor, account.opportunity_1y_currency, compact=True
    )
    five = amount_text(
        fmt, account.opportunity_3_5y_minor, account.opportunity_3_5y_currency, compact=True
    )
    return t("profile.card.opportunity", one=one or "—", five=five or "—")


def _completeness_lists(card: CardSnapshot) -> dict[str, list[dict[str, object]]]:
    """Stand-ins for the lists completeness looks at: one entry per item, and the facts it
    asks of contacts (a decision maker) and of the team (an executive sponsor)."""
    lists: dict[str, list[dict[str, object]]] = {
        kind: [{} for _ in range(count)] for kind, count in card.counts.items()
    }
    if card.has_decision_maker:
        lists["contact"] = [{"decision_role": "decision_maker"}]
    if card.has_executive_sponsor:
        lists["team"] = [{"is_executive_sponsor": True}]
    return lists


def _task_line(context: KamContext, task: NextTask | None) -> str:
    t = context.t
    if task is None:
        return t("profile.card.no_task")
    now = context.services.clock.now()
    due = day_text(context.fmt, task.due_at) or t("profile.no_due")
    late = is_overdue(task.due_at, task.due_has_time, now, context.fmt.tz)
    key = "profile.card.next_task_overdue" if late else "profile.card.next_task"
    return t(key, task=task.text[:80], due=due)


def card_text(context: KamContext, snap: ProfileSnapshot | CardSnapshot) -> str:
    t = context.t
    card = snap if isinstance(snap, CardSnapshot) else CardSnapshot.of(snap)
    account = card.account
    now = context.services.clock.now()
    lines = header_lines(t, account, card.owner_name)
    days = days_since(account.last_contact_at, now, context.fmt.tz)
    lines.append(t("profile.card.last_contact", ago=ago_words(t, days)))
    lines.append(_task_line(context, card.next_task))
    trend = satisfaction_trend(card.scores)
    if trend is None:
        lines.append(t("profile.card.no_scores"))
    else:
        mark = TREND_MARKS.get(trend.direction or "", "")
        lines.append(
            t(
                "profile.card.satisfaction",
                latest=trend.latest,
                trend=mark,
                average=context.fmt.number(trend.average, digits=1),
                count=trend.count,
            )
        )
    lines.append(opportunity_line(t, context.fmt, account))
    lines += deal_lines(t, context.fmt, [item.values for item in card.deals])
    filled = completeness(vars(account), _completeness_lists(card))
    if filled.missing:
        missing = ", ".join(t(MISSING_LABELS[name]) for name in filled.missing[:3])
        lines.append(t("profile.card.completeness", percent=filled.percent, missing=missing))
    else:
        lines.append(t("profile.card.complete"))
    return "\n".join(lines)


async def _open_card(
    update: Update, context: KamContext, account_id: int
) -> tuple[CardSnapshot, Target] | None:
    """The card's data and what the account is to the manager, if they may see it (else
    refused), as `open_account` decides; it becomes the open client."""
    target = await authz.account(context, account_id)
    card = await context.services.storage.profile.card_snapshot(account_id)
    if (
        card is None
        or not authz.check(context, Action.SEE, target)
        or card.account.archived_at is not None
    ):
        await refuse_missing(update, context)
        return None
    await answer(update)
    state(context)["account_id"] = account_id
    return card, target


async def show_card(
    update: Update, context: KamContext, account_id: int, *, new_message: bool = False
) -> None:
    opened = await _open_card(update, context, account_id)
    if opened is None:
        return
    card, target = opened
    t = context.t
    sections = []
    for section in SECTIONS:
        count = sum(card.counts.get(kind, 0) for kind in section.lists)
        label = t(section.label) + (f" ({count})" if count else "")
        sections.append(button(label, f"acc:sec:{account_id}:{section.key}:0"))
    sections.append(button(t("profile.section.timeline"), f"tl:{account_id}:0"))
    contracts = await context.services.storage.contracts.card_summary(account_id)
    sections.append(button(t("contract.section_button"), f"ctr:list:{account_id}"))
    sections.append(button(t("deal.card_button"), f"deal:list:{account_id}:0"))
    rows = [
        *grid(sections, 2),
        [
            button(t("profile.brief_button"), f"acc:brief:{account_id}"),
            button(t("profile.export_button"), f"acc:export:{account_id}"),
        ],
        [
            button(t("profile.edit_button"), f"ed:acc:{account_id}"),
            *history_button(context, target),
            button(t("profile.close_button"), "acc:close"),
        ],
    ]
    today = context.fmt.local_day(context.services.clock.now())
    text = "\n".join([card_text(context, card), *card_lines(t, contracts, today)])
    await show_screen(update, context, FLOW, text, keyboard(rows), new_message=new_message)


async def on_open(update: Update, context: KamContext) -> None:
    account_id = int_part(callback_parts(update, "acc:open"), 0)
    if account_id is None:
        await answer(update, context.t("error.stale_button"))
        return
    await show_card(update, context, account_id)


async def on_close(update: Update, context: KamContext) -> None:
    await answer(update)
    await close_screen(update, context, FLOW, context.t("profile.closed"))
