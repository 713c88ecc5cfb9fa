"""Switching a manager's access off and on, their accounts, and giving accounts to another
manager (all of them, or one) with what moves with them; the new owner is told what they
inherited."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.error import TelegramError

from bot.commands import publish_manager_commands
from bot.i18n import translator
from domain.policy import Action, Kind, Target
from handlers import authz
from handlers.team.common import FLOW, candidates, label, may_list, member, pressed, require
from handlers.team.members import show_member
from handlers.team.seats import show_account
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_page,
    callback_parts,
    clip,
    keyboard,
    parse_id,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamContext
    from domain.usecases.reassign import ReassignPlan
    from storage.managers import Manager

_LOG = logging.getLogger(__name__)
ACCOUNTS_PAGE = 10
SUMMARY_NAMES = 5  # accounts named in the new owner's summary; the rest are counted


async def on_switch(update: Update, context: KamContext) -> None:
    """team:active:<id>:<0|1>: access off (reminders stop; then: who takes the accounts?) or on."""
    if not await pressed(update, context):
        return
    parts = callback_parts(update, "team:active")
    found = await member(context, callback_id(update, "team:active"))
    if len(parts) != 2 or parts[1] not in ("0", "1"):
        raise StaleButton(f"team active {parts!r}")
    if not await require(update, context, Action.SWITCH, found):
        return
    storage = context.services.storage
    changed = await storage.team.switch(
        found.id,
        parts[1] == "1",
        actor_id=context.require_manager().id,
        now=context.services.clock.now(),
    )
    await answer(update, context.t("settings.saved"))
    await publish_manager_commands(context.bot, changed)  # no menu for a switched-off manager
    owned = await storage.team.accounts_of(changed.id)
    if not changed.active and owned:
        await _tell_lead(context, changed, len(owned))
    if (
        changed.active
        or not owned
        or not authz.may(context, Action.REASSIGN, authz.manager(context, changed))
    ):
        await show_member(update, context, changed.id)
        return
    note = context.t.plural("team.switched_off_ask", len(owned), name=changed.full_name)
    await _show_give_all(update, context, changed, note)


async def on_accounts(update: Update, context: KamContext) -> None:
    """team:accs:<id>:<page>: the accounts the manager owns, each opening its team screen."""
    if not await pressed(update, context):
        return
    found = await member(context, callback_id(update, "team:accs"))
    page = callback_page(update, "team:accs", 1)
    if not await require(update, context, Action.SEE, found, authz.STALE):
        return
    await answer(update)
    t = context.t
    owned = await context.services.storage.team.accounts_of(found.id)
    pages = max(1, (len(owned) + ACCOUNTS_PAGE - 1) // ACCOUNTS_PAGE)
    page = min(page, pages - 1)
    shown = owned[page * ACCOUNTS_PAGE : (page + 1) * ACCOUNTS_PAGE]
    text = t.plural("team.accounts_of", len(owned), name=found.full_name)
    rows = [[button(clip(a.name, 40), f"team:acc:{a.id}")] for a in shown]
    nav = []
    if page > 0:
        nav.append(button("◀", f"team:accs:{found.id}:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"team:accs:{found.id}:{page + 1}"))
    rows.append(nav)
    if owned and authz.may(context, Action.REASSIGN, authz.manager(context, found)):
        rows.append([button(t("team.give_all"), f"team:give:{found.id}")])
    rows.append([button(t("button.back"), f"team:open:{found.id}:0")])
    await show_screen(update, context, FLOW, text, keyboard(rows))


def _picker(
    context: KamContext, people: list[Manager], data: str, back: str
) -> list[list[InlineKeyboardButton]]:
    rows = [[button(label(context, m), f"{data}:{m.id}")] for m in people[:20]]
    rows.append([button(context.t("button.back"), back)])
    return rows


async def _show_give_all(
    update: Update, context: KamContext, found: Manager, note: str = ""
) -> None:
    people = await candidates(context, besides=found.id)
    t = context.t
    owned = await context.services.storage.team.accounts_of(found.id)
    key = "team.give_all_to" if people else "team.nobody_to_give"
    text = t.plural(key, len(owned), name=found.full_name)
    if note:
        text = note + "\n\n" + text
    rows = _picker(context, people, f"team:giveto:{found.id}", f"team:open:{found.id}:0")
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def _tell_lead(context: KamContext, gone: Manager, owned: int) -> None:
    """When someone else switched a manager off, their lead is asked to hand their accounts
    over (a button to the choice; the press is checked like any other)."""
    viewer = context.require_manager()
    if gone.lead_id is None or gone.lead_id == viewer.id:
        return
    lead = await context.services.storage.managers.get(gone.lead_id)
    if lead is None or not lead.active:
        return
    t = translator(lead.language)
    text = t.plural("team.lead_told", owned, name=gone.full_name, by=viewer.full_name)
    markup = keyboard([[button(t("team.give_all"), f"team:give:{gone.id}")]])
    try:
        await context.bot.send_message(lead.telegram_id, text, reply_markup=markup)
    except TelegramError as error:  # blocked the bot, or never started it
        _LOG.info("could not tell lead %s about manager %s: %s", lead.id, gone.id, error)


async def on_give_all(update: Update, context: KamContext) -> None:
    """team:give:<id>: whom to give all of the manager's accounts to (a choice only: also
    from the lead's notice, outside the /team screen)."""
    if not await may_list(update, context):
        return
    found = await member(context, callback_id(update, "team:give"))
    if not await require(update, context, Action.REASSIGN, found):
        return
    await answer(update)
    await _show_give_all(update, context, found)


