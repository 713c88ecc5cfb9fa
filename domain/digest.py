"""The morning digest's content: what a manager should know and do today. Pure.

Storage hands over the raw rows (:class:`DigestSources`); :func:`build_digest` sorts them into
the sections a KAM reads on the phone before the first visit. A lead's (or an admin's) digest
also covers their team (the managers they lead): the team's overdue tasks summed up per
manager and the team's key accounts gone silent; a KAM's has no team rows, so nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BIRTHDAY_DAYS_AHEAD = 6
"""Birthdays "this week": today and the next six days."""

OBLIGATION_DAYS_AHEAD = 7
SECTION_LIMIT = 10
"""Items shown per section; the rest are counted ("and 3 more")."""


@dataclass(frozen=True)
class MeetingItem:
    id: int
    account_id: int
    account_name: str
    starts_at: datetime
    kind: str
    location: str | None
    agenda: str | None


@dataclass(frozen=True)
class TaskItem:
    id: int
    account_id: int | None
    account_name: str | None
    text: str
    due_at: datetime
    due_has_time: bool
    snoozed_until: datetime | None


@dataclass(frozen=True)
class CheckItem:
    id: int
    account_id: int
    account_name: str
    contact_name: str | None
    meeting_at: datetime | None
    due_at: datetime


@dataclass(frozen=True)
class ObligationItem:
    id: int
    contract_title: str
    account_id: int
    account_name: str
    description: str
    party: str
    due_on: date  # the effective date (the delayed-to date for a delayed obligation)


@dataclass(frozen=True)
class AccountItem:
    id: int
    name: str
    last_contact_at: datetime | None
    cadence_days: int
    created_at: datetime
    owner_name: str | None = None  # set on the team's accounts in a lead's digest


@dataclass(frozen=True)
class TeamTask:
    """An open task of a manager of the lead's team."""

    manager_id: int
    manager_name: str
    task: TaskItem


@dataclass(frozen=True)
class BirthdayItem:
    contact_id: int
    contact_name: str
    account_id: int
    account_name: str
    birthday: str  # 'YYYY-MM-DD' or '--MM-DD'


@dataclass(frozen=True)
class DigestSources:
    meetings: list[MeetingItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    checks: list[CheckItem] = field(default_factory=list)
    obligations: list[ObligationItem] = field(default_factory=list)
    accounts: list[AccountItem] = field(default_factory=list)
    birthdays: list[BirthdayItem] = field(default_factory=list)
    team_tasks: list[TeamTask] = field(default_factory=list)
    team_accounts: list[AccountItem] = field(default_factory=list)


@dataclass(frozen=True)
class Silent:
    """An account without contact for longer than its cadence."""

    account: AccountItem
    days: int | None  # None: never contacted


@dataclass(frozen=True)
class Birthday:
    item: BirthdayItem
    day: date


@dataclass(frozen=True)
class TeamLate:
    """A manager of the lead's team with overdue tasks: how many, and since when."""

    manager_id: int
    manager_name: str
    overdue: int
    since: datetime


@dataclass(frozen=True)
class Digest:
    day: date
    meetings: list[MeetingItem]
    due_today: list[TaskItem]
    overdue: list[TaskItem]
    checks: list[CheckItem]
    obligations: list[ObligationItem]
    overdue_obligations: list[ObligationItem]
    silent: list[Silent]
    birthdays_today: list[Birthday]
    birthdays_week: list[Birthday]
    team_overdue: list[TeamLate] = field(default_factory=list)
    team_silent: list[Silent] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.team_overdue,
                self.team_silent,
                self.meetings,
                self.due_today,
                self.overdue,
                self.checks,
                self.obligations,
                self.overdue_obligations,
                self.silent,
                self.birthdays_today,
                self.birthdays_week,
            )
        )


def birthday_on(birthday: str, year: int) -> date | None:
    """The birthday in `year` ('--02-29' falls on 28 February in other years)."""
    try:
        month, day = int(birthday[-5:-3]), int(birthday[-2:])
    except ValueError:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        if month == 2 and day == 29:
            return date(year, 2, 28)
        return None


