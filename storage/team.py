"""The team as /team shows it: managers with their load and last activity, switching access
off and on, and who works on an account (account_team rows of registered managers, the
executive sponsor).

A lead's team is the managers whose lead they are (managers.lead_id) and the lead; an admin's
is everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage import audit
from storage.codec import dt_to_db, opt_dt_from_db
from storage.database import Database
from storage.managers import Manager, fetch_manager_row, led_by, row_to_manager

SWITCHED_OFF = "manager switched off"
"""The reason (in `error`) of a pending reminder skipped because its manager lost access."""

_STATS = (
    "SELECT m.*,"
    " (SELECT count(*) FROM accounts a WHERE a.owner_id = m.id AND a.archived_at IS NULL)"
    "   AS n_accounts,"
    " (SELECT count(*) FROM tasks t WHERE t.assignee_id = m.id AND t.status = 'open')"
    "   AS n_open,"
    " (SELECT count(*) FROM tasks t WHERE t.assignee_id = m.id AND t.status = 'open'"
    "   AND t.due_at IS NOT NULL AND ((t.due_has_time = 1 AND t.due_at < :now)"
    "   OR (t.due_has_time = 0 AND t.due_at < :day_ago))) AS n_overdue,"
    " (SELECT max(mt.updated_at) FROM meetings mt WHERE mt.author_id = m.id"
    "   AND mt.deleted_at IS NULL) AS last_meeting"
    " FROM managers m"
)
_IN_VIEW = f"(:all OR m.id = :me OR {led_by(':me', 'm')})"


async def write_sponsor_flag(
    conn: aiosqlite.Connection,
    seat_id: int,
    sponsor: int,
    *,
    actor_id: int,
    now: datetime,
    account_id: int | None = None,
) -> None:
    """Marks (1) or unmarks (0) an account team seat as the executive sponsor, audited, in
    the caller's transaction (the caller keeps one sponsor per account)."""
    await conn.execute(
        "UPDATE account_team SET is_executive_sponsor = ? WHERE id = ?", (sponsor, seat_id)
    )
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="account_team",
        entity_id=seat_id,
        action="update",
        changes={"is_executive_sponsor": (1 - sponsor, sponsor)},
        account_id=account_id,
    )


@dataclass(frozen=True)
class Member:
    """A manager with what /team shows about them."""

    manager: Manager
    accounts: int
    open_tasks: int
    overdue_tasks: int
    last_meeting_at: datetime | None

    @property
    def last_active(self) -> datetime | None:
        """Their last update to the bot or the last meeting they wrote, whichever is later."""
        moments = [m for m in (self.manager.last_seen_at, self.last_meeting_at) if m]
        return max(moments) if moments else None


@dataclass(frozen=True)
class AccountLine:
    id: int
    name: str
    status: str


@dataclass(frozen=True)
class TeamSeat:
    """A registered manager on an account's team."""

    manager_id: int
    full_name: str
    active: bool
    is_sponsor: bool


def _member(row: aiosqlite.Row) -> Member:
    return Member(
        manager=row_to_manager(row),
        accounts=int(row["n_accounts"]),
        open_tasks=int(row["n_open"]),
        overdue_tasks=int(row["n_overdue"]),
        last_meeting_at=opt_dt_from_db(row["last_meeting"]),
    )


