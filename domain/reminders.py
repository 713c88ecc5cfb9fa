"""When a reminder goes out: local times, workdays, quiet hours and the catch-up rule.

Everything here is pure: times come in as aware datetimes (the injected clock's "now"), a
manager's preferences come in as any object with the attributes of :class:`ReminderPrefs`.

Rules:

* Local wall times are turned into UTC with zoneinfo, so they are right across DST changes.
  A time inside a spring-forward gap moves forward by the gap (02:30 -> 03:30); an ambiguous
  time on the autumn change is its first occurrence. Every reminder is keyed by its source
  row and occasion (e.g. the local date for a digest), so it is delivered once whatever the
  clocks do.
* Quiet hours (default 21:00-08:00 local) hold pushes until they end. Items the manager
  timed explicitly inside quiet hours (a task due at 22:00, a digest set to 07:30) still
  fire at their time.
* Catch-up: a reminder found more than :data:`CATCH_UP_AFTER` after it was due (the bot was
  down, or the manager had blocked it) is not pushed on its own; all such reminders of one
  manager go out together in one "while I was offline" message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CATCH_UP_AFTER = timedelta(minutes=15)
"""A reminder later than this (after downtime) goes into the one catch-up message."""

ON_TIME = timedelta(minutes=10)
"""How late an explicitly timed item may be found and still count as firing on time."""

INITIAL_LOOKBACK = timedelta(minutes=10)
"""How far back the very first scan of a new database looks."""

SEND_LEASE = timedelta(minutes=10)
"""A delivery claimed this long ago and still not confirmed is sent again (crash recovery)."""

ESCALATE_AFTER = timedelta(days=3)
"""A task overdue by more than this is reported to the lead, once."""

HELD_AFTER = timedelta(hours=1)
""""How did it go?" is asked this long after a planned meeting's start."""

HELD_AFTER_DATE_ONLY = timedelta(hours=18)
""""How did it go?" for a meeting planned for a day without a time: that day at 18:00."""

BRIEF_MAX_LEAD = timedelta(hours=24)
"""The longest time before a meeting that its brief is sent."""

OBLIGATION_OCCASIONS: tuple[tuple[str, int], ...] = (("d7", -7), ("d1", -1), ("d0", 0), ("ask", 1))
"""Obligation reminders: (occasion, days relative to the due date), at the digest time."""

Kind = Literal[
    "digest",  # the morning digest (ref: none)
    "task",  # a timed (or snoozed) task is due (ref: task id)
    "brief",  # the pre-meeting brief (ref: meeting id)
    "held",  # "How did it go?" after a planned meeting (ref: meeting id)
    "sat",  # a satisfaction check is due (ref: check id)
    "obligation",  # a contract obligation is near, due, or past (ref: obligation id)
    "escalation",  # to the lead: a task is overdue by more than ESCALATE_AFTER (ref: task id)
    "low_score",  # to the lead: a client gave a score of 1-2 (ref: check id)
    "missed",  # to the lead: an obligation was missed (ref: obligation id)
    "renewal",  # a contract ends in 60 or 30 days (ref: contract id)
    "weekly",  # the weekly report, Monday at the digest time (ref: none)
]
KINDS: tuple[Kind, ...] = (
    "digest",
    "task",
    "brief",
    "held",
    "sat",
    "obligation",
    "escalation",
    "low_score",
    "missed",
    "renewal",
    "weekly",
)
"""Every kind; domain.reminder_kinds declares each one's rules."""


class ReminderPrefs(Protocol):
    """The manager preferences the schedule needs (storage.managers.Manager has them)."""

    @property
    def timezone(self) -> str: ...

    @property
    def digest_time(self) -> time: ...

    @property
    def digest_days(self) -> tuple[int, ...]: ...

    @property
    def quiet_start(self) -> time: ...

    @property
    def quiet_end(self) -> time: ...


