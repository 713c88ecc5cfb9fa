"""Reminder deliveries: the database is the schedule.

A tick (1) scans the rows that became due since the last tick's watermark and records one
`reminder_deliveries` row per occasion (`INSERT OR IGNORE` on its unique key: a reminder
exists once, whatever happens), (2) claims due rows as 'sending', (3) marks them 'sent' once
Telegram accepted the message. A 'sending' row whose claim is older than the lease (the
process died between claim and confirmation) is claimed again, so nothing is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import aiosqlite

from domain import reminders as rules
from domain.digest import (
    AccountItem,
    BirthdayItem,
    CheckItem,
    DigestSources,
    MeetingItem,
    ObligationItem,
    TaskItem,
    TeamTask,
)
from domain.weekly_report import weekly_on
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db, opt_dt_to_db
from storage.database import Database
from storage.managers import led_by

WATERMARK = "reminders.watermark"
QUIET_HOURS = "held: quiet hours"
"""The reason (in `error`) of a pending delivery that quiet hours hold until `not_before`."""

_SCHEDULE_COLUMNS = (
    "id, timezone, digest_time, digest_days, quiet_start, quiet_end, notify_digest,"
    " meeting_lead_minutes, onboarded_at IS NOT NULL AS onboarded, role, notify_weekly"
)


@dataclass(frozen=True)
class Schedule:
    """What the due-scan needs of an active manager (cheaper than a full Manager row)."""

    id: int
    timezone: str
    digest_time: time
    digest_days: tuple[int, ...]
    quiet_start: time
    quiet_end: time
    notify_digest: bool
    meeting_lead_minutes: int
    onboarded: bool
    weekly_report: bool = False  # the Monday report is pushed (domain.reports.weekly_on)


def _schedule_of(row: aiosqlite.Row) -> Schedule:
    return Schedule(
        id=row["id"],
        timezone=row["timezone"],
        digest_time=time.fromisoformat(row["digest_time"]),
        digest_days=tuple(int(d) for d in row["digest_days"].split(",") if d),
        quiet_start=time.fromisoformat(row["quiet_start"]),
        quiet_end=time.fromisoformat(row["quiet_end"]),
        notify_digest=bool(row["notify_digest"]),
        meeting_lead_minutes=row["meeting_lead_minutes"],
        onboarded=bool(row["onboarded"]),
        weekly_report=weekly_on(
            row["role"], None if row["notify_weekly"] is None else bool(row["notify_weekly"])
        ),
    )


@dataclass(frozen=True)
class Delivery:
    id: int
    key: str
    manager_id: int
    kind: str
    ref_id: int | None
    due_at: datetime
    status: str
    attempts: int
    claimed_at: datetime | None
    sent_at: datetime | None
    message_id: int | None
    error: str | None
    not_before: datetime | None = None
    catch_up: bool = False


def row_to_delivery(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        key=row["key"],
        manager_id=row["manager_id"],
        kind=row["kind"],
        ref_id=row["ref_id"],
        due_at=dt_from_db(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        claimed_at=opt_dt_from_db(row["claimed_at"]),
        sent_at=opt_dt_from_db(row["sent_at"]),
        message_id=row["message_id"],
        error=row["error"],
        not_before=opt_dt_from_db(row["not_before"]),
        catch_up=bool(row["catch_up"]),
    )


_INSERT = (
    "INSERT OR IGNORE INTO reminder_deliveries (key, manager_id, kind, ref_id, due_at,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?)"
)


async def enqueue(
    conn: aiosqlite.Connection,
    occasion: rules.Occasion,
    now: datetime,
) -> None:
    """Records a reminder in the caller's transaction (a second call with its key is a no-op)."""
    await conn.execute(
        _INSERT,
        (
            occasion.key,
            occasion.manager_id,
            occasion.kind,
            occasion.ref_id,
            dt_to_db(occasion.due_at),
            dt_to_db(now),
        ),
    )


async def _read_state(conn: aiosqlite.Connection, name: str) -> str | None:
    row = await (
        await conn.execute("SELECT value FROM scheduler_state WHERE name = ?", (name,))
    ).fetchone()
    return None if row is None else str(row["value"])


