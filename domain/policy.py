"""Who may see or change what: the one place the bot's access rules live.

Plain functions over small facts. The caller (a handler, or storage building a query) states
who acts (:class:`Actor`: id, role, active), what they want to do (:class:`Action`) and what the
object is to them (:class:`Target`: its kind, id and the actor's :class:`Relation` to it: owner
of the account, on its team, the meeting's author, the task's assignee, the invite's creator,
the manager themself). :func:`decide` answers with a :class:`Decision`.

The rules, in short: an inactive manager may do nothing. Leads and admins see every account
and every meeting and change any of them; a KAM or BD sees an account they own or are on the
team of, and the meetings of those accounts, and changes the meetings they wrote. Only the
assignee sees and works a task or answers a satisfaction check. An obligation is answered by
its account's owner, a lead or an admin. Admins invite any role and withdraw any invite; leads
invite KAMs and BDs and see and withdraw their own invites. Admins see every manager, a lead
their team (the KAMs and BDs they lead) and themself; only admins change a manager's role or
lead, never their own; admins switch anyone's access off or on but their own, a lead their
team's; a lead gives away the accounts of their team (and their own), an admin anyone's.
An account's history of changes is its owner's, the leads' and the admins' (not its team's);
the whole audit log only admins'. Only admins erase a contact's personal data.

Example::

    actor = Actor(id=7, role="kam", active=True)
    target = Target(Kind.MEETING, 42, frozenset({Relation.TEAM}))
    decide(actor, Action.SEE, target).allowed      # True: on the account's team
    decide(actor, Action.CHANGE, target).allowed   # False: only its author, leads, admins
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

ALL_ROLES = ("admin", "lead", "kam", "bd")
LED_ROLES = ("kam", "bd")
"""The roles that have a lead: a lead's team is the KAMs and BDs whose lead they are (an admin
or a lead is nobody's team, whatever their lead_id says). Queries follow it through
storage.managers.led_by."""


class Action(Enum):
    LIST = "list"  # open the list (of invites, of the team) at all
    SEE = "see"
    CHANGE = "change"
    DELETE = "delete"
    ANSWER = "answer"  # an obligation's "was it met?", a satisfaction check's score
    REASSIGN = "reassign"  # give an account to another owner
    CREATE = "create"  # an invite (for the role in Target.role)
    WITHDRAW = "withdraw"  # an invite
    SWITCH = "switch"  # a manager's access, off or on
    HISTORY = "history"  # read an account's history of changes (the audit log)
    ERASE = "erase"  # a person's personal data, on their request


class Kind(Enum):
    ACCOUNT = "account"
    MEETING = "meeting"
    TASK = "task"
    OBLIGATION = "obligation"
    CHECK = "satisfaction_check"
    INVITE = "invite"
    MANAGER = "manager"
    CONTRACT = "contract"  # a contract and its obligations' terms, through the account
    DEAL = "deal"  # a deal or a tender, through the account
    REPORT = "report"  # a manager's report (SELF: one's own); the team's is the leads'
    PORTFOLIO = "portfolio"  # the lead's view of every manager's accounts and revenue
    AUDIT = "audit"  # the whole audit log (its export)
    CONTACT = "contact"  # a client's contact person (erasing their personal data)


class Relation(Enum):
    OWNER = "owner"  # owns the account (of the meeting, of the obligation)
    TEAM = "team"  # on the account's team
    AUTHOR = "author"  # wrote the meeting
    ASSIGNEE = "assignee"  # the task or the satisfaction check is theirs
    CREATOR = "creator"  # created the invite
    SELF = "self"  # the manager is the actor
    LED = "led"  # the manager (a KAM or BD) is of the actor's team: their lead is the actor


@dataclass(frozen=True)
class Actor:
    id: int
    role: str
    active: bool = True


@dataclass(frozen=True)
class Target:
    kind: Kind
    id: int | None = None
    relations: frozenset[Relation] = frozenset()
    role: str | None = None  # the role an invite is for


@dataclass(frozen=True)
class Decision:
    allowed: bool
    actor: Actor
    action: Action
    target: Target
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Rule:
    """Who may: these roles always; an active manager through one of these relations (only
    one of the roles in ``through_roles``, when given); never through the relations in
    ``never`` (an admin does not change their own role)."""

    roles: frozenset[str] = frozenset()
    relations: frozenset[Relation] = frozenset()
    never: frozenset[Relation] = frozenset()
    through_roles: frozenset[str] | None = None


def _rule(
    roles: Iterable[str] = (),
    relations: Iterable[Relation] = (),
    never: Iterable[Relation] = (),
    through_roles: Iterable[str] | None = None,
) -> Rule:
    through = None if through_roles is None else frozenset(through_roles)
    return Rule(frozenset(roles), frozenset(relations), frozenset(never), through)


_LEADS = ("admin", "lead")
_ACCOUNT_SEEN = (Relation.OWNER, Relation.TEAM)
_MEETING_SEEN = (Relation.AUTHOR, *_ACCOUNT_SEEN)
_TEAM_OF_LEAD = (Relation.LED, Relation.SELF)

RULES: dict[tuple[Kind, Action], Rule] = {
    (Kind.ACCOUNT, Action.SEE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.ACCOUNT, Action.CHANGE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.ACCOUNT, Action.REASSIGN): _rule(_LEADS, [Relation.OWNER]),
    (Kind.ACCOUNT, Action.HISTORY): _rule(_LEADS, [Relation.OWNER]),
    (Kind.MEETING, Action.SEE): _rule(_LEADS, _MEETING_SEEN),
    (Kind.MEETING, Action.CHANGE): _rule(_LEADS, [Relation.AUTHOR]),
    (Kind.MEETING, Action.DELETE): _rule(_LEADS, [Relation.AUTHOR]),
    (Kind.TASK, Action.SEE): _rule((), [Relation.ASSIGNEE]),
    (Kind.TASK, Action.CHANGE): _rule((), [Relation.ASSIGNEE]),
    (Kind.OBLIGATION, Action.SEE): _rule(_LEADS, [Relation.OWNER]),
    (Kind.OBLIGATION, Action.ANSWER): _rule(_LEADS, [Relation.OWNER]),
    (Kind.CHECK, Action.SEE): _rule((), [Relation.ASSIGNEE]),
    (Kind.CHECK, Action.ANSWER): _rule((), [Relation.ASSIGNEE]),
    (Kind.INVITE, Action.LIST): _rule(_LEADS),
    (Kind.INVITE, Action.SEE): _rule(["admin"], [Relation.CREATOR], through_roles=["lead"]),
    (Kind.INVITE, Action.WITHDRAW): _rule(["admin"], [Relation.CREATOR], through_roles=["lead"]),
    (Kind.MANAGER, Action.LIST): _rule(_LEADS),
    (Kind.MANAGER, Action.SEE): _rule(["admin"], _TEAM_OF_LEAD, through_roles=["lead"]),
    (Kind.MANAGER, Action.CHANGE): _rule(["admin"], never=[Relation.SELF]),
    (Kind.MANAGER, Action.SWITCH): _rule(
        ["admin"], [Relation.LED], never=[Relation.SELF], through_roles=["lead"]
    ),
    # give away the manager's accounts (with their tasks, meetings, checks)
    (Kind.MANAGER, Action.REASSIGN): _rule(["admin"], _TEAM_OF_LEAD, through_roles=["lead"]),
    (Kind.CONTRACT, Action.SEE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.CONTRACT, Action.CHANGE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.DEAL, Action.SEE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.DEAL, Action.CHANGE): _rule(_LEADS, _ACCOUNT_SEEN),
    (Kind.REPORT, Action.SEE): _rule(_LEADS, [Relation.SELF]),
    (Kind.PORTFOLIO, Action.LIST): _rule(_LEADS),
    (Kind.PORTFOLIO, Action.REASSIGN): _rule(_LEADS),
    (Kind.AUDIT, Action.LIST): _rule(["admin"]),
    (Kind.CONTACT, Action.ERASE): _rule(["admin"]),
}

# Who invites whom: admins anyone; leads the people of their team; nobody else.
INVITABLE: dict[str, tuple[str, ...]] = {"admin": ALL_ROLES, "lead": ("kam", "bd")}


def invitable_roles(role: str) -> tuple[str, ...]:
    """The roles a manager of ``role`` may invite (empty: they may not invite)."""
    return INVITABLE.get(role, ())


def sees_all(role: str, kind: Kind = Kind.ACCOUNT) -> bool:
    """Whether ``role`` sees every object of ``kind`` whatever its relation to it."""
    rule = RULES.get((kind, Action.SEE))
    return rule is not None and role in rule.roles


def granting(kind: Kind, action: Action = Action.SEE) -> frozenset[Relation]:
    """The relations through which any active manager may do ``action`` to a ``kind``
    (storage builds its visibility filters from this)."""
    rule = RULES.get((kind, action))
    if rule is None or rule.through_roles is not None:
        return frozenset()
    return rule.relations


def decide(actor: Actor, action: Action, target: Target) -> Decision:
    def result(allowed: bool, reason: str) -> Decision:
        return Decision(allowed, actor, action, target, reason)

    if not actor.active:
        return result(False, "inactive")
    if target.kind is Kind.INVITE and action is Action.CREATE:
        if target.role in invitable_roles(actor.role):
            return result(True, "role")
        return result(False, "role")
    rule = RULES.get((target.kind, action))
    if rule is None:
        return result(False, "no such action")
    if target.relations & rule.never:
        return result(False, "never")
    if actor.role in rule.roles:
        return result(True, "role")
    through = rule.through_roles is None or actor.role in rule.through_roles
    if through and target.relations & rule.relations:
        return result(True, "relation")
    return result(False, "no relation")
