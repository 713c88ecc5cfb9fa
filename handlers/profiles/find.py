"""Finding a client: `/find <text>`, the menu's "Find client", and plain text at the menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import KamContext
from bot.i18n import N_
from handlers import authz
from handlers.dialog import Go, Next, Run, Screen, prompt
from handlers.menu import menu_button
from handlers.profiles.card import show_card
from handlers.profiles.common import FLOW, STATUS_LABELS, account_labels, reply, state
from handlers.ui import button, clip, keyboard, show_screen

MAX_SHOWN = 8


async def find_and_show(update: Update, context: KamContext, text: str) -> None:
    """Searches the manager's clients; one clear hit opens its card, several are buttons."""
    manager = context.require_manager()
    t = context.t
    query = " ".join(text.split())[:100]
    hits = await context.services.storage.search.search(
        query, manager_id=manager.id, sees_all=manager.sees_all_accounts, limit=MAX_SHOWN
    )
    state(context)["last_query"] = query
    if len(hits) == 1:
        await show_card(update, context, hits[0].account_id, new_message=True)
        return
    if not hits:
        text = t("profile.find.nothing", query=clip(query, 100))
        rows = [[button(t("profile.find.create", name=clip(query, 30)), "ncl:fromfind")]]
    else:
        text = t("profile.find.results", query=clip(query, 100), count=len(hits))
        rows = []
    names = await account_labels(context, [(hit.account_id, hit.name) for hit in hits])
    for hit in hits:
        label = f"{names[hit.account_id]} · {t(STATUS_LABELS.get(hit.status, hit.status))}"
        if hit.via:
            label += f" · {clip(hit.via, 24)}"
        rows.append([button(label, f"acc:open:{hit.account_id}")])
    await show_screen(update, context, FLOW, text, keyboard(rows), new_message=True)
    if not hits:  # the answer does not depend on it: the manager is not kept waiting
        await authz.search_refused(context, query)


async def find_command(update: Update, context: KamContext) -> None:
    """`/find <text>` searches at once; `/find` and the menu's "Find client" ask first."""
    query = " ".join(context.args or [])
    if query.strip():
        await find_and_show(update, context, query)
        return
    await SEARCH_BOX.start(update, context)


async def ask(update: Update, context: KamContext, run: Run) -> Screen:
    return Screen(context.t("profile.find.ask"))


async def got_query(update: Update, context: KamContext, run: Run) -> Next:
    await find_and_show(update, context, run.text)
    return Go.END


SEARCH_BOX = prompt(
    "profile_find",
    "pf",
    entries=[
        CommandHandler("find", find_command),
        MessageHandler(menu_button("menu.find"), find_command),
    ],
    ask=ask,
    answer=got_query,
    cancel=reply(N_("profile.cancelled"), menu=True, then=Go.END),
    other=reply(N_("profile.find.text_please")),
    other_filter=~filters.TEXT,
)
"""The search box: the next text is the query."""