async def _write_state(conn: aiosqlite.Connection, name: str, value: str, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO scheduler_state (name, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at",
        (name, value, dt_to_db(now)),
    )


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- scanning --------------------------------------------------------------------

    async def watermark(self) -> datetime | None:
        async with self._db.reading() as conn:
            value = await _read_state(conn, WATERMARK)
        return None if value is None else dt_from_db(value)

    async def materialize(self, now: datetime) -> int:
        """Records every occasion that fell due since the watermark; moves it to `now`.

        One transaction: the occasions and the new watermark are committed together, so a
        crash repeats the scan (harmlessly: keys are unique) rather than skipping it.
        Returns how many new deliveries were recorded.
        """
        async with self._db.transaction() as conn:
            stored = await _read_state(conn, WATERMARK)
            after = dt_from_db(stored) if stored else now - rules.INITIAL_LOOKBACK
            if after >= now:
                return 0
            managers = {
                m.id: m
                for m in map(
                    _schedule_of,
                    await conn.execute_fetchall(
                        f"SELECT {_SCHEDULE_COLUMNS} FROM managers WHERE active = 1"
                    ),
                )
            }
            occasions = [
                *self._digests(managers, after, now),
                *self._weeklies(managers, after, now),
                *await _tasks(conn, after, now),
                *await _escalations(conn, after, now),
                *await _meetings(conn, managers, after, now),
                *await _checks(conn, after, now),
                *await _obligations(conn, managers, after, now),
                *await _renewals(conn, managers, after, now),
            ]
            before = conn.total_changes
            stamp = dt_to_db(now)
            await conn.executemany(
                _INSERT,
                [
                    (o.key, o.manager_id, o.kind, o.ref_id, dt_to_db(o.due_at), stamp)
                    for o in occasions
                ],
            )
            added = conn.total_changes - before
            await _write_state(conn, WATERMARK, stamp, now)
        return added

    @staticmethod
    def _digests(
        managers: dict[int, Schedule], after: datetime, upto: datetime
    ) -> list[rules.Occasion]:
        found = []
        for manager in managers.values():
            if manager.notify_digest and manager.onboarded:
                occasion = rules.digest_occasion(manager.id, manager, after, upto)
                if occasion is not None:
                    found.append(occasion)
        return found

    @staticmethod
    def _weeklies(
        managers: dict[int, Schedule], after: datetime, upto: datetime
    ) -> list[rules.Occasion]:
        found = []
        for manager in managers.values():
            if manager.weekly_report and manager.onboarded:
                occasion = rules.weekly_occasion(manager.id, manager, after, upto)
                if occasion is not None:
                    found.append(occasion)
        return found

    # --- delivering ------------------------------------------------------------------

    async def claim(self, now: datetime, *, limit: int = 100) -> list[Delivery]:
        """Takes up to `limit` due deliveries for sending (active, reachable managers only)."""
        lease = dt_to_db(now - rules.SEND_LEASE)
        stamp = dt_to_db(now)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "UPDATE reminder_deliveries SET status = 'sending', claimed_at = :now,"
                " attempts = attempts + 1"
                " WHERE id IN (SELECT d.id FROM ("
                "   SELECT id, manager_id, due_at FROM reminder_deliveries"
                "    WHERE status = 'pending' AND due_at <= :now"
                "    AND (not_before IS NULL OR not_before <= :now)"
                "   UNION ALL"
                "   SELECT id, manager_id, due_at FROM reminder_deliveries"
                "    WHERE status = 'sending' AND claimed_at <= :lease) d"
                "  JOIN managers m ON m.id = d.manager_id"
                "  WHERE m.active = 1 AND m.blocked_at IS NULL"
                "  ORDER BY d.due_at, d.id LIMIT :limit)"
                " RETURNING *",
                {"now": stamp, "lease": lease, "limit": limit},
            )
        return sorted(map(row_to_delivery, rows), key=lambda d: (d.due_at, d.id))

    async def mark_sent(
        self, ids: list[int], now: datetime, message_id: int | None, *, bundled: bool = False
    ) -> None:
        """Confirms deliveries (`bundled`: together, in one "while I was offline" message).

        One call to the database thread, right after Telegram accepted the message: a crash
        between the two would send the reminder again after SEND_LEASE."""
        sql = (
            "UPDATE reminder_deliveries SET status = 'sent', sent_at = ?, message_id = ?,"
            " error = NULL, catch_up = max(catch_up, ?) WHERE id = ?"
        )
        await self._db.write_script(
            [(sql, (dt_to_db(now), message_id, int(bundled), i)) for i in ids]
        )

    async def in_message(self, manager_id: int, message_id: int) -> list[Delivery]:
        """The deliveries sent to the manager as one message (several: a catch-up message)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM reminder_deliveries WHERE manager_id = ? AND message_id = ?"
            " AND status = 'sent' ORDER BY due_at, id",
            (manager_id, message_id),
        )
        return [row_to_delivery(row) for row in rows]

    async def mark_skipped(self, ids: list[int], reason: str) -> None:
        await self._db.execute_many(
            "UPDATE reminder_deliveries SET status = 'skipped', error = ? WHERE id = ?",
            [(reason, i) for i in ids],
        )

    async def mark_failed(self, ids: list[int], error: str) -> None:
        await self._db.execute_many(
            "UPDATE reminder_deliveries SET status = 'failed', error = ? WHERE id = ?",
            [(error[:500], i) for i in ids],
        )

    async def release(self, ids: list[int], *, not_before: datetime | None = None) -> None:
        """Puts claimed deliveries back: the manager blocked us (no `not_before`: an earlier
        hold stays), or they are tried again at `not_before`. Only rows still being sent: one
        confirmed meanwhile stays sent."""
        stamp = opt_dt_to_db(not_before)
        await self._db.execute_many(
            "UPDATE reminder_deliveries SET status = 'pending', claimed_at = NULL,"
            " not_before = coalesce(:at, not_before),"
            " error = CASE WHEN :at IS NULL THEN error END"
            " WHERE id = :id AND status = 'sending'",
            [{"at": stamp, "id": i} for i in ids],
        )

    async def hold(self, ids: list[int], *, until: datetime, catch_up: bool = False) -> None:
        """Quiet hours hold claimed deliveries until `until`, their end as set now
        (`catch_up`: they go in the catch-up message). :meth:`retime_holds` brings the hold
        forward when the manager's settings change."""
        await self._db.execute_many(
            "UPDATE reminder_deliveries SET status = 'pending', claimed_at = NULL,"
            " not_before = ?, catch_up = max(catch_up, ?), error = ?"
            " WHERE id = ? AND status = 'sending'",
            [(dt_to_db(until), int(catch_up), QUIET_HOURS, i) for i in ids],
        )

    async def retime_holds(self, now: datetime) -> int:
        """Re-evaluates what quiet hours hold against each manager's current settings: a hold
        ends now when it is no longer quiet (quiet hours switched off, moved, or another time
        zone), or at the new end when they were shortened. Returns how many holds moved."""
        held = (
            "SELECT manager_id FROM reminder_deliveries"
            " WHERE status = 'pending' AND error = ? AND not_before > ?"
        )
        async with self._db.transaction() as conn:
            managers = map(
                _schedule_of,
                await conn.execute_fetchall(
                    f"SELECT {_SCHEDULE_COLUMNS} FROM managers WHERE id IN ({held})",
                    (QUIET_HOURS, dt_to_db(now)),
                ),
            )
            before = conn.total_changes
            await conn.executemany(
                "UPDATE reminder_deliveries SET not_before = :limit"
                " WHERE manager_id = :manager AND status = 'pending' AND error = :reason"
                " AND not_before > :limit",
                [
                    {
                        "limit": dt_to_db(rules.quiet_hold_limit(now, manager)),
                        "manager": manager.id,
                        "reason": QUIET_HOURS,
                    }
                    for manager in managers
                ],
            )
            return conn.total_changes - before

    async def for_key(self, key: str) -> Delivery | None:
        row = await self._db.fetch_one("SELECT * FROM reminder_deliveries WHERE key = ?", (key,))
        return None if row is None else row_to_delivery(row)

    async def for_manager(self, manager_id: int) -> list[Delivery]:
        rows = await self._db.fetch_all(
            "SELECT * FROM reminder_deliveries WHERE manager_id = ? ORDER BY due_at, id",
            (manager_id,),
        )
        return [row_to_delivery(row) for row in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT status, count(*) AS n FROM reminder_deliveries GROUP BY status"
        )
        return {row["status"]: row["n"] for row in rows}

    # --- the digest's rows ----------------------------------------------------------------

    async def digest_sources(
        self,
        manager_id: int,
        *,
        day_start: datetime,
        day_end: datetime,
        today: date,
        team: bool = False,
    ) -> DigestSources:
        """Everything the morning digest of one manager may mention (domain.digest sorts it);
        with `team` (a lead's, an admin's) also their team's open tasks and accounts."""
        start, end = dt_to_db(day_start), dt_to_db(day_end)
        horizon = (today + timedelta(days=7)).isoformat()
        async with self._db.reading() as conn:
            meetings, tasks, checks = await _digest_agenda(conn, manager_id, start, end)
            obligations, accounts, birthdays = await _digest_portfolio(conn, manager_id, horizon)
            team_tasks, team_accounts = (
                await _digest_team(conn, manager_id, end) if team else ([], [])
            )
        return DigestSources(
            team_tasks=[
                TeamTask(r["assignee_id"], r["assignee_name"], _task_item(r)) for r in team_tasks
            ],
            team_accounts=[_account_item(r) for r in team_accounts],
            meetings=[_meeting_item(r) for r in meetings],
            tasks=[_task_item(r) for r in tasks],
            checks=[_check_item(r) for r in checks],
            obligations=[_obligation_item(r) for r in obligations],
            accounts=[_account_item(r) for r in accounts],
            birthdays=[_birthday_item(r) for r in birthdays],
        )


