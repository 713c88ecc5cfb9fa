"""domain.digest: what the morning digest lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.digest import (
    AccountItem,
    BirthdayItem,
    DigestSources,
    ObligationItem,
    TaskItem,
    birthday_on,
    build_digest,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 09:00 Moscow


def task(
    task_id: int, due: datetime, *, has_time: bool = True, snoozed: datetime | None = None
) -> TaskItem:
    return TaskItem(task_id, None, None, f"task {task_id}", due, has_time, snoozed)


def test_tasks_sorted_into_today_and_overdue() -> None:
    sources = DigestSources(
        tasks=[
            task(1, datetime(2026, 11, 26, 11, 0, tzinfo=UTC)),  # 14:00 today
            task(2, datetime(2026, 11, 25, 21, 0, tzinfo=UTC), has_time=False),  # today, date only
            task(3, datetime(2026, 11, 24, 21, 0, tzinfo=UTC), has_time=False),  # yesterday
            task(4, datetime(2026, 11, 26, 5, 0, tzinfo=UTC)),  # 08:00 today, passed
            task(5, datetime(2026, 11, 20, 9, 0, tzinfo=UTC), snoozed=NOW + timedelta(days=3)),
        ]
    )
    digest = build_digest(sources, NOW, MOSCOW)
    assert [t.id for t in digest.due_today] == [2, 1]
    assert [t.id for t in digest.overdue] == [3, 4]  # 5 is snoozed to a later day
    assert not digest.is_empty


def test_obligations_within_a_week_and_past_ones() -> None:
    def obligation(oid: int, day: date) -> ObligationItem:
        return ObligationItem(oid, "Supply", 1, "VT-Metal", f"o{oid}", "ours", day)

    sources = DigestSources(
        obligations=[
            obligation(1, date(2026, 11, 26)),
            obligation(2, date(2026, 12, 3)),
            obligation(3, date(2026, 12, 4)),
            obligation(4, date(2026, 11, 20)),
        ]
    )
    digest = build_digest(sources, NOW, MOSCOW)
    assert [o.id for o in digest.obligations] == [1, 2]
    assert [o.id for o in digest.overdue_obligations] == [4]


def test_silent_accounts_by_cadence() -> None:
    long_ago = NOW - timedelta(days=45)
    sources = DigestSources(
        accounts=[
            AccountItem(1, "Quiet Ltd", NOW - timedelta(days=31), 30, long_ago),
            AccountItem(2, "Fresh Ltd", NOW - timedelta(days=5), 30, long_ago),
            AccountItem(3, "Never Ltd", None, 30, long_ago),
            AccountItem(4, "New Ltd", None, 30, NOW - timedelta(days=2)),
            AccountItem(5, "Weekly Ltd", NOW - timedelta(days=8), 7, long_ago),
        ]
    )
    digest = build_digest(sources, NOW, MOSCOW)
    assert [(s.account.id, s.days) for s in digest.silent] == [(3, None), (1, 31), (5, 8)]


def test_birthdays_today_and_this_week() -> None:
    def person(cid: int, birthday: str) -> BirthdayItem:
        return BirthdayItem(cid, f"person {cid}", 1, "VT-Metal", birthday)

    sources = DigestSources(
        birthdays=[
            person(1, "1980-11-26"),
            person(2, "--11-29"),
            person(3, "1975-12-03"),  # in 7 days: next week
            person(4, "1990-11-25"),  # yesterday
            person(5, "garbage"),
        ]
    )
    digest = build_digest(sources, NOW, MOSCOW)
    assert [b.item.contact_id for b in digest.birthdays_today] == [1]
    assert [(b.item.contact_id, b.day) for b in digest.birthdays_week] == [(2, date(2026, 11, 29))]


def test_leap_day_birthday_in_other_years() -> None:
    assert birthday_on("2000-02-29", 2027) == date(2027, 2, 28)
    assert birthday_on("--02-29", 2028) == date(2028, 2, 29)


def test_empty_digest() -> None:
    assert build_digest(DigestSources(), NOW, MOSCOW).is_empty
