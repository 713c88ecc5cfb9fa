"""What the /team screens share: the screen's name, the checks every press starts with, labels."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from telegram import Update

from domain.policy import Action, Kind, Target, sees_all
from handlers import authz
from handlers.invites import ROLE_LABELS, refuse_stale
from handlers.ui import StaleButton, clip

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.managers import Manager

FLOW = "team"
REFUSED = "team.not_allowed"


def name(member: Manager | str, limit: int = 60) -> str:
    """A manager's name for HTML text (escaped, clipped)."""
    text = member if isinstance(member, str) else member.full_name
    return html.escape(clip(text, limit), quote=False)


def role(context: KamContext, member: Manager) -> str:
    return context.t(ROLE_LABELS.get(member.role, "role.kam"))


def label(context: KamContext, member: Manager) -> str:
    """A manager on a button: name · role (· switched off)."""
    text = f"{clip(member.full_name, 30)} · {role(context, member)}"
    return text if member.active else text + " · " + context.t("team.inactive")


async def may_list(update: Update, context: KamContext) -> bool:
    """Every /team screen and press: leads and admins only (a denial is logged and answered)."""
    return await authz.require(update, context, Action.LIST, Target(Kind.MANAGER), REFUSED)


async def pressed(update: Update, context: KamContext) -> bool:
    """A press on the live /team screen by a lead or an admin; else answered and False."""
    if not await may_list(update, context):
        return False
    return not await refuse_stale(update, context, FLOW)


async def member(context: KamContext, member_id: int) -> Manager:
    found = await context.services.storage.managers.get(member_id)
    if found is None:
        raise StaleButton(f"no manager {member_id}")
    return found


async def require(
    update: Update, context: KamContext, action: Action, found: Manager, key: str = REFUSED
) -> bool:
    """Whether the viewer may do `action` to the manager (a denial is logged and answered)."""
    return await authz.require(update, context, action, authz.manager(context, found), key)


async def candidates(context: KamContext, *, besides: int | None = None) -> list[Manager]:
    """The active managers the viewer may hand accounts to or put on a team: an admin's
    everyone, a lead's team and themself."""
    viewer = context.require_manager()
    found = await context.services.storage.team.in_view(
        viewer.id, sees_all=sees_all(viewer.role, Kind.MANAGER)
    )
    return [m for m in found if m.id != besides and m.active]
