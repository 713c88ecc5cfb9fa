"""Inline mode (`@bot vt`): the manager's matching clients, inserted as a short card.

The card carries nothing confidential: no amounts, no phone numbers, no notes. Cards are
offered only where the query comes from a private chat (the chat with the bot, or a private
chat with one person); in groups, supergroups and channels, and where Telegram does not say,
the answer is empty with a button that opens the chat with the bot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatType, ParseMode

from domain.text_input import clean
from handlers import authz
from handlers.profiles.card import header_lines
from handlers.profiles.common import STATUS_LABELS, esc, manager_names

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.accounts import Account

MAX_RESULTS = 20
CARD_CHAT_TYPES = frozenset({ChatType.SENDER, ChatType.PRIVATE})
START_PARAMETER = "inline"


def short_card(context: KamContext, account: Account, owner: str | None) -> str:
    lines = header_lines(context.t, account, owner)
    if account.website:
        lines.insert(-1, esc(account.website, 120))
    return "\n".join(lines)


async def on_inline_query(update: Update, context: KamContext) -> None:
    query = update.inline_query
    assert query is not None
    manager = context.manager
    if manager is None:  # the access gate answers strangers; nothing to do
        return
    if query.chat_type not in CARD_CHAT_TYPES:
        await _refuse_outside_private_chats(query, context)
        return
    storage = context.services.storage
    text = clean(query.query).strip()
    if text:
        hits = await storage.search.search(
            text, manager_id=manager.id, sees_all=manager.sees_all_accounts, limit=MAX_RESULTS
        )
        ids = [hit.account_id for hit in hits]
        if not ids:
            await authz.search_refused(context, text)
    else:
        recent = await storage.accounts.visible(
            manager.id, sees_all=manager.sees_all_accounts, limit=MAX_RESULTS
        )
        ids = [account.id for account in recent]
    names = await manager_names(context)
    results = []
    for account_id in ids:
        account = await storage.accounts.get(account_id)
        if account is None:
            continue
        owner = names.get(account.owner_id) if account.owner_id else None
        description = " · ".join(
            p
            for p in (context.t(STATUS_LABELS[account.status]), account.industry, account.city)
            if p
        )
        results.append(
            InlineQueryResultArticle(
                id=f"acc{account.id}",
                title=account.name[:100],
                description=description[:200],
                input_message_content=InputTextMessageContent(
                    short_card(context, account, owner), parse_mode=ParseMode.HTML
                ),
            )
        )
    await query.answer(results, cache_time=0, is_personal=True)


async def _refuse_outside_private_chats(query: InlineQuery, context: KamContext) -> None:
    button = InlineQueryResultsButton(
        text=context.t("profile.inline.private_only"), start_parameter=START_PARAMETER
    )
    await query.answer([], cache_time=0, is_personal=True, button=button)
