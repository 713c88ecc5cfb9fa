"""One-time invite codes that register a new manager with a role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import aiosqlite

from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database
from storage.managers import Manager, Role, fetch_manager_row, insert_manager, row_to_manager

InviteProblem = Literal["unknown", "used", "expired", "revoked"]


@dataclass(frozen=True)
class Invite:
    id: int
    code: str
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Redemption:
    """The result of /start with a code: the new manager, or why the code did not work."""

    manager: Manager | None
    problem: InviteProblem | None


def _row_to_invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        code=row["code"],
        role=row["role"],
        created_by=row["created_by"],
        created_at=dt_from_db(row["created_at"]),
        expires_at=dt_from_db(row["expires_at"]),
        used_by=row["used_by"],
        used_at=opt_dt_from_db(row["used_at"]),
        revoked_at=opt_dt_from_db(row["revoked_at"]),
    )


def new_code() -> str:
    """A URL-safe code that fits Telegram's 64-character start parameter."""
    return secrets.token_urlsafe(12)


class InviteRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, *, role: Role, created_by: int, now: datetime, valid_for: timedelta
    ) -> Invite:
        code = new_code()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO invites (code, role, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (code, role, created_by, dt_to_db(now), dt_to_db(now + valid_for)),
            )
            invite_id = int(cursor.lastrowid or 0)
            await audit.record(
                conn,
                at=now,
                actor_id=created_by,
                entity="invite",
                entity_id=invite_id,
                action="create",
                changes={"role": (None, role)},
            )
            row = await (
                await conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,))
            ).fetchone()
        assert row is not None
        return _row_to_invite(row)

    async def get(self, invite_id: int) -> Invite | None:
        row = await self._db.fetch_one("SELECT * FROM invites WHERE id = ?", (invite_id,))
        return _row_to_invite(row) if row is not None else None

    async def list_open(self, now: datetime, *, created_by: int | None = None) -> list[Invite]:
        """Open invites, newest first: all of them, or only those ``created_by`` created."""
        rows = await self._db.fetch_all(
            "SELECT * FROM invites WHERE used_at IS NULL AND revoked_at IS NULL"
            " AND expires_at > ? AND (? IS NULL OR created_by = ?) ORDER BY created_at DESC",
            (dt_to_db(now), created_by, created_by),
        )
        return [_row_to_invite(row) for row in rows]

    async def revoke(
        self, invite_id: int, *, actor_id: int, now: datetime, created_by: int | None = None
    ) -> bool:
        """Withdraws an open invite (only one ``created_by`` created, when given)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL"
                " AND revoked_at IS NULL AND (? IS NULL OR created_by = ?)",
                (dt_to_db(now), invite_id, created_by, created_by),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="invite",
                entity_id=invite_id,
                action="delete",
                changes={"revoked_at": (None, dt_to_db(now))},
            )
        return True

    async def redeem(
        self,
        code: str,
        *,
        telegram_id: int,
        full_name: str,
        username: str | None,
        language: str,
        timezone: str,
        now: datetime,
    ) -> Redemption:
        """Uses the code once and registers the user, atomically (two presses register once)."""
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute("SELECT * FROM invites WHERE code = ?", (code,))
            ).fetchone()
            if row is None:
                return Redemption(None, "unknown")
            invite = _row_to_invite(row)
            if invite.revoked_at is not None:
                return Redemption(None, "revoked")
            if invite.used_at is not None:
                return Redemption(None, "used")
            if invite.expires_at <= now:
                return Redemption(None, "expired")
            manager_id = await insert_manager(
                conn,
                telegram_id=telegram_id,
                full_name=full_name,
                username=username,
                role=invite.role,
                language=language,
                timezone=timezone,
                now=now,
                invited_by=invite.created_by,
            )
            await conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE id = ?",
                (manager_id, dt_to_db(now), invite.id),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=manager_id,
                entity="invite",
                entity_id=invite.id,
                action="update",
                changes={"used_by": (None, manager_id)},
            )
            created = await fetch_manager_row(conn, manager_id)
        return Redemption(row_to_manager(created), None)
