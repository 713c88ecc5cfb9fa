"""Meetings: held and planned, with attendees, attachments, follow-up tasks and the
satisfaction check, all written in one transaction per save."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from domain.entities import AttachmentIn as AttachmentIn
from domain.entities import AttachmentKind as AttachmentKind
from domain.entities import MeetingIn as MeetingIn
from domain.entities import MeetingKind as MeetingKind
from domain.entities import MeetingStatus as MeetingStatus
from domain.entities import NewContactIn as NewContactIn
from domain.entities import Outcome as Outcome
from domain.entities import TaskIn as TaskIn
from domain.usecases.meetings import check_contact, last_contact
from storage import audit
from storage.accounts import insert_account
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.contacts import insert_contact
from storage.database import Database
from storage.tasks import insert_satisfaction_check, insert_task


@dataclass(frozen=True)
class SaveResult:
    meeting_id: int
    account_id: int
    created: bool  # False when the token was already saved (a second press on Save)
    task_ids: tuple[int, ...] = ()
    satisfaction_check_id: int | None = None


@dataclass(frozen=True)
class Attendee:
    id: int
    name: str
    position: str | None = None


@dataclass(frozen=True)
class Attachment:
    id: int
    kind: AttachmentKind
    file_id: str
    file_unique_id: str | None
    file_name: str | None
    mime_type: str | None
    caption: str | None


@dataclass(frozen=True)
class Meeting:
    id: int
    account_id: int
    account_name: str
    author_id: int
    author_name: str
    status: MeetingStatus
    kind: MeetingKind
    starts_at: datetime
    starts_has_time: bool
    location: str | None
    latitude: float | None
    longitude: float | None
    agenda: str | None
    summary: str | None
    outcome: Outcome | None
    outcome_reason: str | None
    remind_before_minutes: int | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    contacts: tuple[Attendee, ...] = ()
    team: tuple[Attendee, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    attachment_count: int = 0


@dataclass(frozen=True)
class TimelinePage:
    meetings: list[Meeting] = field(default_factory=list)
    total: int = 0
    page: int = 0
    pages: int = 1


_SELECT = (
    "SELECT m.*, a.name AS account_name, g.full_name AS author_name,"
    " (SELECT count(*) FROM meeting_attachments x WHERE x.meeting_id = m.id) AS n_attachments"
    " FROM meetings m JOIN accounts a ON a.id = m.account_id"
    " JOIN managers g ON g.id = m.author_id"
)


def _row_to_meeting(row: aiosqlite.Row, **extra: Any) -> Meeting:
    return Meeting(
        id=row["id"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        status=row["status"],
        kind=row["kind"],
        starts_at=dt_from_db(row["starts_at"]),
        starts_has_time=bool(row["starts_has_time"]),
        location=row["location"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        agenda=row["agenda"],
        summary=row["summary"],
        outcome=row["outcome"],
        outcome_reason=row["outcome_reason"],
        remind_before_minutes=row["remind_before_minutes"],
        created_at=dt_from_db(row["created_at"]),
        updated_at=dt_from_db(row["updated_at"]),
        deleted_at=opt_dt_from_db(row["deleted_at"]),
        attachment_count=row["n_attachments"],
        **extra,
    )


def _columns(meeting: MeetingIn, account_id: int) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "status": meeting.status,
        "kind": meeting.kind,
        "starts_at": dt_to_db(meeting.starts_at),
        "starts_has_time": int(meeting.starts_has_time),
        "location": meeting.location,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "agenda": meeting.agenda,
        "summary": meeting.summary,
        "outcome": meeting.outcome,
        "outcome_reason": meeting.outcome_reason,
        "remind_before_minutes": meeting.remind_before_minutes,
    }


class MeetingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, meeting: MeetingIn, *, now: datetime) -> SaveResult:
        """Writes the meeting and everything that hangs on it in one transaction; audited.

        Idempotent: a second save with the same ``client_token`` returns the first result.
        """
        async with self._db.transaction() as conn:
            if meeting.client_token:
                found = await (
                    await conn.execute(
                        "SELECT id, account_id FROM meetings WHERE client_token = ?",
                        (meeting.client_token,),
                    )
                ).fetchone()
                if found is not None:
                    return SaveResult(found["id"], found["account_id"], created=False)
            return await self._write(conn, meeting, now)

    async def _write(
        self, conn: aiosqlite.Connection, meeting: MeetingIn, now: datetime
    ) -> SaveResult:
        actor = meeting.author_id
        account_id = meeting.account_id
        if account_id is None:
            if not meeting.new_account_name:
                raise ValueError("a meeting needs an account")
            account_id = await insert_account(
                conn, name=meeting.new_account_name, owner_id=actor, actor_id=actor, now=now
            )
        columns = _columns(meeting, account_id)
        if meeting.existing_id is None:
            meeting_id = await _insert_meeting(conn, meeting, columns, now)
        else:
            meeting_id = meeting.existing_id
            await _update_meeting(conn, meeting, meeting_id, columns, now)
        contact_ids = list(dict.fromkeys(meeting.contact_ids))
        for person in meeting.new_contacts:
            contact_ids.append(
                await insert_contact(
                    conn,
                    account_id=account_id,
                    full_name=person.full_name,
                    position=person.position,
                    actor_id=actor,
                    now=now,
                )
            )
        await self._replace_people(
            conn, meeting_id, contact_ids, list(meeting.team_ids), actor, now
        )
        await _insert_attachments(conn, meeting_id, meeting.attachments, actor, now)
        task_ids = await _insert_follow_ups(conn, meeting, meeting_id, account_id, now)
        check_id: int | None = None
        if meeting.satisfaction_due_at is not None:
            check_id = await insert_satisfaction_check(
                conn,
                account_id=account_id,
                manager_id=actor,
                due_at=meeting.satisfaction_due_at,
                now=now,
                meeting_id=meeting_id,
                contact_id=check_contact(contact_ids),
            )
        if meeting.is_contact:
            await _touch_last_contact(conn, account_id, meeting.starts_at, actor, now)
        return SaveResult(meeting_id, account_id, True, task_ids, check_id)

    async def _replace_people(
        self,
        conn: aiosqlite.Connection,
        meeting_id: int,
        contact_ids: list[int],
        team_ids: list[int],
        actor: int,
        now: datetime,
    ) -> None:
        old_contacts = [
            r[0]
            for r in await conn.execute_fetchall(
                "SELECT contact_id FROM meeting_contacts WHERE meeting_id = ? ORDER BY contact_id",
                (meeting_id,),
            )
        ]
        old_team = [
            r[0]
            for r in await conn.execute_fetchall(
                "SELECT manager_id FROM meeting_team WHERE meeting_id = ? ORDER BY manager_id",
                (meeting_id,),
            )
        ]
        new_contacts, new_team = sorted(set(contact_ids)), sorted(set(team_ids))
        changes: dict[str, tuple[Any, Any]] = {}
        if old_contacts != new_contacts:
            await conn.execute("DELETE FROM meeting_contacts WHERE meeting_id = ?", (meeting_id,))
            await conn.executemany(
                "INSERT INTO meeting_contacts (meeting_id, contact_id) VALUES (?, ?)",
                [(meeting_id, c) for c in new_contacts],
            )
            changes["contacts"] = (_ids(old_contacts), _ids(new_contacts))
        if old_team != new_team:
            await conn.execute("DELETE FROM meeting_team WHERE meeting_id = ?", (meeting_id,))
            await conn.executemany(
                "INSERT INTO meeting_team (meeting_id, manager_id) VALUES (?, ?)",
                [(meeting_id, m) for m in new_team],
            )
            changes["team"] = (_ids(old_team), _ids(new_team))
        if changes:
            await audit.record(
                conn,
                at=now,
                actor_id=actor,
                entity="meeting",
                entity_id=meeting_id,
                action="update",
                changes=changes,
            )

    async def get(self, meeting_id: int, *, with_deleted: bool = False) -> Meeting | None:
        """A meeting in full: attendees, our people and attachments."""
        async with self._db.reading() as conn:
            row = await (await conn.execute(_SELECT + " WHERE m.id = ?", (meeting_id,))).fetchone()
            if row is None or (row["deleted_at"] is not None and not with_deleted):
                return None
            contacts = await conn.execute_fetchall(
                "SELECT c.id, c.full_name, c.position FROM meeting_contacts mc"
                " JOIN contacts c ON c.id = mc.contact_id WHERE mc.meeting_id = ?"
                " ORDER BY c.full_name",
                (meeting_id,),
            )
            team = await conn.execute_fetchall(
                "SELECT g.id, g.full_name FROM meeting_team mt JOIN managers g"
                " ON g.id = mt.manager_id WHERE mt.meeting_id = ? ORDER BY g.full_name",
                (meeting_id,),
            )
            files = await conn.execute_fetchall(
                "SELECT * FROM meeting_attachments WHERE meeting_id = ? ORDER BY id",
                (meeting_id,),
            )
        return _row_to_meeting(
            row,
            contacts=tuple(Attendee(r[0], r[1], r[2]) for r in contacts),
            team=tuple(Attendee(r[0], r[1]) for r in team),
            attachments=tuple(
                Attachment(
                    id=r["id"],
                    kind=r["kind"],
                    file_id=r["file_id"],
                    file_unique_id=r["file_unique_id"],
                    file_name=r["file_name"],
                    mime_type=r["mime_type"],
                    caption=r["caption"],
                )
                for r in files
            ),
        )

    async def timeline(self, account_id: int, *, page: int = 0, per_page: int = 5) -> TimelinePage:
        """An account's meetings, newest first, one page of them (page numbers from 0)."""
        async with self._db.reading() as conn:
            counted = await (
                await conn.execute(
                    "SELECT count(*) FROM meetings WHERE account_id = ? AND deleted_at IS NULL",
                    (account_id,),
                )
            ).fetchone()
            total = int(counted[0]) if counted else 0
            pages = max(1, (total + per_page - 1) // per_page)
            page = min(max(page, 0), pages - 1)
            rows = await conn.execute_fetchall(
                _SELECT + " WHERE m.account_id = ? AND m.deleted_at IS NULL"
                " ORDER BY m.starts_at DESC, m.id DESC LIMIT ? OFFSET ?",
                (account_id, per_page, page * per_page),
            )
            people: dict[int, list[Attendee]] = {}
            ids = [row["id"] for row in rows]
            if ids:
                marks = ", ".join("?" for _ in ids)
                for r in await conn.execute_fetchall(
                    "SELECT mc.meeting_id, c.id, c.full_name, c.position FROM meeting_contacts mc"
                    f" JOIN contacts c ON c.id = mc.contact_id WHERE mc.meeting_id IN ({marks})"
                    " ORDER BY c.full_name",
                    ids,
                ):
                    people.setdefault(r[0], []).append(Attendee(r[1], r[2], r[3]))
        meetings = [_row_to_meeting(row, contacts=tuple(people.get(row["id"], []))) for row in rows]
        return TimelinePage(meetings, total, page, pages)

    async def planned_due(self, until: datetime, *, since: datetime) -> list[Meeting]:
        """Planned meetings starting in ``[since, until)`` (for reminders and "how did it go")."""
        rows = await self._db.fetch_all(
            _SELECT + " WHERE m.status = 'planned' AND m.deleted_at IS NULL"
            " AND m.starts_at >= ? AND m.starts_at < ? ORDER BY m.starts_at",
            (dt_to_db(since), dt_to_db(until)),
        )
        return [_row_to_meeting(row) for row in rows]

    async def delete(self, meeting_id: int, *, actor_id: int, now: datetime) -> bool:
        """Soft delete (kept for the audit trail); False when already gone."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE meetings SET deleted_at = ?, updated_at = ?"
                " WHERE id = ? AND deleted_at IS NULL",
                (dt_to_db(now), dt_to_db(now), meeting_id),
            )
            if not cursor.rowcount:
                return False
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="meeting",
                entity_id=meeting_id,
                action="delete",
            )
        return True


async def _insert_meeting(
    conn: aiosqlite.Connection, meeting: MeetingIn, columns: dict[str, Any], now: datetime
) -> int:
    stamp = dt_to_db(now)
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    cursor = await conn.execute(
        f"INSERT INTO meetings (author_id, {names}, client_token, created_at, updated_at)"
        f" VALUES (?, {marks}, ?, ?, ?)",
        (meeting.author_id, *columns.values(), meeting.client_token, stamp, stamp),
    )
    meeting_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=meeting.author_id,
        entity="meeting",
        entity_id=meeting_id,
        action="create",
        changes={
            key: (None, value)
            for key, value in columns.items()
            if value is not None and key not in ("summary", "agenda")
        },
    )
    return meeting_id


async def _update_meeting(
    conn: aiosqlite.Connection,
    meeting: MeetingIn,
    meeting_id: int,
    columns: dict[str, Any],
    now: datetime,
) -> None:
    row = await (
        await conn.execute(
            "SELECT * FROM meetings WHERE id = ? AND deleted_at IS NULL", (meeting_id,)
        )
    ).fetchone()
    if row is None:
        raise LookupError(f"meeting {meeting_id} not found")
    diff = {k: (row[k], v) for k, v in columns.items() if row[k] != v}
    if not diff:
        return
    assignments = ", ".join(f"{key} = ?" for key in diff)
    await conn.execute(
        f"UPDATE meetings SET {assignments}, updated_at = ?,"
        " client_token = coalesce(?, client_token) WHERE id = ?",
        (*(new for _, new in diff.values()), dt_to_db(now), meeting.client_token, meeting_id),
    )
    await audit.record(
        conn,
        at=now,
        actor_id=meeting.author_id,
        entity="meeting",
        entity_id=meeting_id,
        action="update",
        changes=diff,
    )


async def _insert_attachments(
    conn: aiosqlite.Connection,
    meeting_id: int,
    attachments: tuple[AttachmentIn, ...],
    actor_id: int,
    now: datetime,
) -> None:
    """Stores the meeting's files; one audit row names what was attached."""
    if not attachments:
        return
    await conn.executemany(
        "INSERT INTO meeting_attachments (meeting_id, kind, file_id, file_unique_id,"
        " file_name, mime_type, caption, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting_id,
                a.kind,
                a.file_id,
                a.file_unique_id,
                a.file_name,
                a.mime_type,
                a.caption,
                dt_to_db(now),
            )
            for a in attachments
        ],
    )
    names = ", ".join(a.file_name or a.kind for a in attachments)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="meeting",
        entity_id=meeting_id,
        action="update",
        changes={"attachments": (None, names)},
    )


