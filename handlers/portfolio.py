"""`/portfolio` (leads and admins): each manager with their key accounts, each account's revenue
and opportunity, the flags of domain.portfolio; the prospects nobody owns, with buttons to give
one to a KAM or a business developer (audited; the new owner is told).

pf:page:<n>                 the managers, page n
pf:pros:<n>                 the prospects without an owner, page n
pf:pick:<account>:<n>       whom to give the prospect to
pf:set:<account>:<manager>  give it (asked again: the press carries no right)
pf:close                    close the view
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import translator
from domain.money import Money
from domain.paging import paginate
from domain.policy import Action, Kind, Target
from domain.portfolio import HEAVY, TOO_MANY, Flag, Load, add_up, flags, won_since
from handlers import authz
from handlers.invites import ROLE_LABELS
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_page,
    callback_parts,
    clip,
    close_screen,
    keyboard,
    parse_id,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamApp, KamContext
    from storage.managers import Manager
    from storage.portfolio import AccountFigures, ManagerFigures

_LOG = logging.getLogger(__name__)
SCREEN = "portfolio"
PAGE_CHARS = 1500
PROSPECTS_PAGE = 8
ACCOUNTS_PER_BLOCK = 10
OWNER_ROLES = ("kam", "bd")
REFUSED = "portfolio.not_allowed"


def _money(context: KamContext, amounts: dict[str, int]) -> str:
    if not amounts:
        return "—"
    return " + ".join(context.fmt.money_compact(Money(v, c)) for c, v in amounts.items())


def _account_line(context: KamContext, account: AccountFigures) -> str:
    """ "VT-Metal: revenue 12M ₽ · opportunity 1 y 5M ₽, 3-5 y 20M ₽" (what is known)."""
    fmt, t = context.fmt, context.t
    line = html.escape(clip(account.name, 60), quote=False)
    if account.revenue:
        line += " · " + t("portfolio.revenue", revenue=_money(context, account.revenue))
    one, five = account.opportunity_1y, account.opportunity_3_5y
    if one or five:
        line += " · " + t(
            "portfolio.opportunity",
            one=fmt.money_compact(one) if one else "—",
            five=fmt.money_compact(five) if five else "—",
        )
    return "   • " + line


def _flag_line(context: KamContext, flag: Flag, revenue: dict[str, int]) -> str:
    if flag.kind == TOO_MANY:
        return "⚠️ " + context.t("portfolio.flag.too_many", limit=3)
    assert flag.kind == HEAVY and flag.currency is not None
    return "⚠️ " + context.t(
        "portfolio.flag.heavy",
        revenue=context.fmt.money_compact(Money(revenue[flag.currency], flag.currency)),
        median=context.fmt.money_compact(Money(flag.median_minor or 0, flag.currency)),
    )


def manager_blocks(context: KamContext, figures: ManagerFigures, found: list[Flag]) -> list[str]:
    """A manager's head (name, role, how many key accounts, flags), their accounts and the
    total; in blocks of ACCOUNTS_PER_BLOCK accounts so that a page never overflows."""
    t = context.t
    member = figures.manager
    total = add_up(a.revenue for a in figures.accounts)
    role = t(ROLE_LABELS.get(member.role, "role.kam"))
    count = t.plural("portfolio.key_accounts", len(figures.accounts))
    name = html.escape(clip(member.full_name, 60), quote=False)
    head = [f"👤 <b>{name}</b> · {role} · {count}"]
    head += [_flag_line(context, flag, total) for flag in found]
    lines = [_account_line(context, account) for account in figures.accounts]
    if len(figures.accounts) > 1 and total:
        lines.append("   " + t("portfolio.total", revenue=_money(context, total)))
    blocks = ["\n".join(head + lines[:ACCOUNTS_PER_BLOCK])]
    for start in range(ACCOUNTS_PER_BLOCK, len(lines), ACCOUNTS_PER_BLOCK):
        more = f"👤 <b>{name}</b> " + t("portfolio.continued")
        blocks.append("\n".join([more, *lines[start : start + ACCOUNTS_PER_BLOCK]]))
    return blocks


async def _allowed(update: Update, context: KamContext, action: Action) -> bool:
    return await authz.require(update, context, action, Target(Kind.PORTFOLIO), REFUSED)


async def show_portfolio(update: Update, context: KamContext, page: int = 0) -> None:
    if not await _allowed(update, context, Action.LIST):
        return
    await answer(update)
    t = context.t
    manager = context.require_manager()
    storage = context.services.storage
    today = context.fmt.local_day(context.services.clock.now())
    team = await storage.portfolio.portfolio(
        manager.id, sees_all=manager.role == "admin", won_since=won_since(today)
    )
    loads = [
        Load(f.manager.id, len(f.accounts), add_up(a.revenue for a in f.accounts)) for f in team
    ]
    found = flags(loads)
    blocks = [b for f in team for b in manager_blocks(context, f, found[f.manager.id])]
    pages = paginate(blocks or [t("portfolio.nobody")], PAGE_CHARS)
    page = min(max(page, 0), len(pages) - 1)
    header = t.plural("portfolio.title", len(team))
    if len(pages) > 1:
        header += " " + t("portfolio.page", page=page + 1, pages=len(pages))
    _, unowned = await storage.portfolio.unowned_prospects(limit=1)
    nav = []
    if page > 0:
        nav.append(button("◀", f"pf:page:{page - 1}"))
    if page < len(pages) - 1:
        nav.append(button("▶", f"pf:page:{page + 1}"))
    rows = [
        nav,
        [button(t("portfolio.prospects_button", count=unowned), "pf:pros:0")],
        [button(t("button.done"), "pf:close")],
    ]
    text = f"<b>{header}</b>\n<i>{t('portfolio.revenue_note')}</i>\n\n" + pages[page]
    await show_screen(
        update, context, SCREEN, text, keyboard(rows), new_message=update.callback_query is None
    )


async def show_prospects(update: Update, context: KamContext, page: int, note: str = "") -> None:
    if not await _allowed(update, context, Action.LIST):
        return
    await answer(update)
    t = context.t
    prospects, total = await context.services.storage.portfolio.unowned_prospects(
        limit=PROSPECTS_PAGE, offset=page * PROSPECTS_PAGE
    )
    pages = max(1, (total + PROSPECTS_PAGE - 1) // PROSPECTS_PAGE)
    if not prospects and page > 0:
        await show_prospects(update, context, min(page, pages) - 1, note)
        return
    lines = [f"<b>{t('portfolio.prospects_title', count=total)}</b>"]
    if pages > 1:
        lines[0] += " " + t("portfolio.page", page=page + 1, pages=pages)
    lines.append(t("portfolio.prospects_hint") if prospects else t("portfolio.prospects_none"))
    rows: list[list[InlineKeyboardButton]] = [
        [button(clip(p.name, 40), f"pf:pick:{p.id}:{page}")] for p in prospects
    ]
    nav = []
    if page > 0:
        nav.append(button("◀", f"pf:pros:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"pf:pros:{page + 1}"))
    rows += [nav, [button(t("portfolio.back_to_team"), "pf:page:0")]]
    text = (note + "\n\n" if note else "") + "\n".join(lines)
    await show_screen(update, context, SCREEN, text, keyboard(rows))


async def _owners(context: KamContext) -> list[Manager]:
    """Whom the viewer may give a prospect to: the KAMs and BDs of their view."""
    manager = context.require_manager()
    team = await context.services.storage.portfolio.managers_in_view(
        manager.id, sees_all=manager.role == "admin"
    )
    return [m for m in team if m.role in OWNER_ROLES and m.active]


async def on_pick(update: Update, context: KamContext) -> None:
    if not await _allowed(update, context, Action.REASSIGN):
        return
    account_id = callback_id(update, "pf:pick")
    page = callback_page(update, "pf:pick", 1)
    prospect = await context.services.storage.portfolio.unowned_prospect(account_id)
    if prospect is None:
        await answer(update, context.t("portfolio.already_assigned"), alert=True)
        await show_prospects(update, context, page)
        return
    await answer(update)
    t = context.t
    owners = await _owners(context)
    rows = [
        [
            button(
                f"{clip(m.full_name, 30)} · {t(ROLE_LABELS[m.role])}", f"pf:set:{account_id}:{m.id}"
            )
        ]
        for m in owners[:20]
    ]
    rows.append([button(t("button.back"), f"pf:pros:{page}")])
    key = "portfolio.pick_owner" if owners else "portfolio.no_owners"
    text = t(key, name=clip(prospect.name, 80))
    await show_screen(update, context, SCREEN, text, keyboard(rows))


async def on_set(update: Update, context: KamContext) -> None:
    if not await _allowed(update, context, Action.REASSIGN):
        return
    parts = callback_parts(update, "pf:set")
    account_id = callback_id(update, "pf:set")
    owner_id = parse_id(parts[1]) if len(parts) == 2 else None
    owner = next((m for m in await _owners(context) if m.id == owner_id), None)
    if owner is None:
        raise StaleButton(f"portfolio owner {parts!r}")
    storage = context.services.storage
    prospect = await storage.portfolio.unowned_prospect(account_id)
    manager = context.require_manager()
    now = context.services.clock.now()
    if prospect is None or not await storage.portfolio.assign(
        account_id, owner.id, actor_id=manager.id, now=now
    ):
        await answer(update, context.t("portfolio.already_assigned"), alert=True)
        await show_prospects(update, context, 0)
        return
    await answer(update)
    await _tell_owner(context, owner, prospect.id, prospect.name, manager.full_name)
    note = context.t("portfolio.assigned", name=prospect.name, owner=owner.full_name)
    await show_prospects(update, context, 0, note)


async def _tell_owner(
    context: KamContext, owner: Manager, account_id: int, name: str, by: str
) -> None:
    """A short message to the new owner, in their language, with the client's card."""
    t = translator(owner.language)
    markup = keyboard([[button(t("portfolio.open_client"), f"acc:open:{account_id}")]])
    try:
        await context.bot.send_message(
            owner.telegram_id, t("portfolio.you_own", name=name, by=by), reply_markup=markup
        )
    except TelegramError as error:  # blocked the bot, or never started it: the view says who
        _LOG.info("could not tell manager %s about account %s: %s", owner.id, account_id, error)


async def command(update: Update, context: KamContext) -> None:
    await show_portfolio(update, context)


async def on_page(update: Update, context: KamContext) -> None:
    await show_portfolio(update, context, callback_page(update, "pf:page", 0))


async def on_prospects(update: Update, context: KamContext) -> None:
    await show_prospects(update, context, callback_page(update, "pf:pros", 0))


async def on_close(update: Update, context: KamContext) -> None:
    await answer(update)
    await close_screen(update, context, SCREEN, context.t("portfolio.closed"))


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("portfolio", command))
    application.add_handler(CallbackQueryHandler(on_page, pattern=r"^pf:page:"))
    application.add_handler(CallbackQueryHandler(on_prospects, pattern=r"^pf:pros:"))
    application.add_handler(CallbackQueryHandler(on_pick, pattern=r"^pf:pick:"))
    application.add_handler(CallbackQueryHandler(on_set, pattern=r"^pf:set:"))
    application.add_handler(CallbackQueryHandler(on_close, pattern=r"^pf:close$"))
