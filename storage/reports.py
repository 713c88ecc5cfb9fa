"""What a report is computed from: the rows of a scope for a period (domain.reports computes).

Six reads in one go, each bounded by the scope: the scope's managers are a JSON list bound
once (``json_each``), its accounts the live ones those managers own (or the one account).
Times are compared as stored text (UTC, sortable), so the indexes on (author, start),
(assignee, status, due) and (manager, status, due) serve the scans.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import aiosqlite

from domain.reports import (
    AccountRow,
    CheckRow,
    ContractRow,
    DealRow,
    MeetingRow,
    ObligationRow,
    ReportRows,
    Scope,
    TaskRow,
)
from storage.codec import dt_to_db
from storage.database import Database
from storage.managers import led_by

_SCOPE = (
    "WITH sm(id) AS (SELECT value FROM json_each(:managers)),"
    " sa(id) AS (SELECT id FROM accounts WHERE archived_at IS NULL"
    "  AND (owner_id IN sm OR id = :account)) "
)

_ACCOUNTS = (
    _SCOPE + "SELECT a.id, a.name, a.owner_id, o.full_name AS owner_name,"
    " a.opportunity_1y_minor, a.opportunity_1y_currency,"
    " a.opportunity_3_5y_minor, a.opportunity_3_5y_currency"
    " FROM accounts a LEFT JOIN managers o ON o.id = a.owner_id WHERE a.id IN sa"
)
_MEETINGS = (
    _SCOPE + "SELECT m.id, m.account_id, a.name AS account_name, w.full_name AS author_name,"
    " m.status, m.kind, m.starts_at, m.outcome"
    " FROM meetings m JOIN accounts a ON a.id = m.account_id"
    " JOIN managers w ON w.id = m.author_id"
    " WHERE m.deleted_at IS NULL AND m.starts_at >= :start AND m.starts_at < :end"
    " AND (m.author_id IN sm OR m.account_id IN sa) ORDER BY m.starts_at, m.id"
)
_TASKS = (
    _SCOPE + "SELECT t.id, a.name AS account_name, w.full_name AS assignee_name, t.text,"
    " t.status, t.due_at, t.due_has_time, t.completed_at"
    " FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id"
    " JOIN managers w ON w.id = t.assignee_id"
    " WHERE (t.assignee_id IN sm OR t.account_id = :account)"
    " AND (t.status = 'open' OR (t.status = 'done'"
    "  AND t.completed_at >= :start AND t.completed_at < :end))"
    " ORDER BY t.status, t.due_at, t.id"
)
_CHECKS = (
    _SCOPE + "SELECT c.account_id, a.name AS account_name, w.full_name AS manager_name,"
    " c.score, c.answered_at, c.comment"
    " FROM satisfaction_checks c JOIN accounts a ON a.id = c.account_id"
    " JOIN managers w ON w.id = c.manager_id"
    " WHERE c.status = 'answered' AND c.score IS NOT NULL"
    " AND c.answered_at >= :history AND c.answered_at < :end"
    " AND (c.manager_id IN sm OR c.account_id = :account) ORDER BY c.answered_at"
)
_DEALS = (
    _SCOPE + "SELECT d.id, d.account_id, a.name AS account_name, d.kind, d.title, d.stage,"
    " d.amount_minor, d.currency, d.probability, d.expected_close_on, d.closed_on,"
    " d.reason_code, d.result_reason"
    " FROM deals d JOIN accounts a ON a.id = d.account_id WHERE d.account_id IN sa"
    " ORDER BY a.name, d.id"
)
_CONTRACTS = (
    _SCOPE + "SELECT c.id, c.account_id, a.name AS account_name, c.title, c.number,"
    " c.ends_on, c.amount_minor, c.currency, c.status,"
    " o.status AS o_status, o.due_on, o.delayed_to, o.description"
    " FROM contracts c JOIN accounts a ON a.id = c.account_id"
    " LEFT JOIN obligations o ON o.contract_id = c.id"
    " WHERE c.account_id IN sa AND c.status IN ('active', 'at_risk')"
    " ORDER BY a.name, c.id, o.due_on"
)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _day(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text[:10])


def _contracts(rows: list[aiosqlite.Row]) -> list[ContractRow]:
    heads: dict[int, aiosqlite.Row] = {}
    terms: dict[int, list[ObligationRow]] = defaultdict(list)
    for row in rows:
        heads.setdefault(row["id"], row)
        if row["o_status"] is not None:
            due = _day(row["due_on"])
            assert due is not None
            terms[row["id"]].append(
                ObligationRow(row["o_status"], due, _day(row["delayed_to"]), row["description"])
            )
    return [
        ContractRow(
            id=head["id"],
            account_id=head["account_id"],
            account_name=head["account_name"],
            title=head["title"],
            number=head["number"],
            ends_on=_day(head["ends_on"]),
            amount_minor=head["amount_minor"],
            currency=head["currency"],
            status=head["status"],
            obligations=tuple(terms[contract_id]),
        )
        for contract_id, head in heads.items()
    ]


def _meeting(row: aiosqlite.Row) -> MeetingRow:
    starts = _moment(row["starts_at"])
    assert starts is not None
    return MeetingRow(
        row["id"],
        row["account_id"],
        row["account_name"],
        row["author_name"],
        row["status"],
        row["kind"],
        starts,
        row["outcome"],
    )


def _deal(row: aiosqlite.Row) -> DealRow:
    return DealRow(
        id=row["id"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        kind=row["kind"],
        title=row["title"],
        stage=row["stage"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        probability=row["probability"],
        expected_close_on=_day(row["expected_close_on"]),
        closed_on=_day(row["closed_on"]),
        reason_code=row["reason_code"],
        result_reason=row["result_reason"],
    )


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def team_ids(self, manager_id: int, *, everyone: bool) -> tuple[int, ...]:
        """A lead's team: the managers whose lead they are, and the lead; an admin's
        (``everyone``): every manager."""
        if everyone:
            rows = await self._db.fetch_all("SELECT id FROM managers ORDER BY id")
        else:
            rows = await self._db.fetch_all(
                f"SELECT id FROM managers WHERE id = :me OR {led_by(':me')} ORDER BY id",
                {"me": manager_id},
            )
        return tuple(int(row["id"]) for row in rows)

    async def rows(
        self, scope: Scope, *, start: datetime, end: datetime, history: datetime
    ) -> ReportRows:
        """The scope's rows: meetings starting in ``[start, end)``, tasks open or done in
        it, checks answered since ``history``, every deal, the live contracts."""
        params: dict[str, Any] = {
            "managers": json.dumps(list(scope.manager_ids)),
            "account": scope.account_id,
            "start": dt_to_db(start),
            "end": dt_to_db(end),
            "history": dt_to_db(history),
        }
        async with self._db.reading() as conn:

            async def fetch(sql: str) -> list[aiosqlite.Row]:
                return list(await conn.execute_fetchall(sql, params))

            accounts, meetings = await fetch(_ACCOUNTS), await fetch(_MEETINGS)
            tasks, checks = await fetch(_TASKS), await fetch(_CHECKS)
            deals, contracts = await fetch(_DEALS), await fetch(_CONTRACTS)
        return ReportRows(
            accounts=[AccountRow(*row) for row in accounts],
            meetings=[_meeting(row) for row in meetings],
            tasks=[_task(row) for row in tasks],
            checks=[_check(row) for row in checks],
            deals=[_deal(row) for row in deals],
            contracts=_contracts(contracts),
        )


def _task(row: aiosqlite.Row) -> TaskRow:
    return TaskRow(
        row["id"],
        row["account_name"],
        row["assignee_name"],
        row["text"],
        row["status"],
        _moment(row["due_at"]),
        bool(row["due_has_time"]),
        _moment(row["completed_at"]),
    )


def _check(row: aiosqlite.Row) -> CheckRow:
    answered = _moment(row["answered_at"])
    assert answered is not None
    return CheckRow(
        row["account_id"],
        row["account_name"],
        row["manager_name"],
        row["score"],
        answered,
        row["comment"],
    )