# --- the digest's rows, read in one snapshot -----------------------------------------------

_Rows = Iterable[sqlite3.Row]


async def _digest_agenda(
    conn: aiosqlite.Connection, manager_id: int, start: str, end: str
) -> tuple[_Rows, _Rows, _Rows]:
    """The day's planned meetings, tasks due by its end, satisfaction checks due by its end."""
    meetings = await conn.execute_fetchall(
        # From the manager's own meetings and team seats, not from everyone's planned ones.
        "SELECT mt.id, mt.account_id, a.name AS account_name, mt.starts_at, mt.kind,"
        " mt.location, mt.agenda FROM meetings mt JOIN accounts a ON a.id = mt.account_id"
        " WHERE mt.id IN (SELECT id FROM meetings WHERE author_id = :me"
        "                 AND starts_at >= :start AND starts_at < :end"
        "                 UNION SELECT meeting_id FROM meeting_team WHERE manager_id = :me)"
        " AND +mt.status = 'planned' AND mt.deleted_at IS NULL"
        " AND mt.starts_at >= :start AND mt.starts_at < :end"
        " ORDER BY mt.starts_at LIMIT 50",
        {"me": manager_id, "start": start, "end": end},
    )
    tasks = await conn.execute_fetchall(
        "SELECT t.id, t.account_id, a.name AS account_name, t.text, t.due_at,"
        " t.due_has_time, t.snoozed_until FROM tasks t"
        " LEFT JOIN accounts a ON a.id = t.account_id"
        " WHERE t.assignee_id = ? AND t.status = 'open' AND t.due_at IS NOT NULL"
        " AND t.due_at < ? ORDER BY t.due_at, t.id LIMIT 200",
        (manager_id, end),
    )
    checks = await conn.execute_fetchall(
        "SELECT s.id, s.account_id, a.name AS account_name, c.full_name AS contact_name,"
        " m.starts_at AS meeting_at, s.due_at FROM satisfaction_checks s"
        " JOIN accounts a ON a.id = s.account_id"
        " LEFT JOIN contacts c ON c.id = s.contact_id"
        " LEFT JOIN meetings m ON m.id = s.meeting_id"
        " WHERE s.manager_id = ? AND s.status IN ('scheduled', 'asked') AND s.due_at < ?"
        " ORDER BY s.due_at LIMIT 50",
        (manager_id, end),
    )
    return meetings, tasks, checks


