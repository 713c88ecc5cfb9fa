"""`/contract` and "➕ Add contract": a contract by conversation, then its review card.

Client (unless opened from one), the won deal it was signed from (asked only when the client
has won deals without a contract; it fills the title and value), title, number, signed, start
and end, value and currency, the signed file (a document), notes; the review card edits any
field and comes back.
"✏️ Edit" on a saved contract opens the same card, prefilled; Save writes it back.
The draft is the run's data (JSON values: dates as ISO text).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import KamContext
from domain import contracts as rules
from domain.dates import parse_when
from domain.money import currency_exponent, parse_money
from domain.policy import Action
from domain.portfolio import won_since
from domain.search import Candidate, rank
from handlers import authz
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
from handlers.profiles.common import account_labels
from handlers.ui import answer, callback_id, clip, grid, parse_id

ACCOUNT, DEAL, TITLE, NUMBER = "account", "deal", "title", "number"
SIGNED, STARTS, ENDS = "signed", "starts", "ends"
VALUE, FILE, NOTES, REVIEW = "value", "file", "notes", "review"
ORDER = (ACCOUNT, DEAL, TITLE, NUMBER, SIGNED, STARTS, ENDS, VALUE, FILE, NOTES, REVIEW)
EDITABLE = (DEAL, TITLE, NUMBER, SIGNED, STARTS, ENDS, VALUE, FILE, NOTES)
LIMITS = {TITLE: 200, NUMBER: 60, NOTES: 2000}
ACCOUNT_BUTTONS = 8
DEAL_BUTTONS = 6
DOCUMENT = filters.UpdateType.MESSAGE & filters.Document.ALL
NOT_A_DOCUMENT = filters.UpdateType.MESSAGE & ~filters.Document.ALL & ~filters.COMMAND


# --- moving through the steps ------------------------------------------------------------------


def _asks_deal(run: Run) -> bool:
    """The deal step is shown when the client has won deals without a contract."""
    return bool(run.data.get("deals"))


def _forward(run: Run) -> str:
    if run.data.get("review"):
        return REVIEW
    following = ORDER[ORDER.index(run.step) + 1]
    return TITLE if following == DEAL and not _asks_deal(run) else following


def _first_step(run: Run) -> str:
    """Where a flow whose client is known starts."""
    return DEAL if _asks_deal(run) else TITLE


def _has_back(run: Run) -> bool:
    if run.data.get("review"):
        return run.step != REVIEW
    if run.step in (ACCOUNT, REVIEW):
        return False
    return not (run.step == _first_step(run) and run.data.get("fixed"))


async def back(update: Update, context: KamContext, run: Run) -> Next:
    if not _has_back(run):
        return None
    if run.data.get("review"):
        return REVIEW
    previous = ORDER[ORDER.index(run.step) - 1]
    return ACCOUNT if previous == DEAL and not _asks_deal(run) else previous


async def skip(update: Update, context: KamContext, run: Run) -> Next:
    """Skip on a step that may stay empty (number, value, file, notes): nothing changes."""
    return _forward(run)


def _nav(context: KamContext, run: Run) -> list[InlineKeyboardButton]:
    t = context.t
    row = [run.button(t("button.back"), "back")] if _has_back(run) else []
    return [*row, run.button(t("button.cancel"), "cancel")]


def _screen(
    context: KamContext,
    run: Run,
    key: str,
    rows: list[list[InlineKeyboardButton]] | None = None,
    *,
    skip: bool = False,
    current: str | None = None,
    **values: Any,
) -> Screen:
    t = context.t
    text = t(key, **values)
    if current:
        text += "\n" + t("contract.now", value=current)
    if run.note:
        text = run.note + "\n\n" + text
    extra = [[run.button(t("contract.skip"), "skip")]] if skip else []
    return Screen(text, [*(rows or []), *extra, _nav(context, run)])


def _day(run: Run, key: str) -> date | None:
    value = run.data.get(key)
    return date.fromisoformat(value) if isinstance(value, str) else None


# --- the client ----------------------------------------------------------------------------------


async def ask_account(update: Update, context: KamContext, run: Run) -> Screen:
    manager = context.require_manager()
    accounts = await context.services.storage.accounts.visible(
        manager.id, sees_all=manager.sees_all_accounts
    )
    query = str(run.data.pop("query", "") or "")
    if query:
        candidates = [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts]
        shown = [(m.id, m.label) for m in rank(query, candidates, limit=ACCOUNT_BUTTONS)]
        key = "contract.ask.account_matches" if shown else "contract.ask.account_no_match"
    else:
        shown = [(a.id, a.name) for a in accounts[:ACCOUNT_BUTTONS]]
        key = "contract.ask.account" if accounts else "contract.ask.account_empty"
    names = await account_labels(context, shown)
    rows = [[run.button(names[account_id], "acc", account_id)] for account_id, _ in shown]
    return _screen(context, run, key, rows, text=clip(query, 60))


async def search_account(update: Update, context: KamContext, run: Run) -> Next:
    run.data["query"] = " ".join(run.text.split())[:120]
    return Go.REDRAW


async def choose_account(update: Update, context: KamContext, run: Run) -> Next:
    account_id = parse_id(run.arg(0))
    storage = context.services.storage
    account = await storage.accounts.get(account_id) if account_id else None
    if account is None or account.archived_at is not None:
        run.note = context.t("contract.account_gone")
        return Go.REDRAW
    target = await authz.contract(context, account.id)
    if not authz.check(context, Action.CHANGE, target):
        run.note = context.t("contract.account_denied")
        return Go.REDRAW
    run.data["account_id"], run.data["account_name"] = account.id, account.name
    await _offer_deals(context, run)
    return _forward(run)


# --- the won deal it was signed from ---------------------------------------------------------


async def _deal_choices(
    context: KamContext, account_id: int, contract_id: int | None = None
) -> list[list[Any]]:
    """The client's deals won in the last 12 months without a contract (and this contract's
    own deal), as the deal step's choices: [id, button label]."""
    since = won_since(c.today(context))  # older deals no longer count as revenue
    deals = await context.services.storage.deals.won_unlinked(
        account_id, since=since, contract_id=contract_id
    )
    choices: list[list[Any]] = []
    for deal in deals[:DEAL_BUTTONS]:
        money = c.money_text(context.fmt, deal.amount_minor, deal.currency)
        choices.append([deal.id, " · ".join(filter(None, (clip(deal.title, 40), money)))])
    return choices


