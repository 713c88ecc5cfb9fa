"""Reassigning accounts (domain.usecases.reassign + storage.reassign), switching a manager off
(storage.team: their reminders stop), an account's team and sponsor, and the team view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain import reminders as rules
from domain.clock import FakeClock
from domain.digest import DigestSources, TaskItem, TeamTask, build_digest, team_overdue
from domain.usecases.reassign import Held, Holdings, Pending, moved_key, plan_reassign
from storage import Storage
from storage.codec import dt_to_db
from storage.managers import Manager
from storage.reassign import MOVED
from storage.team import SWITCHED_OFF
from tests.reminder_support import add_account, add_check, add_manager, add_meeting, add_task

# --- the use case ------------------------------------------------------------------------------


def test_only_what_the_old_owner_holds_on_the_moved_accounts_moves() -> None:
    holdings = Holdings(
        accounts=[Held(1, 1, 7), Held(2, 2, 9)],  # account 2 is not theirs
        tasks=[
            Held(10, 1, 7, "open"),
            Held(11, 1, 8, "open"),  # someone else's task on the account
            Held(12, 1, 7, "done"),
            Held(13, 2, 7, "open"),  # on an account that does not move
        ],
        meetings=[Held(20, 1, 7, "planned"), Held(21, 1, 7, "held")],
        checks=[Held(30, 1, 7, "scheduled"), Held(31, 1, 7, "asked"), Held(32, 1, 7, "answered")],
        deals=[Held(40, 1, 7, "proposal"), Held(41, 1, 7, "won")],
        contracts=[Held(50, 1, None)],
        obligations=[Held(60, 1, None)],
        reminders=[
            Pending(100, "task:10:20261126T090000Z", "task", 10, 7),
            Pending(101, "brief:20:7:20261127T090000Z", "brief", 20, 7),
            Pending(102, "held:20:7", "held", 20, 7),
            Pending(103, "sat:30", "sat", 30, 7),
            Pending(104, "obl:60:2026-12-01:d7", "obligation", 60, 7),
            Pending(105, "renew:50:2027-01-30:d60", "renewal", 50, 7),
            Pending(106, "task:13:20261126T090000Z", "task", 13, 7),  # its task stays
            Pending(107, "esc:10", "escalation", 10, 7),  # to a lead: stays
            Pending(108, "digest:7:2026-11-26", "digest", None, 7),
        ],
    )
    plan = plan_reassign(holdings, 7, 8)
    assert plan.accounts == [1]
    assert plan.tasks == [10]
    assert plan.meetings == [20]
    assert plan.checks == [30, 31]
    assert plan.deals == [40]
    assert [(m.id, m.key) for m in plan.reminders] == [
        (100, "task:10:20261126T090000Z"),
        (101, "brief:20:8:20261127T090000Z"),
        (102, "held:20:8"),
        (103, "sat:30"),
        (104, "obl:60:2026-12-01:d7"),
        (105, "renew:50:2027-01-30:d60"),
    ]


def test_nothing_moves_to_the_same_manager_and_keys_of_others_stay() -> None:
    plan = plan_reassign(Holdings(accounts=[Held(1, 1, 7)]), 7, 7)
    assert plan.is_empty and plan.tasks == [] and plan.reminders == []
    assert moved_key("brief", "brief:20:71:20261127T090000Z", 7, 8) == (
        "brief:20:71:20261127T090000Z"
    )
    assert moved_key("sat", "sat:7", 7, 8) == "sat:7"


# --- storage ----------------------------------------------------------------------------------


async def _people(storage: Storage, now: datetime) -> tuple[Manager, Manager, Manager, Manager]:
    admin = await add_manager(storage, 1, "Anna", now=now, role="admin")
    lead = await add_manager(storage, 2, "Lena", now=now, role="lead")
    kim = await add_manager(storage, 3, "Kim", now=now, lead_id=lead.id)
    olga = await add_manager(storage, 4, "Olga", now=now, lead_id=lead.id)
    return admin, lead, kim, olga


async def _deliveries(storage: Storage) -> dict[str, tuple[int, str, str | None]]:
    rows = await storage.db.fetch_all(
        "SELECT key, manager_id, status, error FROM reminder_deliveries ORDER BY id"
    )
    return {r["key"]: (r["manager_id"], r["status"], r["error"]) for r in rows}


async def _enqueue(storage: Storage, *occasions: rules.Occasion) -> None:
    async with storage.db.transaction() as conn:
        for occasion in occasions:
            await conn.execute(
                "INSERT INTO reminder_deliveries (key, manager_id, kind, ref_id, due_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    occasion.key,
                    occasion.manager_id,
                    occasion.kind,
                    occasion.ref_id,
                    dt_to_db(occasion.due_at),
                    dt_to_db(occasion.due_at),
                ),
            )


async def _portfolio(
    storage: Storage, kim: Manager, olga: Manager, now: datetime
) -> dict[str, Any]:
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    zeta = await add_account(storage, kim, "Zeta", now=now)
    own = await add_account(storage, olga, "Olga's own", now=now)
    later = now + timedelta(days=2)
    ids = {
        "vt": vt,
        "zeta": zeta,
        "own": own,
        "task": await add_task(storage, kim, "Send the offer", later, now=now, account_id=vt),
        "other_task": await add_task(storage, olga, "Olga's", later, now=now, account_id=vt),
        "loose_task": await add_task(storage, kim, "No account", later, now=now),
        "planned": await add_meeting(storage, kim, vt, later, now=now),
        "held": await add_meeting(
            storage, kim, vt, now - timedelta(days=1), now=now, status="held"
        ),
        "check": await add_check(storage, kim, zeta, later, now=now),
    }
    await _enqueue(
        storage,
        rules.task_occasion(ids["task"], kim.id, now),
        rules.brief_occasion(ids["planned"], kim.id, later, 60),
        rules.satisfaction_occasion(ids["check"], kim.id, now),
        rules.task_occasion(ids["loose_task"], kim.id, now),
    )
    return ids


async def test_all_accounts_move_with_their_work_in_one_audited_transaction(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    admin, _, kim, olga = await _people(storage, now)
    ids = await _portfolio(storage, kim, olga, now)
    plan = await storage.reassign.reassign(kim.id, olga.id, actor_id=admin.id, now=now)
    assert plan is not None
    assert (plan.accounts, plan.tasks, plan.meetings, plan.checks) == (
        sorted([ids["vt"], ids["zeta"]]),
        [ids["task"]],
        [ids["planned"]],
        [ids["check"]],
    )
    for account in ("vt", "zeta"):
        found = await storage.accounts.get(ids[account])
        assert found is not None and found.owner_id == olga.id
    task = await storage.tasks.get(ids["task"])
    loose = await storage.tasks.get(ids["loose_task"])
    assert task is not None and task.assignee_id == olga.id
    assert loose is not None and loose.assignee_id == kim.id  # not on a moved account
    planned = await storage.meetings.get(ids["planned"])
    held = await storage.meetings.get(ids["held"])
    assert planned is not None and planned.author_id == olga.id
    assert held is not None and held.author_id == kim.id  # history is not rewritten
    check = await storage.db.fetch_one(
        "SELECT manager_id FROM satisfaction_checks WHERE id = ?", (ids["check"],)
    )
    assert check is not None and check["manager_id"] == olga.id
    deliveries = await _deliveries(storage)
    later = dt_to_db(now + timedelta(days=2)).replace("-", "").replace(":", "")
    assert deliveries[f"brief:{ids['planned']}:{olga.id}:{later}"] == (olga.id, "pending", None)
    assert deliveries[f"sat:{ids['check']}"] == (olga.id, "pending", None)
    assert [v[0] for k, v in deliveries.items() if k.startswith(f"task:{ids['task']}:")] == [
        olga.id
    ]
    assert [v[0] for k, v in deliveries.items() if k.startswith(f"task:{ids['loose_task']}:")] == [
        kim.id
    ]
    audit = await storage.audit.for_entity("account", ids["vt"])
    assert (audit[-1].actor_id, audit[-1].field, audit[-1].old_value, audit[-1].new_value) == (
        admin.id,
        "owner_id",
        str(kim.id),
        str(olga.id),
    )
    for entity, row_id, field in (
        ("task", ids["task"], "assignee_id"),
        ("meeting", ids["planned"], "author_id"),
        ("satisfaction_check", ids["check"], "manager_id"),
    ):
        entries = await storage.audit.for_entity(entity, row_id)
        assert entries[-1].field == field and entries[-1].new_value == str(olga.id)


async def test_a_failure_half_way_leaves_everything_as_it_was(
    storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    admin, _, kim, olga = await _people(storage, now)
    ids = await _portfolio(storage, kim, olga, now)
    before = await _deliveries(storage)
    from storage import audit

    real = audit.record
    calls = 0

    async def failing(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the accounts and the task are written by then
            raise RuntimeError("disk full")
        await real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        await storage.reassign.reassign(kim.id, olga.id, actor_id=admin.id, now=now)
    monkeypatch.undo()
    vt = await storage.accounts.get(ids["vt"])
    task = await storage.tasks.get(ids["task"])
    assert vt is not None and vt.owner_id == kim.id
    assert task is not None and task.assignee_id == kim.id
    assert await _deliveries(storage) == before
    assert [e.field for e in await storage.audit.for_entity("account", ids["vt"])] == [
        "name",
        "status",
    ]


async def test_one_account_moves_alone_and_a_switched_off_receiver_gets_nothing(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    admin, _, kim, olga = await _people(storage, now)
    ids = await _portfolio(storage, kim, olga, now)
    plan = await storage.reassign.reassign(
        kim.id, olga.id, actor_id=admin.id, now=now, account_ids=[ids["vt"]]
    )
    assert plan is not None and plan.accounts == [ids["vt"]] and plan.checks == []
    zeta = await storage.accounts.get(ids["zeta"])
    assert zeta is not None and zeta.owner_id == kim.id
    await storage.team.switch(olga.id, False, actor_id=admin.id, now=now)
    assert await storage.reassign.reassign(kim.id, olga.id, actor_id=admin.id, now=now) is None
    zeta = await storage.accounts.get(ids["zeta"])
    assert zeta is not None and zeta.owner_id == kim.id


async def test_a_reminder_the_receiver_already_has_is_not_doubled(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    admin, _, kim, olga = await _people(storage, now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    starts = now + timedelta(hours=2)
    meeting = await add_meeting(storage, kim, vt, starts, now=now)
    await _enqueue(
        storage,
        rules.brief_occasion(meeting, kim.id, starts, 60),
        rules.brief_occasion(meeting, olga.id, starts, 60),  # Olga is on the meeting's team
    )
    await storage.reassign.reassign(kim.id, olga.id, actor_id=admin.id, now=now)
    deliveries = await _deliveries(storage)
    assert sorted(deliveries.values()) == [(kim.id, "skipped", MOVED), (olga.id, "pending", None)]


async def test_switching_off_stops_the_reminders_and_the_scan_records_none(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    admin, _, kim, _ = await _people(storage, now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    await _enqueue(storage, rules.task_occasion(99, kim.id, now))
    soon = now + timedelta(minutes=30)
    await add_task(storage, kim, "Call Ivan", soon, now=now, account_id=vt)
    await add_check(storage, kim, vt, soon, now=now)
    await storage.reminders.materialize(now)
    switched = await storage.team.switch(kim.id, False, actor_id=admin.id, now=now)
    assert not switched.active
    assert set((await _deliveries(storage)).values()) == {(kim.id, "skipped", SWITCHED_OFF)}
    clock.advance(timedelta(hours=1))
    await storage.reminders.materialize(clock.now())
    assert {v[0] for v in (await _deliveries(storage)).values()} == {kim.id}  # nothing new
    assert await storage.reminders.claim(clock.now()) == []
    entries = await storage.audit.for_entity("manager", kim.id)
    assert (entries[-1].field, entries[-1].new_value, entries[-1].actor_id) == (
        "active",
        "0",
        admin.id,
    )


async def test_a_switched_off_lead_gets_no_escalation(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    admin, lead, kim, _ = await _people(storage, now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    overdue = now - rules.ESCALATE_AFTER - timedelta(minutes=5)
    await add_task(storage, kim, "Old", overdue, now=now - timedelta(days=5), account_id=vt)
    await storage.team.switch(lead.id, False, actor_id=admin.id, now=now)
    await storage.reminders.materialize(now)
    assert await _deliveries(storage) == {}
    await storage.team.switch(lead.id, True, actor_id=admin.id, now=now)
    await storage.db.execute("DELETE FROM scheduler_state")
    await storage.reminders.materialize(now)
    assert [v[0] for v in (await _deliveries(storage)).values()] == [lead.id]


async def test_the_team_of_a_lead_and_of_an_admin(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    admin, lead, kim, _ = await _people(storage, now)
    other = await add_manager(storage, 5, "Boris", now=now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    await add_task(storage, kim, "Late", now - timedelta(hours=1), now=now, account_id=vt)
    await add_task(storage, kim, "Later", now + timedelta(days=1), now=now, account_id=vt)
    await add_task(storage, kim, "Yesterday", now - timedelta(days=2), now=now, has_time=False)
    await storage.managers.seen(kim.id, now)
    team, total = await storage.team.members(lead.id, sees_all=False, now=now, limit=10)
    assert [m.manager.full_name for m in team] == ["Kim", "Lena", "Olga"] and total == 3
    kim_row = team[0]
    assert (kim_row.accounts, kim_row.open_tasks, kim_row.overdue_tasks) == (1, 3, 2)
    assert kim_row.last_active == now
    everyone, total = await storage.team.members(admin.id, sees_all=True, now=now, limit=2)
    assert total == 5 and len(everyone) == 2
    assert other.id not in {m.id for m in await storage.team.in_view(lead.id, sees_all=False)}


async def test_an_account_team_and_its_one_sponsor(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    admin, lead, kim, olga = await _people(storage, now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    assert not await storage.accounts.is_visible(vt, olga.id, sees_all=False)
    assert await storage.team.add_seat(vt, olga.id, actor_id=lead.id, now=now)
    assert not await storage.team.add_seat(vt, olga.id, actor_id=lead.id, now=now)
    assert await storage.accounts.is_visible(vt, olga.id, sees_all=False)
    assert await storage.team.add_seat(vt, admin.id, actor_id=lead.id, now=now)
    assert await storage.team.set_sponsor(vt, olga.id, actor_id=lead.id, now=now)
    assert await storage.team.set_sponsor(vt, admin.id, actor_id=lead.id, now=now)
    assert [(s.full_name, s.is_sponsor) for s in await storage.team.seats(vt)] == [
        ("Anna", True),
        ("Olga", False),
    ]
    assert not await storage.team.set_sponsor(vt, kim.id, actor_id=lead.id, now=now)
    assert await storage.team.remove_seat(vt, olga.id, actor_id=lead.id, now=now)
    assert not await storage.team.remove_seat(vt, olga.id, actor_id=lead.id, now=now)
    assert not await storage.accounts.is_visible(vt, olga.id, sees_all=False)
    logged = await storage.db.fetch_all(
        "SELECT action, field FROM audit_log WHERE entity = 'account_team' ORDER BY id"
    )
    assert ("delete", "manager_id") in {(r["action"], r["field"]) for r in logged}
    assert ("update", "is_executive_sponsor") in {(r["action"], r["field"]) for r in logged}


# --- a lead's digest covers the team ------------------------------------------------------------


def test_the_teams_overdue_tasks_are_summed_up_per_manager() -> None:
    tz = ZoneInfo("Europe/Moscow")
    now = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 09:00 in Moscow

    def item(manager: int, name: str, task_id: int, due: datetime, **kw: Any) -> TeamTask:
        return TeamTask(manager, name, TaskItem(task_id, None, None, "t", due, True, None, **kw))

    sources = DigestSources(
        team_tasks=[
            item(3, "Kim", 1, now - timedelta(days=3)),
            item(3, "Kim", 2, now - timedelta(hours=1)),
            item(3, "Kim", 3, now + timedelta(hours=2)),  # due later today: not late
            item(4, "Olga", 4, now - timedelta(days=1)),
        ]
    )
    late = team_overdue(sources, now, tz)
    assert [(x.manager_name, x.overdue, x.since) for x in late] == [
        ("Kim", 2, now - timedelta(days=3)),
        ("Olga", 1, now - timedelta(days=1)),
    ]
    assert build_digest(DigestSources(), now, tz).is_empty  # a KAM's: no team rows, nothing


async def test_a_leads_digest_sources_cover_the_team_and_a_kams_do_not(
    storage: Storage, clock: FakeClock
) -> None:
    now = clock.now()
    _, lead, kim, olga = await _people(storage, now)
    boris = await add_manager(storage, 5, "Boris", now=now)  # not Lena's
    for owner, name in ((kim, "VT-Metal"), (boris, "Zeta")):
        account_id = await add_account(storage, owner, name, now=now - timedelta(days=90))
        await add_task(
            storage, owner, "Late", now - timedelta(days=2), now=now, account_id=account_id
        )
    await storage.team.switch(olga.id, False, actor_id=lead.id, now=now)
    day = (now.replace(hour=0, minute=0), now.replace(hour=0, minute=0) + timedelta(days=1))
    team = await storage.reminders.digest_sources(
        lead.id, day_start=day[0], day_end=day[1], today=now.date(), team=True
    )
    assert [(t.manager_name, t.task.text) for t in team.team_tasks] == [("Kim", "Late")]
    assert [(a.name, a.owner_name) for a in team.team_accounts] == [("VT-Metal", "Kim")]
    assert team.tasks == [] and team.accounts == []  # the lead's own: none
    digest = build_digest(team, now, ZoneInfo("Europe/Moscow"))
    assert [s.account.name for s in digest.team_silent] == ["VT-Metal"]
    own = await storage.reminders.digest_sources(
        kim.id, day_start=day[0], day_end=day[1], today=now.date()
    )
    assert own.team_tasks == [] and own.team_accounts == [] and len(own.tasks) == 1


async def test_the_gate_sees_a_switch_at_once_although_it_serves_managers_from_memory(
    storage: Storage, clock: FakeClock
) -> None:
    admin, _, kim, _ = await _people(storage, clock.now())
    seen = await storage.managers.by_telegram_id(kim.telegram_id)  # now in the cache
    assert seen is not None and seen.active
    await storage.team.switch(kim.id, False, actor_id=admin.id, now=clock.now())
    after = await storage.managers.by_telegram_id(kim.telegram_id)
    assert after is not None and not after.active


async def test_the_profile_editor_keeps_one_sponsor_too(storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    admin, _lead, kim, olga = await _people(storage, now)
    vt = await add_account(storage, kim, "VT-Metal", now=now)
    first = await storage.profile.add_item(
        "team", vt, {"manager_id": olga.id, "is_executive_sponsor": 1}, actor_id=kim.id, now=now
    )
    second = await storage.profile.add_item(
        "team", vt, {"manager_id": admin.id, "is_executive_sponsor": 1}, actor_id=kim.id, now=now
    )
    assert {s.full_name: s.is_sponsor for s in await storage.team.seats(vt)} == {
        "Anna": True,
        "Olga": False,
    }
    await storage.profile.update_item(
        "team", first.id, {"is_executive_sponsor": 1}, actor_id=kim.id, now=now
    )
    assert {s.full_name: s.is_sponsor for s in await storage.team.seats(vt)} == {
        "Anna": False,
        "Olga": True,
    }
    unmarked = await storage.db.fetch_all(
        "SELECT entity_id, old_value, new_value, account_id FROM audit_log"
        " WHERE entity = 'account_team' AND field = 'is_executive_sponsor' AND new_value = '0'"
    )
    assert [tuple(row) for row in unmarked] == [(first.id, "1", "0", vt), (second.id, "1", "0", vt)]


async def test_every_team_view_follows_the_access_policy(
    storage: Storage, clock: FakeClock
) -> None:
    """A lead's team in /team, /portfolio, a team report and the lead's digest is the KAMs and
    BDs whose lead they are: a lead or an admin with that lead_id is nobody's team (the policy
    would refuse their accounts to the lead)."""
    now = clock.now()
    _admin, lead, kim, olga = await _people(storage, now)
    sub_lead = await add_manager(storage, 5, "Sasha", now=now, role="lead", lead_id=lead.id)
    bd = await add_manager(storage, 6, "Boris", now=now, role="bd", lead_id=lead.id)
    expected = {lead.id, kim.id, olga.id, bd.id}
    in_team = {m.id for m in await storage.team.in_view(lead.id, sees_all=False)}
    in_portfolio = {m.id for m in await storage.portfolio.managers_in_view(lead.id, sees_all=False)}
    in_report = set(await storage.reports.team_ids(lead.id, everyone=False))
    assert in_team == in_portfolio == in_report == expected
    assert sub_lead.id not in in_report
    for member in (kim, sub_lead):
        account_id = await add_account(storage, member, f"Client of {member.full_name}", now=now)
        late = now - timedelta(hours=1)
        await add_task(storage, member, f"{member.full_name}'s call", late, now=now,
                       account_id=account_id)  # fmt: skip
    day = (now.replace(hour=0, minute=0), now.replace(hour=0, minute=0) + timedelta(days=1))
    team = await storage.reminders.digest_sources(
        lead.id, day_start=day[0], day_end=day[1], today=now.date(), team=True
    )
    assert [t.manager_name for t in team.team_tasks] == ["Kim"]
    assert [a.owner_name for a in team.team_accounts] == ["Kim"]
