"""Managers: the bot's registered users (admins, leads, KAMs, business developers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from time import monotonic
from typing import Any, Literal

import aiosqlite

from domain import policy
from domain.weekly_report import weekly_on
from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database

Role = Literal["admin", "lead", "kam", "bd"]
ROLES: tuple[Role, ...] = ("admin", "lead", "kam", "bd")

# Preferences a manager may change through /settings; anything else is not updatable here.
PREFERENCE_FIELDS = frozenset(
    {
        "language",
        "timezone",
        "digest_time",
        "digest_days",
        "digest_when_empty",
        "quiet_start",
        "quiet_end",
        "notify_digest",
        "notify_tasks",
        "notify_meetings",
        "notify_satisfaction",
        "notify_contracts",
        "satisfaction_days",
        "meeting_lead_minutes",
        "notify_weekly",
    }
)
ADMIN_FIELDS = frozenset({"role", "active", "lead_id", "full_name"})


@dataclass(frozen=True)
class Manager:
    id: int
    telegram_id: int
    full_name: str
    username: str | None
    role: Role
    language: str
    timezone: str
    digest_time: time
    digest_days: tuple[int, ...]
    digest_when_empty: bool
    quiet_start: time
    quiet_end: time
    notify_digest: bool
    notify_tasks: bool
    notify_meetings: bool
    notify_satisfaction: bool
    notify_contracts: bool
    satisfaction_days: int
    meeting_lead_minutes: int
    lead_id: int | None
    active: bool
    blocked_at: datetime | None
    onboarded_at: datetime | None
    created_at: datetime
    last_seen_at: datetime | None = None  # the gate writes it at most once a minute
    notify_weekly: bool | None = None  # None: the role decides (domain.reports.weekly_on)

    @property
    def can_invite(self) -> bool:
        return bool(policy.invitable_roles(self.role))

    @property
    def sees_all_accounts(self) -> bool:
        return policy.sees_all(self.role, policy.Kind.ACCOUNT)

    @property
    def weekly_report(self) -> bool:
        """Whether the Monday report is pushed: as chosen, else on for leads and admins."""
        return weekly_on(self.role, self.notify_weekly)

    @property
    def actor(self) -> policy.Actor:
        return policy.Actor(self.id, self.role, self.active)


def _time(text: str) -> time:
    return time.fromisoformat(text)


def row_to_manager(row: aiosqlite.Row) -> Manager:
    return Manager(
        id=row["id"],
        telegram_id=row["telegram_id"],
        full_name=row["full_name"],
        username=row["username"],
        role=row["role"],
        language=row["language"],
        timezone=row["timezone"],
        digest_time=_time(row["digest_time"]),
        digest_days=tuple(int(d) for d in row["digest_days"].split(",") if d),
        digest_when_empty=bool(row["digest_when_empty"]),
        quiet_start=_time(row["quiet_start"]),
        quiet_end=_time(row["quiet_end"]),
        notify_digest=bool(row["notify_digest"]),
        notify_tasks=bool(row["notify_tasks"]),
        notify_meetings=bool(row["notify_meetings"]),
        notify_satisfaction=bool(row["notify_satisfaction"]),
        notify_contracts=bool(row["notify_contracts"]),
        satisfaction_days=row["satisfaction_days"],
        meeting_lead_minutes=row["meeting_lead_minutes"],
        lead_id=row["lead_id"],
        active=bool(row["active"]),
        blocked_at=opt_dt_from_db(row["blocked_at"]),
        onboarded_at=opt_dt_from_db(row["onboarded_at"]),
        created_at=dt_from_db(row["created_at"]),
        last_seen_at=opt_dt_from_db(row["last_seen_at"]),
        notify_weekly=None if row["notify_weekly"] is None else bool(row["notify_weekly"]),
    )


def _to_db_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, datetime):
        return dt_to_db(value)
    return value


CACHE_SECONDS = 60.0
"""How long a manager read for the access gate is served from memory. Every change made
through this repository forgets the changed manager at once (adding a manager, or a team
change, empties the whole cache); the time limit only bounds how long a change made by another
process (a `kam-bot` command) takes to be seen."""


def led_by(lead: str, alias: str = "") -> str:
    """SQL: the manager (columns of ``alias``) is of the team of ``lead`` (a parameter or
    column), by the access policy's rule (domain.policy.LED_ROLES)."""
    roles = ", ".join(f"'{role}'" for role in policy.LED_ROLES)  # constants, not input
    prefix = f"{alias}." if alias else ""
    return f"({prefix}lead_id = {lead} AND {prefix}role IN ({roles}))"