async def _offer_deals(context: KamContext, run: Run) -> None:
    contract_id = run.data.get("contract_id")
    run.data["deals"] = await _deal_choices(
        context,
        int(run.data["account_id"]),
        contract_id if isinstance(contract_id, int) else None,
    )
    if _deal_label(run, run.data.get("deal_id")) is None:
        run.data.pop("deal_id", None)  # another client's deal, or one linked meanwhile


def _deal_label(run: Run, deal_id: object) -> str | None:
    return next((str(label) for i, label in run.data.get("deals") or [] if i == deal_id), None)


async def ask_deal(update: Update, context: KamContext, run: Run) -> Screen:
    t, chosen = context.t, run.data.get("deal_id")
    rows = [
        [run.button(("✓ " if deal_id == chosen else "🏆 ") + str(label), "deal", deal_id)]
        for deal_id, label in run.data.get("deals") or []
    ]
    unlinked = "deal_id" in run.data and chosen is None  # chosen before, or being edited
    rows.append([run.button(("✓ " if unlinked else "") + t("contract.deal_none"), "nodeal")])
    return _screen(context, run, "contract.ask.deal", rows, account=str(run.data["account_name"]))


async def choose_deal(update: Update, context: KamContext, run: Run) -> Next:
    """Links the deal; an empty title or value is filled from it."""
    deal_id = parse_id(run.arg(0))
    deal = await context.services.storage.deals.get(deal_id) if deal_id else None
    await _offer_deals(context, run)  # as they are now: one deleted or linked meanwhile is gone
    if deal is None or _deal_label(run, deal.id) is None:
        run.note = context.t("contract.deal_gone")
        return Go.REDRAW
    run.data["deal_id"] = deal.id
    if not run.data.get("title"):
        run.data["title"] = clip(deal.title, LIMITS[TITLE])
    if run.data.get("amount") is None and deal.amount_minor and deal.currency in c.CURRENCIES:
        run.data["amount"], run.data["currency"] = deal.amount_minor, deal.currency
    return _forward(run)


