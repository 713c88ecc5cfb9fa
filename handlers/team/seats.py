"""An account's team from /team (or the card's team section): its owner, the managers on its
team and the executive sponsor; add or remove a manager, mark the sponsor, give the account
to another manager."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update

from bot.i18n import Html
from domain.policy import Action
from handlers import authz
from handlers.team.common import FLOW, candidates, label, may_list, name, pressed
from handlers.ui import (
    StaleButton,
    answer,
    button,
    callback_id,
    callback_parts,
    clip,
    keyboard,
    parse_id,
    show_screen,
)

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.accounts import Account
    from storage.managers import Manager
    from storage.team import TeamSeat


async def _account(context: KamContext, account_id: int) -> Account:
    account = await context.services.storage.accounts.get(account_id)
    if account is None:
        raise StaleButton(f"no account {account_id}")
    return account


def _text(
    context: KamContext, account: Account, owner: Manager | None, seats: list[TeamSeat]
) -> str:
    t = context.t
    people = [
        name(s.full_name, 40)
        + (" ⭐ " + t("team.sponsor") if s.is_sponsor else "")
        + ("" if s.active else " · " + t("team.inactive"))
        for s in seats
    ]
    return "\n".join(
        [
            t("team.account_title", account=clip(account.name, 80)),
            t("team.owner_line", owner=owner.full_name if owner else "—"),
            t("team.seats_line", people=Html(", ".join(people) if people else "—")),
        ]
    )


def _seat_rows(
    context: KamContext, account_id: int, seats: list[TeamSeat]
) -> list[list[InlineKeyboardButton]]:
    t = context.t
    rows = [[button(t("team.seat_add"), f"team:seatadd:{account_id}")]]
    for s in seats[:12]:
        who = clip(s.full_name, 24)
        sponsor = f"team:sponsor:{account_id}:{0 if s.is_sponsor else s.manager_id}"
        rows.append(
            [
                button(t("team.seat_remove", name=who), f"team:seatrm:{account_id}:{s.manager_id}"),
                button(("★ " if s.is_sponsor else "☆ ") + who, sponsor),
            ]
        )
    return rows


async def show_account(
    update: Update, context: KamContext, account_id: int, note: str = ""
) -> None:
    account = await _account(context, account_id)
    target = await authz.account(context, account_id)
    if not await authz.require(update, context, Action.SEE, target):
        return
    await answer(update)
    storage = context.services.storage
    seats = await storage.team.seats(account_id)
    owner = await storage.managers.get(account.owner_id) if account.owner_id else None
    text = _text(context, account, owner, seats)
    if note:
        text = note + "\n\n" + text
    t = context.t
    rows: list[list[InlineKeyboardButton]] = []
    owner_target = authz.manager(context, owner) if owner else None
    if owner_target and authz.may(context, Action.REASSIGN, owner_target):
        rows.append([button(t("team.give_one"), f"team:give1:{account_id}")])
    if authz.may(context, Action.CHANGE, target):
        rows += _seat_rows(context, account_id, seats)
        text += "\n\n" + t("team.sponsor_hint") if seats else ""
    rows.append([button(t("team.open_client"), f"acc:open:{account_id}")])
    if owner_target and authz.may(context, Action.SEE, owner_target):
        rows.append([button(t("button.back"), f"team:open:{owner_target.id}:0")])
    await show_screen(update, context, FLOW, text, keyboard(rows))


async def on_account(update: Update, context: KamContext) -> None:
    """team:acc:<account>: from /team or from the card's team section (another screen)."""
    if await may_list(update, context):
        await show_account(update, context, callback_id(update, "team:acc"))


async def _changing(update: Update, context: KamContext, prefix: str) -> Account | None:
    """The account of a team change, when the press is live and the viewer may change it."""
    if not await pressed(update, context):
        return None
    account = await _account(context, callback_id(update, prefix))
    target = await authz.account(context, account.id)
    if not await authz.require(update, context, Action.CHANGE, target, "team.not_allowed"):
        return None
    return account


async def on_seat_add(update: Update, context: KamContext) -> None:
    """team:seatadd:<account>: whom to put on the account's team."""
    account = await _changing(update, context, "team:seatadd")
    if account is None:
        return
    await answer(update)
    seated = {s.manager_id for s in await context.services.storage.team.seats(account.id)}
    people = [m for m in await candidates(context) if m.id not in seated]
    rows = [[button(label(context, m), f"team:seatset:{account.id}:{m.id}")] for m in people[:20]]
    rows.append([button(context.t("button.back"), f"team:acc:{account.id}")])
    key = "team.seat_pick" if people else "team.seat_nobody"
    text = context.t(key, account=clip(account.name, 80))
    await show_screen(update, context, FLOW, text, keyboard(rows))


def _manager_part(update: Update, prefix: str, *, zero: bool = False) -> int | None:
    parts = callback_parts(update, prefix)
    raw = parts[1] if len(parts) == 2 else None
    if zero and raw == "0":
        return None
    found = parse_id(raw)
    if found is None:
        raise StaleButton(f"no manager in {parts!r}")
    return found


async def on_seat_set(update: Update, context: KamContext) -> None:
    """team:seatset:<account>:<manager>: the manager (one of the viewer's candidates)."""
    account = await _changing(update, context, "team:seatset")
    if account is None:
        return
    wanted = _manager_part(update, "team:seatset")
    chosen = next((m for m in await candidates(context) if m.id == wanted), None)
    if chosen is None:
        raise StaleButton(f"manager {wanted} is not to be added")
    now, me = context.services.clock.now(), context.require_manager().id
    added = await context.services.storage.team.add_seat(
        account.id, chosen.id, actor_id=me, now=now
    )
    key = "team.seat_added" if added else "team.seat_already"
    await show_account(update, context, account.id, context.t(key, name=chosen.full_name))


async def on_seat_remove(update: Update, context: KamContext) -> None:
    """team:seatrm:<account>:<manager>."""
    account = await _changing(update, context, "team:seatrm")
    if account is None:
        return
    wanted = _manager_part(update, "team:seatrm")
    assert wanted is not None
    gone = await context.services.storage.managers.get(wanted)
    now, me = context.services.clock.now(), context.require_manager().id
    removed = await context.services.storage.team.remove_seat(
        account.id, wanted, actor_id=me, now=now
    )
    if not removed or gone is None:
        raise StaleButton(f"manager {wanted} is not on the team of {account.id}")
    note = context.t("team.seat_removed", name=gone.full_name)
    await show_account(update, context, account.id, note)


async def on_sponsor(update: Update, context: KamContext) -> None:
    """team:sponsor:<account>:<manager or 0>: the account's one executive sponsor, or none."""
    account = await _changing(update, context, "team:sponsor")
    if account is None:
        return
    wanted = _manager_part(update, "team:sponsor", zero=True)
    now, me = context.services.clock.now(), context.require_manager().id
    if not await context.services.storage.team.set_sponsor(
        account.id, wanted, actor_id=me, now=now
    ):
        raise StaleButton(f"manager {wanted} is not on the team of {account.id}")
    await show_account(update, context, account.id, context.t("settings.saved"))
