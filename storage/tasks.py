"""Tasks: follow-ups from meetings, action-plan steps, recovery tasks."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from domain.entities import NewTask
from domain.entities import Task as Task
from domain.entities import TaskOrigin as TaskOrigin
from domain.entities import TaskStatus as TaskStatus
from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db, opt_dt_to_db
from storage.database import Database


def row_to_task(row: aiosqlite.Row) -> Task:
    return Task(
        id=row["id"],
        account_id=row["account_id"],
        meeting_id=row["meeting_id"],
        assignee_id=row["assignee_id"],
        created_by=row["created_by"],
        text=row["text"],
        origin=row["origin"],
        goal=row["goal"],
        resources=row["resources"],
        due_at=opt_dt_from_db(row["due_at"]),
        due_has_time=bool(row["due_has_time"]),
        snoozed_until=opt_dt_from_db(row["snoozed_until"]),
        status=row["status"],
        completed_at=opt_dt_from_db(row["completed_at"]),
        escalated_at=opt_dt_from_db(row["escalated_at"]),
        created_at=dt_from_db(row["created_at"]),
        updated_at=dt_from_db(row["updated_at"]),
    )


async def insert_task(
    conn: aiosqlite.Connection,
    *,
    assignee_id: int,
    text: str,
    now: datetime,
    actor_id: int,
    account_id: int | None = None,
    meeting_id: int | None = None,
    due_at: datetime | None = None,
    due_has_time: bool = False,
    origin: TaskOrigin = "manual",
    goal: str | None = None,
    resources: str | None = None,
) -> int:
    """Creates a task in the caller's transaction; audited."""
    stamp = dt_to_db(now)
    cursor = await conn.execute(
        "INSERT INTO tasks (account_id, meeting_id, assignee_id, created_by, text, origin, goal,"
        " resources, due_at, due_has_time, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            meeting_id,
            assignee_id,
            actor_id,
            text,
            origin,
            goal,
            resources,
            opt_dt_to_db(due_at),
            int(due_has_time),
            stamp,
            stamp,
        ),
    )
    task_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="task",
        entity_id=task_id,
        action="create",
        changes={"text": (None, text), "due_at": (None, opt_dt_to_db(due_at))},
    )
    return task_id


async def insert_new_task(
    conn: aiosqlite.Connection, task: NewTask, *, actor_id: int, now: datetime
) -> int:
    """Writes a task a use case decided on, in the caller's transaction."""
    return await insert_task(
        conn,
        assignee_id=task.assignee_id,
        text=task.text,
        now=now,
        actor_id=actor_id,
        account_id=task.account_id,
        meeting_id=task.meeting_id,
        due_at=task.due_at,
        due_has_time=task.due_has_time,
        origin=task.origin,
    )


async def insert_satisfaction_check(
    conn: aiosqlite.Connection,
    *,
    account_id: int,
    manager_id: int,
    due_at: datetime,
    now: datetime,
    meeting_id: int | None = None,
    contact_id: int | None = None,
) -> int:
    """Schedules "how satisfied is the client with this contact?" in the caller's transaction."""
    cursor = await conn.execute(
        "INSERT INTO satisfaction_checks (account_id, meeting_id, contact_id, manager_id, due_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (account_id, meeting_id, contact_id, manager_id, dt_to_db(due_at), dt_to_db(now)),
    )
    check_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=manager_id,
        entity="satisfaction_check",
        entity_id=check_id,
        action="create",
        changes={"due_at": (None, dt_to_db(due_at))},
    )
    return check_id


class TaskRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, task_id: int) -> Task | None:
        row = await self._db.fetch_one("SELECT * FROM tasks WHERE id = ?", (task_id,))
        return None if row is None else row_to_task(row)

    async def open_for_assignee(self, manager_id: int) -> list[Task]:
        """Open tasks, the soonest due first, undated last."""
        rows = await self._db.fetch_all(
            "SELECT * FROM tasks WHERE assignee_id = ? AND status = 'open'"
            " ORDER BY due_at IS NULL, due_at, id",
            (manager_id,),
        )
        return [row_to_task(row) for row in rows]

    async def open_for_account(self, account_id: int) -> list[Task]:
        rows = await self._db.fetch_all(
            "SELECT * FROM tasks WHERE account_id = ? AND status = 'open'"
            " ORDER BY due_at IS NULL, due_at, id",
            (account_id,),
        )
        return [row_to_task(row) for row in rows]

    async def open_page(self, manager_id: int, *, offset: int, limit: int) -> list[Task]:
        """One page of the manager's open tasks, the soonest due first, undated last."""
        rows = await self._db.fetch_all(
            "SELECT * FROM tasks WHERE assignee_id = ? AND status = 'open'"
            " ORDER BY due_at IS NULL, due_at, id LIMIT ? OFFSET ?",
            (manager_id, limit, offset),
        )
        return [row_to_task(row) for row in rows]

    async def count_open(self, manager_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) AS n FROM tasks WHERE assignee_id = ? AND status = 'open'",
            (manager_id,),
        )
        return int(row["n"]) if row is not None else 0

    async def complete(self, task_id: int, *, actor_id: int, now: datetime) -> Task | None:
        """Marks an open task done; None when it is not open any more (done or deleted)."""
        async with self._db.transaction() as conn:
            stamp = dt_to_db(now)
            cursor = await conn.execute(
                "UPDATE tasks SET status = 'done', completed_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'open'",
                (stamp, stamp, task_id),
            )
            if cursor.rowcount != 1:
                return None
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="task",
                entity_id=task_id,
                action="update",
                changes={"status": ("open", "done")},
            )
            row = await (
                await conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,))
            ).fetchone()
        return None if row is None else row_to_task(row)

    async def snooze(
        self, task_id: int, until: datetime, *, actor_id: int, now: datetime
    ) -> Task | None:
        """Moves an open task's reminder to `until`; None when the task is not open."""
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute(
                    "SELECT * FROM tasks WHERE id = ? AND status = 'open'", (task_id,)
                )
            ).fetchone()
            if row is None:
                return None
            await conn.execute(
                "UPDATE tasks SET snoozed_until = ?, updated_at = ? WHERE id = ?",
                (dt_to_db(until), dt_to_db(now), task_id),
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="task",
                entity_id=task_id,
                action="update",
                changes={"snoozed_until": (row["snoozed_until"], dt_to_db(until))},
            )
            row = await (
                await conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,))
            ).fetchone()
        return None if row is None else row_to_task(row)

    async def mark_escalated(self, task_id: int, *, now: datetime) -> None:
        """Records that the lead was told about this overdue task (system action, audited)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE tasks SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
                (dt_to_db(now), task_id),
            )
            if cursor.rowcount == 1:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=None,
                    entity="task",
                    entity_id=task_id,
                    action="update",
                    changes={"escalated_at": (None, dt_to_db(now))},
                )


async def _fetch_task_row(conn: aiosqlite.Connection, task_id: int) -> aiosqlite.Row | None:
    cursor = await conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,))
    return await cursor.fetchone()
