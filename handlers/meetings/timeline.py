"""An account's meetings, newest first, a page at a time: ``tl:<account_id>:<page>`` and
``/timeline <name>``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from domain.search import Candidate, is_confident, rank
from handlers.contact_names import contact_name
from handlers.meetings import common as c
from handlers.profiles.common import FLOW as PROFILE_FLOW
from handlers.profiles.common import account_labels
from handlers.ui import (
    answer,
    button,
    callback_id,
    callback_page,
    clip,
    is_current_screen,
    keyboard,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.meetings import Meeting

TIMELINE = "timeline"
PER_PAGE = 5
OUTCOME_ICON = {"positive": "👍", "neutral": "😐", "negative": "👎"}


def _line(context: KamContext, meeting: Meeting) -> str:
    t = context.t
    when = c.fmt_when(context, meeting.starts_at, meeting.starts_has_time)
    icon = "🗓 " if meeting.status == "planned" else ""
    outcome = (" " + OUTCOME_ICON[meeting.outcome]) if meeting.outcome else ""
    people = ", ".join(contact_name(t, p.name) for p in meeting.contacts[:3])
    text = meeting.summary or meeting.agenda or ""
    return t(
        "meeting.timeline_line",
        when=icon + when,
        kind=t(c.KIND_LABELS[meeting.kind]) + outcome,
        people=people or "—",
        text=clip(text, 120) if text else "—",
    )


async def show_timeline(update: Update, context: KamContext, account_id: int, page: int) -> None:
    storage, t = context.services.storage, context.t
    account = await c.visible_account(context, account_id)
    if account is None:
        await _say(update, context, t("meeting.not_found"))
        return
    await answer(update)
    found = await storage.meetings.timeline(account_id, page=page, per_page=PER_PAGE)
    if not found.total:
        text = t("meeting.timeline_empty", account=account.name)
    else:
        text = t.plural(
            "meeting.timeline_title",
            found.total,
            account=account.name,
            page=found.page + 1,
            pages=found.pages,
        )
        text += "\n\n" + "\n\n".join(_line(context, m) for m in found.meetings)
    rows: list[list[InlineKeyboardButton]] = []
    for meeting in found.meetings:
        label = c.fmt_when(context, meeting.starts_at, meeting.starts_has_time)
        rows.append([button(f"{label} · {t(c.KIND_LABELS[meeting.kind])}", f"mtg:v:{meeting.id}")])
    nav = []
    if found.page > 0:
        nav.append(button("◀", f"tl:{account_id}:{found.page - 1}"))
    if found.page < found.pages - 1:
        nav.append(button("▶", f"tl:{account_id}:{found.page + 1}"))
    rows.append(nav)
    rows.append([button(t("meeting.view_account"), f"acc:open:{account_id}")])
    # Opened from the card (or paged there): the card's message shows it, like a section.
    flow = PROFILE_FLOW if is_current_screen(update, context, PROFILE_FLOW) else TIMELINE
    await show_screen(
        update, context, flow, text, keyboard(rows), new_message=update.callback_query is None
    )


async def _say(update: Update, context: KamContext, text: str) -> None:
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def on_press(update: Update, context: KamContext) -> None:
    """tl:<account_id>:<page>."""
    account_id, page = callback_id(update, "tl"), callback_page(update, "tl", 1)
    await show_timeline(update, context, account_id, page)


async def command(update: Update, context: KamContext) -> None:
    """/timeline <name>: the account's timeline, or a choice of accounts."""
    manager = context.require_manager()
    t = context.t
    query = " ".join(context.args or [])[:100]
    accounts = await context.services.storage.accounts.visible(
        manager.id, sees_all=manager.sees_all_accounts
    )
    if not accounts:
        await _say(update, context, t("meeting.timeline_no_accounts"))
        return
    if query:
        matches = rank(query, [Candidate(a.id, a.name, (a.name, *a.alias_list)) for a in accounts])
        if is_confident(matches):
            await show_timeline(update, context, matches[0].id, 0)
            return
        if not matches:
            await _say(update, context, t("meeting.timeline_no_match", text=query))
            return
        choices = [(m.id, m.label) for m in matches[:8]]
        text = t("meeting.timeline_pick", text=query)
    else:
        choices = [(a.id, a.name) for a in accounts[:8]]
        text = t("meeting.timeline_choose")
    names = await account_labels(context, choices)
    rows = [[button(names[account_id], f"tl:{account_id}:0")] for account_id, _ in choices]
    await show_screen(update, context, TIMELINE, text, keyboard(rows), new_message=True)


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("timeline", command))
    application.add_handler(CallbackQueryHandler(on_press, pattern=r"^tl:\d+:\d+$"))