def _next_birthday(birthday: str, today: date) -> date | None:
    this_year = birthday_on(birthday, today.year)
    if this_year is None:
        return None
    if this_year >= today:
        return this_year
    return birthday_on(birthday, today.year + 1)


def _is_late(task: TaskItem, today: date, now: datetime, tz: ZoneInfo) -> bool:
    due_day = task.due_at.astimezone(tz).date()
    return due_day < today or (task.due_has_time and task.due_at < now)


def _deferred(task: TaskItem, end_of_today: datetime) -> bool:
    """Snoozed by the manager beyond today."""
    return task.snoozed_until is not None and task.snoozed_until >= end_of_today


def _silent(accounts: list[AccountItem], now: datetime) -> list[Silent]:
    silent: list[Silent] = []
    for account in accounts:
        cadence = timedelta(days=max(1, account.cadence_days))
        if account.last_contact_at is None:
            if now - account.created_at > cadence:
                silent.append(Silent(account, None))
        elif now - account.last_contact_at > cadence:
            silent.append(Silent(account, (now - account.last_contact_at).days))
    silent.sort(key=lambda s: (s.days is not None, -(s.days or 0), s.account.name))
    return silent


def _birthdays(sources: DigestSources, today: date) -> tuple[list[Birthday], list[Birthday]]:
    birthdays_today: list[Birthday] = []
    birthdays_week: list[Birthday] = []
    for item in sources.birthdays:
        day = _next_birthday(item.birthday, today)
        if day is None:
            continue
        if day == today:
            birthdays_today.append(Birthday(item, day))
        elif day <= today + timedelta(days=BIRTHDAY_DAYS_AHEAD):
            birthdays_week.append(Birthday(item, day))
    birthdays_week.sort(key=lambda b: (b.day, b.item.contact_name))
    return birthdays_today, birthdays_week


def team_overdue(sources: DigestSources, now: datetime, tz: ZoneInfo) -> list[TeamLate]:
    """The team's overdue tasks per manager (most first, then by name); a task snoozed beyond
    today by its manager is not counted."""
    today = now.astimezone(tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), tz)
    late: dict[int, TeamLate] = {}
    for item in sources.team_tasks:
        task = item.task
        if _deferred(task, end_of_today) or not _is_late(task, today, now, tz):
            continue
        known = late.get(item.manager_id)
        since = task.due_at if known is None else min(known.since, task.due_at)
        count = 1 if known is None else known.overdue + 1
        late[item.manager_id] = TeamLate(item.manager_id, item.manager_name, count, since)
    return sorted(late.values(), key=lambda x: (-x.overdue, x.manager_name, x.manager_id))


def build_digest(sources: DigestSources, now: datetime, tz: ZoneInfo) -> Digest:
    today = now.astimezone(tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), tz)

    due_today: list[TaskItem] = []
    overdue: list[TaskItem] = []
    for task in sorted(sources.tasks, key=lambda t: (t.due_at, t.id)):
        if _deferred(task, end_of_today):
            continue
        if _is_late(task, today, now, tz):
            overdue.append(task)
        elif task.due_at.astimezone(tz).date() == today:
            due_today.append(task)

    horizon = today + timedelta(days=OBLIGATION_DAYS_AHEAD)
    obligations = sorted(
        (o for o in sources.obligations if today <= o.due_on <= horizon),
        key=lambda o: (o.due_on, o.id),
    )
    overdue_obligations = sorted(
        (o for o in sources.obligations if o.due_on < today), key=lambda o: (o.due_on, o.id)
    )
    birthdays_today, birthdays_week = _birthdays(sources, today)
    return Digest(
        day=today,
        meetings=sorted(sources.meetings, key=lambda m: (m.starts_at, m.id)),
        due_today=due_today,
        overdue=overdue,
        checks=sorted(sources.checks, key=lambda c: (c.due_at, c.id)),
        obligations=obligations,
        overdue_obligations=overdue_obligations,
        silent=_silent(sources.accounts, now),
        birthdays_today=birthdays_today,
        birthdays_week=birthdays_week,
        team_overdue=team_overdue(sources, now, tz),
        team_silent=_silent(sources.team_accounts, now),
    )