async def _receiver(context: KamContext, raw: str | None, *, besides: int) -> Manager:
    """The chosen new owner, reloaded: one of the viewer's candidates (else StaleButton)."""
    wanted = parse_id(raw)
    found = next((m for m in await candidates(context, besides=besides) if m.id == wanted), None)
    if found is None:
        raise StaleButton(f"no receiver {raw!r}")
    return found


async def on_give_all_to(update: Update, context: KamContext) -> None:
    """team:giveto:<from>:<to>: everything the manager owns goes to the chosen one."""
    if not await pressed(update, context):
        return
    parts = callback_parts(update, "team:giveto")
    found = await member(context, callback_id(update, "team:giveto"))
    if not await require(update, context, Action.REASSIGN, found):
        return
    if not await authz.require(update, context, Action.REASSIGN, Target(Kind.ACCOUNT)):
        return
    receiver = await _receiver(context, parts[1] if len(parts) == 2 else None, besides=found.id)
    plan = await _reassign(context, found, receiver, None)
    if plan is None:
        raise StaleButton(f"manager {receiver.id} switched off meanwhile")
    await answer(update)
    note = context.t.plural("team.given", len(plan.accounts), to=receiver.full_name)
    await show_member(update, context, found.id, note=note)


async def on_give_one(update: Update, context: KamContext) -> None:
    """team:give1:<account>: whom to give the account to."""
    if not await pressed(update, context):
        return
    account_id = callback_id(update, "team:give1")
    owner = await _owner_allowing(update, context, account_id)
    if owner is None:
        return
    await answer(update)
    account = await context.services.storage.accounts.get(account_id)
    assert account is not None
    people = await candidates(context, besides=owner.id)
    key = "team.give_one_to" if people else "team.nobody_to_give"
    text = context.t.plural(key, 1, name=owner.full_name, account=account.name)
    rows = _picker(context, people, f"team:give1to:{account_id}", f"team:acc:{account_id}")
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def _owner_allowing(update: Update, context: KamContext, account_id: int) -> Manager | None:
    """The account's owner when the viewer may give the account away (else answered, None)."""
    account = await context.services.storage.accounts.get(account_id)
    if account is None or account.owner_id is None:
        raise StaleButton(f"account {account_id} has no owner")
    target = await authz.account(context, account_id)
    if not await authz.require(update, context, Action.REASSIGN, target, "team.not_allowed"):
        return None
    owner = await member(context, account.owner_id)
    return owner if await require(update, context, Action.REASSIGN, owner) else None


async def on_give_one_to(update: Update, context: KamContext) -> None:
    """team:give1to:<account>:<to>: the account (and what moves with it) to the chosen one."""
    if not await pressed(update, context):
        return
    parts = callback_parts(update, "team:give1to")
    account_id = callback_id(update, "team:give1to")
    owner = await _owner_allowing(update, context, account_id)
    if owner is None:
        return
    receiver = await _receiver(context, parts[1] if len(parts) == 2 else None, besides=owner.id)
    plan = await _reassign(context, owner, receiver, [account_id])
    if plan is None or plan.is_empty:
        raise StaleButton(f"account {account_id} changed meanwhile")
    await answer(update)
    note = context.t.plural("team.given", 1, to=receiver.full_name)
    await show_account(update, context, account_id, note)


async def _reassign(
    context: KamContext, giver: Manager, receiver: Manager, account_ids: list[int] | None
) -> ReassignPlan | None:
    viewer = context.require_manager()
    plan = await context.services.storage.reassign.reassign(
        giver.id,
        receiver.id,
        actor_id=viewer.id,
        now=context.services.clock.now(),
        account_ids=account_ids,
    )
    if plan is not None and not plan.is_empty:
        await _tell_receiver(context, receiver, plan, viewer)
    return plan


async def _tell_receiver(
    context: KamContext, receiver: Manager, plan: ReassignPlan, by: Manager
) -> None:
    """The new owner's summary, in their language: the accounts, and what came with them."""
    t = translator(receiver.language)
    tags = await context.services.storage.accounts.tags(plan.accounts)
    names = [tags[i].name for i in plan.accounts if i in tags]
    shown = ", ".join(clip(n, 40) for n in names[:SUMMARY_NAMES])
    if len(names) > SUMMARY_NAMES:
        shown += " " + t.plural("team.and_more", len(names) - SUMMARY_NAMES)
    lines = [
        t.plural("team.inherited", len(plan.accounts), by=by.full_name, names=shown),
        t.plural("team.inherited_tasks", len(plan.tasks)),
        t.plural("team.inherited_meetings", len(plan.meetings)),
        t.plural("team.inherited_checks", len(plan.checks)),
    ]
    rows = [
        [button("📂 " + clip(tags[i].name, 40), f"acc:open:{i}")]
        for i in plan.accounts[:SUMMARY_NAMES]
        if i in tags
    ]
    try:
        await context.bot.send_message(
            receiver.telegram_id, "\n".join(lines), reply_markup=keyboard(rows)
        )
    except TelegramError as error:  # blocked the bot, or never started it
        _LOG.info("could not tell manager %s what they inherited: %s", receiver.id, error)
