"""The screens of the deal flow (handlers.deals.flow): one question each, with Back and Cancel,
and the review card of the draft."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, Update

from bot.context import KamContext
from domain.deals import (
    CLOSE_PRESETS,
    DEADLINE_PRESETS,
    NEW_KINDS,
    PROBABILITY_PRESETS,
    REASONS,
    STAGES,
    TITLE_LIMIT,
    close_preset,
    deadline_preset,
)
from domain.profile_text import amount_text
from handlers.deals.text import (
    KIND_LABELS,
    REASON_LABELS,
    STAGE_LABELS,
    STAGE_MARKS,
    detail_lines,
    title_line,
)
from handlers.deals.text import esc as esc_text
from handlers.dialog import Run, Screen
from handlers.profiles.common import account_labels, default_currency
from handlers.ui import clip, grid

CLIENTS_SHOWN = 8
CURRENCIES = {"RUB": "₽ RUB", "CNY": "¥ CNY", "USD": "$ USD", "EUR": "€ EUR"}  # all in cents
STEP_FIELDS = {
    "title": "deal.field.title",
    "kind": "deal.field.kind",
    "deadline": "deal.field.deadline",
    "amount": "deal.field.amount",
    "probability": "deal.field.probability",
    "close": "deal.field.close",
    "stage": "deal.field.stage",
}


def nav(context: KamContext, run: Run, *, skip: bool = False) -> list[list[InlineKeyboardButton]]:
    t = context.t
    rows = [[run.button(t("deal.skip"), "skip")]] if skip else []
    return [*rows, [run.button(t("button.back"), "back"), run.button(t("button.cancel"), "cancel")]]


def noted(run: Run, text: str) -> str:
    return (f"⚠️ {run.note}\n\n" if run.note else "") + text


def head(context: KamContext, run: Run) -> str:
    """Whose deal this is, above each question: "VT-Metal · Pipes 2027"."""
    parts = [str(run.data.get("account_name") or ""), str(run.data.get("title") or "")]
    shown = " · ".join(clip(p, 60) for p in parts if p)
    return f"💼 <b>{esc_text(shown, 140)}</b>\n" if shown else ""


def today(context: KamContext) -> date:
    return context.fmt.local_day(context.services.clock.now())


async def ask_client(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    hits = run.data.get("hits")
    if isinstance(hits, list):
        accounts = [(int(i), str(n)) for i, n in hits]
    else:
        visible = await context.visible_accounts()
        accounts = [(a.id, a.name) for a in visible[:CLIENTS_SHOWN]]
    labels = await account_labels(context, accounts)
    rows = [[run.button(labels[i], "acc", i)] for i, _ in accounts]
    key = "deal.ask.client" if accounts else "deal.ask.client_none"
    return Screen(noted(run, t(key)), [*rows, *nav(context, run)])


async def ask_title(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    if run.data.get("clipped"):
        rows.append([run.button(t("deal.keep_clipped", limit=TITLE_LIMIT), "clip")])
    text = head(context, run) + t("deal.ask.title", limit=TITLE_LIMIT)
    return Screen(noted(run, text), [*rows, *nav(context, run)])


async def ask_kind(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [run.button(t(KIND_LABELS[k]), "kind", k) for k in NEW_KINDS]
    return Screen(
        noted(run, head(context, run) + t("deal.ask.kind")), [buttons, *nav(context, run)]
    )


def _day_buttons(
    context: KamContext, run: Run, presets: tuple[str, ...], kind: str
) -> list[InlineKeyboardButton]:
    day = today(context)
    pick = deadline_preset if kind == "deadline" else close_preset
    buttons = []
    for preset in presets:
        chosen = pick(preset, day)
        assert chosen is not None
        label = context.t(f"deal.preset.{preset}", day=context.fmt.day_month(chosen))
        buttons.append(run.button(label, "day", preset))
    return buttons


async def ask_deadline(update: Update, context: KamContext, run: Run) -> Screen:
    buttons = _day_buttons(context, run, DEADLINE_PRESETS, "deadline")
    text = head(context, run) + context.t("deal.ask.deadline")
    return Screen(noted(run, text), [*grid(buttons, 2), *nav(context, run, skip=True)])


async def ask_amount(update: Update, context: KamContext, run: Run) -> Screen:
    """Typed (parse_money reads "1.2m", "1 200 000 USD", "120万"); the currency buttons set
    the currency of what is typed without one (and of the amount already given)."""
    t = context.t
    currency = str(run.data.get("currency") or default_currency(context))
    marks = [("✓ " if code == currency else "") + label for code, label in CURRENCIES.items()]
    rows = [[run.button(mark, "cur", code) for mark, code in zip(marks, CURRENCIES, strict=True)]]
    text = head(context, run) + t("deal.ask.amount", currency=currency)
    shown = amount_text(context.fmt, run.data.get("amount_minor"), run.data.get("currency"))
    if shown:
        text += "\n" + t("deal.amount_now", amount=shown)
        rows.append([run.button(t("deal.keep_amount", amount=shown), "keep")])
    return Screen(noted(run, text), [*rows, *nav(context, run, skip=True)])


async def ask_probability(update: Update, context: KamContext, run: Run) -> Screen:
    buttons = [run.button(f"{p}%", "pct", p) for p in PROBABILITY_PRESETS]
    text = head(context, run) + context.t("deal.ask.probability")
    return Screen(noted(run, text), [buttons, *nav(context, run, skip=True)])


async def ask_close(update: Update, context: KamContext, run: Run) -> Screen:
    buttons = _day_buttons(context, run, CLOSE_PRESETS, "close")
    text = head(context, run) + context.t("deal.ask.close")
    return Screen(noted(run, text), [*grid(buttons, 2), *nav(context, run, skip=True)])


async def ask_stage(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [run.button(f"{STAGE_MARKS[s]} {t(STAGE_LABELS[s])}", "stage", s) for s in STAGES]
    text = head(context, run) + t("deal.ask.stage")
    return Screen(noted(run, text), [*grid(buttons, 2), *nav(context, run)])


async def ask_reason(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [run.button(t(REASON_LABELS[r]), "why", r) for r in REASONS]
    key = "deal.ask.reason_won" if run.data.get("stage") == "won" else "deal.ask.reason_lost"
    return Screen(noted(run, head(context, run) + t(key)), [*grid(buttons, 2), *nav(context, run)])


async def ask_reason_text(update: Update, context: KamContext, run: Run) -> Screen:
    key = "deal.ask.competitor" if run.data.get("reason_code") == "competitor" else "deal.ask.other"
    return Screen(noted(run, head(context, run) + context.t(key)), nav(context, run))


def draft_values(run: Run) -> dict[str, Any]:
    """The draft as a deal's column values (for the deal's text helpers)."""
    keys = (
        "kind",
        "title",
        "stage",
        "amount_minor",
        "currency",
        "probability",
        "expected_close_on",
        "deadline_on",
        "reason_code",
        "result_reason",
        "closed_on",
    )
    return {key: run.data.get(key) for key in keys}


async def show_review(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    values = draft_values(run)
    lines = [f"💼 {title_line(t, values)}", t("deal.line.client", name=run.data["account_name"])]
    lines += detail_lines(t, context.fmt, values)
    fields = ["title", "kind", "amount", "probability", "close", "stage"]
    if values["kind"] == "tender":
        fields.insert(2, "deadline")
    buttons = [run.button("✏️ " + t(STEP_FIELDS[f]), "change", f) for f in fields]
    save = t("deal.save_changes") if run.data.get("deal_id") else t("deal.save")
    rows = [
        *grid(buttons, 2),
        [run.button(save, "save")],
        [run.button(t("button.back"), "back"), run.button(t("button.cancel"), "cancel")],
    ]
    title = t("deal.review.edit") if run.data.get("deal_id") else t("deal.review.new")
    return Screen(noted(run, title + "\n\n" + "\n".join(lines)), rows)
