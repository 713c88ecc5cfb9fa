"""What the deal screens share: their live message, loading a deal the manager may see or
change (callback data carries no authority: the deal is reloaded and the policy asked), and
asking whether the manager may work an account's deals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update

from domain.policy import Action, Kind, Target
from handlers import authz
from handlers.profiles.common import FLOW as PROFILE_SCREEN
from handlers.ui import answer

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.accounts import Account
    from storage.deals import Deal

SCREEN = PROFILE_SCREEN  # the card, its sections and the deal screens share one message
NOT_FOUND = "deal.not_found"


async def deal_target(context: KamContext, account_id: int, deal_id: int | None = None) -> Target:
    """A deal (or a new one, `deal_id` None) as the policy sees it: through its account."""
    relations = await context.services.storage.accounts.relations(
        account_id, context.require_manager().id
    )
    return Target(Kind.DEAL, deal_id, relations)


async def refuse(update: Update, context: KamContext, key: str = NOT_FOUND) -> None:
    if update.callback_query is not None:
        await answer(update, context.t(key), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t(key))


async def live_account(context: KamContext, account_id: int) -> Account | None:
    account = await context.services.storage.accounts.get(account_id)
    return None if account is None or account.archived_at is not None else account


async def may_work(context: KamContext, account_id: int, action: Action = Action.CHANGE) -> bool:
    """Whether the manager may see (or change) the deals of a live account; denials logged."""
    if await live_account(context, account_id) is None:
        return False
    return authz.check(context, action, await deal_target(context, account_id))


async def load_deal(
    update: Update, context: KamContext, deal_id: int, action: Action = Action.SEE
) -> Deal | None:
    """The deal if it exists, its account is live and the manager may `action` it; else the
    manager is told (an alert on a press) and None."""
    deal = await context.services.storage.deals.get(deal_id)
    allowed = deal is not None and await live_account(context, deal.account_id) is not None
    if deal is not None and allowed:
        target = await deal_target(context, deal.account_id, deal.id)
        allowed = authz.check(context, action, target)
    if deal is None or not allowed:
        await refuse(update, context)
        return None
    return deal
