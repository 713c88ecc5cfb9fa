from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from domain.clock import FakeClock
from storage import Storage
from storage.meetings import AttachmentIn, MeetingIn, NewContactIn, TaskIn


async def _setup(storage: Storage, clock: FakeClock) -> tuple[int, int]:
    manager = await storage.managers.create(
        telegram_id=1,
        full_name="Anna",
        username=None,
        role="kam",
        language="en",
        timezone="Europe/Moscow",
        now=clock.now(),
    )
    account = await storage.accounts.create(
        name="VT-Metal", owner_id=manager.id, actor_id=manager.id, now=clock.now()
    )
    return manager.id, account.id


async def test_save_writes_everything_in_one_go(storage: Storage, clock: FakeClock) -> None:
    manager_id, account_id = await _setup(storage, clock)
    now = clock.now()
    result = await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="held",
            kind="visit",
            starts_at=now,
            account_id=account_id,
            summary="Prices",
            outcome="positive",
            new_contacts=(NewContactIn("Wang Wei", "CFO"),),
            attachments=(AttachmentIn("voice", "file-1", "u-1"),),
            tasks=(TaskIn("send offer", now + timedelta(days=1)),),
            satisfaction_due_at=now + timedelta(days=7),
            client_token="t1",
        ),
        now=now,
    )
    assert result.created and len(result.task_ids) == 1 and result.satisfaction_check_id
    meeting = await storage.meetings.get(result.meeting_id)
    assert meeting is not None
    assert [c.name for c in meeting.contacts] == ["Wang Wei"]
    assert [a.file_id for a in meeting.attachments] == ["file-1"]
    account = await storage.accounts.get(account_id)
    assert account is not None and account.last_contact_at == now
    again = await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="held",
            kind="visit",
            starts_at=now,
            account_id=account_id,
            client_token="t1",
        ),
        now=now,
    )
    assert not again.created and again.meeting_id == result.meeting_id
    rows = await storage.db.fetch_all("SELECT count(*) AS n FROM tasks")
    assert rows[0]["n"] == 1


async def test_new_account_is_created_in_the_same_transaction(
    storage: Storage, clock: FakeClock
) -> None:
    manager_id, _ = await _setup(storage, clock)
    result = await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="held",
            kind="call",
            starts_at=clock.now(),
            new_account_name="Sinopec",
        ),
        now=clock.now(),
    )
    account = await storage.accounts.get(result.account_id)
    assert account is not None and account.name == "Sinopec" and account.owner_id == manager_id


async def test_a_failed_save_leaves_nothing(storage: Storage, clock: FakeClock) -> None:
    manager_id, _ = await _setup(storage, clock)
    with pytest.raises(sqlite3.IntegrityError):
        await storage.meetings.save(
            MeetingIn(
                author_id=manager_id,
                status="held",
                kind="visit",
                starts_at=clock.now(),
                new_account_name="Ghost",
                contact_ids=(999_999,),
            ),
            now=clock.now(),
        )
    assert await storage.db.fetch_all("SELECT id FROM accounts WHERE name = 'Ghost'") == []
    assert await storage.db.fetch_all("SELECT id FROM meetings") == []


async def test_last_contact_never_moves_back(storage: Storage, clock: FakeClock) -> None:
    manager_id, account_id = await _setup(storage, clock)
    now = clock.now()
    for when in (now, now - timedelta(days=10)):
        await storage.meetings.save(
            MeetingIn(
                author_id=manager_id,
                status="held",
                kind="visit",
                starts_at=when,
                account_id=account_id,
            ),
            now=now,
        )
    account = await storage.accounts.get(account_id)
    assert account is not None and account.last_contact_at == now
    await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="planned",
            kind="visit",
            starts_at=now + timedelta(days=3),
            account_id=account_id,
        ),
        now=now,
    )
    account = await storage.accounts.get(account_id)
    assert account is not None and account.last_contact_at == now


async def test_timeline_pages_newest_first_and_delete_hides(
    storage: Storage, clock: FakeClock
) -> None:
    manager_id, account_id = await _setup(storage, clock)
    ids = []
    for n in range(7):
        saved = await storage.meetings.save(
            MeetingIn(
                author_id=manager_id,
                status="held",
                kind="visit",
                starts_at=clock.now() - timedelta(days=n),
                account_id=account_id,
                summary=str(n),
            ),
            now=clock.now(),
        )
        ids.append(saved.meeting_id)
    page = await storage.meetings.timeline(account_id, page=0, per_page=5)
    assert [m.summary for m in page.meetings] == ["0", "1", "2", "3", "4"]
    assert (page.total, page.pages) == (7, 2)
    last = await storage.meetings.timeline(account_id, page=9, per_page=5)
    assert last.page == 1 and [m.summary for m in last.meetings] == ["5", "6"]
    assert await storage.meetings.delete(ids[0], actor_id=manager_id, now=clock.now())
    assert not await storage.meetings.delete(ids[0], actor_id=manager_id, now=clock.now())
    assert (await storage.meetings.timeline(account_id)).total == 6
    assert await storage.meetings.get(ids[0]) is None
    assert (await storage.meetings.get(ids[0], with_deleted=True)) is not None


async def test_recording_a_planned_meeting_updates_it_in_place(
    storage: Storage, clock: FakeClock
) -> None:
    manager_id, account_id = await _setup(storage, clock)
    planned = await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="planned",
            kind="visit",
            starts_at=clock.now() + timedelta(hours=1),
            account_id=account_id,
            agenda="A",
        ),
        now=clock.now(),
    )
    clock.advance(timedelta(hours=2))
    held = await storage.meetings.save(
        MeetingIn(
            author_id=manager_id,
            status="held",
            kind="visit",
            starts_at=clock.now() - timedelta(hours=1),
            account_id=account_id,
            agenda="A",
            summary="done",
            existing_id=planned.meeting_id,
            client_token="x",
        ),
        now=clock.now(),
    )
    assert held.meeting_id == planned.meeting_id
    meeting = await storage.meetings.get(planned.meeting_id)
    assert meeting is not None and meeting.status == "held" and meeting.summary == "done"
    audit = await storage.audit.for_entity("meeting", planned.meeting_id)
    assert {e.field for e in audit if e.action == "update"} >= {"status", "summary"}
    due = await storage.meetings.planned_due(
        clock.now() + timedelta(days=1), since=clock.now() - timedelta(days=1)
    )
    assert due == []