async def _insert_follow_ups(
    conn: aiosqlite.Connection,
    meeting: MeetingIn,
    meeting_id: int,
    account_id: int,
    now: datetime,
) -> tuple[int, ...]:
    return tuple(
        [
            await insert_task(
                conn,
                assignee_id=meeting.author_id,
                text=task.text,
                now=now,
                actor_id=meeting.author_id,
                account_id=account_id,
                meeting_id=meeting_id,
                due_at=task.due_at,
                due_has_time=task.due_has_time,
                origin="follow_up",
            )
            for task in meeting.tasks
        ]
    )


def _ids(values: list[int]) -> str:
    return ",".join(str(v) for v in values)


async def _touch_last_contact(
    conn: aiosqlite.Connection, account_id: int, at: datetime, actor: int, now: datetime
) -> None:
    """A held meeting is a contact: move ``accounts.last_contact_at`` forward (never back)."""
    row = await (
        await conn.execute("SELECT last_contact_at FROM accounts WHERE id = ?", (account_id,))
    ).fetchone()
    old = row["last_contact_at"] if row else None
    new = dt_to_db(last_contact(at, now))
    if old is not None and old >= new:
        return
    await conn.execute(
        "UPDATE accounts SET last_contact_at = ?, updated_at = ? WHERE id = ?",
        (new, dt_to_db(now), account_id),
    )
    await audit.record(
        conn,
        at=now,
        actor_id=actor,
        entity="account",
        entity_id=account_id,
        action="update",
        changes={"last_contact_at": (old, new)},
    )
