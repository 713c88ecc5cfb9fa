"""Contracts and their terms: recurrences, the compliance status, the renewal countdown.

Plain Python: the dates come in (the manager's local "today" from the injected clock), the
rows come in as any object with the attributes of :class:`ObligationLike`.

Recurrences an obligation may have:

* ``none``: once, on its due date;
* ``monthly`` on day N (``recur_day``; a short month takes its last day: day 31 in February
  is the 28th or 29th, and March is the 31st again);
* ``quarterly`` on day N of every third month (clamped the same way);
* ``days``: every N days (``recur_every``, 1 to 3660);
* ``weekly``: every 7 days; ``yearly``: the same day next year (29 February -> 28th).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

ObligationKind = Literal[
    "delivery", "payment", "service_level", "report", "renewal_notice", "other"
]
OBLIGATION_KINDS: tuple[ObligationKind, ...] = (
    "delivery",
    "payment",
    "service_level",
    "report",
    "renewal_notice",
    "other",
)
RecurrenceName = Literal["none", "weekly", "monthly", "quarterly", "yearly", "days"]
RECURRENCES: tuple[RecurrenceName, ...] = (
    "none",
    "monthly",
    "quarterly",
    "days",
    "weekly",
    "yearly",
)
NEEDS_DAY: frozenset[str] = frozenset({"monthly", "quarterly"})
"""Recurrences asked "on which day of the month?"."""
NEEDS_EVERY: frozenset[str] = frozenset({"days"})
"""Recurrences asked "every how many days?"."""
MAX_EVERY_DAYS = 3660
AT_RISK_WITHIN = timedelta(days=7)
"""Something due this soon and not confirmed puts the contract at risk."""
RENEWAL_DAYS = (60, 30)
"""A contract's end is announced to the account's owner this many days before."""
OPEN_STATUSES = ("pending", "delayed")
LIVE_CONTRACT = ("active", "at_risk")
STATUS_CHOICES = ("active", "completed", "terminated")
"""The statuses a manager sets by hand: back in force (which also clears "at risk"), fulfilled,
or ended early. "At risk" follows a missed obligation; a contract out of force gets no renewal
reminders and its obligations no longer count on the card."""


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def on_day(year: int, month: int, day: int) -> date:
    """Day `day` of the month, or its last day when the month is shorter."""
    return date(year, month, min(day, _days_in_month(year, month)))


def add_months(day: date, months: int, on: int | None = None) -> date:
    """`months` later, on day `on` (default: the same day), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return on_day(year, month + 1, on or day.day)


def next_occurrence(
    due: date, recurrence: str, *, every: int | None = None, day: int | None = None
) -> date | None:
    """The due date after `due` of a recurring obligation; None when it does not recur."""
    if recurrence == "weekly":
        return due + timedelta(days=7)
    if recurrence == "days":
        return due + timedelta(days=every) if every and every > 0 else None
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}.get(recurrence)
    if months is None:
        return None
    return add_months(due, months, day if recurrence != "yearly" else None)


def first_occurrence(start: date, recurrence: str, *, day: int | None = None) -> date:
    """The first due date on or after `start`: for "monthly/quarterly on day N", the first
    day N (clamped) from `start` on; otherwise `start` itself."""
    if recurrence not in NEEDS_DAY or day is None:
        return start
    candidate = on_day(start.year, start.month, day)
    return candidate if candidate >= start else add_months(candidate, 1, day)


# --- typed numbers: "day 15", "every 10 days" ---------------------------------------------

_NUMBER = re.compile(r"\d+")
NumberProblem = Literal["not_a_number", "out_of_range"]


@dataclass(frozen=True)
class TypedNumber:
    value: int | None
    problem: NumberProblem | None = None


def _one_number(text: str, low: int, high: int) -> TypedNumber:
    found = _NUMBER.findall(text[:100])
    if len(found) != 1 or len(found[0]) > 6:
        return TypedNumber(None, "not_a_number")
    value = int(found[0])
    if not low <= value <= high:
        return TypedNumber(None, "out_of_range")
    return TypedNumber(value)


def parse_day_of_month(text: str) -> TypedNumber:
    """A day of the month, 1 to 31, from "15", "day 15", "15-го", "15号"."""
    return _one_number(text, 1, 31)


def parse_every_days(text: str) -> TypedNumber:
    """A number of days between occurrences, 1 to 3660, from "10", "every 10 days"."""
    return _one_number(text, 1, MAX_EVERY_DAYS)


# --- contract dates --------------------------------------------------------------------------


def end_before_start(starts_on: date | None, ends_on: date | None) -> bool:
    """Whether the two dates contradict each other (the same day is allowed)."""
    return starts_on is not None and ends_on is not None and ends_on < starts_on


