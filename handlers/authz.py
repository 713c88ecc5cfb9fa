"""Asking domain.policy from a handler: the facts about an object, and one place for denials.

A handler loads the object through storage, builds its :class:`Target` here (what the object
is to the manager) and asks :func:`check` (a denial is logged once, here) or :func:`require`
(a denial is also answered, in the manager's language). :func:`may` asks without logging, for
deciding which buttons to show. A denial also goes to the audit log: it is noted here (the
allowed path costs nothing) and written right after the update by the application.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update

from bot.update_log import refused
from domain.policy import LED_ROLES, Action, Decision, Kind, Relation, Target, decide
from handlers.ui import answer
from storage.audit import Denial

if TYPE_CHECKING:
    from bot.context import KamContext
    from storage.contracts import ObligationView
    from storage.invites import Invite
    from storage.managers import Manager
    from storage.meetings import Meeting
    from storage.satisfaction import CheckView
    from storage.tasks import Task

_LOG = logging.getLogger(__name__)
STALE = "error.stale_button"  # what a forged or foreign press is told


def _decision(context: KamContext, action: Action, target: Target) -> Decision:
    return decide(context.require_manager().actor, action, target)


def may(context: KamContext, action: Action, target: Target) -> bool:
    """Whether the manager may; nothing is logged (for showing or hiding a button)."""
    return _decision(context, action, target).allowed


def check(context: KamContext, action: Action, target: Target) -> bool:
    """Whether the manager may; a denial is logged (the one place that logs them)."""
    decision = _decision(context, action, target)
    if not decision.allowed:
        refused()
        _LOG.info(
            "denied: manager %s (%s) may not %s %s %s (%s)",
            decision.actor.id,
            decision.actor.role,
            action.value,
            target.kind.value,
            target.id,
            decision.reason,
        )
        context.services.denials.append(
            Denial(
                at=context.services.clock.now(),
                actor_id=decision.actor.id,
                entity=target.kind.value,
                entity_id=0 if target.id is None else target.id,
                action=action.value,
                reason=decision.reason,
            )
        )
    return decision.allowed


async def require(
    update: Update,
    context: KamContext,
    action: Action,
    target: Target,
    key: str = STALE,
) -> bool:
    """Whether the manager may; a denial is logged and answered with the message ``key`` (as
    an alert on a press, unless it is the plain "this card is closed")."""
    if check(context, action, target):
        return True
    text = context.t(key)
    if update.callback_query is not None:
        await answer(update, text, alert=key != STALE)
    elif update.effective_message is not None and update.edited_message is None:
        await update.effective_message.reply_text(text)
    return False


async def search_refused(context: KamContext, text: str) -> None:
    """After a search that found none of the manager's own clients: when the words match a
    client they may not see, that is a refusal, logged and audited like any other (the
    manager is told only that nothing was found). A lead or an admin sees all: nothing to do."""
    manager = context.require_manager()
    if manager.sees_all_accounts or not text.strip():
        return
    hidden = await context.services.storage.search.search(
        text, manager_id=manager.id, sees_all=True, limit=1
    )
    if hidden:
        check(context, Action.SEE, await account(context, hidden[0].account_id))


# --- what an object is to the manager ----------------------------------------------------------


def _me(context: KamContext) -> int:
    return context.require_manager().id


async def account(context: KamContext, account_id: int) -> Target:
    relations = await context.services.storage.accounts.relations(account_id, _me(context))
    return Target(Kind.ACCOUNT, account_id, relations)


def meeting(
    context: KamContext, found: Meeting, account: frozenset[Relation] = frozenset()
) -> Target:
    """The meeting: its author, and what its account is to the manager (``account``, which
    changing or deleting it does not ask; :func:`seen_meeting` loads it)."""
    authored = _when(found.author_id == _me(context), Relation.AUTHOR)
    return Target(Kind.MEETING, found.id, authored | account)


async def seen_meeting(context: KamContext, found: Meeting) -> Target:
    relations = await context.services.storage.accounts.relations(found.account_id, _me(context))
    return meeting(context, found, relations)


def _when(condition: bool, relation: Relation) -> frozenset[Relation]:
    return frozenset({relation}) if condition else frozenset()


def task(context: KamContext, found: Task) -> Target:
    return Target(Kind.TASK, found.id, _when(found.assignee_id == _me(context), Relation.ASSIGNEE))


def obligation(context: KamContext, found: ObligationView) -> Target:
    return Target(Kind.OBLIGATION, found.id, _when(found.owner_id == _me(context), Relation.OWNER))


def satisfaction_check(context: KamContext, found: CheckView) -> Target:
    return Target(Kind.CHECK, found.id, _when(found.manager_id == _me(context), Relation.ASSIGNEE))


def invite(context: KamContext, found: Invite) -> Target:
    return Target(Kind.INVITE, found.id, _when(found.created_by == _me(context), Relation.CREATOR))


def manager(context: KamContext, member: Manager) -> Target:
    """The manager: the actor themself, or a KAM or BD whose lead is the actor (a lead's team;
    an admin or a lead is nobody's team, whatever their lead_id says)."""
    me = _me(context)
    led = member.lead_id == me and member.id != me and member.role in LED_ROLES
    relations = _when(member.id == me, Relation.SELF) | _when(led, Relation.LED)
    return Target(Kind.MANAGER, member.id, relations)


def account_values(context: KamContext, values: dict[str, object]) -> Target:
    """An account from its column values (the profile editor holds them): whether the manager
    owns it, which is all that reassigning it asks (not its team)."""
    owner = values.get("owner_id") == _me(context)
    raw_id = values.get("id")
    return Target(
        Kind.ACCOUNT, raw_id if isinstance(raw_id, int) else None, _when(owner, Relation.OWNER)
    )


async def contract(context: KamContext, account_id: int, contract_id: int | None = None) -> Target:
    """A contract (or a new one) of the account: what the account is to the manager."""
    relations = await context.services.storage.accounts.relations(account_id, _me(context))
    return Target(Kind.CONTRACT, contract_id, relations)
