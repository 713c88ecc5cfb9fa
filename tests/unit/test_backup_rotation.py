"""Which automatic backups are kept, and when one is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.backup_rotation import backup_name, is_due, taken_at, to_keep


def _daily(first: datetime, count: int) -> list[str]:
    return [backup_name(first - timedelta(days=n)) for n in range(count)]


def test_a_name_carries_its_moment() -> None:
    at = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)
    assert backup_name(at) == "kam-20261201-030405.sqlite3"
    assert taken_at(backup_name(at)) == at
    assert taken_at("notes.txt") is None
    assert taken_at("kam-20261399-000000.sqlite3") is None


def test_one_backup_a_day_whatever_the_restarts() -> None:
    now = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert is_due([], now)
    assert not is_due([backup_name(now.replace(hour=0, minute=5))], now)
    assert is_due([backup_name(now - timedelta(days=1))], now)


def test_seven_daily_and_four_weekly_by_default() -> None:
    today = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # a Tuesday
    names = _daily(today, 60)
    kept = to_keep(names, daily=7, weekly=4)
    kept_days = sorted(at.date() for name in kept if (at := taken_at(name)))
    assert len(kept) == 11
    assert kept_days[-7:] == [(today - timedelta(days=n)).date() for n in range(6, -1, -1)]
    weekly = kept_days[:4]
    # One per ISO week, the newest of that week (a Sunday), weeks before the daily ones.
    assert [day.weekday() for day in weekly] == [6, 6, 6, 6]
    assert len({day.isocalendar()[:2] for day in weekly}) == 4


def test_the_newest_backup_of_a_day_is_the_one_kept_and_other_files_are_ignored() -> None:
    morning = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    names = [backup_name(morning), backup_name(morning + timedelta(hours=5)), "README"]
    assert to_keep(names, daily=7, weekly=4) == {backup_name(morning + timedelta(hours=5))}
