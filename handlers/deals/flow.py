"""`/deal`: a deal or a tender by conversation, and the same steps to change one or close it.

One dialog flow, three ways in (the run's data "mode"):
- new: client (unless opened from one) → title → kind (a tender asks its submission deadline)
  → amount → probability → expected close → stage (won or lost ask the reason; competitor
  asks the name, other a text) → the review card → Save;
- edit (✏️ on a deal): the review card of the stored deal; each field's button asks that
  question again and comes back; Save writes what changed;
- close (✅ Won / ❌ Lost on a deal): the reason, then saved at once.
Typed values are checked (domain.deals) and, when refused, explained with the question asked
again. Saving reloads the account and asks the policy again (Kind.DEAL, CHANGE).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import KamContext
from domain.dates import parse_when
from domain.deals import (
    CLOSE_PRESETS,
    DEADLINE_PRESETS,
    NEW_KINDS,
    REASON_TEXT_NEEDED,
    REASONS,
    STAGES,
    TITLE_LIMIT,
    Closing,
    check_close,
    check_deadline,
    check_probability,
    check_reason_text,
    check_title,
    close_preset,
    closing,
    deadline_preset,
    needs_reason,
)
from domain.money import parse_money
from domain.profile import Invalid
from handlers.deals import screens as s
from handlers.deals.common import SCREEN, may_work, refuse
from handlers.dialog import (
    Flow,
    Go,
    Next,
    Run,
    Step,
    on_button,
    on_command,
    on_message,
    on_text,
)
from handlers.menu import any_menu_button, main_menu
from handlers.profiles.common import default_currency
from handlers.ui import StaleButton, answer

NAME = "deal"
CLIENT, TITLE, KIND, DEADLINE = "client", "title", "kind", "deadline"
AMOUNT, PROBABILITY, CLOSE, STAGE = "amount", "probability", "close", "stage"
REASON, REASON_TEXT, REVIEW, SAVE = "reason", "reason_text", "review", "save"
IDLE = timedelta(minutes=30)
ORDER = (CLIENT, TITLE, KIND, DEADLINE, AMOUNT, PROBABILITY, CLOSE, STAGE, REASON, REASON_TEXT)


def _why(context: KamContext, invalid: Invalid) -> str:
    return context.t(invalid.reason, **invalid.values)


def _after(run: Run, step: str) -> Next:
    """Where an answered question goes: the next one, or back to the review card."""
    if run.data.get("reviewing") and step not in (DEADLINE, REASON, REASON_TEXT):
        return REVIEW
    return step


def _previous(run: Run) -> str | None:
    """The question before the current one (None: leave the flow)."""
    step, data = run.step, run.data
    if step == REVIEW:
        return None if data.get("deal_id") else STAGE
    if step == REASON_TEXT:
        return REASON
    if step == REASON:
        return None if data.get("mode") == "close" else STAGE
    if data.get("reviewing"):
        return REVIEW
    if step == AMOUNT:
        return DEADLINE if data.get("kind") == "tender" else KIND
    if step == TITLE:
        return None if data.get("fixed_account") else CLIENT
    if step == CLIENT:
        return None
    return ORDER[ORDER.index(step) - 1]


# --- entering --------------------------------------------------------------------------------


async def enter_client(update: Update, context: KamContext, run: Run) -> Next:
    return TITLE if run.data.get("account_id") else None


async def enter_review(update: Update, context: KamContext, run: Run) -> Next:
    """From the review card on, each answered question comes back to it."""
    run.data["reviewing"] = True
    return None


async def enter_save(update: Update, context: KamContext, run: Run) -> Next:
    return await _save(update, context, run)


# --- inputs ----------------------------------------------------------------------------------


async def typed_client(update: Update, context: KamContext, run: Run) -> Next:
    """Part of a client's name: one match is taken, several are offered, none is said."""
    words = " ".join(run.text.split()).casefold()
    found = [
        a
        for a in await context.visible_accounts()
        if words and (words in a.name.casefold() or words in a.aliases.casefold())
    ]
    if len(found) == 1:
        return await _take_account(update, context, run, found[0].id)
    run.data["hits"] = [[a.id, a.name] for a in found[: s.CLIENTS_SHOWN]] if found else None
    run.note = "" if found else context.t("deal.no_client_match")
    return Go.REDRAW


async def chose_client(update: Update, context: KamContext, run: Run) -> Next:
    return await _take_account(update, context, run, run.arg_id())


async def _take_account(update: Update, context: KamContext, run: Run, account_id: int) -> Next:
    account = await context.services.storage.accounts.get(account_id)
    if account is None or not await may_work(context, account_id):
        await refuse(update, context, "profile.not_found")
        return None
    run.data.update(account_id=account.id, account_name=account.name, hits=None)
    return TITLE


