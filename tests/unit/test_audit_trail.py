"""Every write of every repository leaves an audit row (who, what, which field) in the same
transaction; the table of operations below is checked against the repositories' methods, so a
new write method without a row here fails."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

import storage as storage_package
from domain.clock import FakeClock
from domain.contracts import ContractFields, ObligationFields
from domain.deals import Closing
from storage import Storage
from storage.codec import dt_to_db
from storage.data_export import erase_contact
from storage.meetings import AttachmentIn, MeetingIn, TaskIn
from tests.reminder_support import add_check

# Repositories whose writes are not a manager's data: the bot's own state, the reminder
# bookkeeping (delivery rows), and the audit log itself.
NOT_AUDITED = {"BotStateRepository", "ReminderRepository", "AuditRepository", "SearchRepository"}


@dataclass
class World:
    storage: Storage
    clock: FakeClock
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def now(self) -> Any:
        return self.clock.now()

    @property
    def me(self) -> int:
        return self.ids["me"]


Op = Callable[[World], Awaitable[tuple[str, int]]]  # returns the entity and its id


async def _world(storage: Storage, clock: FakeClock) -> World:
    world = World(storage, clock)
    me = await storage.managers.create(
        telegram_id=1,
        full_name="Anna",
        username=None,
        role="admin",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    other = await storage.managers.create(
        telegram_id=2,
        full_name="Ivan",
        username=None,
        role="kam",
        language="en",
        timezone="UTC",
        now=clock.now(),
    )
    world.ids.update(me=me.id, other=other.id)
    account = await storage.accounts.create(
        name="VT-Metal", owner_id=me.id, actor_id=me.id, now=clock.now()
    )
    world.ids["account"] = account.id
    return world


def _meeting(w: World, **extra: Any) -> MeetingIn:
    values: dict[str, Any] = {
        "author_id": w.me,
        "status": "held",
        "kind": "visit",
        "starts_at": w.now,
        "account_id": w.ids["account"],
        "summary": "Prices",
    }
    return MeetingIn(**{**values, **extra})


async def _account_create(w: World) -> tuple[str, int]:
    made = await w.storage.accounts.create(name="Zeta", owner_id=w.me, actor_id=w.me, now=w.now)
    return "account", made.id


async def _account_update(w: World) -> tuple[str, int]:
    await w.storage.accounts.update(w.ids["account"], actor_id=w.me, now=w.now, industry="Steel")
    return "account", w.ids["account"]


async def _contact_create(w: World) -> tuple[str, int]:
    made = await w.storage.contacts.create(
        account_id=w.ids["account"], full_name="Petrov", position="CEO", actor_id=w.me, now=w.now
    )
    w.ids["contact"] = made.id
    return "contact", made.id


async def _contact_update(w: World) -> tuple[str, int]:
    await w.storage.contacts.update(w.ids["contact"], actor_id=w.me, now=w.now, position="CTO")
    return "contact", w.ids["contact"]


async def _contact_archive(w: World) -> tuple[str, int]:
    await w.storage.contacts.archive(w.ids["contact"], actor_id=w.me, now=w.now)
    return "contact", w.ids["contact"]


async def _item_add(w: World) -> tuple[str, int]:
    item = await w.storage.profile.add_item(
        "related",
        w.ids["account"],
        {"kind": "subsidiary", "name": "Holding"},
        actor_id=w.me,
        now=w.now,
    )
    w.ids["item"] = item.id
    return "related_organisation", item.id


async def _item_update(w: World) -> tuple[str, int]:
    await w.storage.profile.update_item(
        "related", w.ids["item"], {"name": "Holding AG"}, actor_id=w.me, now=w.now
    )
    return "related_organisation", w.ids["item"]


async def _item_remove(w: World) -> tuple[str, int]:
    await w.storage.profile.remove_item("related", w.ids["item"], actor_id=w.me, now=w.now)
    return "related_organisation", w.ids["item"]


async def _meeting_save(w: World) -> tuple[str, int]:
    result = await w.storage.meetings.save(
        _meeting(
            w,
            attachments=(AttachmentIn("document", "f-1", "u-1", "offer.pdf"),),
            tasks=(TaskIn("send offer", w.now + timedelta(days=1)),),
            team_ids=(w.ids["other"],),
        ),
        now=w.now,
    )
    w.ids.update(meeting=result.meeting_id, task=result.task_ids[0])
    return "meeting", result.meeting_id


async def _meeting_edit(w: World) -> tuple[str, int]:
    await w.storage.meetings.save(
        _meeting(w, existing_id=w.ids["meeting"], summary="Prices agreed"), now=w.now
    )
    return "meeting", w.ids["meeting"]


async def _meeting_delete(w: World) -> tuple[str, int]:
    await w.storage.meetings.delete(w.ids["meeting"], actor_id=w.me, now=w.now)
    return "meeting", w.ids["meeting"]


async def _task_snooze(w: World) -> tuple[str, int]:
    until = w.now + timedelta(days=2)
    await w.storage.tasks.snooze(w.ids["task"], until, actor_id=w.me, now=w.now)
    return "task", w.ids["task"]


async def _task_escalate(w: World) -> tuple[str, int]:
    await w.storage.tasks.mark_escalated(w.ids["task"], now=w.now)
    return "task", w.ids["task"]


async def _task_reassign(w: World) -> tuple[str, int]:
    await w.storage.profile.update_item(
        "plan", w.ids["task"], {"assignee_id": w.ids["other"]}, actor_id=w.me, now=w.now
    )
    return "task", w.ids["task"]


async def _task_done(w: World) -> tuple[str, int]:
    await w.storage.tasks.complete(w.ids["task"], actor_id=w.ids["other"], now=w.now)
    return "task", w.ids["task"]


async def _check(w: World) -> int:
    if "check" not in w.ids:
        manager = await w.storage.managers.get(w.me)
        assert manager is not None
        w.ids["check"] = await add_check(w.storage, manager, w.ids["account"], w.now, now=w.now)
    return w.ids["check"]


async def _check_asked(w: World) -> tuple[str, int]:
    await w.storage.satisfaction.mark_asked(await _check(w), now=w.now)
    return "satisfaction_check", w.ids["check"]


async def _check_scored(w: World) -> tuple[str, int]:
    await w.storage.satisfaction.record_score(
        await _check(w),
        4,
        actor_id=w.me,
        now=w.now,
        recovery_text="Recover",
        recovery_due=w.now + timedelta(days=1),
    )
    return "satisfaction_check", w.ids["check"]


async def _check_comment(w: World) -> tuple[str, int]:
    await w.storage.satisfaction.add_comment(await _check(w), "Fine", actor_id=w.me, now=w.now)
    return "satisfaction_check", w.ids["check"]


async def _check_skip(w: World) -> tuple[str, int]:
    manager = await w.storage.managers.get(w.me)
    assert manager is not None
    check_id = await add_check(w.storage, manager, w.ids["account"], w.now, now=w.now)
    await w.storage.satisfaction.skip(check_id, actor_id=w.me, now=w.now)
    return "satisfaction_check", check_id


async def _contract_create(w: World) -> tuple[str, int]:
    fields = ContractFields("Supply", ends_on=date(2027, 6, 1))
    made = await w.storage.contracts.create(w.ids["account"], fields, actor_id=w.me, now=w.now)
    w.ids["contract"] = made
    return "contract", made


async def _contract_create_plain(w: World) -> tuple[str, int]:
    made = await w.storage.contracts.create_contract(
        account_id=w.ids["account"], title="Service", actor_id=w.me, now=w.now
    )
    return "contract", made


async def _contract_update(w: World) -> tuple[str, int]:
    fields = ContractFields("Supply", ends_on=date(2027, 12, 1))
    await w.storage.contracts.update(w.ids["contract"], fields, actor_id=w.me, now=w.now)
    return "contract", w.ids["contract"]


async def _contract_status(w: World) -> tuple[str, int]:
    await w.storage.contracts.set_status(w.ids["contract"], "terminated", actor_id=w.me, now=w.now)
    return "contract", w.ids["contract"]


async def _contract_delete(w: World) -> tuple[str, int]:
    await w.storage.contracts.delete(w.ids["contract"], actor_id=w.me, now=w.now)
    return "contract", w.ids["contract"]


async def _obligation_add(w: World) -> tuple[str, int]:
    made = await w.storage.contracts.add_obligation(
        contract_id=w.ids["contract"], description="Pay", due_on=date(2027, 1, 5), actor_id=w.me,
        now=w.now,
    )  # fmt: skip
    return "obligation", made


def _term(description: str) -> ObligationFields:
    return ObligationFields("payment", description, "client", date(2027, 1, 31))


async def _term_add(w: World) -> tuple[str, int]:
    made = await w.storage.contracts.add_term(
        w.ids["contract"], _term("Advance"), actor_id=w.me, now=w.now
    )
    w.ids["term"] = made
    return "obligation", made


async def _term_update(w: World) -> tuple[str, int]:
    await w.storage.contracts.update_term(
        w.ids["term"], _term("Advance 30%"), actor_id=w.me, now=w.now
    )
    return "obligation", w.ids["term"]


async def _term_resolve(w: World) -> tuple[str, int]:
    await w.storage.contracts.resolve(w.ids["term"], "met", actor_id=w.me, now=w.now)
    return "obligation", w.ids["term"]


async def _term_delete(w: World) -> tuple[str, int]:
    await w.storage.contracts.delete_term(w.ids["term"], actor_id=w.me, now=w.now)
    return "obligation", w.ids["term"]


async def _deal_create(w: World) -> tuple[str, int]:
    values = {"kind": "deal", "title": "Pipes", "stage": "proposal"}
    deal = await w.storage.deals.create(w.ids["account"], values, actor_id=w.me, now=w.now)
    w.ids["deal"] = deal.id
    return "deal", deal.id


async def _deal_update(w: World) -> tuple[str, int]:
    await w.storage.deals.update(w.ids["deal"], {"probability": 60}, actor_id=w.me, now=w.now)
    return "deal", w.ids["deal"]


async def _deal_close(w: World) -> tuple[str, int]:
    closing = Closing("won", "price", None, date(2026, 11, 28))
    await w.storage.deals.close(w.ids["deal"], closing, actor_id=w.me, now=w.now)
    return "deal", w.ids["deal"]


async def _deal_delete(w: World) -> tuple[str, int]:
    await w.storage.deals.delete(w.ids["deal"], actor_id=w.me, now=w.now)
    return "deal", w.ids["deal"]


async def _manager_create(w: World) -> tuple[str, int]:
    made = await w.storage.managers.create(
        telegram_id=3, full_name="Olga", username=None, role="bd", language="ru",
        timezone="UTC", now=w.now, invited_by=w.me,
    )  # fmt: skip
    return "manager", made.id


async def _manager_role(w: World) -> tuple[str, int]:
    await w.storage.managers.update(w.ids["other"], actor_id=w.me, now=w.now, role="lead")
    return "manager", w.ids["other"]


async def _manager_active(w: World) -> tuple[str, int]:
    await w.storage.managers.update(w.ids["other"], actor_id=w.me, now=w.now, active=False)
    return "manager", w.ids["other"]


async def _manager_settings(w: World) -> tuple[str, int]:
    await w.storage.managers.update(w.me, actor_id=w.me, now=w.now, language="zh")
    return "manager", w.me


async def _manager_blocked(w: World) -> tuple[str, int]:
    await w.storage.managers.set_blocked(w.ids["other"], w.now)
    return "manager", w.ids["other"]


async def _invite_create(w: World) -> tuple[str, int]:
    made = await w.storage.invites.create(
        role="kam", created_by=w.me, now=w.now, valid_for=timedelta(days=7)
    )
    w.ids["invite"] = made.id
    return "invite", made.id


async def _invite_used(w: World) -> tuple[str, int]:
    invite = await w.storage.invites.get(w.ids["invite"])
    assert invite is not None
    await w.storage.invites.redeem(
        invite.code, telegram_id=4, full_name="Kim", username=None, language="en",
        timezone="UTC", now=w.now,
    )  # fmt: skip
    return "invite", invite.id


async def _invite_withdrawn(w: World) -> tuple[str, int]:
    made = await w.storage.invites.create(
        role="bd", created_by=w.me, now=w.now, valid_for=timedelta(days=7)
    )
    await w.storage.invites.revoke(made.id, actor_id=w.me, now=w.now)
    return "invite", made.id


async def _prospect_assign(w: World) -> tuple[str, int]:
    made = await w.storage.accounts.create(name="Nobody's", owner_id=w.me, actor_id=w.me, now=w.now)
    await w.storage.db.execute("UPDATE accounts SET owner_id = NULL WHERE id = ?", (made.id,))
    await w.storage.portfolio.assign(made.id, w.ids["other"], actor_id=w.me, now=w.now)
    return "account", made.id


async def _contact_erase(w: World) -> tuple[str, int]:
    await erase_contact(w.storage.db, w.ids["contact"], actor_id=w.me, now=w.now)
    return "contact", w.ids["contact"]


async def _seat(w: World) -> int:
    row = await w.storage.db.fetch_one(
        "SELECT id FROM account_team WHERE account_id = ? AND manager_id = ?",
        (w.ids["account"], w.ids["other"]),
    )
    assert row is not None
    return int(row[0])


async def _team_switch(w: World) -> tuple[str, int]:
    await w.storage.team.switch(w.ids["other"], True, actor_id=w.me, now=w.now)
    return "manager", w.ids["other"]


async def _seat_add(w: World) -> tuple[str, int]:
    assert await w.storage.team.add_seat(w.ids["account"], w.ids["other"], actor_id=w.me, now=w.now)
    return "account_team", await _seat(w)


async def _seat_sponsor(w: World) -> tuple[str, int]:
    await w.storage.team.set_sponsor(w.ids["account"], w.ids["other"], actor_id=w.me, now=w.now)
    return "account_team", await _seat(w)


async def _seat_remove(w: World) -> tuple[str, int]:
    seat = await _seat(w)
    assert await w.storage.team.remove_seat(
        w.ids["account"], w.ids["other"], actor_id=w.me, now=w.now
    )
    return "account_team", seat


async def _reassign(w: World) -> tuple[str, int]:
    made = await w.storage.accounts.create(name="Handed", owner_id=w.me, actor_id=w.me, now=w.now)
    await w.storage.reassign.reassign(
        w.me, w.ids["other"], actor_id=w.me, now=w.now, account_ids=[made.id]
    )
    return "account", made.id


# (repository.method, operation, action, field, actor: "me", "other", or None for the system)
OPERATIONS: list[tuple[str, Op, str, str | None, str | None]] = [
    ("AccountRepository.create", _account_create, "create", "name", "me"),
    ("AccountRepository.update", _account_update, "update", "industry", "me"),
    ("ContactRepository.create", _contact_create, "create", "full_name", "me"),
    ("ContactRepository.update", _contact_update, "update", "position", "me"),
    ("ContactRepository.archive", _contact_archive, "delete", "full_name", "me"),
    ("ProfileRepository.add_item", _item_add, "create", "name", "me"),
    ("ProfileRepository.update_item", _item_update, "update", "name", "me"),
    ("ProfileRepository.remove_item", _item_remove, "delete", "name", "me"),
    ("MeetingRepository.save", _meeting_save, "update", "attachments", "me"),
    ("MeetingRepository.save", _meeting_save, "update", "team", "me"),
    ("MeetingRepository.save", _meeting_save, "create", "kind", "me"),
    ("MeetingRepository.save", _meeting_edit, "update", "summary", "me"),
    ("TaskRepository.snooze", _task_snooze, "update", "snoozed_until", "me"),
    ("TaskRepository.mark_escalated", _task_escalate, "update", "escalated_at", None),
    ("ProfileRepository.update_item", _task_reassign, "update", "assignee_id", "me"),
    ("TaskRepository.complete", _task_done, "update", "status", "other"),
    ("MeetingRepository.delete", _meeting_delete, "delete", None, "me"),
    ("SatisfactionRepository.mark_asked", _check_asked, "update", "status", None),
    ("SatisfactionRepository.record_score", _check_scored, "update", "score", "me"),
    ("SatisfactionRepository.add_comment", _check_comment, "update", "comment", "me"),
    ("SatisfactionRepository.skip", _check_skip, "update", "status", "me"),
    ("ContractRepository.create", _contract_create, "create", "title", "me"),
    ("ContractRepository.create_contract", _contract_create_plain, "create", "title", "me"),
    ("ContractRepository.update", _contract_update, "update", "ends_on", "me"),
    ("ContractRepository.add_obligation", _obligation_add, "create", "description", "me"),
    ("ContractRepository.add_term", _term_add, "create", "description", "me"),
    ("ContractRepository.update_term", _term_update, "update", "description", "me"),
    ("ContractRepository.resolve", _term_resolve, "update", "status", "me"),
    ("ContractRepository.delete_term", _term_delete, "delete", "description", "me"),
    ("DealRepository.create", _deal_create, "create", "title", "me"),
    ("DealRepository.update", _deal_update, "update", "probability", "me"),
    ("DealRepository.close", _deal_close, "update", "stage", "me"),
    ("DealRepository.delete", _deal_delete, "delete", "title", "me"),
    ("ManagerRepository.create", _manager_create, "create", "role", "me"),
    ("ManagerRepository.update", _manager_role, "update", "role", "me"),
    ("ManagerRepository.update", _manager_active, "update", "active", "me"),
    ("ManagerRepository.update", _manager_settings, "update", "language", "me"),
    ("ManagerRepository.set_blocked", _manager_blocked, "update", "blocked_at", None),
    ("InviteRepository.create", _invite_create, "create", "role", "me"),
    ("InviteRepository.redeem", _invite_used, "update", "used_by", None),
    ("InviteRepository.revoke", _invite_withdrawn, "delete", "revoked_at", "me"),
    ("PortfolioRepository.assign", _prospect_assign, "update", "owner_id", "me"),
    ("data_export.erase_contact", _contact_erase, "delete", "personal_data", "me"),
    ("TeamRepository.switch", _team_switch, "update", "active", "me"),
    ("TeamRepository.add_seat", _seat_add, "create", "manager_id", "me"),
    ("TeamRepository.set_sponsor", _seat_sponsor, "update", "is_executive_sponsor", "me"),
    ("TeamRepository.remove_seat", _seat_remove, "delete", "manager_id", "me"),
    ("ReassignRepository.reassign", _reassign, "update", "owner_id", "me"),
    ("ContractRepository.set_status", _contract_status, "update", "status", "me"),
    ("ContractRepository.delete", _contract_delete, "delete", "title", "me"),
]


async def test_every_write_leaves_an_audit_row(storage: Storage, clock: FakeClock) -> None:
    world = await _world(storage, clock)
    for name, operation, action, field_name, actor in OPERATIONS:
        clock.advance(timedelta(minutes=1))
        newest = await storage.db.fetch_one("SELECT coalesce(max(id), 0) FROM audit_log")
        before = 0 if newest is None else int(newest[0])
        entity, entity_id = await operation(world)
        rows = await storage.db.fetch_all(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ?"
            " AND field IS ? ORDER BY id DESC",
            (entity, entity_id, action, field_name),
        )
        assert rows, f"{name}: no {action} row for {entity} {entity_id} field {field_name}"
        row = rows[0]
        expected_actor = None if actor is None else world.ids[actor]
        if name != "InviteRepository.redeem":  # the new manager redeems their own invite
            assert row["actor_id"] == expected_actor, name
        assert row["at"] <= dt_to_db(clock.now()), name
        if operation is not _meeting_save or field_name == "attachments":
            assert row["id"] > before, f"{name}: the row is older than the write"


async def test_account_rows_know_their_account_even_after_a_delete(
    storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    for _, operation, *_ in OPERATIONS[:33]:
        await operation(world)
    rows = await storage.db.fetch_all(
        "SELECT DISTINCT entity FROM audit_log WHERE account_id = ?", (world.ids["account"],)
    )
    assert {row[0] for row in rows} >= {
        "account",
        "contact",
        "related_organisation",
        "meeting",
        "task",
        "satisfaction_check",
        "contract",
        "obligation",
        "deal",
    }
    orphans = await storage.db.fetch_all(
        "SELECT entity, action FROM audit_log WHERE account_id IS NULL"
        " AND entity NOT IN ('manager', 'invite')"
    )
    assert [tuple(row) for row in orphans] == []


def _writes(cls: type) -> set[str]:
    """The public methods of a repository that open a write transaction, directly or through
    another repository's write."""
    found = set()
    for name, method in vars(cls).items():
        if name.startswith("_") or not inspect.iscoroutinefunction(method):
            continue
        source = inspect.getsource(method)
        if any(
            mark in source
            for mark in ("transaction()", "Repository(self._db)", "self.update(", "self._write(")
        ):
            found.add(f"{cls.__name__}.{name}")
    return found


def test_the_table_covers_every_write_method() -> None:
    classes = [
        value
        for value in vars(storage_package.Storage(storage_package.Database(":memory:"))).values()
        if type(value).__name__.endswith("Repository")
    ]
    writes = set().union(
        *(_writes(type(repo)) for repo in classes if type(repo).__name__ not in NOT_AUDITED)
    )
    covered = {name for name, *_ in OPERATIONS}
    assert writes - covered == set()


@pytest.mark.parametrize("entity", ["manager", "invite"])
async def test_rows_without_an_account_have_none(
    storage: Storage, clock: FakeClock, entity: str
) -> None:
    world = await _world(storage, clock)
    await _invite_create(world)
    rows = await storage.db.fetch_all(
        "SELECT account_id FROM audit_log WHERE entity = ?", (entity,)
    )
    assert rows and all(row[0] is None for row in rows)
