"""storage.contracts: contracts and their terms round trip (the migrated columns too), the
recurring "was it met?" in one transaction, the audit log, the card's summary, renewals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.clock import FakeClock
from domain.contracts import ContractFields, ObligationFields
from storage import Storage
from tests.reminder_support import add_account, add_manager

FULL = ContractFields(
    title="Supply 2027",
    number="17/2027",
    signed_on=date(2026, 11, 20),
    starts_on=date(2026, 12, 1),
    ends_on=date(2027, 11, 30),
    amount_minor=120_000_000,
    currency="RUB",
    file_id="BQACAgIAAxk001",
    file_name="supply.pdf",
    notes="Penalty 0.1% a day",
)


async def _setup(storage: Storage, clock: FakeClock) -> tuple[int, int]:
    manager = await add_manager(storage, 3001, now=clock.now())
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    return manager.id, account_id


async def test_a_contract_and_its_terms_round_trip(storage: Storage, clock: FakeClock) -> None:
    actor, account_id = await _setup(storage, clock)
    contracts = storage.contracts
    contract_id = await contracts.create(account_id, FULL, actor_id=actor, now=clock.now())
    contract = await contracts.get(contract_id)
    assert contract is not None and contract.fields() == FULL
    assert contract.account_name == "VT-Metal" and contract.owner_id == actor and contract.live
    term = ObligationFields(
        kind="payment",
        description="Pay the advance",
        party="client",
        due_on=date(2027, 1, 31),
        recurrence="monthly",
        recur_day=31,
    )
    term_id = await contracts.add_term(contract_id, term, actor_id=actor, now=clock.now())
    every = ObligationFields("report", "KPI report", "ours", date(2027, 1, 5), "days", 14)
    await contracts.add_term(contract_id, every, actor_id=actor, now=clock.now())
    [(listed, terms)] = await contracts.for_account(account_id)
    assert listed == contract
    assert [(t.kind, t.recurrence, t.recur_day, t.recur_every) for t in terms] == [
        ("report", "days", None, 14),
        ("payment", "monthly", 31, None),
    ]
    view = await contracts.obligation(term_id)
    assert view is not None and view.party == "client" and view.kind == "payment"
    # edit, then remove: each written to the audit log
    changed = ObligationFields(**{**vars(term), "description": "Pay the advance (30%)"})
    assert await contracts.update_term(term_id, changed, actor_id=actor, now=clock.now())
    assert await contracts.delete_term(term_id, actor_id=actor, now=clock.now())
    assert not await contracts.delete_term(term_id, actor_id=actor, now=clock.now())
    log = await storage.audit.for_entity("obligation", term_id)
    assert [e.action for e in log if e.field in ("description", None)][-2:] == ["update", "delete"]
    assert await contracts.obligation(term_id) is None


async def test_editing_a_contract_audits_each_changed_field(
    storage: Storage, clock: FakeClock
) -> None:
    actor, account_id = await _setup(storage, clock)
    contract_id = await storage.contracts.create(account_id, FULL, actor_id=actor, now=clock.now())
    longer = ContractFields(**{**vars(FULL), "ends_on": date(2028, 11, 30), "notes": None})
    assert await storage.contracts.update(contract_id, longer, actor_id=actor, now=clock.now())
    contract = await storage.contracts.get(contract_id)
    assert (
        contract is not None and contract.ends_on == date(2028, 11, 30) and contract.notes is None
    )
    updates = [
        e for e in await storage.audit.for_entity("contract", contract_id) if e.action == "update"
    ]
    assert {e.field for e in updates} == {"ends_on", "notes"}
    assert not await storage.contracts.update(999, longer, actor_id=actor, now=clock.now())


async def test_a_met_recurring_term_gets_its_next_occurrence_with_its_cadence(
    storage: Storage, clock: FakeClock
) -> None:
    actor, account_id = await _setup(storage, clock)
    contract_id = await storage.contracts.create(account_id, FULL, actor_id=actor, now=clock.now())
    term = ObligationFields("payment", "Pay", "client", date(2027, 1, 31), "monthly", None, 31)
    term_id = await storage.contracts.add_term(contract_id, term, actor_id=actor, now=clock.now())
    result = await storage.contracts.resolve(term_id, "met", actor_id=actor, now=clock.now())
    assert result is not None and result.changed and result.next_id is not None
    following = await storage.contracts.obligation(result.next_id)
    assert following is not None
    assert (following.due_on, following.kind, following.recur_day) == (
        date(2027, 2, 28),
        "payment",
        31,
    )
    again = await storage.contracts.resolve(result.next_id, "met", actor_id=actor, now=clock.now())
    assert again is not None and again.next_id is not None
    third = await storage.contracts.obligation(again.next_id)
    assert third is not None and third.due_on == date(2027, 3, 31)


async def test_the_card_summary_is_one_read_of_ends_and_open_or_missed_terms(
    storage: Storage, clock: FakeClock
) -> None:
    actor, account_id = await _setup(storage, clock)
    ends = ContractFields("Service", ends_on=date(2027, 1, 10))
    first = await storage.contracts.create(account_id, ends, actor_id=actor, now=clock.now())
    later = ContractFields("Supply", ends_on=date(2027, 6, 1))
    await storage.contracts.create(account_id, later, actor_id=actor, now=clock.now())
    soon = ObligationFields("delivery", "Batch 2", "ours", date(2026, 11, 30))
    met = ObligationFields("delivery", "Batch 1", "ours", date(2026, 11, 1))
    await storage.contracts.add_term(first, soon, actor_id=actor, now=clock.now())
    met_id = await storage.contracts.add_term(first, met, actor_id=actor, now=clock.now())
    await storage.contracts.resolve(met_id, "met", actor_id=actor, now=clock.now())
    summary = await storage.contracts.card_summary(account_id)
    assert summary.ends == [("Service", date(2027, 1, 10)), ("Supply", date(2027, 6, 1))]
    assert [t.description for t in summary.terms] == ["Batch 2"]
    empty = await storage.contracts.card_summary(account_id + 1)
    assert empty.ends == [] and empty.terms == []


async def test_renewal_reminders_are_recorded_once_60_and_30_days_before(
    storage: Storage, clock: FakeClock
) -> None:
    manager = await add_manager(storage, 3001, now=clock.now(), notify_digest=False)
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    ends = ContractFields("Supply", ends_on=date(2027, 2, 1))
    contract_id = await storage.contracts.create(
        account_id, ends, actor_id=manager.id, now=clock.now()
    )
    await storage.reminders.materialize(clock.now())
    moment = clock.now()
    while moment < datetime(2027, 2, 2, tzinfo=UTC):
        moment += timedelta(hours=6)
        await storage.reminders.materialize(moment)
        await storage.reminders.materialize(moment)  # a second tick adds nothing
    renewals = [d for d in await storage.reminders.for_manager(manager.id) if d.kind == "renewal"]
    assert [d.key for d in renewals] == [
        f"renew:{contract_id}:2027-02-01:d60",
        f"renew:{contract_id}:2027-02-01:d30",
    ]
    # 09:00 in Moscow on 3 December and on 2 January
    assert [d.due_at for d in renewals] == [
        datetime(2026, 12, 3, 6, 0, tzinfo=UTC),
        datetime(2027, 1, 2, 6, 0, tzinfo=UTC),
    ]
    assert all(d.ref_id == contract_id for d in renewals)
