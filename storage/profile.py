"""The list parts of a key account profile, and everything the card and the brief show.

Lists (one generic repository for all of them, each change audited in its transaction):
contacts, related organisations and structure, our team (incl. the executive sponsor),
deals/tenders/agreements (the history), client spend, previous suppliers and the action plan
(tasks with origin 'action_plan', so each step reminds its owner like any task).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

import aiosqlite

from storage import audit
from storage.accounts import Account, row_to_account
from storage.codec import dt_to_db, opt_dt_from_db
from storage.database import Database
from storage.deals import unlink_contracts
from storage.tasks import Task, insert_task, row_to_task
from storage.team import write_sponsor_flag

ItemKind = Literal["contact", "related", "team", "deal", "spend", "supplier", "plan"]
ITEM_KINDS: tuple[ItemKind, ...] = (
    "contact",
    "related",
    "team",
    "deal",
    "spend",
    "supplier",
    "plan",
)


@dataclass(frozen=True)
class ItemTable:
    table: str
    entity: str  # the audit log's entity name
    columns: tuple[str, ...]  # what may be set
    title: str  # the column that names an item
    select: str  # SELECT ... FROM ... (aliased `i`), may join display names
    live: str  # condition for items that still count
    order_by: str
    has_updated_at: bool


TABLES: dict[ItemKind, ItemTable] = {
    "contact": ItemTable(
        "contacts",
        "contact",
        (
            "full_name",
            "position",
            "decision_role",
            "attitude",
            "phone",
            "email",
            "birthday",
            "notes",
        ),
        "full_name",
        "SELECT i.* FROM contacts i",
        "i.archived_at IS NULL",
        "i.decision_role IS NULL, i.full_name, i.id",
        True,
    ),
    "related": ItemTable(
        "related_organisations",
        "related_organisation",
        ("kind", "name", "note"),
        "name",
        "SELECT i.* FROM related_organisations i",
        "1",
        "i.kind, i.name, i.id",
        False,
    ),
    "team": ItemTable(
        "account_team",
        "account_team",
        ("manager_id", "name", "role", "is_executive_sponsor"),
        "name",
        "SELECT i.*, m.full_name AS manager_name FROM account_team i"
        " LEFT JOIN managers m ON m.id = i.manager_id",
        "1",
        "i.is_executive_sponsor DESC, i.id",
        False,
    ),
    "deal": ItemTable(
        "deals",
        "deal",
        (
            "kind",
            "title",
            "stage",
            "amount_minor",
            "currency",
            "probability",
            "expected_close_on",
            "closed_on",
            "result_reason",
            "owner_id",
        ),
        "title",
        "SELECT i.* FROM deals i",
        "1",
        "coalesce(i.closed_on, i.expected_close_on, substr(i.created_at, 1, 10)) DESC, i.id DESC",
        True,
    ),
    "spend": ItemTable(
        "client_spend",
        "client_spend",
        ("need", "amount_minor", "currency", "period", "note"),
        "need",
        "SELECT i.* FROM client_spend i",
        "1",
        "i.amount_minor IS NULL, i.id",
        False,
    ),
    "supplier": ItemTable(
        "previous_suppliers",
        "previous_supplier",
        ("name", "supplied", "period", "reason_left"),
        "name",
        "SELECT i.* FROM previous_suppliers i",
        "1",
        "i.id",
        False,
    ),
    "plan": ItemTable(
        "tasks",
        "task",
        ("text", "goal", "assignee_id", "due_at", "due_has_time", "resources", "status"),
        "text",
        "SELECT i.*, m.full_name AS assignee_name FROM tasks i"
        " LEFT JOIN managers m ON m.id = i.assignee_id",
        "i.origin = 'action_plan' AND i.status != 'cancelled'",
        "i.status = 'done', i.due_at IS NULL, i.due_at, i.id",
        True,
    ),
}


@dataclass(frozen=True)
class ProfileItem:
    """One row of a profile list; `values` holds the stored columns (and display joins)."""

    kind: ItemKind
    id: int
    account_id: int
    values: dict[str, Any]

    def get(self, column: str) -> Any:
        return self.values.get(column)

    @property
    def title(self) -> str:
        if self.kind == "team":
            return str(self.values.get("manager_name") or self.values.get("name") or "")
        return str(self.values.get(TABLES[self.kind].title) or "")


def _row_to_item(kind: ItemKind, row: aiosqlite.Row) -> ProfileItem:
    values = {key: row[key] for key in row.keys()}  # noqa: SIM118 - aiosqlite.Row
    return ProfileItem(kind, int(values["id"]), int(values["account_id"]), values)


def to_db(value: Any) -> Any:
    """A Python value as stored: datetimes as UTC text, dates ISO, booleans 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return dt_to_db(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Score:
    score: int
    at: datetime | None
    comment: str | None


@dataclass(frozen=True)
class MeetingNote:
    id: int
    starts_at: datetime
    kind: str
    status: str
    summary: str | None
    outcome: str | None
    outcome_reason: str | None


@dataclass(frozen=True)
class Deadline:
    on: date
    what: str  # the contract's title or the obligation's description
    kind: Literal["contract_end", "obligation"]
    party: str | None  # 'ours' / 'client' for obligations


@dataclass
class ProfileSnapshot:
    """Everything the card, the sections, the brief and the export read, in one go."""

    account: Account
    owner_name: str | None
    items: dict[ItemKind, list[ProfileItem]] = field(default_factory=dict)
    open_tasks: list[Task] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)  # newest first
    last_meeting: MeetingNote | None = None
    next_meeting: MeetingNote | None = None
    deadlines: list[Deadline] = field(default_factory=list)

    def list(self, kind: ItemKind) -> list[ProfileItem]:
        return self.items.get(kind, [])


