"""Contract obligations: the card and "Was it met?" Yes / No / Delayed to...

Callback data: obl:show:<id>, obl:<id>:met, obl:<id>:missed, obl:<id>:delay,
obl:<id>:to:<yyyymmdd>. Only the account's owner answers; a resolved obligation answers
"already answered" and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from domain.policy import Action
from domain.reminders import parse_day
from domain.usecases import obligations as usecase
from handlers import authz
from handlers.reminders import lists
from handlers.reminders.common import Formatter, edit_pressed, formatter, refuse
from handlers.reminders.kinds.obligation import obligation_answer_rows
from handlers.ui import answer, button, callback_parts, keyboard, parse_number

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.contracts import ObligationView

STATUS_KEYS = {
    "pending": "reminders.obligation.status_pending",
    "delayed": "reminders.obligation.status_delayed",
    "met": "reminders.obligation.status_met",
    "missed": "reminders.obligation.status_missed",
}
PARTY_KEYS = {
    "ours": "reminders.obligation.party_ours",
    "client": "reminders.obligation.party_client",
}


async def _own(
    update: Update, context: KamContext, obligation_id: int | None
) -> ObligationView | None:
    view = (
        await context.services.storage.contracts.obligation(obligation_id)
        if obligation_id
        else None
    )
    if view is None:
        await refuse(update, context, "reminders.obligation.gone")
        return None
    target = authz.obligation(context, view)
    if not await authz.require(update, context, Action.ANSWER, target):
        return None
    return view


def card_text(fmt: Formatter, view: ObligationView) -> str:
    t = fmt.t
    lines = [
        t("reminders.obligation.card", description=view.description),
        t("reminders.obligation.contract", contract=view.contract_title, account=view.account_name),
        t(PARTY_KEYS[view.party]),
        t("reminders.obligation.due", day=fmt.day(view.effective_due)),
        t(STATUS_KEYS.get(view.status, "reminders.obligation.status_pending")),
    ]
    return "\n".join(lines)


async def show(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "obl:show")
    view = await _own(update, context, parse_number(parts[0]) if parts else None)
    if view is None:
        return
    await answer(update)
    fmt = formatter(context)
    rows = obligation_answer_rows(fmt, view.id) if usecase.is_open(view) else []
    rows.append([button(context.t("reminders.open_account"), f"acc:open:{view.account_id}")])
    rows += await lists.back_rows(update, context)
    await edit_pressed(update, context, card_text(fmt, view), keyboard(rows))


async def act(update: Update, context: KamContext) -> None:
    parts = callback_parts(update, "obl")
    view = await _own(update, context, parse_number(parts[0]) if parts else None)
    if view is None:
        return
    action = parts[1] if len(parts) > 1 else ""
    if not usecase.is_open(view):
        await refuse(update, context, "reminders.obligation.already")
        return
    manager = context.require_manager()
    storage = context.services.storage
    now = context.services.clock.now()
    fmt = formatter(context)
    t = context.t
    if action == "delay":
        await answer(update)
        today = fmt.today(now)
        rows = []
        for choice, _ in usecase.DELAY_CHOICES:
            target = usecase.delay_target(choice, today)
            assert target is not None
            label = t(f"reminders.obligation.delay_{choice}", day=fmt.day(target))
            rows.append([button(label, f"obl:{view.id}:to:{target.strftime('%Y%m%d')}")])
        rows.append([button(t("button.back"), f"obl:show:{view.id}")])
        text = t("reminders.obligation.delay_title", description=view.description)
        await edit_pressed(update, context, text, keyboard(rows))
        return
    if action == "met" and len(parts) == 2:
        result = await storage.contracts.resolve(view.id, "met", actor_id=manager.id, now=now)
    elif action == "missed" and len(parts) == 2:
        result = await storage.contracts.resolve(view.id, "missed", actor_id=manager.id, now=now)
    elif action == "to" and len(parts) == 3:
        day = parse_day(parts[2])
        if day is None or not usecase.delay_allowed(day, fmt.today(now)):
            await refuse(update, context)
            return
        result = await storage.contracts.resolve(
            view.id, "delayed", actor_id=manager.id, now=now, delayed_to=day
        )
    else:
        await refuse(update, context)
        return
    if result is None or not result.changed:
        await refuse(update, context, "reminders.obligation.already")
        return
    await answer(update, t("reminders.obligation.saved_toast"))
    updated = result.obligation
    lines = [card_text(fmt, updated)]
    if action == "missed":
        lines.append(t("reminders.obligation.at_risk"))
        lines.append(
            t("reminders.obligation.lead_told") if result.lead_id else t("reminders.sat.no_lead")
        )
    if result.next_id is not None:
        following = await storage.contracts.obligation(result.next_id)
        if following is not None:
            lines.append(t("reminders.obligation.next", day=fmt.day(following.due_on)))
    account = [button(t("reminders.open_account"), f"acc:open:{updated.account_id}")]
    rows = [account, *await lists.back_rows(update, context)]
    await edit_pressed(update, context, "\n".join(lines), keyboard(rows))


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(show, pattern=r"^obl:show:"))
    application.add_handler(CallbackQueryHandler(act, pattern=r"^obl:\d+:"))