def days_left(ends_on: date | None, today: date) -> int | None:
    """Days until the contract ends (0: today; negative: it has ended)."""
    return None if ends_on is None else (ends_on - today).days


def renewal_day(ends_on: date, days_before: int) -> date:
    return ends_on - timedelta(days=days_before)


# --- compliance ----------------------------------------------------------------------------

Level = Literal["on_track", "at_risk", "breached"]
ReasonKind = Literal["missed", "delayed", "overdue", "due_soon"]


class ObligationLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def description(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def effective_due(self) -> date: ...


@dataclass(frozen=True)
class Reason:
    """Why: which obligation, what about it, and the day it concerns."""

    kind: ReasonKind
    obligation_id: int
    description: str
    day: date


@dataclass(frozen=True)
class Compliance:
    level: Level
    reasons: tuple[Reason, ...] = ()

    @property
    def reason(self) -> Reason | None:
        """The reason to show first (the earliest of the worst kind)."""
        return self.reasons[0] if self.reasons else None


_RISK_ORDER: tuple[ReasonKind, ...] = ("overdue", "delayed", "due_soon")


def _reason(kind: ReasonKind, item: ObligationLike) -> Reason:
    return Reason(kind, item.id, item.description, item.effective_due)


def obligation_state(item: ObligationLike, today: date) -> ReasonKind | None:
    """What about one obligation puts its contract at risk or in breach; None: nothing."""
    if item.status == "missed":
        return "missed"
    if item.status == "delayed":
        return "delayed"
    if item.status != "pending":
        return None
    if item.effective_due < today:
        return "overdue"
    if item.effective_due - today <= AT_RISK_WITHIN:
        return "due_soon"
    return None


def compliance(obligations: Iterable[ObligationLike], today: date) -> Compliance:
    """Breached when an obligation was missed; at risk when one is delayed, or due within
    7 days (or past due) and not confirmed; else on track. Reasons, earliest first."""
    found: dict[ReasonKind, list[Reason]] = {}
    for item in obligations:
        kind = obligation_state(item, today)
        if kind is not None:
            found.setdefault(kind, []).append(_reason(kind, item))
    for kind in found:
        found[kind].sort(key=lambda r: (r.day, r.obligation_id))
    if "missed" in found:
        return Compliance("breached", tuple(found["missed"]))
    risky = [r for kind in _RISK_ORDER for r in found.get(kind, [])]
    return Compliance("at_risk", tuple(risky)) if risky else Compliance("on_track")


# --- what the flows hand to storage --------------------------------------------------------


@dataclass(frozen=True)
class ContractFields:
    """A contract as the manager entered it (storage writes it as it is)."""

    title: str
    number: str | None = None
    signed_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    amount_minor: int | None = None
    currency: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    notes: str | None = None
    deal_id: int | None = None  # the won deal it was signed from (its revenue moves here)


@dataclass(frozen=True)
class ObligationFields:
    """An obligation as the manager entered it."""

    kind: str
    description: str
    party: Literal["ours", "client"]
    due_on: date
    recurrence: RecurrenceName = "none"
    recur_every: int | None = None
    recur_day: int | None = None


# --- date presets for the contract's dates -------------------------------------------------

DateField = Literal["signed", "starts", "ends"]


def date_presets(
    field: str, today: date, *, signed: date | None = None, starts: date | None = None
) -> list[tuple[str, date]]:
    """The buttons of a date question: (name, day). The end's presets run from the start
    (a one-year contract from 1 March ends on the last day of February)."""
    if field == "signed":
        return [("today", today), ("yesterday", today - timedelta(days=1))]
    if field == "starts":
        presets = [("today", today)]
        if signed is not None and signed != today:
            presets.append(("as_signed", signed))
        presets.append(("next_month", add_months(today.replace(day=1), 1)))
        return presets
    base = starts or today
    presets = [(f"{n}y", add_months(base, 12 * n) - timedelta(days=1)) for n in (1, 2, 3)]
    if date(base.year, 12, 31) > base:
        presets.append(("year_end", date(base.year, 12, 31)))
    return presets


def due_presets(today: date) -> list[tuple[str, date]]:
    """The buttons of an obligation's due date: in a week, at the month's end, in a month,
    in a quarter."""
    month_end = on_day(today.year, today.month, 31)
    presets = [("week", today + timedelta(days=7))]
    if month_end > today:
        presets.append(("month_end", month_end))
    return [*presets, ("month", add_months(today, 1)), ("quarter", add_months(today, 3))]


EVERY_PRESETS = (10, 14, 30, 90)
"""Buttons of "every N days"."""