@dataclass(frozen=True)
class NextTask:
    text: str
    due_at: datetime | None
    due_has_time: bool


@dataclass(frozen=True)
class CardSnapshot:
    """What the account card shows, read in two statements (the profile's sections read
    the whole `ProfileSnapshot`): list sizes, the two facts completeness asks of the lists,
    the next open task, the latest scores (newest first) and the deals."""

    account: Account
    owner_name: str | None
    counts: dict[ItemKind, int]
    has_decision_maker: bool
    has_executive_sponsor: bool
    next_task: NextTask | None
    scores: list[int]
    deals: list[ProfileItem]

    @classmethod
    def of(cls, snap: ProfileSnapshot) -> CardSnapshot:
        """The card's part of a full snapshot (the export prints the card too)."""
        task = snap.open_tasks[0] if snap.open_tasks else None
        return cls(
            snap.account,
            snap.owner_name,
            {kind: len(snap.list(kind)) for kind in ITEM_KINDS},
            any(c.get("decision_role") == "decision_maker" for c in snap.list("contact")),
            any(m.get("is_executive_sponsor") for m in snap.list("team")),
            NextTask(task.text, task.due_at, task.due_has_time) if task else None,
            [s.score for s in snap.scores],
            snap.list("deal"),
        )


def _count(kind: ItemKind, extra: str = "") -> str:
    table = TABLES[kind]
    return f"SELECT count(*) FROM {table.table} i WHERE i.account_id = a.id AND {table.live}{extra}"


_DECISION_MAKER = " AND i.decision_role = 'decision_maker'"
_CARD = (
    "SELECT a.*, m.full_name AS owner_name, "
    + ", ".join(f"({_count(kind)}) AS n_{kind}" for kind in ITEM_KINDS)
    + f", ({_count('contact', _DECISION_MAKER)}) AS n_decision_maker"
    + f", ({_count('team', ' AND i.is_executive_sponsor')}) AS n_sponsor"
    + ", (SELECT json_array(t.text, t.due_at, t.due_has_time) FROM tasks t"
    " WHERE t.account_id = a.id AND t.status = 'open'"
    " ORDER BY t.due_at IS NULL, t.due_at, t.id LIMIT 1) AS next_task"
    ", (SELECT json_group_array(s.score) FROM (SELECT score FROM satisfaction_checks"
    " WHERE account_id = a.id AND score IS NOT NULL"
    " ORDER BY coalesce(answered_at, due_at) DESC, id DESC LIMIT 12) s) AS scores"
    " FROM accounts a LEFT JOIN managers m ON m.id = a.owner_id WHERE a.id = ?"
)


def _next_task(cell: str | None) -> NextTask | None:
    if cell is None:
        return None
    text, due_at, due_has_time = json.loads(cell)
    return NextTask(str(text), opt_dt_from_db(due_at), bool(due_has_time))


def _meeting(row: aiosqlite.Row | None) -> MeetingNote | None:
    if row is None:
        return None
    starts = opt_dt_from_db(row["starts_at"])
    assert starts is not None
    return MeetingNote(
        row["id"],
        starts,
        row["kind"],
        row["status"],
        row["summary"],
        row["outcome"],
        row["outcome_reason"],
    )