def zone_of(prefs: ReminderPrefs) -> ZoneInfo:
    """The manager's zone; UTC when the stored name is unknown to this system."""
    try:
        return ZoneInfo(prefs.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of a local wall time (gap times move forward, ambiguous ones: first)."""
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def is_quiet(moment: datetime, prefs: ReminderPrefs) -> bool:
    """Whether the local time of `moment` falls in the manager's quiet hours."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return False
    local = moment.astimezone(zone_of(prefs)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_ends_after(moment: datetime, prefs: ReminderPrefs) -> datetime:
    """The first end of quiet hours after `moment` (UTC)."""
    tz = zone_of(prefs)
    day = local_date(moment, tz)
    for offset in range(3):
        candidate = local_moment(day + timedelta(days=offset), prefs.quiet_end, tz)
        if candidate > moment:
            return candidate
    raise AssertionError("quiet hours end within two days")


def hold_until(
    now: datetime,
    due: datetime,
    prefs: ReminderPrefs,
    *,
    explicit: bool,
    deadline: datetime | None = None,
) -> datetime | None:
    """When a push found due now may go out: None for right away, else the end of quiet hours.

    An `explicit` item (timed by the manager) fires inside quiet hours if it is on time. An
    item with a `deadline` (a brief before its meeting) is not held past it.
    """
    if not is_quiet(now, prefs):
        return None
    if explicit and is_quiet(due, prefs) and now - due <= ON_TIME:
        return None
    until = quiet_ends_after(now, prefs)
    if deadline is not None and until >= deadline:
        return None
    return until


def quiet_hold_limit(now: datetime, prefs: ReminderPrefs) -> datetime:
    """The latest moment a push held by quiet hours may still wait until, under the manager's
    current settings: `now` when it is not quiet now (quiet hours were switched off or moved),
    else the end of the current quiet hours (earlier than the old end when they were shortened).

    A hold is recorded with the end of quiet hours as they were when it began; the scheduler
    brings it forward to this limit at every tick, so a change of settings applies at once.
    """
    if not is_quiet(now, prefs):
        return now
    return quiet_ends_after(now, prefs)


def is_stale(due: datetime, now: datetime) -> bool:
    """Whether a reminder found now is late enough to go into the catch-up message."""
    return now - due > CATCH_UP_AFTER


def in_window(moment: datetime, after: datetime, upto: datetime) -> bool:
    """`after < moment <= upto`: the scan window since the last tick."""
    return after < moment <= upto


# --- occasions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Occasion:
    """One reminder to deliver: its idempotency key, recipient, kind, source row and time."""

    key: str
    manager_id: int
    kind: Kind
    ref_id: int | None
    due_at: datetime


def digest_occasion(
    manager_id: int, prefs: ReminderPrefs, after: datetime, upto: datetime
) -> Occasion | None:
    """Today's digest when its local time falls in the window and today is a digest day.

    Days are ISO weekdays (1 = Monday ... 7 = Sunday). Only the current local day is
    considered: after a long downtime the missed days' digests are superseded by today's.
    """
    tz = zone_of(prefs)
    today = local_date(upto, tz)
    if today.isoweekday() not in prefs.digest_days:
        return None
    fire = local_moment(today, prefs.digest_time, tz)
    if not in_window(fire, after, upto):
        return None
    return Occasion(f"digest:{manager_id}:{today.isoformat()}", manager_id, "digest", None, fire)


def weekly_occasion(
    manager_id: int, prefs: ReminderPrefs, after: datetime, upto: datetime
) -> Occasion | None:
    """The weekly report: Monday at the manager's digest time, local, when it falls in the
    window. Only the current local day is considered (as for the digest): a Monday missed
    while the bot was down is not sent on Tuesday. Keyed by the Monday, so once a week."""
    tz = zone_of(prefs)
    today = local_date(upto, tz)
    if today.isoweekday() != 1:
        return None
    fire = local_moment(today, prefs.digest_time, tz)
    if not in_window(fire, after, upto):
        return None
    return Occasion(f"weekly:{manager_id}:{today.isoformat()}", manager_id, "weekly", None, fire)


def task_occasion(task_id: int, assignee_id: int, remind_at: datetime) -> Occasion:
    """A timed task (or a snoozed one) at its moment; a new snooze is a new occasion."""
    key = f"task:{task_id}:{remind_at.strftime('%Y%m%dT%H%M%SZ')}"
    return Occasion(key, assignee_id, "task", task_id, remind_at)


def brief_moment(starts_at: datetime, lead_minutes: int) -> datetime:
    lead = min(timedelta(minutes=max(0, lead_minutes)), BRIEF_MAX_LEAD)
    return starts_at - lead


def brief_occasion(
    meeting_id: int, manager_id: int, starts_at: datetime, lead_minutes: int
) -> Occasion:
    key = f"brief:{meeting_id}:{manager_id}:{starts_at.strftime('%Y%m%dT%H%M%SZ')}"
    return Occasion(key, manager_id, "brief", meeting_id, brief_moment(starts_at, lead_minutes))


def held_occasion(
    meeting_id: int, manager_id: int, starts_at: datetime, *, has_time: bool = True
) -> Occasion:
    """After the meeting; for a meeting planned for a day only, at the end of its working day
    (`starts_at` is then the local midnight)."""
    key = f"held:{meeting_id}:{manager_id}"
    after = HELD_AFTER if has_time else HELD_AFTER_DATE_ONLY
    return Occasion(key, manager_id, "held", meeting_id, starts_at + after)


def satisfaction_occasion(check_id: int, manager_id: int, due_at: datetime) -> Occasion:
    return Occasion(f"sat:{check_id}", manager_id, "sat", check_id, due_at)


def obligation_occasions(
    obligation_id: int,
    owner_id: int,
    due_on: date,
    prefs: ReminderPrefs,
    after: datetime,
    upto: datetime,
) -> list[Occasion]:
    """The obligation's reminders (7 days and 1 day before, on the day, the day after) whose
    moment, the owner's digest time on that day, falls in the window."""
    tz = zone_of(prefs)
    found: list[Occasion] = []
    for occasion, days in OBLIGATION_OCCASIONS:
        fire = local_moment(due_on + timedelta(days=days), prefs.digest_time, tz)
        if in_window(fire, after, upto):
            key = f"obl:{obligation_id}:{due_on.isoformat()}:{occasion}"
            found.append(Occasion(key, owner_id, "obligation", obligation_id, fire))
    return found


RENEWAL_OCCASIONS: tuple[int, ...] = (60, 30)
"""A contract's end is announced this many days before, at the owner's digest time."""


def renewal_occasions(
    contract_id: int,
    owner_id: int,
    ends_on: date,
    prefs: ReminderPrefs,
    after: datetime,
    upto: datetime,
) -> list[Occasion]:
    """The contract's renewal reminders (60 and 30 days before its end) whose moment, the
    owner's digest time on that day, falls in the window; keyed by the end date, so a
    contract extended later gets its new reminders."""
    tz = zone_of(prefs)
    found: list[Occasion] = []
    for days in RENEWAL_OCCASIONS:
        fire = local_moment(ends_on - timedelta(days=days), prefs.digest_time, tz)
        if in_window(fire, after, upto):
            key = f"renew:{contract_id}:{ends_on.isoformat()}:d{days}"
            found.append(Occasion(key, owner_id, "renewal", contract_id, fire))
    return found


def obligation_occasion_name(key: str) -> str:
    """'d7', 'd1', 'd0' or 'ask' from an obligation occasion's key."""
    return key.rsplit(":", 1)[-1]


def escalation_occasion(task_id: int, lead_id: int, due_at: datetime) -> Occasion:
    return Occasion(f"esc:{task_id}", lead_id, "escalation", task_id, due_at + ESCALATE_AFTER)


def low_score_occasion(check_id: int, lead_id: int, now: datetime) -> Occasion:
    """To the account's lead, at once: a client gave a low score."""
    return Occasion(f"low:{check_id}", lead_id, "low_score", check_id, now)


def missed_occasion(obligation_id: int, lead_id: int, now: datetime) -> Occasion:
    """To the account's lead, at once: an obligation was missed."""
    return Occasion(f"missed:{obligation_id}", lead_id, "missed", obligation_id, now)


# --- user-facing choices -----------------------------------------------------------------


def snooze_target(choice: str, now: datetime, prefs: ReminderPrefs) -> datetime | None:
    """Where a snooze choice moves a reminder: '1h', 'tomorrow' (the manager's morning, i.e.
    their digest time), 'week' (next Monday's morning). None for an unknown choice."""
    tz = zone_of(prefs)
    today = local_date(now, tz)
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        return local_moment(today + timedelta(days=1), prefs.digest_time, tz)
    if choice == "week":
        monday = today + timedelta(days=7 - today.weekday())
        return local_moment(monday, prefs.digest_time, tz)
    return None


def next_days(now: datetime, prefs: ReminderPrefs, count: int) -> list[date]:
    """Today and the following local days, for a day picker."""
    today = local_date(now, zone_of(prefs))
    return [today + timedelta(days=i) for i in range(count)]


def parse_day(text: str) -> date | None:
    """A day from button data ("yyyymmdd"); None when malformed."""
    try:
        return datetime.strptime(text, "%Y%m%d").date() if len(text) == 8 else None
    except ValueError:
        return None


def parse_hhmm(text: str) -> time | None:
    """A time of day from button data ("hhmm"); None when malformed or out of range."""
    if len(text) != 4 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:]) > 59:
        return None
    return time(int(text[:2]), int(text[2:]))
