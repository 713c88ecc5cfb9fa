"""Storage writes what a use case planned in one transaction: all of it or nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

import storage.contracts as contracts_module
import storage.meetings as meetings_module
import storage.satisfaction as satisfaction_module
from domain.clock import FakeClock
from domain.meeting_draft import MeetingDraft, NextStep, iso
from domain.usecases.meetings import plan_save
from storage import Storage
from tests.reminder_support import add_account, add_check, add_manager, add_obligation


async def _boom(*_: Any, **__: Any) -> Any:
    raise RuntimeError("disk full")


async def _count(storage: Storage, sql: str) -> int:
    row = await storage.db.fetch_one(sql)
    assert row is not None
    return int(row[0])


async def test_a_meeting_plan_is_written_whole(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    draft = MeetingDraft.start("tok", now)
    draft.set_account(None, "New Co")
    draft.add_new_contact("Ivan Petrov", "CFO")
    draft.next_steps.append(NextStep("send offer", iso(now + timedelta(days=1)), False))
    plan = plan_save(draft, author_id=kam.id, now=now)
    result = await storage.meetings.save(plan, now=now)
    assert len(result.task_ids) == 1 and result.satisfaction_check_id is not None
    check = await storage.satisfaction.get(result.satisfaction_check_id)
    assert check is not None and check.contact_name == "Ivan Petrov"


async def test_a_failing_meeting_write_leaves_nothing(
    storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    draft = MeetingDraft.start("tok", now)
    draft.set_account(None, "New Co")
    draft.add_new_contact("Ivan Petrov", None)
    draft.next_steps.append(NextStep("send offer", None, False))
    tables = ("meetings", "accounts", "contacts", "tasks", "audit_log")
    before = [await _count(storage, f"SELECT count(*) FROM {table}") for table in tables]
    monkeypatch.setattr(meetings_module, "insert_satisfaction_check", _boom)
    with pytest.raises(RuntimeError, match="disk full"):
        await storage.meetings.save(plan_save(draft, author_id=kam.id, now=now), now=now)
    after = [await _count(storage, f"SELECT count(*) FROM {table}") for table in tables]
    assert after == before
    assert before[0] == before[3] == 0


async def test_a_failing_score_write_leaves_the_check_unanswered(
    storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    check_id = await add_check(storage, kam, account_id, now, now=now)
    monkeypatch.setattr(satisfaction_module, "enqueue", _boom)  # the lead's notice fails
    with pytest.raises(RuntimeError, match="disk full"):
        await storage.satisfaction.record_score(
            check_id, 1, actor_id=kam.id, now=now, recovery_text="Fix", recovery_due=now
        )
    check = await storage.satisfaction.get(check_id)
    assert check is not None and check.status == "scheduled" and check.score is None
    assert await storage.tasks.open_for_assignee(kam.id) == []


async def test_a_failing_resolve_leaves_the_obligation_and_contract(
    storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    contract_id, obligation_id = await add_obligation(
        storage, kam, account_id, date(2026, 11, 25), now=now
    )
    monkeypatch.setattr(contracts_module, "enqueue", _boom)
    with pytest.raises(RuntimeError, match="disk full"):
        await storage.contracts.resolve(obligation_id, "missed", actor_id=kam.id, now=now)
    view = await storage.contracts.obligation(obligation_id)
    assert view is not None and view.status == "pending"
    assert await storage.contracts.contract_status(contract_id) == "active"
