"""A contract's status set by hand (in force, completed, terminated) and a contract deleted.

Callback data (no authority: each press reloads the contract and asks the policy):
ctr:st:<contract>[:<status>], ctr:del:<contract>[:yes].
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import KamApp, KamContext
from domain import contracts as rules
from domain.policy import Action
from handlers.contracts import common as c
from handlers.contracts.view import show_contract, show_list
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_parts,
    clip,
    keyboard,
    show_screen,
)


async def on_status(update: Update, context: KamContext) -> None:
    """ctr:st:<id> shows the choices; ctr:st:<id>:<status> sets one."""
    contract = await c.load_contract(update, context, callback_id(update, "ctr:st"), Action.CHANGE)
    if contract is None:
        return
    t = context.t
    chosen = callback_parts(update, "ctr:st")[1:]
    if not chosen:
        await answer(update)
        rows = [
            [button(("✅ " if status == contract.status else "") + t(f"contract.status.{status}"),
                    f"ctr:st:{contract.id}:{status}")]
            for status in rules.STATUS_CHOICES
        ]  # fmt: skip
        rows.append([button(t("button.back"), f"ctr:v:{contract.id}")])
        text = t(
            "contract.status_ask",
            title=clip(contract.title, 200),
            status=t(f"contract.status.{contract.status}"),
        )
        await show_screen(update, context, c.SCREEN, text, keyboard(rows))
        return
    if chosen[0] not in rules.STATUS_CHOICES or len(chosen) > 1:
        raise StaleButton
    storage = context.services.storage
    now = context.services.clock.now()
    actor = context.require_manager().id
    await storage.contracts.set_status(contract.id, chosen[0], actor_id=actor, now=now)
    await answer(update, t("contract.status_set", status=t(f"contract.status.{chosen[0]}")))
    changed = await storage.contracts.get(contract.id)
    if changed is not None:
        await show_contract(update, context, changed)


async def on_delete(update: Update, context: KamContext) -> None:
    """ctr:del:<id> asks; ctr:del:<id>:yes deletes it with its obligations (audited)."""
    contract = await c.load_contract(update, context, callback_id(update, "ctr:del"), Action.CHANGE)
    if contract is None:
        return
    t = context.t
    if callback_parts(update, "ctr:del")[1:] != ["yes"]:
        text = t("contract.delete_ask", title=clip(contract.title, 200))
        yes = (t("contract.delete_yes"), f"ctr:del:{contract.id}:yes")
        await c.ask_to_confirm(update, context, text, yes, f"ctr:v:{contract.id}")
        return
    storage = context.services.storage
    now = context.services.clock.now()
    actor = context.require_manager().id
    await storage.contracts.delete(contract.id, actor_id=actor, now=now)
    await answer(update, t("contract.deleted"))
    await show_list(update, context, contract.account_id)


def register(application: KamApp) -> None:
    application.add_handler(CallbackQueryHandler(on_status, pattern=r"^ctr:st:"))
    application.add_handler(CallbackQueryHandler(on_delete, pattern=r"^ctr:del:"))