async def _digest_portfolio(
    conn: aiosqlite.Connection, manager_id: int, horizon: str
) -> tuple[_Rows, _Rows, _Rows]:
    """The manager's obligations due by the horizon, live accounts, and their contacts'
    birthdays."""
    obligations = await conn.execute_fetchall(
        "SELECT o.id, o.description, o.party, o.status, o.due_on, o.delayed_to,"
        " c.title AS contract_title, a.id AS account_id, a.name AS account_name"
        # From the manager's accounts down (CROSS JOIN fixes that order), not from every
        # open obligation of the company.
        " FROM accounts a CROSS JOIN contracts c ON c.account_id = a.id"
        " CROSS JOIN obligations o ON o.contract_id = c.id"
        " WHERE a.owner_id = ? AND c.status IN ('active', 'at_risk')"
        " AND o.status IN ('pending', 'delayed')"
        " AND (CASE WHEN o.status = 'delayed' AND o.delayed_to IS NOT NULL"
        "      THEN o.delayed_to ELSE o.due_on END) <= ?"
        " LIMIT 100",
        (manager_id, horizon),
    )
    accounts = await conn.execute_fetchall(
        "SELECT id, name, last_contact_at, contact_cadence_days, created_at FROM accounts"
        " WHERE owner_id = ? AND archived_at IS NULL AND status != 'lost'",
        (manager_id,),
    )
    birthdays = await conn.execute_fetchall(
        "SELECT c.id, c.full_name, c.birthday, a.id AS account_id, a.name AS account_name"
        " FROM contacts c JOIN accounts a ON a.id = c.account_id"
        " WHERE a.owner_id = ? AND a.archived_at IS NULL AND c.archived_at IS NULL"
        " AND c.birthday IS NOT NULL",
        (manager_id,),
    )
    return obligations, accounts, birthdays


