"""A press on something that is not the manager's: refused in their language, the object
unchanged, and the denial logged once, by handlers.authz (actor, action, kind, id)."""

from __future__ import annotations

import logging

import pytest

from bot.i18n import translator
from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.reminder_support import add_account, add_manager, add_meeting, add_task


def _denials(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "handlers.authz"]


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_a_foreign_task_is_refused_and_logged_once(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    language: str,
) -> None:
    owner = await add_manager(storage, 2001, "Ivan", now=clock.now())
    olga = await make_user(2002, "Olga", language)
    other = await add_manager(storage, 2002, "Olga", now=clock.now(), language=language)
    task_id = await add_task(storage, owner, "Mine", None, now=clock.now())
    await olga.send("/tasks")
    caplog.set_level(logging.INFO, logger="handlers.authz")
    await olga.press_data(f"task:done:{task_id}")
    assert olga.last_alert == translator(language)("error.stale_button")
    assert _denials(caplog) == [
        f"denied: manager {other.id} (kam) may not change task {task_id} (no relation)"
    ]
    task = await storage.tasks.get(task_id)
    assert task is not None and task.status == "open"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_lead_may_not_withdraw_the_admins_invite(
    admin: TelegramUser,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    language: str,
) -> None:
    await admin.send("/invite")
    await admin.press("Key account manager")
    (invite,) = await storage.invites.list_open(clock.now())
    lena = await make_user(3002, "Lena", language)
    lead = await add_manager(storage, 3002, "Lena", now=clock.now(), role="lead", language=language)
    await lena.send("/invite")
    caplog.set_level(logging.INFO, logger="handlers.authz")
    await lena.press_data(f"inv:revoke:{invite.id}")
    assert lena.last_alert == translator(language)("invite.not_yours")
    assert _denials(caplog) == [
        f"denied: manager {lead.id} (lead) may not withdraw invite {invite.id} (no relation)"
    ]
    assert [i.id for i in await storage.invites.list_open(clock.now())] == [invite.id]


async def test_a_lead_may_not_change_a_role_nor_an_admin_their_own(
    admin: TelegramUser,
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    anna = await storage.managers.by_telegram_id(ADMIN_ID)
    assert anna is not None
    lena = await make_user(3002, "Lena")
    lead = await add_manager(storage, 3002, "Lena", now=clock.now(), role="lead")
    await lena.send("/team")
    await admin.send("/team")
    caplog.set_level(logging.INFO, logger="handlers.authz")
    await lena.press_data(f"team:role:{anna.id}:kam")
    assert lena.last_alert == translator("en")("team.not_allowed")
    await admin.press_data(f"team:role:{anna.id}:kam")
    assert admin.last_alert == translator("en")("team.not_allowed")
    assert _denials(caplog) == [
        f"denied: manager {lead.id} (lead) may not change manager {anna.id} (no relation)",
        f"denied: manager {anna.id} (admin) may not change manager {anna.id} (never)",
    ]
    anna_now = await storage.managers.get(anna.id)
    assert anna_now is not None and anna_now.role == "admin"


async def test_a_meeting_is_seen_through_its_account_and_changed_by_its_author(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ivan = await add_manager(storage, 2001, "Ivan", now=clock.now())
    olga_user = await make_user(2002, "Olga")
    olga = await add_manager(storage, 2002, "Olga", now=clock.now())
    boris_user = await make_user(2003, "Boris", "ru")
    boris = await add_manager(storage, 2003, "Boris", now=clock.now(), language="ru")
    account_id = await add_account(storage, ivan, "VT-Metal", now=clock.now())
    await storage.db.execute(
        "INSERT INTO account_team (account_id, manager_id, created_at) VALUES (?, ?, ?)",
        (account_id, olga.id, "2026-01-01T00:00:00+00:00"),
    )
    meeting_id = await add_meeting(storage, ivan, account_id, clock.now(), now=clock.now())
    await olga_user.send("/tasks")
    await boris_user.send("/tasks")
    caplog.set_level(logging.INFO, logger="handlers.authz")
    await olga_user.press_data(f"mtg:v:{meeting_id}")
    assert "VT-Metal" in olga_user.last_text
    assert not any("Delete" in b or "Edit" in b for b in olga_user.buttons)
    assert _denials(caplog) == []  # hiding a button is not a denial
    await olga_user.press_data(f"mtg:del:{meeting_id}")
    assert olga_user.last_alert == translator("en")("meeting.cannot_edit")
    await boris_user.press_data(f"mtg:v:{meeting_id}")
    assert boris_user.last_alert == translator("ru")("meeting.not_found")
    assert _denials(caplog) == [
        f"denied: manager {olga.id} (kam) may not delete meeting {meeting_id} (no relation)",
        f"denied: manager {boris.id} (kam) may not see meeting {meeting_id} (no relation)",
    ]
    assert await storage.meetings.get(meeting_id) is not None