async def no_deal(update: Update, context: KamContext, run: Run) -> Next:
    run.data["deal_id"] = None
    return _forward(run)


# --- text fields ---------------------------------------------------------------------------------


async def ask_title(update: Update, context: KamContext, run: Run) -> Screen:
    """A title already there (from the deal, or being edited) can be kept with a button."""
    title = str(run.data.get("title") or "")
    rows = [[run.button(context.t("contract.keep"), "skip")]] if title else None
    return _screen(
        context,
        run,
        "contract.ask.title",
        rows,
        current=clip(title, 200) or None,
        account=str(run.data.get("account_name", "")),
    )


async def keep_title(update: Update, context: KamContext, run: Run) -> Next:
    if not run.data.get("title"):
        run.note = context.t("contract.need_text")
        return Go.REDRAW
    return _forward(run)


async def ask_number(update: Update, context: KamContext, run: Run) -> Screen:
    return _screen(context, run, "contract.ask.number", skip=True)


async def ask_notes(update: Update, context: KamContext, run: Run) -> Screen:
    return _screen(context, run, "contract.ask.notes", skip=True)


async def typed_text(update: Update, context: KamContext, run: Run) -> Next:
    """Title, number or notes: trimmed, not empty, within the limit (else asked again)."""
    text = run.text.strip() if run.step == NOTES else " ".join(run.text.split())
    limit = LIMITS[run.step]
    if not text:
        run.note = context.t("contract.need_text")
        return Go.REDRAW
    if len(text) > limit:
        run.note = context.t("contract.too_long", limit=limit, length=len(text))
        return Go.REDRAW
    run.data[run.step] = text
    return _forward(run)


# --- dates ---------------------------------------------------------------------------------------


def _presets(context: KamContext, run: Run) -> list[tuple[str, date]]:
    return rules.date_presets(
        run.step, c.today(context), signed=_day(run, SIGNED), starts=_day(run, STARTS)
    )


async def ask_date(update: Update, context: KamContext, run: Run) -> Screen:
    t, fmt = context.t, context.fmt
    buttons = [
        run.button(t(f"contract.preset.{name}", day=fmt.date(day)), "day", name)
        for name, day in _presets(context, run)
    ]
    current = _day(run, run.step)
    shown = fmt.date(current) if current else None
    return _screen(context, run, f"contract.ask.{run.step}", grid(buttons, 2), current=shown)


async def chose_date(update: Update, context: KamContext, run: Run) -> Next:
    day = dict(_presets(context, run)).get(run.arg(0))
    if day is None:
        run.note = context.t("contract.use_buttons")
        return Go.REDRAW
    return _set_date(context, run, day)


async def typed_date(update: Update, context: KamContext, run: Run) -> Next:
    now = context.services.clock.now()
    if run.step == SIGNED:
        parsed = parse_when(run.text, now=now, tz=context.fmt.tz, prefer="past")
    else:
        parsed = parse_when(run.text, now=now, tz=context.fmt.tz, prefer="future")
    if parsed is None or not parsed.has_date:
        run.note = context.t("contract.date_unparsed", text=clip(run.text.strip(), 60))
        return Go.REDRAW
    return _set_date(context, run, context.fmt.local_day(parsed.at))


