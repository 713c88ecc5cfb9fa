"""storage.reminders, satisfaction, contracts, tasks: exactly-once bookkeeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from domain import reminders as rules
from domain.clock import FakeClock
from storage import Storage
from tests.reminder_support import (
    add_account,
    add_check,
    add_manager,
    add_obligation,
    add_task,
)


async def test_a_due_task_is_recorded_once_and_claimed_once(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    task_id = await add_task(storage, kam, "Call Ivan", now + timedelta(minutes=30), now=now)
    assert await storage.reminders.materialize(now) == 0
    clock.advance(timedelta(minutes=31))
    assert await storage.reminders.materialize(clock.now()) == 1
    assert await storage.reminders.materialize(clock.now()) == 0  # same window
    first, second = await asyncio.gather(
        storage.reminders.claim(clock.now()), storage.reminders.claim(clock.now())
    )
    claimed = first + second
    assert [(d.kind, d.ref_id) for d in claimed] == [("task", task_id)]
    await storage.reminders.mark_sent([claimed[0].id], clock.now(), 77)
    assert await storage.reminders.claim(clock.now() + timedelta(days=1)) == []


async def test_a_claim_that_never_got_confirmed_is_sent_again_after_the_lease(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    await storage.reminders.materialize(now)
    await add_task(storage, kam, "Call Ivan", now + timedelta(minutes=1), now=now)
    clock.advance(timedelta(minutes=2))
    await storage.reminders.materialize(clock.now())
    (claimed,) = await storage.reminders.claim(clock.now())  # ...and the process dies here
    assert await storage.reminders.claim(clock.now() + timedelta(minutes=5)) == []
    again = await storage.reminders.claim(clock.now() + rules.SEND_LEASE + timedelta(seconds=1))
    assert [d.id for d in again] == [claimed.id]
    assert again[0].attempts == 2


async def test_blocked_and_inactive_managers_are_not_claimed(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    blocked = await add_manager(storage, 11, "Blocked", now=now)
    gone = await add_manager(storage, 12, "Gone", now=now)
    await storage.reminders.materialize(now)
    for manager in (blocked, gone):
        await add_task(storage, manager, "Call", now + timedelta(minutes=1), now=now)
    await storage.managers.set_blocked(blocked.id, now)
    await storage.managers.update(gone.id, actor_id=gone.id, now=now, active=False)
    clock.advance(timedelta(minutes=2))
    await storage.reminders.materialize(clock.now())
    # the inactive manager's reminder is not even recorded; the blocked one's waits
    assert await storage.reminders.claim(clock.now()) == []
    await storage.managers.set_blocked(blocked.id, None, now=now)
    assert [d.manager_id for d in await storage.reminders.claim(clock.now())] == [blocked.id]


async def test_quiet_hours_hold_keeps_the_reminder(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    await storage.reminders.materialize(now)
    await add_task(storage, kam, "Call", now + timedelta(minutes=1), now=now)
    clock.advance(timedelta(minutes=2))
    await storage.reminders.materialize(clock.now())
    (claimed,) = await storage.reminders.claim(clock.now())
    until = clock.now() + timedelta(hours=3)
    await storage.reminders.hold([claimed.id], until=until, catch_up=True)
    assert await storage.reminders.claim(until - timedelta(seconds=1)) == []
    (again,) = await storage.reminders.claim(until)
    assert again.catch_up and again.due_at == claimed.due_at


async def test_a_hold_follows_the_quiet_hours_set_now(storage: Storage, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 26, 19, 0, tzinfo=UTC))  # 22:00 in Moscow: quiet
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    other = await add_manager(storage, 12, "Olga", now=now)
    await storage.reminders.materialize(now)
    for manager in (kam, other):
        await add_task(storage, manager, "Call", now + timedelta(minutes=1), now=now)
    clock.advance(timedelta(minutes=2))
    await storage.reminders.materialize(clock.now())
    morning = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 08:00 Moscow
    claimed = await storage.reminders.claim(clock.now())
    await storage.reminders.hold([d.id for d in claimed], until=morning)
    assert await storage.reminders.retime_holds(clock.now()) == 0  # nothing changed
    # Ivan ends his quiet hours at 06:00 now: his hold is shortened, Olga's stays
    await storage.managers.update(kam.id, actor_id=kam.id, now=now, quiet_end=time(6, 0))
    assert await storage.reminders.retime_holds(clock.now()) == 1
    six = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    assert await storage.reminders.claim(six - timedelta(seconds=1)) == []
    # then he switches them off: released at once
    await storage.managers.update(kam.id, actor_id=kam.id, now=now, quiet_end=time(21, 0))
    assert await storage.reminders.retime_holds(clock.now()) == 1
    assert [d.manager_id for d in await storage.reminders.claim(clock.now())] == [kam.id]
    # a retry after an error is not a quiet-hours hold: it keeps its time
    await storage.managers.update(other.id, actor_id=other.id, now=now, quiet_end=time(21, 0))
    retry = clock.now() + timedelta(minutes=1)
    mine = await storage.reminders.for_manager(kam.id)
    await storage.reminders.release([d.id for d in mine], not_before=retry)
    assert await storage.reminders.retime_holds(clock.now()) == 1  # Olga's only
    assert [d.manager_id for d in await storage.reminders.claim(clock.now())] == [other.id]
    assert [d.manager_id for d in await storage.reminders.claim(retry)] == [kam.id]


async def test_a_low_score_creates_a_recovery_task_and_tells_the_lead(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    check_id = await add_check(storage, kam, account_id, now, now=now, contact_name="Ivan Petrov")
    tomorrow = now + timedelta(days=1)
    result = await storage.satisfaction.record_score(
        check_id, 2, actor_id=kam.id, now=now, recovery_text="Recover", recovery_due=tomorrow
    )
    assert result is not None and result.recorded and result.lead_id == lead.id
    assert result.check.score == 2 and result.check.status == "answered"
    tasks = await storage.tasks.open_for_assignee(kam.id)
    assert [(t.origin, t.due_at, t.due_has_time) for t in tasks] == [("recovery", tomorrow, False)]
    notice = await storage.reminders.for_key(f"low:{check_id}")
    assert notice is not None and notice.manager_id == lead.id and notice.kind == "low_score"
    again = await storage.satisfaction.record_score(
        check_id, 5, actor_id=kam.id, now=now, recovery_text="x", recovery_due=tomorrow
    )
    assert again is not None and not again.recorded
    assert await storage.satisfaction.trend(account_id) == [(now, 2)]
    # someone else's check is refused
    assert (
        await storage.satisfaction.record_score(
            check_id, 4, actor_id=lead.id, now=now, recovery_text="x", recovery_due=tomorrow
        )
        is None
    )


async def test_no_notice_is_queued_for_a_switched_off_lead(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    await storage.team.switch(lead.id, False, actor_id=lead.id, now=now)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    check_id = await add_check(storage, kam, account_id, now, now=now, contact_name="Ivan Petrov")
    tomorrow = now + timedelta(days=1)
    result = await storage.satisfaction.record_score(
        check_id, 1, actor_id=kam.id, now=now, recovery_text="Recover", recovery_due=tomorrow
    )
    assert result is not None and result.recorded and result.lead_id is None
    assert await storage.reminders.for_key(f"low:{check_id}") is None
    assert [t.origin for t in await storage.tasks.open_for_assignee(kam.id)] == ["recovery"]


async def test_a_missed_obligation_puts_the_contract_at_risk(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    contract_id, obligation_id = await add_obligation(
        storage, kam, account_id, date(2026, 11, 25), now=now
    )
    result = await storage.contracts.resolve(obligation_id, "missed", actor_id=kam.id, now=now)
    assert result is not None and result.changed and result.lead_id == lead.id
    assert await storage.contracts.contract_status(contract_id) == "at_risk"
    assert await storage.reminders.for_key(f"missed:{obligation_id}") is not None
    again = await storage.contracts.resolve(obligation_id, "met", actor_id=kam.id, now=now)
    assert again is not None and not again.changed
    entries = await storage.audit.for_entity("contract", contract_id)
    assert any(e.field == "status" and e.new_value == "at_risk" for e in entries)


async def test_a_delayed_obligation_reminds_again_on_its_new_date(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    account_id = await add_account(storage, kam, "VT-Metal", now=now)
    _, obligation_id = await add_obligation(storage, kam, account_id, date(2026, 11, 25), now=now)
    result = await storage.contracts.resolve(
        obligation_id, "delayed", actor_id=kam.id, now=now, delayed_to=date(2026, 12, 1)
    )
    assert result is not None and result.obligation.effective_due == date(2026, 12, 1)
    await storage.reminders.materialize(now)
    clock.set(now.replace(day=30, hour=6, minute=1))  # the day before, after 09:00 Moscow
    await storage.reminders.materialize(clock.now())
    keys = [d.key for d in await storage.reminders.for_manager(kam.id)]
    assert f"obl:{obligation_id}:2026-12-01:d1" in keys


async def test_a_done_task_cannot_be_done_twice(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    kam = await add_manager(storage, 11, now=now)
    task_id = await add_task(storage, kam, "Call", now, now=now)
    assert await storage.tasks.complete(task_id, actor_id=kam.id, now=now) is not None
    assert await storage.tasks.complete(task_id, actor_id=kam.id, now=now) is None
    assert await storage.tasks.snooze(task_id, now, actor_id=kam.id, now=now) is None


async def test_escalation_goes_to_the_lead_once(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    lead = await add_manager(storage, 10, "Lead", now=now, role="lead")
    kam = await add_manager(storage, 11, "Kam", now=now, lead_id=lead.id)
    await storage.reminders.materialize(now)
    task_id = await add_task(storage, kam, "Send offer", now + timedelta(hours=1), now=now)
    for _ in range(4 * 24):
        clock.advance(timedelta(hours=1))
        await storage.reminders.materialize(clock.now())
    escalations = [
        d for d in await storage.reminders.for_manager(lead.id) if d.kind == "escalation"
    ]
    assert [(d.ref_id, d.due_at) for d in escalations] == [
        (task_id, now + timedelta(hours=1) + rules.ESCALATE_AFTER)
    ]