async def _digest_team(conn: aiosqlite.Connection, lead_id: int, end: str) -> tuple[_Rows, _Rows]:
    """The open tasks due by the day's end of the active managers the lead leads, and the live
    accounts they own (domain.digest finds the overdue and the silent ones)."""
    team = f"SELECT id FROM managers WHERE {led_by(':lead')} AND id != :lead AND active = 1"
    tasks = await conn.execute_fetchall(
        "SELECT t.id, t.account_id, a.name AS account_name, t.text, t.due_at,"
        " t.due_has_time, t.snoozed_until, t.assignee_id, m.full_name AS assignee_name"
        " FROM tasks t JOIN managers m ON m.id = t.assignee_id"
        " LEFT JOIN accounts a ON a.id = t.account_id"
        f" WHERE t.assignee_id IN ({team}) AND t.status = 'open' AND t.due_at IS NOT NULL"
        " AND t.due_at < :end ORDER BY t.due_at, t.id LIMIT 1000",
        {"lead": lead_id, "end": end},
    )
    accounts = await conn.execute_fetchall(
        "SELECT a.id, a.name, a.last_contact_at, a.contact_cadence_days, a.created_at,"
        " m.full_name AS owner_name FROM accounts a JOIN managers m ON m.id = a.owner_id"
        f" WHERE a.owner_id IN ({team}) AND a.archived_at IS NULL"
        " AND a.status IN ('active', 'at_risk')",
        {"lead": lead_id},
    )
    return tasks, accounts


def _meeting_item(r: sqlite3.Row) -> MeetingItem:
    return MeetingItem(
        id=r["id"],
        account_id=r["account_id"],
        account_name=r["account_name"],
        starts_at=dt_from_db(r["starts_at"]),
        kind=r["kind"],
        location=r["location"],
        agenda=r["agenda"],
    )


def _task_item(r: sqlite3.Row) -> TaskItem:
    return TaskItem(
        id=r["id"],
        account_id=r["account_id"],
        account_name=r["account_name"],
        text=r["text"],
        due_at=dt_from_db(r["due_at"]),
        due_has_time=bool(r["due_has_time"]),
        snoozed_until=opt_dt_from_db(r["snoozed_until"]),
    )


def _check_item(r: sqlite3.Row) -> CheckItem:
    return CheckItem(
        id=r["id"],
        account_id=r["account_id"],
        account_name=r["account_name"],
        contact_name=r["contact_name"],
        meeting_at=opt_dt_from_db(r["meeting_at"]),
        due_at=dt_from_db(r["due_at"]),
    )


def _obligation_item(r: sqlite3.Row) -> ObligationItem:
    return ObligationItem(
        id=r["id"],
        contract_title=r["contract_title"],
        account_id=r["account_id"],
        account_name=r["account_name"],
        description=r["description"],
        party=r["party"],
        due_on=date.fromisoformat(
            r["delayed_to"] if r["status"] == "delayed" and r["delayed_to"] else r["due_on"]
        ),
    )