def _set_date(context: KamContext, run: Run, day: date) -> Next:
    """Keeps the date unless the end would come before the start (then asks again)."""
    fmt = context.fmt
    starts = day if run.step == STARTS else _day(run, STARTS)
    ends = day if run.step == ENDS else _day(run, ENDS)
    if run.step in (STARTS, ENDS) and rules.end_before_start(starts, ends):
        assert starts is not None and ends is not None
        key = "contract.end_before_start" if run.step == ENDS else "contract.start_after_end"
        run.note = context.t(key, start=fmt.date(starts), end=fmt.date(ends))
        return Go.REDRAW
    run.data[run.step] = day.isoformat()
    return _forward(run)


# --- value and currency --------------------------------------------------------------------------


def _currency(context: KamContext, run: Run) -> str:
    return str(run.data.get("currency") or c.default_currency(context))


async def ask_value(update: Update, context: KamContext, run: Run) -> Screen:
    currency = _currency(context, run)
    buttons = [
        run.button(("✓ " if code == currency else "") + code, "cur", code) for code in c.CURRENCIES
    ]
    amount = run.data.get("amount")
    shown = c.money_text(context.fmt, amount if isinstance(amount, int) else None, currency)
    return _screen(
        context,
        run,
        "contract.ask.value",
        [buttons],
        skip=True,
        currency=currency,
        current=shown,
    )


async def chose_currency(update: Update, context: KamContext, run: Run) -> Next:
    code = run.arg(0)
    if code not in c.CURRENCIES:
        return Go.REDRAW
    before = _currency(context, run)
    if isinstance(run.data.get("amount"), int) and currency_exponent(before) != currency_exponent(
        code
    ):
        run.data["amount"] = None  # the same digits would be another amount
    run.data["currency"] = code
    return Go.REDRAW


async def typed_value(update: Update, context: KamContext, run: Run) -> Next:
    money = parse_money(run.text.strip(), default_currency=_currency(context, run))
    if money is None or money.amount_minor <= 0:
        run.note = context.t("contract.value_unparsed", text=clip(run.text.strip(), 60))
        return Go.REDRAW
    run.data["amount"], run.data["currency"] = money.amount_minor, money.currency
    return _forward(run)


# --- the signed file -----------------------------------------------------------------------------