async def _insert_item(
    conn: aiosqlite.Connection,
    table: ItemTable,
    account_id: int,
    values: dict[str, Any],
    actor_id: int,
    now: datetime,
) -> int:
    """Inserts a list item (not a plan step) and audits its creation; its id."""
    stored = {key: to_db(value) for key, value in values.items()}
    stamp = dt_to_db(now)
    stored["account_id"] = account_id
    stored["created_at"] = stamp
    if table.has_updated_at:
        stored["updated_at"] = stamp
    names = ", ".join(stored)
    marks = ", ".join("?" for _ in stored)
    cursor = await conn.execute(
        f"INSERT INTO {table.table} ({names}) VALUES ({marks})", tuple(stored.values())
    )
    item_id = int(cursor.lastrowid or 0)
    await audit.record(
        conn,
        at=now,
        actor_id=actor_id,
        entity=table.entity,
        entity_id=item_id,
        action="create",
        changes={
            "account_id": (None, account_id),
            **{key: (None, value) for key, value in stored.items() if key in values},
        },
    )
    return item_id


async def _keep_one_sponsor(
    conn: aiosqlite.Connection,
    kind: ItemKind,
    account_id: int,
    item_id: int,
    values: dict[str, Any],
    actor_id: int,
    now: datetime,
) -> None:
    """An account has one executive sponsor: marking a team member as the sponsor unmarks the
    one before (audited), as /team's sponsor button does."""
    if kind != "team" or not values.get("is_executive_sponsor"):
        return
    rows = await conn.execute_fetchall(
        "SELECT id FROM account_team WHERE account_id = ? AND is_executive_sponsor = 1 AND id != ?",
        (account_id, item_id),
    )
    for row in rows:
        await write_sponsor_flag(
            conn, int(row["id"]), 0, actor_id=actor_id, now=now, account_id=account_id
        )


class ProfileRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- lists --------------------------------------------------------------------------

    async def items(self, kind: ItemKind, account_id: int) -> list[ProfileItem]:
        table = TABLES[kind]
        rows = await self._db.fetch_all(
            f"{table.select} WHERE i.account_id = ? AND {table.live} ORDER BY {table.order_by}",
            (account_id,),
        )
        return [_row_to_item(kind, row) for row in rows]

    async def item(self, kind: ItemKind, item_id: int) -> ProfileItem | None:
        """A live item (not archived or cancelled), or None."""
        table = TABLES[kind]
        row = await self._db.fetch_one(
            f"{table.select} WHERE i.id = ? AND {table.live}", (item_id,)
        )
        return None if row is None else _row_to_item(kind, row)

    async def add_item(
        self,
        kind: ItemKind,
        account_id: int,
        values: dict[str, Any],
        *,
        actor_id: int,
        now: datetime,
    ) -> ProfileItem:
        """Adds an item to an account's list; audited in the same transaction."""
        table = TABLES[kind]
        unknown = set(values) - set(table.columns)
        if unknown:
            raise ValueError(f"not settable on {kind}: {sorted(unknown)}")
        async with self._db.transaction() as conn:
            if kind == "plan":
                item_id = await insert_task(
                    conn,
                    assignee_id=int(values.get("assignee_id") or actor_id),
                    text=str(values["text"]),
                    now=now,
                    actor_id=actor_id,
                    account_id=account_id,
                    due_at=values.get("due_at"),
                    due_has_time=bool(values.get("due_has_time")),
                    origin="action_plan",
                    goal=values.get("goal"),
                    resources=values.get("resources"),
                )
            else:
                item_id = await _insert_item(conn, table, account_id, values, actor_id, now)
            await _keep_one_sponsor(conn, kind, account_id, item_id, values, actor_id, now)
            await self._touch_account(conn, account_id, now)
            row = await (
                await conn.execute(f"{table.select} WHERE i.id = ?", (item_id,))
            ).fetchone()
        assert row is not None
        return _row_to_item(kind, row)

    async def update_item(
        self,
        kind: ItemKind,
        item_id: int,
        changes: dict[str, Any],
        *,
        actor_id: int,
        now: datetime,
    ) -> ProfileItem:
        """Changes an item's columns; each changed column goes to the audit log."""
        table = TABLES[kind]
        unknown = set(changes) - set(table.columns)
        if unknown:
            raise ValueError(f"not settable on {kind}: {sorted(unknown)}")
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute(f"SELECT * FROM {table.table} WHERE id = ?", (item_id,))
            ).fetchone()
            if row is None:
                raise LookupError(f"{kind} {item_id} not found")
            stored = {key: to_db(value) for key, value in changes.items()}
            diff = {key: (row[key], value) for key, value in stored.items() if row[key] != value}
            if diff:
                assignments = ", ".join(f"{key} = ?" for key in diff)
                params: list[Any] = [new for _, new in diff.values()]
                if table.has_updated_at:
                    assignments += ", updated_at = ?"
                    params.append(dt_to_db(now))
                await conn.execute(
                    f"UPDATE {table.table} SET {assignments} WHERE id = ?", (*params, item_id)
                )
                await audit.record(
                    conn,
                    at=now,
                    actor_id=actor_id,
                    entity=table.entity,
                    entity_id=item_id,
                    action="update",
                    changes=diff,
                )
                account_id = int(row["account_id"])
                await _keep_one_sponsor(conn, kind, account_id, item_id, changes, actor_id, now)
                await self._touch_account(conn, account_id, now)
            new_row = await (
                await conn.execute(f"{table.select} WHERE i.id = ?", (item_id,))
            ).fetchone()
        assert new_row is not None
        return _row_to_item(kind, new_row)

    async def remove_item(
        self, kind: ItemKind, item_id: int, *, actor_id: int, now: datetime
    ) -> bool:
        """Removes an item (contacts are archived, plan steps cancelled); False if gone."""
        table = TABLES[kind]
        async with self._db.transaction() as conn:
            row = await (
                await conn.execute(
                    f"SELECT i.* FROM {table.table} i WHERE i.id = ? AND {table.live}", (item_id,)
                )
            ).fetchone()
            if row is None:
                return False
            stamp = dt_to_db(now)
            if kind == "contact":
                await conn.execute(
                    "UPDATE contacts SET archived_at = ?, updated_at = ? WHERE id = ?",
                    (stamp, stamp, item_id),
                )
            elif kind == "plan":
                await conn.execute(
                    "UPDATE tasks SET status = 'cancelled', updated_at = ? WHERE id = ?",
                    (stamp, item_id),
                )
            else:
                if kind == "deal":
                    await unlink_contracts(conn, item_id, actor_id, now)
                await conn.execute(f"DELETE FROM {table.table} WHERE id = ?", (item_id,))
            await audit.record(
                conn,
                at=now,
                actor_id=actor_id,
                entity=table.entity,
                entity_id=item_id,
                action="delete",
                changes={table.title: (row[table.title], None)},
            )
            await self._touch_account(conn, int(row["account_id"]), now)
        return True

    @staticmethod
    async def _touch_account(conn: aiosqlite.Connection, account_id: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE accounts SET updated_at = ? WHERE id = ?", (dt_to_db(now), account_id)
        )

    # --- the whole profile ----------------------------------------------------------------

    async def snapshot(
        self, account_id: int, *, now: datetime, today: date
    ) -> ProfileSnapshot | None:
        """The account with its lists, open tasks, scores, meetings and deadlines (30 days).

        `today` is the manager's local day (contract ends from it on).
        """
        async with self._db.reading() as conn:
            row = await (
                await conn.execute(
                    "SELECT a.*, m.full_name AS owner_name FROM accounts a"
                    " LEFT JOIN managers m ON m.id = a.owner_id WHERE a.id = ?",
                    (account_id,),
                )
            ).fetchone()
            if row is None:
                return None
            snapshot = ProfileSnapshot(row_to_account(row), row["owner_name"])
            await self._read_lists(conn, snapshot)
            await self._read_meetings(conn, snapshot, now)
            await self._read_deadlines(conn, snapshot, today)
        return snapshot

    async def card_snapshot(self, account_id: int) -> CardSnapshot | None:
        """What the card shows, in two statements: the account with its list sizes, next
        task and scores; then its deals (the card lists those in progress)."""
        deal = TABLES["deal"]
        async with self._db.reading() as conn:
            row = await (await conn.execute(_CARD, (account_id,))).fetchone()
            if row is None:
                return None
            deals = await conn.execute_fetchall(
                f"{deal.select} WHERE i.account_id = ? AND {deal.live} ORDER BY {deal.order_by}",
                (account_id,),
            )
        return CardSnapshot(
            row_to_account(row),
            row["owner_name"],
            {kind: int(row[f"n_{kind}"]) for kind in ITEM_KINDS},
            bool(row["n_decision_maker"]),
            bool(row["n_sponsor"]),
            _next_task(row["next_task"]),
            [int(score) for score in json.loads(row["scores"])],
            [_row_to_item("deal", r) for r in deals],
        )

    @staticmethod
    async def _read_lists(conn: aiosqlite.Connection, snapshot: ProfileSnapshot) -> None:
        """The profile's item lists, open tasks and latest satisfaction scores."""
        account_id = snapshot.account.id
        for kind in ITEM_KINDS:
            table = TABLES[kind]
            rows = await conn.execute_fetchall(
                f"{table.select} WHERE i.account_id = ? AND {table.live} ORDER BY {table.order_by}",
                (account_id,),
            )
            snapshot.items[kind] = [_row_to_item(kind, r) for r in rows]
        rows = await conn.execute_fetchall(
            "SELECT * FROM tasks WHERE account_id = ? AND status = 'open'"
            " ORDER BY due_at IS NULL, due_at, id LIMIT 20",
            (account_id,),
        )
        snapshot.open_tasks = [row_to_task(r) for r in rows]
        rows = await conn.execute_fetchall(
            "SELECT score, answered_at, comment FROM satisfaction_checks"
            " WHERE account_id = ? AND score IS NOT NULL"
            " ORDER BY coalesce(answered_at, due_at) DESC, id DESC LIMIT 12",
            (account_id,),
        )
        snapshot.scores = [
            Score(int(r["score"]), opt_dt_from_db(r["answered_at"]), r["comment"]) for r in rows
        ]

    @staticmethod
    async def _read_meetings(
        conn: aiosqlite.Connection, snapshot: ProfileSnapshot, now: datetime
    ) -> None:
        """The last held meeting and the next planned one."""
        account_id = snapshot.account.id
        last = await (
            await conn.execute(
                "SELECT * FROM meetings WHERE account_id = ? AND status = 'held'"
                " AND deleted_at IS NULL ORDER BY starts_at DESC, id DESC LIMIT 1",
                (account_id,),
            )
        ).fetchone()
        snapshot.last_meeting = _meeting(last)
        upcoming = await (
            await conn.execute(
                # `+status`: by the account's meetings (meetings_account_time), not by every
                # planned meeting of the company (meetings_status_time), which grows with it
                "SELECT * FROM meetings WHERE account_id = ? AND +status = 'planned'"
                " AND deleted_at IS NULL AND starts_at >= ? ORDER BY starts_at LIMIT 1",
                (account_id, dt_to_db(now)),
            )
        ).fetchone()
        snapshot.next_meeting = _meeting(upcoming)

    @staticmethod
    async def _read_deadlines(
        conn: aiosqlite.Connection, snapshot: ProfileSnapshot, today: date
    ) -> None:
        """Contract ends from `today` and open obligations, up to 30 days ahead.

        Read from the account's contracts (`+status`, CROSS JOIN: SQLite keeps that order),
        not from every live contract or open obligation of the company by status."""
        horizon = (today + timedelta(days=30)).isoformat()
        rows = await conn.execute_fetchall(
            "SELECT ends_on AS due, title AS what, 'contract_end' AS kind, NULL AS party"
            " FROM contracts WHERE account_id = :a AND +status IN ('active', 'at_risk')"
            " AND ends_on BETWEEN :today AND :horizon"
            " UNION ALL"
            " SELECT coalesce(o.delayed_to, o.due_on), o.description, 'obligation', o.party"
            " FROM contracts c CROSS JOIN obligations o ON o.contract_id = c.id"
            " WHERE c.account_id = :a AND o.status IN ('pending', 'delayed')"
            " AND coalesce(o.delayed_to, o.due_on) <= :horizon"
            " ORDER BY 1 LIMIT 20",
            {"a": snapshot.account.id, "today": today.isoformat(), "horizon": horizon},
        )
        snapshot.deadlines = [
            Deadline(date.fromisoformat(r["due"]), r["what"], r["kind"], r["party"]) for r in rows
        ]

    async def meeting_steps(self, account_id: int) -> dict[int, list[Task]]:
        """The next steps (tasks) each of the account's meetings set, by meeting id."""
        rows = await self._db.fetch_all(
            "SELECT t.* FROM tasks t JOIN meetings m ON m.id = t.meeting_id"
            " WHERE m.account_id = ? AND m.deleted_at IS NULL AND t.status != 'cancelled'"
            " ORDER BY t.meeting_id, t.id",
            (account_id,),
        )
        steps: dict[int, list[Task]] = {}
        for row in rows:
            task = row_to_task(row)
            assert task.meeting_id is not None
            steps.setdefault(task.meeting_id, []).append(task)
        return steps
