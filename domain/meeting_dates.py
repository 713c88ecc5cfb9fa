"""Dates in the meeting flow: the preset buttons and how far ahead a date may be.

All in the manager's time zone; results are UTC-aware datetimes (local midnight for a day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.meeting_draft import iso

PLAN_PRESETS = ("t10", "t15", "a10", "m10")  # tomorrow 10/15, the day after 10, next Monday 10
DUE_PRESETS = ("tomorrow", "3d", "week")  # a next step's due day: tomorrow, in 3 days, Monday
PICK_DAYS = 21
"""The day picker offers the next this many days (from tomorrow)."""
MAX_DUE_AHEAD = timedelta(days=3660)
"""A next step's due day may be today up to about ten years ahead."""


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    """The local midnight that starts ``day``, in UTC (domain.dates is imported on first use:
    importing the meeting flow at start-up does not import the date reader)."""
    from domain.dates import day_bounds

    return day_bounds(day, tz)[0]


def today_and_yesterday(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The starts of today and yesterday (local midnight)."""
    today = local_today(now, tz)
    return _midnight(today, tz), _midnight(today - timedelta(days=1), tz)


def plan_preset(preset: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The time of a planning preset button (tomorrow 10:00, ...); None for an unknown one."""
    today = local_today(now, tz)
    days_and_hours = {
        "t10": (1, 10),
        "t15": (1, 15),
        "a10": (2, 10),
        "m10": (7 - today.weekday(), 10),
    }
    if preset not in days_and_hours:
        return None
    days, hour = days_and_hours[preset]
    start = _midnight(today + timedelta(days=days), tz)
    return start.astimezone(tz).replace(hour=hour)


def day_start(now: datetime, tz: ZoneInfo, days: int) -> datetime:
    """Local midnight `days` days from today."""
    return _midnight(local_today(now, tz) + timedelta(days=days), tz)


def due_preset(preset: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The due day of a next-step preset (tomorrow, in 3 days, next Monday)."""
    if preset == "tomorrow":
        return day_start(now, tz, 1)
    if preset == "3d":
        return day_start(now, tz, 3)
    if preset == "week":
        return day_start(now, tz, 7 - local_today(now, tz).weekday())
    return None


def pick_days(now: datetime, tz: ZoneInfo) -> list[date]:
    """The days the picker offers: from tomorrow, PICK_DAYS of them."""
    today = local_today(now, tz)
    return [today + timedelta(days=n) for n in range(1, PICK_DAYS + 1)]


def due_day_allowed(day: date, now: datetime, tz: ZoneInfo) -> bool:
    """A picked due day is today or later, and not absurdly far ahead."""
    return timedelta(0) <= day - local_today(now, tz) <= MAX_DUE_AHEAD


def picked_due(choice: str, now: datetime, tz: ZoneInfo) -> tuple[bool, datetime | None]:
    """(valid, the due time) of a due button: a preset, "none", or a picked day "d:YYYYMMDD"."""
    preset = due_preset(choice, now, tz)
    if preset is not None:
        return True, preset
    if choice == "none":
        return True, None
    if not (choice.startswith("d:") and len(choice) == 10 and choice[2:].isdigit()):
        return False, None
    try:
        day = datetime.strptime(choice[2:], "%Y%m%d").date()
    except ValueError:
        return False, None
    if not due_day_allowed(day, now, tz):
        return False, None
    return True, _midnight(day, tz)


def when_choice(choice: str, now: datetime, tz: ZoneInfo) -> tuple[str | None, bool] | None:
    """(the draft's ISO start, whether it has a time of day) of a "when" button: "now" (None:
    just now), "today" or "yest" (the local day), or a planning preset; None for another."""
    if choice == "now":
        return None, True
    if choice in ("today", "yest"):
        today, yesterday = today_and_yesterday(now, tz)
        return (today if choice == "today" else yesterday).isoformat(), False
    preset = plan_preset(choice, now, tz)
    return None if preset is None else (iso(preset), True)
