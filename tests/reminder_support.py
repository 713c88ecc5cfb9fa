"""Rows for reminder tests: managers, accounts, tasks, meetings, checks and obligations."""

from __future__ import annotations

from datetime import date, datetime, time

from storage import Storage
from storage.codec import dt_to_db
from storage.managers import Manager, Role
from storage.tasks import insert_satisfaction_check, insert_task


async def add_manager(
    storage: Storage,
    telegram_id: int,
    name: str = "Ivan",
    *,
    now: datetime,
    tz: str = "Europe/Moscow",
    role: Role = "kam",
    language: str = "en",
    lead_id: int | None = None,
    **prefs: object,
) -> Manager:
    manager = await storage.managers.create(
        telegram_id=telegram_id,
        full_name=name,
        username=None,
        role=role,
        language=language,
        timezone=tz,
        now=now,
    )
    changes: dict[str, object] = {"onboarded_at": now, **prefs}
    if lead_id is not None:
        changes["lead_id"] = lead_id
    return await storage.managers.update(manager.id, actor_id=manager.id, now=now, **changes)


async def add_account(storage: Storage, owner: Manager, name: str, *, now: datetime) -> int:
    account = await storage.accounts.create(
        name=name, owner_id=owner.id, actor_id=owner.id, now=now, status="active"
    )
    return account.id


async def add_task(
    storage: Storage,
    assignee: Manager,
    text: str,
    due_at: datetime | None,
    *,
    now: datetime,
    has_time: bool = True,
    account_id: int | None = None,
) -> int:
    async with storage.db.transaction() as conn:
        return await insert_task(
            conn,
            assignee_id=assignee.id,
            text=text,
            now=now,
            actor_id=assignee.id,
            account_id=account_id,
            due_at=due_at,
            due_has_time=has_time,
        )


async def add_meeting(
    storage: Storage,
    author: Manager,
    account_id: int,
    starts_at: datetime,
    *,
    now: datetime,
    status: str = "planned",
    agenda: str | None = None,
) -> int:
    async with storage.db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO meetings (account_id, author_id, status, kind, starts_at, agenda,"
            " created_at, updated_at) VALUES (?, ?, ?, 'visit', ?, ?, ?, ?)",
            (
                account_id,
                author.id,
                status,
                dt_to_db(starts_at),
                agenda,
                dt_to_db(now),
                dt_to_db(now),
            ),
        )
        return int(cursor.lastrowid or 0)


async def add_check(
    storage: Storage,
    manager: Manager,
    account_id: int,
    due_at: datetime,
    *,
    now: datetime,
    contact_name: str | None = None,
    meeting_id: int | None = None,
) -> int:
    contact_id = None
    if contact_name is not None:
        contact = await storage.contacts.create(
            account_id=account_id,
            full_name=contact_name,
            position=None,
            actor_id=manager.id,
            now=now,
        )
        contact_id = contact.id
    async with storage.db.transaction() as conn:
        return await insert_satisfaction_check(
            conn,
            account_id=account_id,
            manager_id=manager.id,
            due_at=due_at,
            now=now,
            meeting_id=meeting_id,
            contact_id=contact_id,
        )


async def add_obligation(
    storage: Storage,
    owner: Manager,
    account_id: int,
    due_on: date,
    description: str = "Deliver the second batch",
    *,
    now: datetime,
    title: str = "Supply 2027",
) -> tuple[int, int]:
    contract_id = await storage.contracts.create_contract(
        account_id=account_id, title=title, actor_id=owner.id, now=now
    )
    obligation_id = await storage.contracts.add_obligation(
        contract_id=contract_id,
        description=description,
        due_on=due_on,
        actor_id=owner.id,
        now=now,
    )
    return contract_id, obligation_id


def hm(text: str) -> time:
    return time.fromisoformat(text)