class ManagerRepository:
    """Managers. :meth:`by_telegram_id` (asked on every update by the access gate) is served
    from memory; every write here forgets the written manager's cached row, so a deactivated
    manager is refused on their very next update."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._by_telegram_id: dict[int, tuple[float, Manager]] = {}

    def forget_cached(self, manager_id: int | None = None) -> None:
        """Forgets one manager's cached row (a write to that row), or every one."""
        if manager_id is None:
            self._by_telegram_id.clear()
            return
        for telegram_id, (_, manager) in list(self._by_telegram_id.items()):
            if manager.id == manager_id:
                del self._by_telegram_id[telegram_id]

    async def by_telegram_id(self, telegram_id: int) -> Manager | None:
        cached = self._by_telegram_id.get(telegram_id)
        if cached is not None and monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        row = await self._db.fetch_one(
            "SELECT * FROM managers WHERE telegram_id = ?", (telegram_id,)
        )
        if row is None:  # strangers are not cached: an invite may register them any moment
            return None
        manager = row_to_manager(row)
        self._by_telegram_id[telegram_id] = (monotonic(), manager)
        return manager

    async def get(self, manager_id: int) -> Manager | None:
        row = await self._db.fetch_one("SELECT * FROM managers WHERE id = ?", (manager_id,))
        return None if row is None else row_to_manager(row)

    async def list_all(self) -> list[Manager]:
        rows = await self._db.fetch_all("SELECT * FROM managers ORDER BY active DESC, full_name")
        return [row_to_manager(row) for row in rows]

    async def create(
        self,
        *,
        telegram_id: int,
        full_name: str,
        username: str | None,
        role: Role,
        language: str,
        timezone: str,
        now: datetime,
        invited_by: int | None = None,
    ) -> Manager:
        """Registers a manager; a lead who invites becomes the new manager's lead."""
        self.forget_cached()
        async with self._db.transaction() as conn:
            manager_id = await insert_manager(
                conn,
                telegram_id=telegram_id,
                full_name=full_name,
                username=username,
                role=role,
                language=language,
                timezone=timezone,
                now=now,
                invited_by=invited_by,
            )
            row = await fetch_manager_row(conn, manager_id)
        return row_to_manager(row)

    async def update(
        self, manager_id: int, *, actor_id: int, now: datetime, **changes: Any
    ) -> Manager:
        """Changes preferences (or, for admins, role/active/lead); audited field by field."""
        unknown = set(changes) - PREFERENCE_FIELDS - ADMIN_FIELDS - {"onboarded_at"}
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        self.forget_cached(manager_id)
        try:
            return await self._update(manager_id, actor_id=actor_id, now=now, changes=changes)
        finally:  # also after the write: no read in between may cache the old row
            self.forget_cached(manager_id)

    async def _update(
        self, manager_id: int, *, actor_id: int, now: datetime, changes: dict[str, Any]
    ) -> Manager:
        async with self._db.transaction() as conn:
            row = await fetch_manager_row(conn, manager_id)
            new_values = {key: _to_db_value(value) for key, value in changes.items()}
            diff = {
                key: (row[key], value) for key, value in new_values.items() if row[key] != value
            }
            if diff:
                assignments = ", ".join(f"{key} = ?" for key in diff)
                (row,) = await conn.execute_fetchall(
                    f"UPDATE managers SET {assignments}, updated_at = ? WHERE id = ? RETURNING *",
                    (*(new for _, new in diff.values()), dt_to_db(now), manager_id),
                )
                audited = {k: v for k, v in diff.items() if k != "onboarded_at"}
                if audited:
                    await audit.record(
                        conn,
                        at=now,
                        actor_id=actor_id,
                        entity="manager",
                        entity_id=manager_id,
                        action="update",
                        changes=audited,
                    )
        return row_to_manager(row)

    async def seen(self, manager_id: int, now: datetime) -> None:
        """Records that the manager used the bot (the access gate calls it sparingly)."""
        await self._db.execute(
            "UPDATE managers SET last_seen_at = ? WHERE id = ?", (dt_to_db(now), manager_id)
        )
        self.forget_cached(manager_id)

    async def set_blocked(
        self, manager_id: int, blocked_at: datetime | None, *, now: datetime | None = None
    ) -> None:
        """Marks that the manager blocked the bot (403), or that they came back (audited, as
        done by nobody: Telegram told the bot; the return is stamped with the time it is
        noticed, ``now``)."""
        at = now or blocked_at
        if at is None:
            raise ValueError("the time a manager came back is needed: pass now")
        self.forget_cached(manager_id)  # else the gate sees the old mark for up to a minute
        async with self._db.transaction() as conn:
            row = await fetch_manager_row(conn, manager_id)
            new = None if blocked_at is None else dt_to_db(blocked_at)
            if row["blocked_at"] == new:
                return
            await conn.execute("UPDATE managers SET blocked_at = ? WHERE id = ?", (new, manager_id))
            await audit.record(
                conn,
                at=at,
                actor_id=None,
                entity="manager",
                entity_id=manager_id,
                action="update",
                changes={"blocked_at": (row["blocked_at"], new)},
            )


async def fetch_manager_row(conn: aiosqlite.Connection, manager_id: int) -> aiosqlite.Row:
    rows = await conn.execute_fetchall("SELECT * FROM managers WHERE id = ?", (manager_id,))
    for row in rows:  # one call to the database thread (execute, then fetchone, is two)
        return row
    raise LookupError(f"manager {manager_id} not found")


async def insert_manager(
    conn: aiosqlite.Connection,
    *,
    telegram_id: int,
    full_name: str,
    username: str | None,
    role: Role,
    language: str,
    timezone: str,
    now: datetime,
    invited_by: int | None,
) -> int:
    """Inserts and audits a manager in the caller's transaction; an inviting lead leads them."""
    lead_id: int | None = None
    if invited_by is not None:
        inviter = await (
            await conn.execute("SELECT role, lead_id FROM managers WHERE id = ?", (invited_by,))
        ).fetchone()
        if inviter is not None:
            lead_id = invited_by if inviter["role"] == "lead" else inviter["lead_id"]
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO managers (telegram_id, full_name, username, role, language, timezone,"
        " lead_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (telegram_id, full_name, username, role, language, timezone, lead_id, stamp, stamp),
    )
    manager_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=invited_by if invited_by is not None else manager_id,
        entity="manager",
        entity_id=manager_id,
        action="create",
        changes={"role": (None, role)},
    )
    return manager_id
