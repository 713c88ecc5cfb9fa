"""A deal's card and an account's deal list (`deal:` presses); moving a deal between stages,
deleting it (asked first). Every press reloads the deal and asks the policy: the button's
data names an id, never a right.

deal:list:<account>:<page>   the account's deals, open first, then won and lost
deal:new:<account>           a new deal of the account (the flow)
deal:open:<deal>             the deal's card
deal:st:<deal>:<stage>       to an open stage at once; won or lost ask the reason (the flow)
deal:edit:<deal>             the review card of the flow, to change its fields
deal:del:<deal>              "Delete this deal?"; deal:delyes:<deal> deletes it
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from domain.deals import OPEN_STAGES, STAGES, forecast, needs_reason
from domain.money import Money
from domain.policy import Action
from handlers import authz
from handlers.deals import flow
from handlers.deals.common import SCREEN, deal_target, live_account, load_deal, refuse
from handlers.deals.text import STAGE_LABELS, STAGE_MARKS, card, esc, summary
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_page,
    callback_parts,
    clip,
    grid,
    keyboard,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.deals import Deal

PAGE = 8


def _stage_buttons(context: KamContext, deal: Deal) -> list[InlineKeyboardButton]:
    t = context.t
    return [
        button(f"{STAGE_MARKS[stage]} {t(STAGE_LABELS[stage])}", f"deal:st:{deal.id}:{stage}")
        for stage in STAGES
        if stage != deal.shown_stage
    ]


async def show_deal(
    update: Update, context: KamContext, deal_id: int, *, new_message: bool = False, note: str = ""
) -> None:
    deal = await load_deal(update, context, deal_id)
    if deal is None:
        return
    await answer(update)
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    changes = authz.may(
        context, Action.CHANGE, await deal_target(context, deal.account_id, deal.id)
    )
    if changes:
        rows += grid(_stage_buttons(context, deal), 3)
        rows.append(
            [
                button(t("deal.edit_button"), f"deal:edit:{deal.id}"),
                button(t("deal.delete_button"), f"deal:del:{deal.id}"),
            ]
        )
    if deal.contract_id is not None:
        rows.append([button(t("deal.contract_button"), f"ctr:v:{deal.contract_id}")])
    elif deal.shown_stage == "won" and changes:
        rows.append([button(t("deal.enter_contract"), f"ctr:deal:{deal.id}")])
    rows.append(
        [
            button(t("deal.all_button"), f"deal:list:{deal.account_id}:0"),
            button(t("profile.to_card"), f"acc:open:{deal.account_id}"),
        ]
    )
    text = (note + "\n\n" if note else "") + card(t, context.fmt, deal)
    if deal.contract_title is not None:
        text += "\n" + t("deal.line.contract", title=clip(deal.contract_title, 120))
    await show_screen(update, context, SCREEN, text, keyboard(rows), new_message=new_message)


def _forecast_line(context: KamContext, deals: list[Deal]) -> str | None:
    totals = forecast(deals)
    if not totals:
        return None
    shown = " + ".join(context.fmt.money_compact(Money(v, c)) for c, v in totals.items())
    return context.t("deal.list.forecast", amount=shown)


async def show_list(
    update: Update, context: KamContext, account_id: int, page: int = 0, note: str = ""
) -> None:
    account = await live_account(context, account_id)
    target = await deal_target(context, account_id)
    if account is None or not authz.check(context, Action.SEE, target):
        await refuse(update, context, "profile.not_found")
        return
    await answer(update)
    t = context.t
    deals = await context.services.storage.deals.for_account(account_id)
    pages = max(1, (len(deals) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    lines = [f"💼 <b>{esc(account.name, 120)}</b> · " + t.plural("deal.list.title", len(deals))]
    if pages > 1:
        lines[0] += " " + t("deal.list.page", page=page + 1, pages=pages)
    forecast_line = _forecast_line(context, deals)
    if forecast_line:
        lines.append(forecast_line)
    if not deals:
        lines.append(t("deal.list.empty"))
    shown = deals[page * PAGE : (page + 1) * PAGE]
    rows = [[button(summary(t, context.fmt, vars(d), 30), f"deal:open:{d.id}")] for d in shown]
    nav = []
    if page > 0:
        nav.append(button("◀", f"deal:list:{account_id}:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"deal:list:{account_id}:{page + 1}"))
    rows.append(nav)
    if authz.may(context, Action.CHANGE, target):
        rows.append([button(t("deal.new_button"), f"deal:new:{account_id}")])
    rows.append([button(t("profile.to_card"), f"acc:open:{account_id}")])
    text = (note + "\n\n" if note else "") + "\n".join(lines)
    await show_screen(update, context, SCREEN, text, keyboard(rows))


def stored_values(deal: Deal) -> dict[str, Any]:
    """A stored deal as the flow's data."""
    return {
        "deal_id": deal.id,
        "account_id": deal.account_id,
        "account_name": deal.account_name,
        "kind": deal.kind,
        "title": deal.title,
        "stage": deal.shown_stage,
        "amount_minor": deal.amount_minor,
        "currency": deal.currency,
        "probability": deal.probability,
        "expected_close_on": deal.expected_close_on.isoformat() if deal.expected_close_on else None,
        "deadline_on": deal.deadline_on.isoformat() if deal.deadline_on else None,
        "closed_on": deal.closed_on.isoformat() if deal.closed_on else None,
        "reason_code": deal.reason_code,
        "result_reason": deal.result_reason,
    }