async def typed_title(update: Update, context: KamContext, run: Run) -> Next:
    result = check_title(run.text)
    run.data.pop("clipped", None)
    if isinstance(result, Invalid):
        run.note = _why(context, result)
        if result.reason == "deal.invalid.too_long":
            run.data["clipped"] = " ".join(run.text.split())[:TITLE_LIMIT]
        return Go.REDRAW
    run.data["title"] = result
    return _after(run, KIND)


async def keep_clipped(update: Update, context: KamContext, run: Run) -> Next:
    clipped = run.data.pop("clipped", None)
    if not clipped:
        raise StaleButton("deal: nothing clipped")
    run.data["title"] = str(clipped)
    return _after(run, KIND)


async def chose_kind(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg() not in NEW_KINDS:
        raise StaleButton(f"deal kind {run.args!r}")
    run.data["kind"] = run.arg()
    if run.arg() == "tender" and (not run.data.get("reviewing") or not run.data.get("deadline_on")):
        return DEADLINE
    return _after(run, AMOUNT)


def _typed_day(context: KamContext, run: Run) -> date | None:
    now = context.services.clock.now()
    parsed = parse_when(run.text, now=now, tz=context.fmt.tz, prefer="future")
    if parsed is None or not parsed.has_date:
        return None
    return parsed.at.astimezone(context.fmt.tz).date()


async def _deadline(context: KamContext, run: Run, day: date | None) -> Next:
    if day is None:
        run.note = context.t("deal.invalid.date")
        return Go.REDRAW
    invalid = check_deadline(day, s.today(context))
    if invalid is not None:
        run.note = _why(context, invalid)
        return Go.REDRAW
    run.data["deadline_on"] = day.isoformat()
    return REVIEW if run.data.get("reviewing") else AMOUNT


async def typed_deadline(update: Update, context: KamContext, run: Run) -> Next:
    return await _deadline(context, run, _typed_day(context, run))


async def preset_deadline(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg() not in DEADLINE_PRESETS:
        raise StaleButton(f"deal deadline {run.args!r}")
    return await _deadline(context, run, deadline_preset(run.arg(), s.today(context)))


async def skip_deadline(update: Update, context: KamContext, run: Run) -> Next:
    run.data["deadline_on"] = None
    return REVIEW if run.data.get("reviewing") else AMOUNT


async def typed_amount(update: Update, context: KamContext, run: Run) -> Next:
    currency = str(run.data.get("currency") or default_currency(context))
    money = parse_money(run.text, default_currency=currency)
    if money is None:
        run.note = context.t("deal.invalid.amount")
        return Go.REDRAW
    run.data.update(amount_minor=money.amount_minor, currency=money.currency)
    return _after(run, PROBABILITY)


async def chose_currency(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg() not in s.CURRENCIES:
        raise StaleButton(f"deal currency {run.args!r}")
    run.data["currency"] = run.arg()  # an amount already given keeps its cents (all have 2)
    return Go.REDRAW


async def keep_amount(update: Update, context: KamContext, run: Run) -> Next:
    return _after(run, PROBABILITY)


async def skip_amount(update: Update, context: KamContext, run: Run) -> Next:
    run.data.update(amount_minor=None, currency=None)
    return _after(run, PROBABILITY)


async def typed_probability(update: Update, context: KamContext, run: Run) -> Next:
    result = check_probability(run.text)
    if isinstance(result, Invalid):
        run.note = _why(context, result)
        return Go.REDRAW
    run.data["probability"] = result
    return _after(run, CLOSE)


async def preset_probability(update: Update, context: KamContext, run: Run) -> Next:
    result = check_probability(run.arg())
    if isinstance(result, Invalid):
        raise StaleButton(f"deal probability {run.args!r}")
    run.data["probability"] = result
    return _after(run, CLOSE)


async def skip_probability(update: Update, context: KamContext, run: Run) -> Next:
    run.data["probability"] = None
    return _after(run, CLOSE)


async def _close_day(context: KamContext, run: Run, day: date | None) -> Next:
    if day is None:
        run.note = context.t("deal.invalid.date")
        return Go.REDRAW
    open_deal = not needs_reason(str(run.data.get("stage") or "lead"))
    invalid = check_close(day, s.today(context), open_deal=open_deal)
    if invalid is not None:
        run.note = _why(context, invalid)
        return Go.REDRAW
    run.data["expected_close_on"] = day.isoformat()
    return _after(run, STAGE)


async def typed_close(update: Update, context: KamContext, run: Run) -> Next:
    return await _close_day(context, run, _typed_day(context, run))


async def preset_close(update: Update, context: KamContext, run: Run) -> Next:
    if run.arg() not in CLOSE_PRESETS:
        raise StaleButton(f"deal close {run.args!r}")
    return await _close_day(context, run, close_preset(run.arg(), s.today(context)))


async def skip_close(update: Update, context: KamContext, run: Run) -> Next:
    run.data["expected_close_on"] = None
    return _after(run, STAGE)


async def chose_stage(update: Update, context: KamContext, run: Run) -> Next:
    stage = run.arg()
    if stage not in STAGES:
        raise StaleButton(f"deal stage {run.args!r}")
    run.data["stage"] = stage
    if needs_reason(stage):
        return REASON
    run.data.update(reason_code=None, result_reason=None, closed_on=None)
    return REVIEW


async def chose_reason(update: Update, context: KamContext, run: Run) -> Next:
    reason = run.arg()
    if reason not in REASONS:
        raise StaleButton(f"deal reason {run.args!r}")
    run.data.update(reason_code=reason, result_reason=None)
    if reason in REASON_TEXT_NEEDED:
        return REASON_TEXT
    return _closed(context, run)


async def typed_reason(update: Update, context: KamContext, run: Run) -> Next:
    result = check_reason_text(run.text)
    if isinstance(result, Invalid):
        run.note = _why(context, result)
        return Go.REDRAW
    run.data["result_reason"] = result
    return _closed(context, run)


def _closed(context: KamContext, run: Run) -> Next:
    """Won or lost with its reason (domain.deals.closing checks it), closed today."""
    result = closing(
        str(run.data.get("stage")),
        str(run.data.get("reason_code")),
        run.data.get("result_reason"),
        s.today(context),
    )
    if isinstance(result, Invalid):
        run.note = _why(context, result)
        return REASON
    run.data.update(result_reason=result.result_reason, closed_on=result.closed_on.isoformat())
    return SAVE if run.data.get("mode") == "close" else REVIEW


async def save_pressed(update: Update, context: KamContext, run: Run) -> Next:
    """Save on the review card; a stage newly set to won or lost still needs its reason."""
    stage = str(run.data.get("stage"))
    if (
        needs_reason(stage)
        and stage != run.data.get("stage_from")
        and not run.data.get("reason_code")
    ):
        return REASON
    return await _save(update, context, run)


# --- saving ----------------------------------------------------------------------------------

_COLUMNS = (
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


def _columns(run: Run) -> dict[str, Any]:
    values: dict[str, Any] = {key: run.data.get(key) for key in _COLUMNS}
    for key in ("expected_close_on", "deadline_on", "closed_on"):
        values[key] = date.fromisoformat(str(values[key])) if values[key] else None
    if values["kind"] != "tender":
        values["deadline_on"] = None
    if not needs_reason(str(values["stage"])):
        values.update(reason_code=None, result_reason=None, closed_on=None)
        if values["kind"] == "agreement":  # a signed deal reopened: a deal again
            values["kind"] = "deal"
    return values


async def _save(update: Update, context: KamContext, run: Run) -> Next:
    """Writes the draft (new, changed or closed) after asking the policy again; then the
    deal's card in the live message."""
    from handlers.deals.view import show_deal

    account_id = int(run.data["account_id"])
    if not await may_work(context, account_id):
        await refuse(update, context, "profile.not_found")
        return Go.END
    deals = context.services.storage.deals
    me, now = context.require_manager().id, context.services.clock.now()
    values = _columns(run)
    deal_id = run.data.get("deal_id")
    if run.data.get("mode") == "close":
        close = Closing(
            values["stage"], values["reason_code"], values["result_reason"], values["closed_on"]
        )
        deal = await deals.close(int(deal_id or 0), close, actor_id=me, now=now)
    elif deal_id:
        deal = await deals.update(int(deal_id), values, actor_id=me, now=now)
    else:
        deal = await deals.create(account_id, _new_values(values), actor_id=me, now=now)
    if deal is None:
        await refuse(update, context)
        return Go.END
    await answer(update, context.t("deal.saved"))
    run.flow.end(context)
    await show_deal(update, context, deal.id, new_message=update.callback_query is None)
    return Go.END


def _new_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


async def leave(update: Update, context: KamContext, run: Run) -> Next:
    """Cancel (or Back from the first question): nothing is saved; a stored deal's card
    comes back, a new one's question is closed."""
    from handlers.deals.view import show_deal

    await answer(update)
    deal_id = run.data.get("deal_id")
    run.flow.end(context)
    if deal_id:
        await show_deal(update, context, int(deal_id))
    else:
        await run.close(context.t("deal.cancelled"))
    return Go.END


async def back(update: Update, context: KamContext, run: Run) -> Next:
    previous = _previous(run)
    if previous == CLIENT:  # the client is asked again, not skipped
        run.data.update(account_id=None, account_name=None)
    return await leave(update, context, run) if previous is None else previous


async def change(update: Update, context: KamContext, run: Run) -> Next:
    field = run.arg()
    if field not in s.STEP_FIELDS:
        raise StaleButton(f"deal field {run.args!r}")
    return field


async def cancel_command(update: Update, context: KamContext, run: Run) -> Next:
    assert update.effective_message is not None
    manager = context.require_manager()
    await update.effective_message.reply_text(
        context.t("deal.cancelled"), reply_markup=main_menu(context.t, manager)
    )
    return Go.END


async def hint(update: Update, context: KamContext, run: Run) -> Next:
    """Something that is not an answer (a sticker, a photo): said, the question again."""
    run.note = context.t("deal.hint")
    return Go.REDRAW


# --- entries ---------------------------------------------------------------------------------


async def start_new(
    update: Update,
    context: KamContext,
    account_id: int | None = None,
    hits: list[list[Any]] | None = None,
    *,
    fixed: bool = True,
) -> None:
    """A new deal: of `account_id` (opened from a client), else the client is asked first
    (among `hits` when a typed name matched several)."""
    data: dict[str, Any] = {"mode": "new", "kind": "deal", "stage": "lead", "hits": hits}
    if account_id is not None:
        account = await context.services.storage.accounts.get(account_id)
        if account is None or not await may_work(context, account_id):
            await refuse(update, context, "profile.not_found")
            return
        data.update(account_id=account.id, account_name=account.name, fixed_account=fixed)
    await answer(update)
    await DEAL.start(update, context, CLIENT, data=data)


async def start_command(update: Update, context: KamContext) -> None:
    """`/deal [client]`: a name that matches one client goes straight to the title."""
    words = " ".join(context.args or []).strip().casefold()
    found = [
        a
        for a in (await context.visible_accounts() if words else [])
        if words in a.name.casefold() or words in a.aliases.casefold()
    ]
    if len(found) == 1:
        await start_new(update, context, found[0].id, fixed=False)
        return
    hits = [[a.id, a.name] for a in found[: s.CLIENTS_SHOWN]] or None
    await start_new(update, context, hits=hits)


async def start_stored(
    update: Update, context: KamContext, values: dict[str, Any], step: str
) -> None:
    """Editing (step REVIEW) or closing (step REASON) a stored deal; `values` its data."""
    await answer(update)
    await DEAL.start(update, context, step, data=values)


DEAL = Flow(
    NAME,
    "dlf",
    entries=[CommandHandler("deal", start_command)],
    steps=[
        Step(
            CLIENT,
            s.ask_client,
            [on_text(typed_client), on_button("acc", chose_client)],
            enter=enter_client,
        ),
        Step(TITLE, s.ask_title, [on_text(typed_title), on_button("clip", keep_clipped)]),
        Step(KIND, s.ask_kind, [on_button("kind", chose_kind)]),
        Step(
            DEADLINE,
            s.ask_deadline,
            [
                on_text(typed_deadline),
                on_button("day", preset_deadline),
                on_button("skip", skip_deadline),
            ],
        ),
        Step(
            AMOUNT,
            s.ask_amount,
            [
                on_text(typed_amount),
                on_button("cur", chose_currency),
                on_button("keep", keep_amount),
                on_button("skip", skip_amount),
            ],
        ),
        Step(
            PROBABILITY,
            s.ask_probability,
            [
                on_text(typed_probability),
                on_button("pct", preset_probability),
                on_button("skip", skip_probability),
            ],
        ),
        Step(
            CLOSE,
            s.ask_close,
            [on_text(typed_close), on_button("day", preset_close), on_button("skip", skip_close)],
        ),
        Step(STAGE, s.ask_stage, [on_button("stage", chose_stage)]),
        Step(REASON, s.ask_reason, [on_button("why", chose_reason)]),
        Step(REASON_TEXT, s.ask_reason_text, [on_text(typed_reason)]),
        Step(
            REVIEW,
            s.show_review,
            [on_button("change", change), on_button("save", save_pressed)],
            enter=enter_review,
        ),
        Step(SAVE, enter=enter_save),
    ],
    common=[
        on_command("cancel", cancel_command),
        on_button("cancel", leave),
        on_button("back", back),
    ],
    otherwise=[on_message(filters.ALL & ~filters.COMMAND & ~any_menu_button(), hint)],
    idle=IDLE,  # a draft left alone does not catch later text meant for the menu
    screen_key=SCREEN,
)
"""`/deal`, ➕ New deal (the History section, the deal list), ✏️ and ✅/❌ on a deal."""
