"""A contract's terms: "➕ Obligation" and "✏️ Edit" on one, by conversation.

What (kind buttons), the description, whose (ours / the client's), the due date (presets or
typed), the recurrence (buttons; "on day N" and "every N days" typed, explained and asked
again when they make no sense), then the review card. Entries: ctr:oadd:<contract>,
ctr:oed:<obligation>; both reload the row and ask the policy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, filters

from bot.context import KamContext
from domain import contracts as rules
from domain.dates import parse_when
from domain.policy import Action
from handlers.contracts import common as c
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Screen,
    Step,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.menu import any_menu_button
from handlers.ui import answer, callback_id, clip, grid

KIND, WHAT, WHOSE, DUE = "kind", "what", "whose", "due"
RECUR, DAY, EVERY, REVIEW = "recur", "day", "every", "review"
ORDER = (KIND, WHAT, WHOSE, DUE, RECUR, REVIEW)
EDITABLE = (KIND, WHAT, WHOSE, DUE, RECUR)
WHAT_LIMIT = 500


def _day(run: Run) -> date | None:
    value = run.data.get(DUE)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _forward(run: Run) -> str:
    recurrence = str(run.data.get(RECUR) or "none")
    if run.step == RECUR and recurrence in rules.NEEDS_DAY:
        return DAY
    if run.step == RECUR and recurrence in rules.NEEDS_EVERY:
        return EVERY
    if run.data.get("review") or run.step in (RECUR, DAY, EVERY):
        return REVIEW
    return ORDER[ORDER.index(run.step) + 1]


def _has_back(run: Run) -> bool:
    return run.step != REVIEW and (bool(run.data.get("review")) or run.step != KIND)


async def back(update: Update, context: KamContext, run: Run) -> Next:
    if not _has_back(run):
        return None
    if run.step in (DAY, EVERY):
        return RECUR
    return REVIEW if run.data.get("review") else ORDER[ORDER.index(run.step) - 1]


def _screen(
    context: KamContext,
    run: Run,
    key: str,
    rows: list[list[InlineKeyboardButton]] | None = None,
    **values: Any,
) -> Screen:
    t = context.t
    text = t(key, contract=str(run.data.get("contract_title", "")), **values)
    if run.note:
        text = run.note + "\n\n" + text
    nav = [run.button(t("button.back"), "back")] if _has_back(run) else []
    nav.append(run.button(t("button.cancel"), "cancel"))
    return Screen(text, [*(rows or []), nav])


# --- the steps -----------------------------------------------------------------------------------


async def ask_kind(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [run.button(t(c.KIND_LABELS[k]), "kind", k) for k in rules.OBLIGATION_KINDS]
    return _screen(context, run, "contract.term.ask_kind", grid(buttons, 2))


async def chose_kind(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg(0) not in rules.OBLIGATION_KINDS:
        return Go.REDRAW
    run.data[KIND] = run.arg(0)
    return _forward(run)


async def ask_what(update: Update, context: KamContext, run: Run) -> Screen:
    kind = context.t(c.KIND_LABELS.get(str(run.data.get(KIND)), "contract.kind.other"))
    return _screen(context, run, "contract.term.ask_what", kind=kind)


async def typed_what(update: Update, context: KamContext, run: Run) -> Next:
    text = " ".join(run.text.split())
    if not text:
        run.note = context.t("contract.need_text")
        return Go.REDRAW
    if len(text) > WHAT_LIMIT:
        run.note = context.t("contract.too_long", limit=WHAT_LIMIT, length=len(text))
        return Go.REDRAW
    run.data[WHAT] = text
    return _forward(run)


async def ask_whose(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    rows = [[run.button(t(c.PARTY_LABELS[p]), "whose", p) for p in ("ours", "client")]]
    return _screen(context, run, "contract.term.ask_whose", rows)


async def chose_whose(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg(0) not in c.PARTY_LABELS:
        return Go.REDRAW
    run.data[WHOSE] = run.arg(0)
    return _forward(run)


async def ask_due(update: Update, context: KamContext, run: Run) -> Screen:
    t, fmt = context.t, context.fmt
    buttons = [
        run.button(t(f"contract.due_preset.{name}", day=fmt.date(day)), "due", name)
        for name, day in rules.due_presets(c.today(context))
    ]
    return _screen(context, run, "contract.term.ask_due", grid(buttons, 2))


async def chose_due(update: Update, context: KamContext, run: Run) -> Next:
    day = dict(rules.due_presets(c.today(context))).get(run.arg(0))
    if day is None:
        return Go.REDRAW
    run.data[DUE] = day.isoformat()
    return _forward(run)


async def typed_due(update: Update, context: KamContext, run: Run) -> Next:
    now = context.services.clock.now()
    parsed = parse_when(run.text, now=now, tz=context.fmt.tz, prefer="future")
    if parsed is None or not parsed.has_date:
        run.note = context.t("contract.date_unparsed", text=clip(run.text.strip(), 60))
        return Go.REDRAW
    run.data[DUE] = context.fmt.local_day(parsed.at).isoformat()
    return _forward(run)


async def ask_recur(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [
        run.button(t(f"contract.recur.choice_{name}"), "recur", name) for name in rules.RECURRENCES
    ]
    return _screen(context, run, "contract.term.ask_recur", grid(buttons, 2))


async def chose_recur(update: Update, context: KamContext, run: Run) -> Next:
    name = run.arg(0)
    if name not in rules.RECURRENCES:
        return Go.REDRAW
    run.data[RECUR] = name
    if name not in rules.NEEDS_DAY:
        run.data["recur_day"] = None
    if name not in rules.NEEDS_EVERY:
        run.data["recur_every"] = None
    return _forward(run)


async def ask_day(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    due = _day(run)
    buttons = []
    if due is not None:
        buttons.append(run.button(t("contract.recur.day_as_due", day=due.day), "n", due.day))
    buttons.append(run.button(t("contract.recur.day_last"), "n", 31))
    return _screen(context, run, "contract.term.ask_day", [buttons])


async def ask_every(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    buttons = [
        run.button(t.plural("contract.recur.every_days", n), "n", n) for n in rules.EVERY_PRESETS
    ]
    return _screen(context, run, "contract.term.ask_every", grid(buttons, 2))


async def chose_number(update: Update, context: KamContext, run: Run) -> Next:
    parse = rules.parse_day_of_month if run.step == DAY else rules.parse_every_days
    typed = parse(run.arg(0))
    if typed.value is None:
        return Go.REDRAW
    run.data["recur_day" if run.step == DAY else "recur_every"] = typed.value
    return REVIEW


async def typed_number(update: Update, context: KamContext, run: Run) -> Next:
    """ "Day 15" or "every 10 days": 35 or 0 are explained and asked again."""
    text = clip(run.text.strip(), 40)
    if run.step == DAY:
        typed = rules.parse_day_of_month(run.text)
        keys = {"not_a_number": "contract.day_not_number", "out_of_range": "contract.day_range"}
    else:
        typed = rules.parse_every_days(run.text)
        keys = {"not_a_number": "contract.every_not_number", "out_of_range": "contract.every_range"}
    if typed.value is None:
        assert typed.problem is not None
        run.note = context.t(keys[typed.problem], text=text, limit=rules.MAX_EVERY_DAYS)
        return Go.REDRAW
    run.data["recur_day" if run.step == DAY else "recur_every"] = typed.value
    return REVIEW


# --- review and save ---------------------------------------------------------------------------


def draft_term(run: Run) -> rules.ObligationFields | None:
    """The obligation as entered (its first due date aligned to "day N"); None if incomplete."""
    data = run.data
    due = _day(run)
    recurrence = str(data.get(RECUR) or "none")
    if due is None or not data.get(WHAT) or recurrence not in rules.RECURRENCES:
        return None
    day = data.get("recur_day") if isinstance(data.get("recur_day"), int) else None
    every = data.get("recur_every") if isinstance(data.get("recur_every"), int) else None
    if (recurrence in rules.NEEDS_DAY and day is None) or (
        recurrence in rules.NEEDS_EVERY and every is None
    ):
        return None
    return rules.ObligationFields(
        kind=str(data.get(KIND) or "other"),
        description=str(data[WHAT]),
        party="client" if data.get(WHOSE) == "client" else "ours",
        due_on=rules.first_occurrence(due, recurrence, day=day),
        recurrence=rules.RECURRENCES[rules.RECURRENCES.index(recurrence)],
        recur_every=every,
        recur_day=day,
    )


async def enter_review(update: Update, context: KamContext, run: Run) -> Next:
    run.data["review"] = True
    return None


async def ask_review(update: Update, context: KamContext, run: Run) -> Screen:
    t, fmt = context.t, context.fmt
    term = draft_term(run)
    heading = (
        "contract.term.review_edit" if run.data.get("obligation_id") else "contract.term.review"
    )
    lines = [t(heading, contract=str(run.data.get("contract_title", "")))]
    if term is not None:
        lines += [
            t("contract.field.kind", value=t(c.KIND_LABELS.get(term.kind, "contract.kind.other"))),
            t("contract.field.what", value=clip(term.description, 300)),
            t("contract.field.whose", value=t(c.PARTY_LABELS[term.party])),
            t("contract.field.due", value=fmt.weekday_date(term.due_on)),
            t(
                "contract.field.recurrence",
                value=c.recurrence_text(t, term.recurrence, term.recur_every, term.recur_day),
            ),
        ]
    text = "\n".join(lines)
    if run.note:
        text = run.note + "\n\n" + text
    edits = [run.button("✏️ " + t(f"contract.term.edit_{name}"), "ed", name) for name in EDITABLE]
    rows = [*grid(edits, 2), [run.button(t("contract.save"), "save")]]
    return Screen(text, [*rows, [run.button(t("button.cancel"), "cancel")]])


async def edit_field(update: Update, context: KamContext, run: Run) -> Next:
    name = run.arg(0)
    return name if name in EDITABLE else Go.REDRAW


async def save(update: Update, context: KamContext, run: Run) -> Next:
    from handlers.contracts.view import show_contract

    term = draft_term(run)
    if term is None:
        run.note = context.t("contract.term.incomplete")
        return Go.REDRAW
    contract_id = run.data.get("contract_id")
    contract = await c.load_contract(
        update, context, contract_id if isinstance(contract_id, int) else None, Action.CHANGE
    )
    if contract is None:
        return Go.END
    storage, manager = context.services.storage, context.require_manager()
    now = context.services.clock.now()
    obligation_id = run.data.get("obligation_id")
    if isinstance(obligation_id, int):
        saved = await storage.contracts.update_term(
            obligation_id, term, actor_id=manager.id, now=now
        )
    else:
        saved = bool(
            await storage.contracts.add_term(contract.id, term, actor_id=manager.id, now=now)
        )
    await answer(update, context.t("contract.saved" if saved else "contract.term_gone"))
    run.flow.end(context)
    await show_contract(update, context, contract)
    return Go.END


# --- entries ---------------------------------------------------------------------------------


async def start_add(update: Update, context: KamContext) -> None:
    contract_id = callback_id(update, "ctr:oadd")
    contract = await c.load_contract(update, context, contract_id, Action.CHANGE)
    if contract is None:
        return
    await answer(update)
    data = {"contract_id": contract.id, "contract_title": contract.title}
    await TERM.start(update, context, KIND, data=data)


async def start_edit(update: Update, context: KamContext) -> None:
    obligation_id = callback_id(update, "ctr:oed")
    found = await c.load_term(update, context, obligation_id, Action.CHANGE)
    if found is None:
        return
    await answer(update)
    data: dict[str, Any] = {
        "contract_id": found.contract_id,
        "contract_title": found.contract_title,
        "obligation_id": found.id,
        "review": True,
        KIND: found.kind,
        WHAT: found.description,
        WHOSE: found.party,
        DUE: found.due_on.isoformat(),
        RECUR: found.recurrence,
        "recur_day": found.recur_day,
        "recur_every": found.recur_every,
    }
    await TERM.start(update, context, REVIEW, data=data)


def _steps() -> list[Step]:
    numbers = [on_button("n", chose_number), on_text(typed_number)]
    return [
        Step(KIND, ask_kind, [on_button("kind", chose_kind)]),
        Step(WHAT, ask_what, [on_text(typed_what)]),
        Step(WHOSE, ask_whose, [on_button("whose", chose_whose)]),
        Step(DUE, ask_due, [on_button("due", chose_due), on_text(typed_due)]),
        Step(RECUR, ask_recur, [on_button("recur", chose_recur)]),
        Step(DAY, ask_day, numbers),
        Step(EVERY, ask_every, numbers),
        Step(
            REVIEW,
            ask_review,
            [on_button("ed", edit_field), on_button("save", save)],
            enter=enter_review,
        ),
    ]


TERM = Flow(
    "contract_term",
    "ctt",
    entries=[
        CallbackQueryHandler(start_add, pattern=r"^ctr:oadd:"),
        CallbackQueryHandler(start_edit, pattern=r"^ctr:oed:"),
    ],
    steps=_steps(),
    common=[
        on_command("cancel", c.cancel),
        on_button("cancel", c.cancel),
        on_button("back", back),
    ],
    otherwise=[on_message(filters.ALL & ~filters.COMMAND & ~any_menu_button(), c.hint)],
    idle=c.IDLE_AFTER,
    screen_key=c.SCREEN,
)