def _account_item(r: sqlite3.Row) -> AccountItem:
    return AccountItem(
        id=r["id"],
        name=r["name"],
        last_contact_at=opt_dt_from_db(r["last_contact_at"]),
        cadence_days=r["contact_cadence_days"],
        created_at=dt_from_db(r["created_at"]),
        owner_name=r["owner_name"] if "owner_name" in r.keys() else None,  # noqa: SIM118 - Row
    )


def _birthday_item(r: sqlite3.Row) -> BirthdayItem:
    return BirthdayItem(
        contact_id=r["id"],
        contact_name=r["full_name"],
        account_id=r["account_id"],
        account_name=r["account_name"],
        birthday=r["birthday"],
    )


# --- the scans, each over an index, in the materializing transaction ----------------------

_ACTIVE = "EXISTS (SELECT 1 FROM managers m WHERE m.id = {column} AND m.active = 1)"
"""An inactive manager (access switched off) gets no new reminders."""


async def _tasks(
    conn: aiosqlite.Connection, after: datetime, upto: datetime
) -> list[rules.Occasion]:
    rows = await conn.execute_fetchall(
        "SELECT id, assignee_id, coalesce(snoozed_until, due_at) AS remind_at"
        " FROM tasks INDEXED BY tasks_open_remind_at"  # the planner prefers (status) otherwise
        " WHERE status = 'open' AND coalesce(snoozed_until, due_at) > ?"
        " AND coalesce(snoozed_until, due_at) <= ?"
        " AND (due_has_time = 1 OR snoozed_until IS NOT NULL)"
        f" AND {_ACTIVE.format(column='assignee_id')}",
        (dt_to_db(after), dt_to_db(upto)),
    )
    return [
        rules.task_occasion(r["id"], r["assignee_id"], dt_from_db(r["remind_at"])) for r in rows
    ]


async def _escalations(
    conn: aiosqlite.Connection, after: datetime, upto: datetime
) -> list[rules.Occasion]:
    """Tasks that became overdue by more than ESCALATE_AFTER, for the account owner's lead
    (the assignee's lead when the task has no account or the account no owner)."""
    grace = rules.ESCALATE_AFTER + timedelta(days=1)
    rows = await conn.execute_fetchall(
        "SELECT t.id, t.due_at, t.due_has_time, t.assignee_id,"
        " coalesce(owner.lead_id, assignee.lead_id) AS lead_id,"
        " (SELECT lead.active FROM managers lead"
        "   WHERE lead.id = coalesce(owner.lead_id, assignee.lead_id)) AS lead_active"
        " FROM tasks t JOIN managers assignee ON assignee.id = t.assignee_id"
        " LEFT JOIN accounts a ON a.id = t.account_id"
        " LEFT JOIN managers owner ON owner.id = a.owner_id"
        " WHERE t.status = 'open' AND t.escalated_at IS NULL"
        " AND t.due_at > ? AND t.due_at <= ?",
        (dt_to_db(after - grace), dt_to_db(upto - rules.ESCALATE_AFTER)),
    )
    found = []
    for r in rows:
        lead_id = r["lead_id"]
        if lead_id is None or lead_id == r["assignee_id"] or not r["lead_active"]:
            continue
        due = dt_from_db(r["due_at"])
        # a task with only a date is late once its whole day has passed
        base = due if r["due_has_time"] else due + timedelta(days=1)
        occasion = rules.escalation_occasion(r["id"], lead_id, base)
        if rules.in_window(occasion.due_at, after, upto):
            found.append(occasion)
    return found


