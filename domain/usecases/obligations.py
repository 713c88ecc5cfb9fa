"""Resolving an obligation: met, missed or delayed, and what a missed one sets off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.contracts import next_occurrence
from domain.entities import ObligationOutcome, ObligationView, Party, Recurrence
from domain.reminders import Occasion, missed_occasion
from domain.usecases.notices import lead_notice

OPEN_STATUSES = ("pending", "delayed")


def next_due(
    day: date, recurrence: Recurrence, *, every: int | None = None, on: int | None = None
) -> date | None:
    """The next occurrence of a recurring obligation (month ends are clamped; see
    domain.contracts.next_occurrence)."""
    return next_occurrence(day, recurrence, every=every, day=on)


DELAY_CHOICES = (("week", 7), ("two_weeks", 14), ("month", 0))
"""Delayed to...: in a week, in two weeks, in a month (the same day next month)."""


def is_open(view: ObligationView) -> bool:
    """Still waiting for "was it met?" (pending, or delayed to a later day)."""
    return view.status in OPEN_STATUSES


def delay_target(choice: str, today: date) -> date | None:
    """The new due day of a "Delayed to..." choice; None for an unknown choice."""
    if choice == "month":
        return next_due(today, "monthly")
    days = dict(DELAY_CHOICES).get(choice)
    return None if not days else today + timedelta(days=days)


def delay_allowed(day: date, today: date) -> bool:
    """An obligation can only be delayed to a day after today."""
    return day > today


@dataclass(frozen=True)
class NextObligation:
    contract_id: int
    description: str
    due_on: date
    party: Party
    recurrence: Recurrence
    kind: str = "other"
    recur_every: int | None = None
    recur_day: int | None = None


@dataclass(frozen=True)
class ResolvePlan:
    """What resolving writes: the obligation's status, maybe the contract, a notice, the next."""

    obligation_id: int
    old_status: str
    outcome: ObligationOutcome
    old_delayed_to: date | None
    delayed_to: date | None
    contract_at_risk: int | None  # the contract to mark at risk
    notice: Occasion | None
    following: NextObligation | None

    @property
    def lead_id(self) -> int | None:
        return None if self.notice is None else self.notice.manager_id


def following_occurrence(view: ObligationView) -> NextObligation | None:
    """The next occurrence of a recurring obligation, as it will be inserted; the next due
    date follows the scheduled one (not a delayed one), so a cadence does not drift."""
    day = next_due(view.due_on, view.recurrence, every=view.recur_every, on=view.recur_day)
    if day is None:
        return None
    return NextObligation(
        view.contract_id,
        view.description,
        day,
        view.party,
        view.recurrence,
        view.kind,
        view.recur_every,
        view.recur_day,
    )


def plan_resolve(
    view: ObligationView,
    outcome: ObligationOutcome,
    *,
    actor_id: int,
    now: datetime,
    lead_id: int | None,
    delayed_to: date | None = None,
) -> ResolvePlan | None:
    """The plan for resolving `view`; None when it was already met or missed.

    A missed obligation marks an active contract at risk and tells the lead of the
    account's owner; a met or missed recurring one gets its next occurrence.
    """
    if outcome == "delayed" and delayed_to is None:
        raise ValueError("a delayed obligation needs the new date")
    if not is_open(view):
        return None
    missed = outcome == "missed"
    notice = None
    if missed:
        notice = lead_notice(lead_id, actor_id, missed_occasion, ref_id=view.id, now=now)
    following = None if outcome == "delayed" else following_occurrence(view)
    return ResolvePlan(
        obligation_id=view.id,
        old_status=view.status,
        outcome=outcome,
        old_delayed_to=view.delayed_to,
        delayed_to=delayed_to if outcome == "delayed" else None,
        contract_at_risk=view.contract_id if missed and view.contract_status == "active" else None,
        notice=notice,
        following=following,
    )
