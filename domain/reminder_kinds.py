"""The reminder kinds, one declaration each: who receives it, when it falls due, whether a
recorded delivery is still current when it is sent, and how quiet hours and the "while I was
offline" bundle treat it.

When a kind falls due is its occasion builder in :mod:`domain.reminders` (named in `due`);
the scan in storage.reminders and the use cases that enqueue the lead's notices call them.
What a kind says is its renderer in handlers/reminders/kinds/, registered under the same name
(tests/unit/test_reminder_registry.py checks that both lists match).

The `*_current` rules take any object with the attributes named by the protocols below (the
storage rows have them), so they stay plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from domain.reminders import KINDS, Kind, task_occasion

Source = Literal["none", "task", "meeting", "check", "obligation", "contract"]


@dataclass(frozen=True)
class KindRule:
    """How one kind of reminder behaves, apart from what it says."""

    kind: Kind
    source: Source  # what the delivery's ref_id names
    due: str  # the domain.reminders function that says when it falls due
    switch: str | None  # the manager's preference that turns it off; None: never off
    explicit: bool = False  # timed by the manager: fires inside quiet hours when on time
    catch_up: bool = True  # found late, it goes into the "while I was offline" bundle
    to_lead: bool = False  # sent to a lead about someone else's work


RULES: dict[str, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule(
            "digest", "none", "digest_occasion", "notify_digest", explicit=True, catch_up=False
        ),
        KindRule("task", "task", "task_occasion", "notify_tasks", explicit=True),
        KindRule("brief", "meeting", "brief_occasion", "notify_meetings", catch_up=False),
        KindRule("held", "meeting", "held_occasion", "notify_meetings"),
        KindRule("sat", "check", "satisfaction_occasion", "notify_satisfaction"),
        KindRule("obligation", "obligation", "obligation_occasions", "notify_contracts"),
        KindRule("escalation", "task", "escalation_occasion", None, to_lead=True),
        KindRule("low_score", "check", "low_score_occasion", None, to_lead=True),
        KindRule("missed", "obligation", "missed_occasion", None, to_lead=True),
        KindRule("renewal", "contract", "renewal_occasions", "notify_contracts"),
        KindRule(
            "weekly", "none", "weekly_occasion", "weekly_report", explicit=True, catch_up=False
        ),
    )
}
assert tuple(RULES) == KINDS, "every kind is declared once, in KINDS order"


def rule_of(kind: str) -> KindRule | None:
    """The rules of a stored delivery's kind; None for a kind this version does not know."""
    return RULES.get(kind)


def switched_off(kind: str, prefs: object) -> bool:
    """Whether the manager has turned this kind of reminder off."""
    rule = rule_of(kind)
    if rule is None or rule.switch is None:
        return False
    return not getattr(prefs, rule.switch)


# --- is a recorded delivery still current? -------------------------------------------------


class TaskRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def assignee_id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def snoozed_until(self) -> datetime | None: ...


class MeetingRow(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...


class CheckRow(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def score(self) -> int | None: ...


class ObligationRow(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def contract_status(self) -> str: ...
    @property
    def effective_due(self) -> date: ...


def task_remind_at(task: TaskRow) -> datetime | None:
    """When a task reminds its assignee: its snooze, else its due time."""
    return task.snoozed_until or task.due_at


def task_current(task: TaskRow, key: str, *, listing: bool = False) -> bool:
    """An open task still due at this occasion (a new snooze is another occasion; a list of
    what was sent still shows it)."""
    remind_at = task_remind_at(task)
    if task.status != "open" or remind_at is None:
        return False
    return listing or task_occasion(task.id, task.assignee_id, remind_at).key == key


def brief_current(meeting: MeetingRow, key: str, now: datetime) -> bool:
    """A planned meeting, not started, still at the time the brief was recorded for."""
    if meeting.status != "planned" or meeting.starts_at <= now:
        return False
    return meeting.starts_at.strftime("%Y%m%dT%H%M%SZ") in key


def held_current(meeting: MeetingRow) -> bool:
    """ "How did it go?" until the meeting is logged or cancelled."""
    return meeting.status == "planned"


def check_current(check: CheckRow, *, listing: bool = False) -> bool:
    """A check not yet asked (a list of what was sent still shows one asked and unanswered)."""
    return check.status in (("scheduled", "asked") if listing else ("scheduled",))


def obligation_current(obligation: ObligationRow, key: str) -> bool:
    """Open, under a live contract, and still due on the date the reminder was recorded for."""
    return (
        obligation.status in ("pending", "delayed")
        and obligation.contract_status in ("active", "at_risk")
        and f":{obligation.effective_due.isoformat()}:" in key
    )


def escalation_current(task: TaskRow) -> bool:
    return task.status == "open" and task.due_at is not None


def low_score_current(check: CheckRow) -> bool:
    return check.score is not None


def missed_current(obligation: ObligationRow) -> bool:
    return obligation.status == "missed"


class ContractRow(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def ends_on(self) -> date | None: ...


def renewal_current(contract: ContractRow, key: str) -> bool:
    """A live contract still ending on the date the reminder was recorded for."""
    return (
        contract.status in ("active", "at_risk")
        and contract.ends_on is not None
        and f":{contract.ends_on.isoformat()}:" in key
    )