class TeamRepository:
    def __init__(self, db: Database, managers_changed: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._managers_changed = managers_changed  # empties the access gate's manager cache

    @staticmethod
    def _params(viewer_id: int, sees_all: bool, now: datetime) -> dict[str, object]:
        day_ago = now - timedelta(days=1)  # a task with a date only is late once its day ended
        return {
            "all": int(sees_all),
            "me": viewer_id,
            "now": dt_to_db(now),
            "day_ago": dt_to_db(day_ago),
        }

    async def members(
        self, viewer_id: int, *, sees_all: bool, now: datetime, limit: int, offset: int = 0
    ) -> tuple[list[Member], int]:
        """One page of the viewer's team (active first, by name) and how many there are."""
        params = {**self._params(viewer_id, sees_all, now), "limit": limit, "offset": offset}
        rows = await self._db.fetch_all(
            f"{_STATS} WHERE {_IN_VIEW} ORDER BY m.active DESC, m.full_name, m.id"
            " LIMIT :limit OFFSET :offset",
            params,
        )
        total = await self._db.fetch_one(
            f"SELECT count(*) AS n FROM managers m WHERE {_IN_VIEW}", params
        )
        return [_member(r) for r in rows], int(total["n"]) if total else 0

    async def member(self, member_id: int, *, now: datetime) -> Member | None:
        params = self._params(member_id, True, now)
        row = await self._db.fetch_one(f"{_STATS} WHERE m.id = :me", params)
        return None if row is None else _member(row)

    async def in_view(self, viewer_id: int, *, sees_all: bool) -> list[Manager]:
        """The active managers of the viewer's team, by name (whom accounts may go to)."""
        rows = await self._db.fetch_all(
            f"SELECT m.* FROM managers m WHERE m.active = 1 AND {_IN_VIEW}"
            " ORDER BY m.full_name, m.id",
            {"all": int(sees_all), "me": viewer_id},
        )
        return [row_to_manager(r) for r in rows]

    async def accounts_of(self, manager_id: int) -> list[AccountLine]:
        """The accounts the manager owns (not archived), by name."""
        rows = await self._db.fetch_all(
            "SELECT id, name, status FROM accounts WHERE owner_id = ? AND archived_at IS NULL"
            " ORDER BY name, id",
            (manager_id,),
        )
        return [AccountLine(r["id"], r["name"], r["status"]) for r in rows]

    async def switch(
        self, member_id: int, active: bool, *, actor_id: int, now: datetime
    ) -> Manager:
        """Switches the manager's access off or on (audited). Off: the reminders waiting to be
        sent to them are skipped in the same transaction (the scan records no new ones for an
        inactive manager, and the sender never sends to one)."""
        self._managers_changed()
        try:
            return await self._switch(member_id, active, actor_id=actor_id, now=now)
        finally:  # also after the write: no read in between may cache the old row
            self._managers_changed()

    async def _switch(
        self, member_id: int, active: bool, *, actor_id: int, now: datetime
    ) -> Manager:
        async with self._db.transaction() as conn:
            row = await fetch_manager_row(conn, member_id)
            if bool(row["active"]) != active:
                await conn.execute(
                    "UPDATE managers SET active = ?, updated_at = ? WHERE id = ?",
                    (int(active), dt_to_db(now), member_id),
                )
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    entity="manager",
                    entity_id=member_id,
                    action="update",
                    changes={"active": (row["active"], int(active))},
                )
            if not active:
                await conn.execute(
                    "UPDATE reminder_deliveries SET status = 'skipped', error = ?"
                    " WHERE manager_id = ? AND status = 'pending'",
                    (SWITCHED_OFF, member_id),
                )
            row = await fetch_manager_row(conn, member_id)
        return row_to_manager(row)

    # --- an account's team ----------------------------------------------------------------

    async def seats(self, account_id: int) -> list[TeamSeat]:
        """The registered managers on the account's team (the sponsor first, then by name)."""
        rows = await self._db.fetch_all(
            "SELECT t.manager_id, m.full_name, m.active, max(t.is_executive_sponsor) AS sponsor"
            " FROM account_team t JOIN managers m ON m.id = t.manager_id"
            " WHERE t.account_id = ? GROUP BY t.manager_id ORDER BY sponsor DESC, m.full_name",
            (account_id,),
        )
        return [
            TeamSeat(r["manager_id"], r["full_name"], bool(r["active"]), bool(r["sponsor"]))
            for r in rows
        ]

    async def add_seat(
        self, account_id: int, manager_id: int, *, actor_id: int, now: datetime
    ) -> bool:
        """Puts the manager on the account's team (audited); False if they are on it."""
        async with self._db.transaction() as conn:
            found = await (
                await conn.execute(
                    "SELECT 1 FROM account_team WHERE account_id = ? AND manager_id = ?",
                    (account_id, manager_id),
                )
            ).fetchone()
            if found is not None:
                return False
            cursor = await conn.execute(
                "INSERT INTO account_team (account_id, manager_id, created_at) VALUES (?, ?, ?)",
                (account_id, manager_id, dt_to_db(now)),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="account_team",
                entity_id=int(cursor.lastrowid or 0),
                action="create",
                changes={"account_id": (None, account_id), "manager_id": (None, manager_id)},
            )
        return True

    async def remove_seat(
        self, account_id: int, manager_id: int, *, actor_id: int, now: datetime
    ) -> bool:
        """Takes the manager off the account's team (audited); False if they were not on it."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "DELETE FROM account_team WHERE account_id = ? AND manager_id = ? RETURNING id",
                (account_id, manager_id),
            )
            for row in rows:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    entity="account_team",
                    entity_id=int(row["id"]),
                    action="delete",
                    changes={"manager_id": (manager_id, None)},
                )
        return bool(rows)

    async def set_sponsor(
        self, account_id: int, manager_id: int | None, *, actor_id: int, now: datetime
    ) -> bool:
        """Makes the manager (on the account's team) its one executive sponsor, or nobody
        (None); every change audited. False if the manager is not on the team."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT id, manager_id, is_executive_sponsor FROM account_team"
                " WHERE account_id = ?",
                (account_id,),
            )
            if manager_id is not None and not any(r["manager_id"] == manager_id for r in rows):
                return False
            for row in rows:
                wanted = int(manager_id is not None and row["manager_id"] == manager_id)
                if int(row["is_executive_sponsor"]) == wanted:
                    continue
                await write_sponsor_flag(conn, int(row["id"]), wanted, actor_id=actor_id, now=now)
        return True
