"""Report periods: this week, last week, this month, last month, this quarter, or two dates.

A period is a run of whole local days in the manager's zone, ``first`` to ``last`` inclusive;
``start`` and ``end`` are the UTC instants of its bounds, ``[start, end)``: the local
midnight of ``first`` and of the day after ``last``, so a week across a DST change is 167 or
169 hours long and still exactly seven days. Weeks start on Monday. "Now" comes from the
injected clock.

    period = named_period("last_week", now, ZoneInfo("Europe/Berlin"))
    period.first, period.last      # Monday and Sunday of the previous week
    period.previous()              # the seven days before it (the trend's comparison)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

PeriodKind = Literal["this_week", "last_week", "this_month", "last_month", "this_quarter", "custom"]
NAMED: tuple[PeriodKind, ...] = (
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
)
MAX_CUSTOM_DAYS = 366 * 2
"""The longest custom period (two years): longer reports are not readable on a phone."""


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant a local day begins (a day starting inside a DST gap: the gap's end)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date  # inclusive
    tz: ZoneInfo

    @cached_property
    def start(self) -> datetime:
        return local_midnight(self.first, self.tz)

    @cached_property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def contains_day(self, day: date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> Period:
        """The period of the same number of days just before this one."""
        last = self.first - timedelta(days=1)
        return Period("custom", last - timedelta(days=self.days - 1), last, self.tz)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def named_period(kind: PeriodKind, now: datetime, tz: ZoneInfo) -> Period:
    """The named period around ``now`` (aware) in ``tz``; "custom" is :func:`custom_period`."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    if kind == "this_week":
        return Period(kind, monday, monday + timedelta(days=6), tz)
    if kind == "last_week":
        return Period(kind, monday - timedelta(days=7), monday - timedelta(days=1), tz)
    if kind == "this_month":
        first = _month_start(today)
        return Period(kind, first, _next_month(first) - timedelta(days=1), tz)
    if kind == "last_month":
        last = _month_start(today) - timedelta(days=1)
        return Period(kind, _month_start(last), last, tz)
    if kind == "this_quarter":
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        after = _next_month(_next_month(_next_month(first)))
        return Period(kind, first, after - timedelta(days=1), tz)
    raise ValueError(f"not a named period: {kind!r}")


CustomError = Literal["end_before_start", "too_long"]


def custom_period(first: date, last: date, tz: ZoneInfo) -> Period | CustomError:
    """Two typed days, both inclusive; an error name when they make no period."""
    if last < first:
        return "end_before_start"
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        return "too_long"
    return Period("custom", first, last, tz)
