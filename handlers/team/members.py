"""The team list and one manager's screen: role, lead, access off and on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update

from bot.commands import publish_manager_commands
from domain.policy import LED_ROLES, Action, Kind, sees_all
from handlers import authz
from handlers.invites import ROLE_LABELS, close_if_current
from handlers.team.common import (
    FLOW,
    label,
    may_list,
    member,
    name,
    pressed,
    require,
    role,
)
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_page,
    callback_parts,
    keyboard,
    parse_id,
    show_screen,
)
from storage.managers import ROLES, Manager

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.team import Member

PAGE = 8


def _seen(context: KamContext, found: Member) -> str:
    when = found.last_active
    if when is None:
        return context.t("team.never_seen")
    return context.t("team.seen", when=context.fmt.datetime(when))


def _load(context: KamContext, found: Member) -> str:
    """ "3 accounts · 5 open tasks, 2 overdue · last active 26 Nov 10:30" """
    t = context.t
    parts = [
        t.plural("team.accounts", found.accounts),
        t.plural("team.open_tasks", found.open_tasks),
    ]
    if found.overdue_tasks:
        parts[-1] += ", " + t.plural("team.overdue", found.overdue_tasks)
    return " · ".join([*parts, _seen(context, found)])


def _line(context: KamContext, found: Member) -> str:
    head = f"👤 <b>{name(found.manager)}</b> · {role(context, found.manager)}"
    if not found.manager.active:
        head += " · " + context.t("team.inactive")
    return head + "\n   " + _load(context, found)


async def show_team(update: Update, context: KamContext, page: int = 0) -> None:
    if not await may_list(update, context):
        return
    await answer(update)
    t = context.t
    viewer = context.require_manager()
    team = context.services.storage.team
    now = context.services.clock.now()
    everyone = sees_all(viewer.role, Kind.MANAGER)
    shown, total = await team.members(
        viewer.id, sees_all=everyone, now=now, limit=PAGE, offset=page * PAGE
    )
    pages = max(1, (total + PAGE - 1) // PAGE)
    if page >= pages:  # the team shrank meanwhile: its last page
        page = pages - 1
        shown, total = await team.members(
            viewer.id, sees_all=everyone, now=now, limit=PAGE, offset=page * PAGE
        )
    header = t.plural("team.title", total)
    if pages > 1:
        header += " " + t("team.page", page=page + 1, pages=pages)
    text = "\n\n".join([header, *(_line(context, m) for m in shown)])
    rows = [[button(label(context, m.manager), f"team:open:{m.manager.id}:{page}")] for m in shown]
    nav = []
    if page > 0:
        nav.append(button("◀", f"team:page:{page - 1}"))
    if page < pages - 1:
        nav.append(button("▶", f"team:page:{page + 1}"))
    rows += [nav, [button(t("button.done"), "team:close")]]
    await show_screen(
        update, context, FLOW, text, keyboard(rows), new_message=update.callback_query is None
    )


async def on_page(update: Update, context: KamContext) -> None:
    if await pressed(update, context):
        await show_team(update, context, callback_page(update, "team:page", 0))


def _member_text(context: KamContext, found: Member, lead: Manager | None) -> str:
    t = context.t
    who = found.manager
    text = t(
        "team.member",
        name=who.full_name,
        role=role(context, who),
        username=("@" + who.username) if who.username else "—",
        timezone=who.timezone,
        status=t("team.active") if who.active else t("team.inactive"),
    )
    if who.role in LED_ROLES:
        text += "\n" + t("team.lead_line", lead=lead.full_name if lead else "—")
    return text + "\n" + _load(context, found)


def _member_rows(context: KamContext, found: Member, page: int) -> list[list[InlineKeyboardButton]]:
    t = context.t
    who = found.manager
    target = authz.manager(context, who)
    rows: list[list[InlineKeyboardButton]] = []
    if authz.may(context, Action.CHANGE, target):
        rows.append(
            [
                button(
                    ("✓ " if r == who.role else "") + t(ROLE_LABELS[r]), f"team:role:{who.id}:{r}"
                )
                for r in ROLES
            ]
        )
        if who.role in LED_ROLES:
            rows.append([button(t("team.choose_lead"), f"team:lead:{who.id}")])
    rows.append([button(t("team.accounts_button", count=found.accounts), f"team:accs:{who.id}:0")])
    if found.accounts and authz.may(context, Action.REASSIGN, target):
        rows.append([button(t("team.give_all"), f"team:give:{who.id}")])
    if authz.may(context, Action.SWITCH, target):
        toggle = "team.deactivate" if who.active else "team.reactivate"
        rows.append([button(t(toggle), f"team:active:{who.id}:{0 if who.active else 1}")])
    rows.append([button(t("button.back"), f"team:page:{page}")])
    return rows


async def show_member(
    update: Update, context: KamContext, member_id: int, page: int = 0, note: str = ""
) -> None:
    storage = context.services.storage
    found = await storage.team.member(member_id, now=context.services.clock.now())
    if found is None:
        raise StaleButton(f"no manager {member_id}")
    if not await require(update, context, Action.SEE, found.manager, authz.STALE):
        return
    await answer(update)
    lead_id = found.manager.lead_id
    lead = await storage.managers.get(lead_id) if lead_id is not None else None
    text = _member_text(context, found, lead)
    if note:
        text = note + "\n\n" + text
    rows = _member_rows(context, found, page)
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def on_open(update: Update, context: KamContext) -> None:
    if await pressed(update, context):
        member_id = callback_id(update, "team:open")
        await show_member(update, context, member_id, callback_page(update, "team:open", 1))


async def on_role(update: Update, context: KamContext) -> None:
    """team:role:<id>:<role>: admins, never their own."""
    if not await pressed(update, context):
        return
    parts = callback_parts(update, "team:role")
    found = await member(context, callback_id(update, "team:role"))
    if len(parts) != 2 or parts[1] not in ROLES:
        raise StaleButton(f"team role {parts!r}")
    if not await require(update, context, Action.CHANGE, found):
        return
    changes: dict[str, object] = {"role": parts[1]}
    if parts[1] not in LED_ROLES:
        changes["lead_id"] = None  # a lead or an admin is nobody's team
    viewer = context.require_manager()
    changed = await context.services.storage.managers.update(
        found.id, actor_id=viewer.id, now=context.services.clock.now(), **changes
    )
    await answer(update, context.t("settings.saved"))
    await publish_manager_commands(context.bot, changed)  # /invite and /team come or go
    await show_member(update, context, changed.id)


async def on_choose_lead(update: Update, context: KamContext) -> None:
    """team:lead:<id>: the leads to choose from."""
    if not await pressed(update, context):
        return
    found = await member(context, callback_id(update, "team:lead"))
    if found.role not in LED_ROLES:
        raise StaleButton(f"manager {found.id} has no lead")
    if not await require(update, context, Action.CHANGE, found):
        return
    await answer(update)
    t = context.t
    leads = [m for m in await context.services.storage.managers.list_all() if m.role == "lead"]
    rows = [
        [
            button(
                ("✓ " if m.id == found.lead_id else "") + label(context, m),
                f"team:setlead:{found.id}:{m.id}",
            )
        ]
        for m in leads
        if m.active
    ][:20]
    rows.append([button(t("team.no_lead"), f"team:setlead:{found.id}:0")])
    rows.append([button(t("button.back"), f"team:open:{found.id}:0")])
    text = t("team.choose_lead_for", name=found.full_name)
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def on_set_lead(update: Update, context: KamContext) -> None:
    """team:setlead:<id>:<lead id or 0>: the chosen lead is reloaded and checked."""
    if not await pressed(update, context):
        return
    parts = callback_parts(update, "team:setlead")
    found = await member(context, callback_id(update, "team:setlead"))
    lead_id = parse_id(parts[1]) if len(parts) == 2 and parts[1] != "0" else None
    lead = await context.services.storage.managers.get(lead_id) if lead_id else None
    valid = len(parts) == 2 and (parts[1] == "0" or (lead is not None and lead.role == "lead"))
    if not valid or found.role not in LED_ROLES or (lead is not None and not lead.active):
        raise StaleButton(f"team lead {parts!r}")
    if not await require(update, context, Action.CHANGE, found):
        return
    await context.services.storage.managers.update(
        found.id,
        actor_id=context.require_manager().id,
        now=context.services.clock.now(),
        lead_id=lead.id if lead else None,
    )
    await answer(update, context.t("settings.saved"))
    await show_member(update, context, found.id)


async def close(update: Update, context: KamContext) -> None:
    await close_if_current(update, context, FLOW, "team.closed")
