"""What the profile screens share: the flow's name, access to an account, labels, replies."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telegram import Update

from bot.i18n import N_
from domain.account_labels import AccountTag, distinct_labels, needs_tags
from domain.policy import Action
from handlers import authz
from handlers.menu import main_menu
from handlers.ui import answer, clip, parse_number

if TYPE_CHECKING:
    from bot.context import KamContext
    from handlers.dialog import Next, Run
    from handlers.dialog.model import InputCallback
    from storage.accounts import Account

FLOW = "profile"  # the card, its sections and the edit steps share one message
STATE_KEY = "profile"  # user_data: the last opened account (for shared contact cards)
DEFAULT_CURRENCY = {"ru": "RUB", "zh": "CNY", "en": "USD"}

STATUS_LABELS = {
    "prospect": N_("profile.status.prospect"),
    "active": N_("profile.status.active"),
    "at_risk": N_("profile.status.at_risk"),
    "lost": N_("profile.status.lost"),
}


def state(context: KamContext) -> dict[str, Any]:
    assert context.user_data is not None
    found = context.user_data.setdefault(STATE_KEY, {})
    assert isinstance(found, dict)
    return found


def default_currency(context: KamContext) -> str:
    return DEFAULT_CURRENCY.get(context.language, "USD")


async def visible_account(context: KamContext, account_id: int) -> Account | None:
    """The account if the manager may see it (domain.policy) and it is not archived."""
    account = await context.services.storage.accounts.get(account_id)
    if account is None or not authz.check(
        context, Action.SEE, await authz.account(context, account_id)
    ):
        return None
    return None if account.archived_at is not None else account


async def open_account(update: Update, context: KamContext, account_id: int) -> Account | None:
    """The account a screen is about, if the manager may see it (else refused); the press is
    answered, and it becomes the open client (for `/edit` and shared contact cards)."""
    account = await visible_account(context, account_id)
    if account is None:
        await refuse_missing(update, context)
        return None
    await answer(update)
    state(context)["account_id"] = account_id
    return account


async def refuse_missing(update: Update, context: KamContext) -> None:
    """A press or command about an account that is gone or not the manager's."""
    if update.callback_query is not None:
        await answer(update, context.t("profile.not_found"), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t("profile.not_found"))


def int_part(parts: list[str], index: int) -> int | None:
    """A number (an id, or a page from 0) in callback data; None if malformed or too large."""
    return parse_number(parts[index]) if index < len(parts) else None


async def account_labels(
    context: KamContext, accounts: Sequence[tuple[int, str]], limit: int = 40
) -> dict[int, str]:
    """Button labels for listed accounts (id, name): namesakes also name their owner or city.
    Every list of account buttons uses this (domain.account_labels has the rule)."""
    tags: dict[int, AccountTag] = {}
    if needs_tags([name for _, name in accounts]):
        tags = await context.services.storage.accounts.tags([i for i, _ in accounts])
    return distinct_labels(
        [replace(tags[i], name=name) if i in tags else AccountTag(i, name) for i, name in accounts],
        limit,
    )


async def manager_names(context: KamContext) -> dict[int, str]:
    return {m.id: m.full_name for m in await context.services.storage.managers.list_all()}


def esc(value: str | None, limit: int = 200) -> str:
    return html.escape(clip(value or "", limit), quote=False)


def reply(key: str, *, menu: bool = False, then: Next = None) -> InputCallback:
    """A flow's input that answers with a message (with the main menu), then goes `then`."""

    async def replied(update: Update, context: KamContext, run: Run) -> Next:
        assert update.effective_message is not None
        markup = main_menu(context.t, context.require_manager()) if menu else None
        await update.effective_message.reply_text(context.t(key), reply_markup=markup)
        return then

    return replied


def goto(where: Next) -> InputCallback:
    """A flow's input that only moves it: to a step, back, or to its end."""

    async def moved(update: Update, context: KamContext, run: Run) -> Next:
        return where

    return moved
