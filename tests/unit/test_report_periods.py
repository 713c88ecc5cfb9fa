"""Report periods: local days in the manager's zone, as UTC bounds, across DST and edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.report_periods import custom_period, named_period

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_weeks_start_on_monday_in_the_managers_zone() -> None:
    # Sunday 29 Nov 2026 23:30 UTC is already Monday 30 Nov in Moscow
    now = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    week = named_period("this_week", now, MOSCOW)
    assert (week.first, week.last) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week.start == datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
    last = named_period("last_week", now, MOSCOW)
    assert (last.first, last.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert last.end == week.start
    # in London it is still Sunday: this week is the one that began on the 23rd
    assert named_period("this_week", now, ZoneInfo("Europe/London")).first == date(2026, 11, 23)


def test_a_week_across_the_spring_dst_change_is_seven_days_of_167_hours() -> None:
    now = datetime(2026, 4, 1, 12, tzinfo=UTC)  # Wednesday; clocks went forward on 29 March
    last = named_period("last_week", now, BERLIN)
    assert (last.first, last.last) == (date(2026, 3, 23), date(2026, 3, 29))
    assert last.start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET midnight
    assert last.end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST midnight
    assert last.end - last.start == timedelta(hours=167)
    assert last.days == 7


def test_a_week_across_the_autumn_dst_change_has_169_hours() -> None:
    now = datetime(2026, 10, 28, 12, tzinfo=UTC)
    last = named_period("last_week", now, BERLIN)
    assert (last.first, last.last) == (date(2026, 10, 19), date(2026, 10, 25))
    assert last.end - last.start == timedelta(hours=169)
    assert last.contains(datetime(2026, 10, 25, 22, 59, tzinfo=UTC))  # 23:59 CET, Sunday
    assert not last.contains(last.end)


def test_months_and_their_edges() -> None:
    now = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # 1 March in Berlin (01:30), 08:30 Shanghai
    month = named_period("this_month", now, BERLIN)
    assert (month.first, month.last) == (date(2026, 3, 1), date(2026, 3, 31))
    before = named_period("last_month", now, BERLIN)
    assert (before.first, before.last) == (date(2026, 2, 1), date(2026, 2, 28))
    leap = named_period("last_month", datetime(2028, 3, 10, tzinfo=UTC), BERLIN)
    assert leap.last == date(2028, 2, 29)
    january = named_period("last_month", datetime(2027, 1, 15, tzinfo=UTC), SHANGHAI)
    assert (january.first, january.last) == (date(2026, 12, 1), date(2026, 12, 31))
    december = named_period("this_month", datetime(2026, 12, 31, 17, tzinfo=UTC), SHANGHAI)
    assert december.first == date(2027, 1, 1)  # already 1 January in Shanghai


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 8, 15), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarters(day: date, first: date, last: date) -> None:
    now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    quarter = named_period("this_quarter", now, MOSCOW)
    assert (quarter.first, quarter.last) == (first, last)


def test_the_previous_period_has_the_same_number_of_days() -> None:
    month = named_period("this_month", datetime(2026, 3, 10, tzinfo=UTC), BERLIN)
    previous = month.previous()
    assert (previous.first, previous.last) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous.days == 31 and previous.end == month.start


def test_custom_periods() -> None:
    period = custom_period(date(2026, 11, 1), date(2026, 11, 1), MOSCOW)
    assert not isinstance(period, str)
    assert period.days == 1 and period.end - period.start == timedelta(days=1)
    assert custom_period(date(2026, 11, 2), date(2026, 11, 1), MOSCOW) == "end_before_start"
    assert custom_period(date(2020, 1, 1), date(2026, 1, 1), MOSCOW) == "too_long"
    with pytest.raises(ValueError, match="not a named period"):
        named_period("custom", datetime(2026, 1, 1, tzinfo=UTC), MOSCOW)
