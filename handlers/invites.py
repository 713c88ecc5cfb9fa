"""/invite: admins and leads create one-time deep links that register a colleague."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.context import KamApp, KamContext
from bot.i18n import N_, Html
from domain import policy
from domain.policy import Action, Kind, Target
from handlers import authz
from handlers.menu import menu_button
from handlers.ui import (
    answer,
    button,
    callback_id,
    callback_parts,
    close_screen,
    is_current_screen,
    keyboard,
    show_screen,
    url_button,
)
from storage.managers import ROLES, Manager, Role

FLOW = "invite"
ROLE_LABELS: dict[str, str] = {
    "kam": N_("role.kam"),
    "bd": N_("role.bd"),
    "lead": N_("role.lead"),
    "admin": N_("role.admin"),
}


def _roles_for(role: Role) -> tuple[Role, ...]:
    """The roles offered, in this order (domain.policy says who invites whom)."""
    allowed = policy.invitable_roles(role)
    return tuple(r for r in ("kam", "bd", "lead", "admin") if r in allowed)


def _invites_of(manager: Manager) -> int | None:
    """Whose invites a manager lists: everyone's (None) if they see all, else their own."""
    return None if policy.sees_all(manager.role, Kind.INVITE) else manager.id


_INVITES = Target(Kind.INVITE)  # the list of invites (and /invite) as a whole
_LISTS = {FLOW: Kind.INVITE, "team": Kind.MANAGER}  # the screens refuse_stale guards


async def refuse_stale(
    update: Update, context: KamContext, flow: str, allowed: Callable[[], bool] = lambda: True
) -> bool:
    """A press on a screen that is no longer the flow's live one (or not `allowed`): answered
    "this card is closed"; True if refused. Someone who may not open the list at all (a KAM
    pressing forged /invite or /team data) is refused by the policy first, so it is audited."""
    kind = _LISTS.get(flow)
    if kind is not None and not authz.check(context, Action.LIST, Target(kind)):
        await answer(update, context.t("error.stale_button"))
        return True
    if is_current_screen(update, context, flow) and allowed():
        return False
    await answer(update, context.t("error.stale_button"))
    return True


async def close_if_current(update: Update, context: KamContext, flow: str, key: str) -> None:
    await answer(update)
    if is_current_screen(update, context, flow):
        await close_screen(update, context, flow, context.t(key))


async def start_invite(update: Update, context: KamContext) -> None:
    manager = context.require_manager()
    t = context.t
    if not authz.check(context, Action.LIST, _INVITES):
        assert update.effective_message is not None
        await update.effective_message.reply_text(t("invite.not_allowed"))
        return
    open_invites = await context.services.storage.invites.list_open(
        context.services.clock.now(), created_by=_invites_of(manager)
    )
    rows = [[button(t(ROLE_LABELS[role]), f"inv:role:{role}")] for role in _roles_for(manager.role)]
    if open_invites:
        rows.append([button(t("invite.open_list", count=len(open_invites)), "inv:list")])
    rows.append([button(t("button.cancel"), "inv:cancel")])
    await show_screen(
        update,
        context,
        FLOW,
        t("invite.choose_role"),
        keyboard(rows),
        new_message=update.callback_query is None,
    )


async def create_invite(update: Update, context: KamContext) -> None:
    manager = context.require_manager()
    parts = callback_parts(update, "inv:role")
    if (
        not parts
        or parts[0] not in ROLES
        or not authz.check(context, Action.CREATE, Target(Kind.INVITE, role=parts[0]))
        or not is_current_screen(update, context, FLOW)
    ):
        await answer(update, context.t("error.stale_button"))
        return
    role = next(r for r in ROLES if r == parts[0])
    services = context.services
    invite = await services.storage.invites.create(
        role=role,
        created_by=manager.id,
        now=services.clock.now(),
        valid_for=timedelta(days=services.settings.invite_ttl_days),
    )
    await answer(update)
    link = f"https://t.me/{context.bot.username}?start={invite.code}"
    t = context.t
    text = t(
        "invite.created",
        role=t(ROLE_LABELS[role]),
        until=context.fmt.datetime(invite.expires_at),
        link=Html(f"<code>{link}</code>"),
    )
    share = (
        "https://t.me/share/url?url="
        + quote(link, safe="")
        + "&text="
        + quote(t("invite.share_text"), safe="")
    )
    markup = keyboard(
        [
            [url_button(t("invite.share"), share)],
            [button(t("invite.revoke"), f"inv:revoke:{invite.id}")],
            [button(t("button.done"), "inv:cancel")],
        ]
    )
    await show_screen(update, context, FLOW, text, markup)


async def list_invites(update: Update, context: KamContext) -> None:
    manager = context.require_manager()
    if await refuse_stale(
        update, context, FLOW, lambda: authz.check(context, Action.LIST, _INVITES)
    ):
        return
    await answer(update)
    t = context.t
    invites = await context.services.storage.invites.list_open(
        context.services.clock.now(), created_by=_invites_of(manager)
    )
    lines = [t("invite.open_title")]
    rows = []
    for invite in invites[:20]:
        until = context.fmt.datetime(invite.expires_at)
        label = t("invite.open_item", role=t(ROLE_LABELS[invite.role]), until=until)
        lines.append("• " + label)
        rows.append([button(t("invite.revoke_item", item=label), f"inv:revoke:{invite.id}")])
    rows.append([button(t("button.back"), "inv:back"), button(t("button.cancel"), "inv:cancel")])
    await show_screen(update, context, FLOW, "\n".join(lines), keyboard(rows))


async def revoke_invite(update: Update, context: KamContext) -> None:
    manager = context.require_manager()
    if await refuse_stale(update, context, FLOW):
        return
    invite_id = callback_id(update, "inv:revoke")
    if not await authz.require(update, context, Action.LIST, _INVITES, "invite.not_allowed"):
        return
    owner = _invites_of(manager)
    invites = context.services.storage.invites
    invite = await invites.get(invite_id)
    if invite is not None and not await authz.require(
        update, context, Action.WITHDRAW, authz.invite(context, invite), "invite.not_yours"
    ):
        return
    revoked = await invites.revoke(
        invite_id, actor_id=manager.id, now=context.services.clock.now(), created_by=owner
    )
    await answer(update, context.t("invite.revoked" if revoked else "invite.already_closed"))
    await start_invite(update, context)


async def cancel_invite(update: Update, context: KamContext) -> None:
    await close_if_current(update, context, FLOW, "invite.closed")


async def back(update: Update, context: KamContext) -> None:
    if await refuse_stale(update, context, FLOW):
        return
    await answer(update)
    await start_invite(update, context)


def register(application: KamApp) -> None:
    application.add_handler(CommandHandler("invite", start_invite))
    application.add_handler(MessageHandler(menu_button("menu.invite"), start_invite))
    application.add_handler(CallbackQueryHandler(create_invite, pattern=r"^inv:role:"))
    application.add_handler(CallbackQueryHandler(list_invites, pattern=r"^inv:list$"))
    application.add_handler(CallbackQueryHandler(revoke_invite, pattern=r"^inv:revoke:"))
    application.add_handler(CallbackQueryHandler(back, pattern=r"^inv:back$"))
    application.add_handler(CallbackQueryHandler(cancel_invite, pattern=r"^inv:cancel$"))
