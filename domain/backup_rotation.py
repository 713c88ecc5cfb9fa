"""Which automatic backups to keep: the newest few days, then one per week for a few weeks.

Backups are named by the UTC moment they were taken (see :func:`backup_name`), so the folder
itself is the schedule's record: a restart never takes a second backup of the same day and
never forgets to take one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

PREFIX = "kam-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^kam-(\d{8})-(\d{6})\.sqlite3$")


def backup_name(at: datetime) -> str:
    """The file name of a backup taken at ``at`` (sorts by time)."""
    return f"{PREFIX}{at.astimezone(UTC):%Y%m%d-%H%M%S}{SUFFIX}"


def taken_at(name: str) -> datetime | None:
    """When the backup called ``name`` was taken; None for any other file."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def is_due(names: Iterable[str], now: datetime) -> bool:
    """A backup is due when none was taken on ``now``'s UTC day."""
    today = now.astimezone(UTC).date()
    return not any((at := taken_at(name)) and at.date() == today for name in names)


def to_keep(names: Iterable[str], *, daily: int, weekly: int) -> set[str]:
    """The backups that survive rotation: the newest of each of the last ``daily`` days that
    have one, then the newest of each of the ``weekly`` ISO weeks before those."""
    dated = sorted(
        ((at, name) for name in names if (at := taken_at(name)) is not None), reverse=True
    )
    keep: set[str] = set()
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for at, name in dated:
        day = at.date()
        week = day.isocalendar()[:2]
        if len(days) < daily and day not in days:
            days.add(day)
            keep.add(name)
        elif day not in days and week not in weeks | _weeks_of(days) and len(weeks) < weekly:
            weeks.add(week)
            keep.add(name)
    return keep


def _weeks_of(days: set[date]) -> set[tuple[int, int]]:
    return {day.isocalendar()[:2] for day in days}
