"""/team: leads see who uses the bot; admins change roles and switch access off and on."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.commands import publish_manager_commands
from bot.context import KamApp, KamContext
from domain.policy import Action, Kind, Target
from handlers import authz
from handlers.invites import ROLE_LABELS, close_if_current, refuse_stale
from handlers.menu import menu_button
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_page,
    keyboard,
    show_screen,
)
from storage.managers import ROLES, Manager

FLOW = "team"
PAGE = 12


def _label(context: KamContext, member: Manager) -> str:
    t = context.t
    text = f"{member.full_name} · {t(ROLE_LABELS[member.role])}"
    return text if member.active else text + " · " + t("team.inactive")


async def show_team(update: Update, context: KamContext, page: int = 0) -> None:
    t = context.t
    if not authz.check(context, Action.LIST, Target(Kind.MANAGER)):
        assert update.effective_message is not None
        await update.effective_message.reply_text(t("team.not_allowed"))
        return
    members = await context.services.storage.managers.list_all()
    pages = max(1, (len(members) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    shown = members[page * PAGE : (page + 1) * PAGE]
    rows = [[button(_label(context, m), f"team:open:{m.id}:{page}")] for m in shown]
    nav = []
    if page > 0:
        nav.append(button("◀", f"team:page:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"team:page:{page + 1}"))
    rows.append(nav)
    rows.append([button(t("button.done"), "team:close")])
    text = t.plural("team.title", len(members))
    await show_screen(
        update, context, FLOW, text, keyboard(rows), new_message=update.callback_query is None
    )


async def page(update: Update, context: KamContext) -> None:
    if await refuse_stale(update, context, FLOW):
        return
    number = callback_page(update, "team:page", 0)
    await answer(update)
    await show_team(update, context, number)


async def _show_member(update: Update, context: KamContext, member: Manager, page: int) -> None:
    t = context.t
    text = t(
        "team.member",
        name=member.full_name,
        role=t(ROLE_LABELS[member.role]),
        username=("@" + member.username) if member.username else "—",
        timezone=member.timezone,
        status=t("team.active") if member.active else t("team.inactive"),
    )
    rows = []
    if authz.may(context, Action.CHANGE, authz.manager(context, member.id)):
        rows.append(
            [
                button(
                    ("✓ " if role == member.role else "") + t(ROLE_LABELS[role]),
                    f"team:role:{member.id}:{role}",
                )
                for role in ROLES
            ]
        )
        toggle = "team.deactivate" if member.active else "team.reactivate"
        rows.append([button(t(toggle), f"team:active:{member.id}:{0 if member.active else 1}")])
    rows.append([button(t("button.back"), f"team:page:{page}")])
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def open_member(update: Update, context: KamContext) -> None:
    if await refuse_stale(update, context, FLOW):
        return
    member_id, page = callback_id(update, "team:open"), callback_page(update, "team:open", 1)
    member = await context.services.storage.managers.get(member_id)
    if member is None or not authz.check(context, Action.SEE, authz.manager(context, member.id)):
        await answer(update, context.t("error.stale_button"))
        return
    await answer(update)
    await _show_member(update, context, member, page)


async def change_member(update: Update, context: KamContext) -> None:
    """team:role:<id>:<role> and team:active:<id>:<0|1>, for admins only."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, _, value = ([*query.data.split(":"), "", "", ""])[:4]
    viewer = context.require_manager()
    valid = (action == "role" and value in ROLES) or (action == "active" and value in ("0", "1"))
    if await refuse_stale(update, context, FLOW, lambda: valid):
        return
    member_id = callback_id(update, f"team:{action}")
    if await context.services.storage.managers.get(member_id) is None:
        raise StaleButton(f"no manager {member_id}")
    target = authz.manager(context, member_id)
    if not await authz.require(update, context, Action.CHANGE, target, "team.not_allowed"):
        return
    change = {"role": value} if action == "role" else {"active": value == "1"}
    changed = await context.services.storage.managers.update(
        member_id, actor_id=viewer.id, now=context.services.clock.now(), **change
    )
    await answer(update, context.t("settings.saved"))
    await publish_manager_commands(context.bot, changed)  # /invite and /team come or go
    await _show_member(update, context, changed, 0)


async def close(update: Update, context: KamContext) -> None:
    await close_if_current(update, context, FLOW, "team.closed")


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("team", show_team))
    application.add_handler(MessageHandler(menu_button("menu.team"), show_team))
    application.add_handler(CallbackQueryHandler(page, pattern=r"^team:page:"))
    application.add_handler(CallbackQueryHandler(open_member, pattern=r"^team:open:"))
    application.add_handler(CallbackQueryHandler(change_member, pattern=r"^team:(role|active):"))
    application.add_handler(CallbackQueryHandler(close, pattern=r"^team:close$"))