async def ask_file(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    name = run.data.get("file_name") or ("📎" if run.data.get("file_id") else None)
    rows = []
    if run.data.get("file_id"):
        rows.append([run.button(t("contract.file_remove"), "nofile")])
    return _screen(context, run, "contract.ask.file", rows, skip=True, current=name)


async def got_file(update: Update, context: KamContext, run: Run) -> Next:
    message = update.effective_message
    assert message is not None and message.document is not None
    run.data["file_id"] = message.document.file_id
    run.data["file_name"] = clip(message.document.file_name or "", 200) or None
    return _forward(run)


async def not_a_file(update: Update, context: KamContext, run: Run) -> Next:
    run.note = context.t("contract.file_not_document")
    return Go.REDRAW


async def drop_file(update: Update, context: KamContext, run: Run) -> Next:
    run.data["file_id"], run.data["file_name"] = None, None
    return _forward(run)


# --- the review card -----------------------------------------------------------------------------


def draft_fields(run: Run) -> rules.ContractFields:
    data = run.data
    amount = data.get("amount")
    return rules.ContractFields(
        title=str(data.get("title") or ""),
        number=data.get("number") or None,
        signed_on=_day(run, SIGNED),
        starts_on=_day(run, STARTS),
        ends_on=_day(run, ENDS),
        amount_minor=amount if isinstance(amount, int) else None,
        currency=data.get("currency") if isinstance(amount, int) else None,
        file_id=data.get("file_id") or None,
        file_name=data.get("file_name") or None,
        notes=data.get("notes") or None,
        deal_id=data.get("deal_id") if isinstance(data.get("deal_id"), int) else None,
    )


def review_text(context: KamContext, run: Run) -> str:
    t, fmt = context.t, context.fmt
    draft = draft_fields(run)

    def day(value: date | None) -> str:
        return fmt.date(value) if value else "—"

    heading = "contract.review.editing" if run.data.get("contract_id") else "contract.review.new"
    lines = [
        t(heading),
        t("contract.field.account", value=str(run.data.get("account_name", ""))),
        t("contract.field.title", value=clip(draft.title, 200) or "—"),
        t("contract.field.number", value=draft.number or "—"),
        t("contract.field.signed", value=day(draft.signed_on)),
        t("contract.field.period", value=f"{day(draft.starts_on)} – {day(draft.ends_on)}"),
        t(
            "contract.field.value",
            value=c.money_text(fmt, draft.amount_minor, draft.currency) or "—",
        ),
        t("contract.field.file", value=draft.file_name or ("📎" if draft.file_id else "—")),
        t("contract.field.notes", value=clip(draft.notes or "", 600) or "—"),
    ]
    if draft.deal_id is not None:
        lines.insert(2, t("contract.field.deal", value=_deal_label(run, draft.deal_id) or "—"))
    text = "\n".join(lines)
    return (run.note + "\n\n" + text) if run.note else text


async def enter_review(update: Update, context: KamContext, run: Run) -> Next:
    run.data["review"] = True
    return None


async def ask_review(update: Update, context: KamContext, run: Run) -> Screen:
    t = context.t
    names = [name for name in EDITABLE if name != DEAL or _asks_deal(run)]
    edits = [run.button("✏️ " + t(f"contract.edit.{name}"), "ed", name) for name in names]
    rows = [*grid(edits, 2), [run.button(t("contract.save"), "save")], _nav(context, run)]
    return Screen(review_text(context, run), rows)


async def edit_field(update: Update, context: KamContext, run: Run) -> Next:
    name = run.arg(0)
    if name == DEAL and not _asks_deal(run):
        return Go.REDRAW
    return name if name in EDITABLE else Go.REDRAW


async def save(update: Update, context: KamContext, run: Run) -> Next:
    from handlers.contracts.view import show_contract

    draft = draft_fields(run)
    account_id = run.data.get("account_id")
    if not draft.title or not isinstance(account_id, int):
        run.note = context.t("contract.need_title")
        return TITLE
    target = await authz.contract(context, account_id, run.data.get("contract_id"))
    if not await authz.require(update, context, Action.CHANGE, target, "contract.denied"):
        return Go.END
    storage, manager = context.services.storage, context.require_manager()
    now = context.services.clock.now()
    contract_id = run.data.get("contract_id")
    if isinstance(contract_id, int):
        if not await storage.contracts.update(contract_id, draft, actor_id=manager.id, now=now):
            await run.close(context.t("contract.gone"))
            return Go.END
    else:
        contract_id = await storage.contracts.create(
            account_id, draft, actor_id=manager.id, now=now
        )
    await answer(update, context.t("contract.saved"))
    contract = await storage.contracts.get(contract_id)
    assert contract is not None
    run.flow.end(context)
    await show_contract(update, context, contract)
    return Go.END


# --- entries -------------------------------------------------------------------------------------


async def start(update: Update, context: KamContext) -> None:
    await CONTRACT.start(update, context, ACCOUNT)


async def start_for_account(update: Update, context: KamContext) -> None:
    """ctr:new:<account>: the client is known (if the manager may add its contracts)."""
    account_id = callback_id(update, "ctr:new")
    account = await context.services.storage.accounts.get(account_id)
    if account is None or account.archived_at is not None:
        await c.refuse(update, context, "profile.not_found")
        return
    target = await authz.contract(context, account_id)
    if not await authz.require(update, context, Action.CHANGE, target):
        return
    await answer(update)
    deals = await _deal_choices(context, account.id)
    data = {"account_id": account.id, "account_name": account.name, "fixed": True, "deals": deals}
    await CONTRACT.start(update, context, DEAL if deals else TITLE, data=data)


async def start_from_deal(update: Update, context: KamContext) -> None:
    """ctr:deal:<deal>: a won deal's "enter its contract": the client and the deal chosen, the
    title and value filled from it (Back leads to the deal step)."""
    deal = await context.services.storage.deals.get(callback_id(update, "ctr:deal"))
    if deal is None:
        await c.refuse(update, context, "contract.deal_gone")
        return
    target = await authz.contract(context, deal.account_id)
    if not await authz.require(update, context, Action.CHANGE, target):
        return
    deals = await _deal_choices(context, deal.account_id)
    if not any(deal_id == deal.id for deal_id, _ in deals):
        await c.refuse(update, context, "contract.deal_gone")  # not won, or already signed
        return
    await answer(update)
    data: dict[str, Any] = {
        "account_id": deal.account_id,
        "account_name": deal.account_name,
        "fixed": True,
        "deals": deals,
        "deal_id": deal.id,
        "title": clip(deal.title, LIMITS[TITLE]),
    }
    if deal.amount_minor and deal.currency in c.CURRENCIES:
        data["amount"], data["currency"] = deal.amount_minor, deal.currency
    await CONTRACT.start(update, context, TITLE, data=data)


async def start_edit(update: Update, context: KamContext) -> None:
    """ctr:edit:<contract>: the review card of a saved contract, prefilled."""
    contract_id = callback_id(update, "ctr:edit")
    contract = await c.load_contract(update, context, contract_id, Action.CHANGE)
    if contract is None:
        return
    await answer(update)
    data: dict[str, Any] = {
        "contract_id": contract.id,
        "account_id": contract.account_id,
        "account_name": contract.account_name,
        "fixed": True,
        "review": True,
        "title": contract.title,
        "number": contract.number,
        "amount": contract.amount_minor,
        "currency": contract.currency,
        "file_id": contract.file_id,
        "file_name": contract.file_name,
        "notes": contract.notes,
        "deal_id": contract.deal_id,
        "deals": await _deal_choices(context, contract.account_id, contract.id),
    }
    days = ((SIGNED, contract.signed_on), (STARTS, contract.starts_on), (ENDS, contract.ends_on))
    for name, value in days:
        data[name] = value.isoformat() if value else None
    await CONTRACT.start(update, context, REVIEW, data=data)


def _steps() -> list[Step]:
    dates = [on_button("day", chose_date), on_text(typed_date)]
    skips = on_button("skip", skip)
    return [
        Step(ACCOUNT, ask_account, [on_button("acc", choose_account), on_text(search_account)]),
        Step(DEAL, ask_deal, [on_button("deal", choose_deal), on_button("nodeal", no_deal)]),
        Step(TITLE, ask_title, [on_text(typed_text), on_button("skip", keep_title)]),
        Step(NUMBER, ask_number, [on_text(typed_text), skips]),
        Step(SIGNED, ask_date, dates),
        Step(STARTS, ask_date, dates),
        Step(ENDS, ask_date, dates),
        Step(
            VALUE,
            ask_value,
            [on_text(typed_value), on_button("cur", chose_currency), skips],
        ),
        Step(
            FILE,
            ask_file,
            [
                on_message(DOCUMENT, got_file),
                on_message(NOT_A_DOCUMENT & ~any_menu_button(), not_a_file),
                on_button("nofile", drop_file),
                skips,
            ],
        ),
        Step(NOTES, ask_notes, [on_text(typed_text), skips]),
        Step(
            REVIEW,
            ask_review,
            [on_button("ed", edit_field), on_button("save", save)],
            enter=enter_review,
        ),
    ]


CONTRACT = Flow(
    "contract",
    "ctf",
    entries=[
        CommandHandler("contract", start),
        CallbackQueryHandler(start_for_account, pattern=r"^ctr:new:"),
        CallbackQueryHandler(start_edit, pattern=r"^ctr:edit:"),
        CallbackQueryHandler(start_from_deal, pattern=r"^ctr:deal:"),
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