# --- presses -----------------------------------------------------------------------------------


async def on_list(update: Update, context: KamContext) -> None:
    await show_list(
        update, context, callback_id(update, "deal:list"), callback_page(update, "deal:list", 1)
    )


async def on_new(update: Update, context: KamContext) -> None:
    await flow.start_new(update, context, callback_id(update, "deal:new"))


async def on_open(update: Update, context: KamContext) -> None:
    await show_deal(update, context, callback_id(update, "deal:open"))


async def on_stage(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "deal:st")
    stage = parts[1] if len(parts) == 2 else ""
    if stage not in STAGES:
        raise StaleButton(f"deal stage {parts!r}")
    deal = await load_deal(update, context, callback_id(update, "deal:st"), Action.CHANGE)
    if deal is None:
        return
    if needs_reason(stage):
        values = {**stored_values(deal), "mode": "close", "stage": stage}
        await flow.start_stored(update, context, values, flow.REASON)
        return
    assert stage in OPEN_STAGES
    changes: dict[str, Any] = {"stage": stage, "reason_code": None, "result_reason": None}
    changes.update(closed_on=None, kind="deal" if deal.kind == "agreement" else deal.kind)
    await context.services.storage.deals.update(
        deal.id,
        changes,
        actor_id=context.require_manager().id,
        now=context.services.clock.now(),
    )
    await answer(update, context.t("deal.moved", stage=context.t(STAGE_LABELS[stage])))
    await show_deal(update, context, deal.id)


async def on_edit(update: Update, context: KamContext) -> None:
    deal = await load_deal(update, context, callback_id(update, "deal:edit"), Action.CHANGE)
    if deal is not None:
        values = {**stored_values(deal), "mode": "edit", "reviewing": True}
        values["stage_from"] = deal.shown_stage  # a won agreement of old needs no new reason
        await flow.start_stored(update, context, values, flow.REVIEW)


async def on_delete(update: Update, context: KamContext) -> None:
    deal = await load_deal(update, context, callback_id(update, "deal:del"), Action.CHANGE)
    if deal is None:
        return
    await answer(update)
    t = context.t
    rows = [
        [button(t("deal.delete_yes"), f"deal:delyes:{deal.id}")],
        [button(t("button.back"), f"deal:open:{deal.id}")],
    ]
    text = t("deal.delete_ask", title=deal.title) + "\n\n" + card(t, context.fmt, deal)
    await show_screen(update, context, SCREEN, text, keyboard(rows))


async def on_delete_yes(update: Update, context: KamContext) -> None:
    deal = await load_deal(update, context, callback_id(update, "deal:delyes"), Action.CHANGE)
    if deal is None:
        return
    manager = context.require_manager()
    now = context.services.clock.now()
    await context.services.storage.deals.delete(deal.id, actor_id=manager.id, now=now)
    note = context.t("deal.deleted", title=deal.title)
    await show_list(update, context, deal.account_id, note=note)


async def dispatch(update: Update, context: KamContext) -> None:
    data = update.callback_query.data if update.callback_query else ""
    action = (data or "").split(":")[1] if (data or "").count(":") >= 1 else ""
    handler = {
        "list": on_list,
        "new": on_new,
        "open": on_open,
        "st": on_stage,
        "edit": on_edit,
        "del": on_delete,
        "delyes": on_delete_yes,
    }.get(action)
    if handler is None:
        raise StaleButton(f"deal press {data!r}")
    await handler(update, context)


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(dispatch, pattern=r"^deal:"))