async def _meetings(
    conn: aiosqlite.Connection, managers: dict[int, Schedule], after: datetime, upto: datetime
) -> list[rules.Occasion]:
    rows = await conn.execute_fetchall(
        "SELECT mt.id, mt.author_id, mt.starts_at, mt.remind_before_minutes, mt.starts_has_time,"
        " (SELECT group_concat(tm.manager_id) FROM meeting_team tm"
        "   WHERE tm.meeting_id = mt.id) AS team"
        " FROM meetings mt WHERE mt.status = 'planned' AND mt.deleted_at IS NULL"
        " AND mt.starts_at > ? AND mt.starts_at <= ?",
        (dt_to_db(after - rules.HELD_AFTER_DATE_ONLY), dt_to_db(upto + rules.BRIEF_MAX_LEAD)),
    )
    found: list[rules.Occasion] = []
    for r in rows:
        starts = dt_from_db(r["starts_at"])
        people = [r["author_id"]]
        if r["team"]:
            people += [int(x) for x in str(r["team"]).split(",") if int(x) not in people]
        for manager_id in people:
            manager = managers.get(manager_id)
            if manager is None:
                continue
            lead = r["remind_before_minutes"]
            if lead is None:
                lead = manager.meeting_lead_minutes
            brief = rules.brief_occasion(r["id"], manager_id, starts, lead)
            # a meeting planned at short notice still gets its brief before it starts
            has_time = bool(r["starts_has_time"])
            if has_time and brief.due_at <= upto < starts and starts > after:
                found.append(brief)
            if manager_id == r["author_id"]:
                held = rules.held_occasion(r["id"], manager_id, starts, has_time=has_time)
                if rules.in_window(held.due_at, after, upto):
                    found.append(held)
    return found


async def _checks(
    conn: aiosqlite.Connection, after: datetime, upto: datetime
) -> list[rules.Occasion]:
    rows = await conn.execute_fetchall(
        "SELECT id, manager_id, due_at FROM satisfaction_checks"
        " WHERE status = 'scheduled' AND due_at > ? AND due_at <= ?"
        f" AND {_ACTIVE.format(column='manager_id')}",
        (dt_to_db(after), dt_to_db(upto)),
    )
    return [
        rules.satisfaction_occasion(r["id"], r["manager_id"], dt_from_db(r["due_at"])) for r in rows
    ]


async def _obligations(
    conn: aiosqlite.Connection, managers: dict[int, Schedule], after: datetime, upto: datetime
) -> list[rules.Occasion]:
    # every occasion lies within [due - 7 days, due + 1 day]; dates are widened by a day
    # for time zones
    first = (after.date() - timedelta(days=2)).isoformat()
    last = (upto.date() + timedelta(days=8)).isoformat()
    rows = await conn.execute_fetchall(
        "SELECT o.id, o.due_on AS effective, a.owner_id FROM obligations o"
        " JOIN contracts c ON c.id = o.contract_id JOIN accounts a ON a.id = c.account_id"
        " WHERE o.status = 'pending' AND o.due_on BETWEEN ? AND ?"
        " AND c.status IN ('active', 'at_risk')"
        " UNION ALL "
        "SELECT o.id, o.delayed_to AS effective, a.owner_id FROM obligations o"
        " JOIN contracts c ON c.id = o.contract_id JOIN accounts a ON a.id = c.account_id"
        " WHERE o.status = 'delayed' AND o.delayed_to BETWEEN ? AND ?"
        " AND c.status IN ('active', 'at_risk')",
        (first, last, first, last),
    )
    found: list[rules.Occasion] = []
    for r in rows:
        owner = managers.get(r["owner_id"]) if r["owner_id"] is not None else None
        if owner is None:
            continue
        found += rules.obligation_occasions(
            r["id"], owner.id, date.fromisoformat(r["effective"]), owner, after, upto
        )
    return found


async def _renewals(
    conn: aiosqlite.Connection, managers: dict[int, Schedule], after: datetime, upto: datetime
) -> list[rules.Occasion]:
    """Live contracts whose end is 30 or 60 days (a day either side for time zones) after a
    day of the window, for the account's owner."""
    days = sorted(rules.RENEWAL_OCCASIONS)
    first = (after.date() - timedelta(days=1) + timedelta(days=days[0])).isoformat()
    last = (upto.date() + timedelta(days=1) + timedelta(days=days[-1])).isoformat()
    rows = await conn.execute_fetchall(
        "SELECT c.id, c.ends_on, a.owner_id FROM contracts c"
        " JOIN accounts a ON a.id = c.account_id"
        " WHERE c.status IN ('active', 'at_risk') AND c.ends_on BETWEEN ? AND ?",
        (first, last),
    )
    found: list[rules.Occasion] = []
    for r in rows:
        owner = managers.get(r["owner_id"]) if r["owner_id"] is not None else None
        if owner is not None:
            ends_on = date.fromisoformat(r["ends_on"])
            found += rules.renewal_occasions(r["id"], owner.id, ends_on, owner, after, upto)
    return found
