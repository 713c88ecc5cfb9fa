"""Satisfaction checks: "how satisfied is the client with this contact?" and the answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from domain.entities import CheckView as CheckView
from domain.usecases.satisfaction import ScorePlan, plan_score
from storage import audit
from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database
from storage.reminders import enqueue
from storage.tasks import insert_new_task


@dataclass(frozen=True)
class ScoreResult:
    check: CheckView
    recorded: bool  # False: the check was already answered or skipped
    recovery_task_id: int | None
    lead_id: int | None  # the lead told about a low score


def _row_to_view(row: aiosqlite.Row) -> CheckView:
    return CheckView(
        id=row["id"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        manager_id=row["manager_id"],
        contact_id=row["contact_id"],
        contact_name=row["contact_name"],
        meeting_id=row["meeting_id"],
        meeting_at=opt_dt_from_db(row["meeting_at"]),
        due_at=dt_from_db(row["due_at"]),
        status=row["status"],
        score=row["score"],
        comment=row["comment"],
        answered_at=opt_dt_from_db(row["answered_at"]),
    )


_VIEW = (
    "SELECT s.*, a.name AS account_name, c.full_name AS contact_name,"
    " m.starts_at AS meeting_at FROM satisfaction_checks s"
    " JOIN accounts a ON a.id = s.account_id"
    " LEFT JOIN contacts c ON c.id = s.contact_id"
    " LEFT JOIN meetings m ON m.id = s.meeting_id"
)


async def _view(conn: aiosqlite.Connection, check_id: int) -> CheckView | None:
    row = await (await conn.execute(_VIEW + " WHERE s.id = ?", (check_id,))).fetchone()
    return None if row is None else _row_to_view(row)


async def account_lead(
    conn: aiosqlite.Connection, account_id: int, fallback_manager: int
) -> int | None:
    """The lead of the account's owner (of `fallback_manager` when the account has none), if
    their access is on: a notice queued for a switched-off lead would never be sent."""
    row = await (
        await conn.execute(
            "SELECT lead.id AS lead_id FROM managers fallback LEFT JOIN accounts a ON a.id = ?"
            " LEFT JOIN managers owner ON owner.id = a.owner_id"
            " JOIN managers lead ON lead.id = coalesce(owner.lead_id, fallback.lead_id)"
            " WHERE fallback.id = ? AND lead.active = 1",
            (account_id, fallback_manager),
        )
    ).fetchone()
    return None if row is None else int(row["lead_id"])


async def _write_score(
    conn: aiosqlite.Connection, plan: ScorePlan, actor_id: int, now: datetime
) -> int | None:
    """Writes a score plan in the caller's transaction; the recovery task's id, if any."""
    await conn.execute(
        "UPDATE satisfaction_checks SET status = 'answered', score = ?, answered_at = ?"
        " WHERE id = ?",
        (plan.score, dt_to_db(now), plan.check_id),
    )
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity="satisfaction_check",
        entity_id=plan.check_id,
        action="update",
        changes={"status": (plan.old_status, "answered"), "score": (None, plan.score)},
    )
    task_id = (
        None
        if plan.recovery is None
        else await insert_new_task(conn, plan.recovery, actor_id=actor_id, now=now)
    )
    if plan.notice is not None:
        await enqueue(conn, plan.notice, now)
    return task_id


class SatisfactionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, check_id: int) -> CheckView | None:
        async with self._db.reading() as conn:
            return await _view(conn, check_id)

    async def mark_asked(self, check_id: int, *, now: datetime) -> None:
        """The question went out; an unanswered check is then asked again only in the digest."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE satisfaction_checks SET status = 'asked', asked_at = ?"
                " WHERE id = ? AND status = 'scheduled'",
                (dt_to_db(now), check_id),
            )
            if cursor.rowcount == 1:
                await audit.record(
                    conn,
                    at=now,
                    actor_id=None,
                    entity="satisfaction_check",
                    entity_id=check_id,
                    action="update",
                    changes={"status": ("scheduled", "asked")},
                )

    async def record_score(
        self,
        check_id: int,
        score: int,
        *,
        actor_id: int,
        now: datetime,
        recovery_text: str,
        recovery_due: datetime,
    ) -> ScoreResult | None:
        """Stores the score; a low one creates a recovery task (date only, `recovery_due`)
        and queues a notice to the account's lead, all in one transaction.

        None when the check does not exist or is not the actor's.
        """
        if not 1 <= score <= 5:
            raise ValueError("a score is 1 to 5")
        async with self._db.transaction() as conn:
            check = await _view(conn, check_id)
            if check is None or check.manager_id != actor_id:
                return None
            plan = plan_score(
                check,
                score,
                actor_id=actor_id,
                now=now,
                lead_id=await account_lead(conn, check.account_id, actor_id),
                recovery_text=recovery_text,
                recovery_due=recovery_due,
            )
            if plan is None:
                return ScoreResult(check, False, None, None)
            task_id = await _write_score(conn, plan, actor_id, now)
            updated = await _view(conn, check_id)
        assert updated is not None
        return ScoreResult(updated, True, task_id, plan.lead_id)

    async def skip(self, check_id: int, *, actor_id: int, now: datetime) -> bool:
        """The manager chose not to rate this contact; False when already answered."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE satisfaction_checks SET status = 'skipped' WHERE id = ? AND manager_id = ?"
                " AND status IN ('scheduled', 'asked')",
                (check_id, actor_id),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="satisfaction_check",
                entity_id=check_id,
                action="update",
                changes={"status": (None, "skipped")},
            )
        return True

    async def add_comment(
        self, check_id: int, comment: str, *, actor_id: int, now: datetime
    ) -> CheckView | None:
        async with self._db.transaction() as conn:
            check = await _view(conn, check_id)
            if check is None or check.manager_id != actor_id or check.status != "answered":
                return None
            await conn.execute(
                "UPDATE satisfaction_checks SET comment = ? WHERE id = ?", (comment, check_id)
            )
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity="satisfaction_check",
                entity_id=check_id,
                action="update",
                changes={"comment": (check.comment, comment)},
            )
            return await _view(conn, check_id)

    async def trend(self, account_id: int, *, limit: int = 10) -> list[tuple[datetime, int]]:
        """The account's latest answered scores, oldest first (for the profile's trend)."""
        rows = await self._db.fetch_all(
            "SELECT answered_at, score FROM satisfaction_checks"
            " WHERE account_id = ? AND status = 'answered' AND score IS NOT NULL"
            " ORDER BY answered_at DESC, id DESC LIMIT ?",
            (account_id, limit),
        )
        return [(dt_from_db(r["answered_at"]), int(r["score"])) for r in reversed(rows)]
