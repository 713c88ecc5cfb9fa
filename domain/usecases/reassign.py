"""Reassigning accounts: what moves with an account when it gets another owner.

An account moves with what its owner was doing for it: the owner's open tasks on it, the
meetings they planned there (the author of a planned meeting is who gets its brief and its
"How did it go?"; a held meeting stays with whoever wrote it, history is not rewritten), the
satisfaction checks still waiting for an answer (scheduled or asked), the open deals they own,
and the reminders already recorded for those and still waiting to go out (the contract
reminders of its contracts too). Someone else's task on the account stays theirs; the
reminders to leads (escalations, low scores, missed obligations) stay with the lead.

Storage reads the facts (:class:`Holdings`) in its transaction, :func:`plan_reassign`
decides, storage writes the :class:`ReassignPlan` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPEN_CHECK_STATUSES = ("scheduled", "asked")
CLOSED_DEAL_STAGES = ("won", "lost")
# the pending reminder kinds that move, and what their ref_id names
_MOVING_KINDS = {
    "task": "tasks",
    "brief": "meetings",
    "held": "meetings",
    "sat": "checks",
    "obligation": "obligations",
    "renewal": "contracts",
}
_KEYED_BY_MANAGER = ("brief", "held")  # 'brief:<meeting>:<manager>:…', 'held:<meeting>:<manager>'


@dataclass(frozen=True)
class Held:
    """A row that belongs to an account and to one manager (owner, assignee, author)."""

    id: int
    account_id: int
    manager_id: int | None
    status: str = ""  # a task's, a meeting's or a check's status; a deal's stage


@dataclass(frozen=True)
class Pending:
    """A reminder delivery still waiting to be sent."""

    id: int
    key: str
    kind: str
    ref_id: int | None
    manager_id: int


@dataclass(frozen=True)
class Holdings:
    """What the accounts to move hold (read in the transaction that writes the plan)."""

    accounts: list[Held]  # id = account_id; manager_id = owner
    tasks: list[Held] = field(default_factory=list)
    meetings: list[Held] = field(default_factory=list)
    checks: list[Held] = field(default_factory=list)
    deals: list[Held] = field(default_factory=list)
    contracts: list[Held] = field(default_factory=list)
    obligations: list[Held] = field(default_factory=list)
    reminders: list[Pending] = field(default_factory=list)  # the old owner's pending ones


@dataclass(frozen=True)
class Moved:
    """A reminder that follows its row: delivery id and its key for the new manager."""

    id: int
    key: str


@dataclass(frozen=True)
class ReassignPlan:
    from_id: int
    to_id: int
    accounts: list[int]
    tasks: list[int]
    meetings: list[int]
    checks: list[int]
    deals: list[int]
    reminders: list[Moved]

    @property
    def is_empty(self) -> bool:
        return not self.accounts


def moved_key(kind: str, key: str, from_id: int, to_id: int) -> str:
    """The delivery's key for the new manager: a brief's and a "How did it go?"'s key names
    the manager (the scan would otherwise record them again under the new one's key)."""
    if kind not in _KEYED_BY_MANAGER:
        return key
    parts = key.split(":")
    if len(parts) >= 3 and parts[2] == str(from_id):
        parts[2] = str(to_id)
    return ":".join(parts)


def plan_reassign(holdings: Holdings, from_id: int, to_id: int) -> ReassignPlan:
    """What moves from `from_id` to `to_id` with the accounts of `holdings` that `from_id`
    owns; nothing when they are the same manager."""
    if from_id == to_id:
        return ReassignPlan(from_id, to_id, [], [], [], [], [], [])
    accounts = {a.id for a in holdings.accounts if a.manager_id == from_id}

    def theirs(rows: list[Held]) -> list[int]:
        return sorted(r.id for r in rows if r.account_id in accounts and r.manager_id == from_id)

    moving = {
        "tasks": theirs([t for t in holdings.tasks if t.status == "open"]),
        "meetings": theirs([m for m in holdings.meetings if m.status == "planned"]),
        "checks": theirs([c for c in holdings.checks if c.status in OPEN_CHECK_STATUSES]),
        "deals": theirs([d for d in holdings.deals if d.status not in CLOSED_DEAL_STAGES]),
    }
    refs = {
        **{name: set(ids) for name, ids in moving.items()},
        "contracts": {c.id for c in holdings.contracts if c.account_id in accounts},
        "obligations": {o.id for o in holdings.obligations if o.account_id in accounts},
    }
    reminders = [
        Moved(r.id, moved_key(r.kind, r.key, from_id, to_id))
        for r in sorted(holdings.reminders, key=lambda r: r.id)
        if r.manager_id == from_id
        and r.kind in _MOVING_KINDS
        and r.ref_id in refs[_MOVING_KINDS[r.kind]]
    ]
    return ReassignPlan(
        from_id,
        to_id,
        sorted(accounts),
        moving["tasks"],
        moving["meetings"],
        moving["checks"],
        moving["deals"],
        reminders,
    )
