"""📅 Add to calendar: a planned meeting's .ics, in the manager's zone and language; nothing
for a held, past, deleted or foreign meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component
from telegram.ext import Application

from bot.scheduler import tick
from domain.clock import FakeClock
from storage import Storage
from storage.codec import dt_to_db
from storage.managers import Manager
from storage.meetings import MeetingIn
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import MakeUser
from tests.handlers.test_meeting_log import _seed
from tests.reminder_support import add_account, add_manager

App = Application[Any, Any, Any, Any, Any, Any]
BUTTON = "📅 Add to calendar"


def _event(user: TelegramUser, fake: FakeTelegram, name: str) -> Component:
    """The .ics the bot just sent, parsed back."""
    message = user.last_message
    assert message.document is not None, user.last_text
    assert message.document["file_name"] == name
    stored = fake.file(message.document["file_id"])
    assert stored is not None
    [event] = Calendar.from_ical(stored.data).walk("VEVENT")
    return event


def _documents(user: TelegramUser, mark: int) -> list[str]:
    return [c.method for c in user.calls_since(mark) if c.method == "sendDocument"]


async def _planned(
    storage: Storage, clock: FakeClock, author_id: int, account_id: int, **extra: object
) -> int:
    values: dict[str, object] = {
        "author_id": author_id,
        "status": "planned",
        "kind": "negotiation",
        "account_id": account_id,
        "agenda": "Prices, volumes; logistics",
        "remind_before_minutes": 30,
    }
    values.update(extra)
    saved = await storage.meetings.save(MeetingIn(**values), now=clock.now())  # type: ignore[arg-type]
    return saved.meeting_id


async def test_plan_a_meeting_and_add_it_to_the_calendar(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("🗓 Plan meeting")
    await admin.press("VT-Metal")
    await admin.send("пт 15:00")
    await admin.press("Olga Smirnova")
    await admin.press("Next")
    await admin.send("Contract renewal; Q1 volumes, <b>prices</b>")
    await admin.press("1 hour before")
    await admin.press("2 hours before")
    await admin.press("Save")
    assert "Planned" in admin.last_text and BUTTON in admin.buttons
    await admin.press("Add to calendar")
    assert "VT-Metal, Fri 27 Nov, 15:00" in admin.last_text  # the caption
    event = _event(admin, fake, "meeting-2026-11-27.ics")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 11, 27, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert event["dtstart"].params["TZID"] == "Europe/Moscow"
    assert event.decoded("dtend") - start == timedelta(hours=1)
    assert str(event["summary"]) == "VT-Metal · 🚗 Visit"
    description = str(event["description"])
    assert "Agenda: Contract renewal; Q1 volumes, <b>prices</b>" in description
    assert "Client's people: Olga Smirnova (CFO)" in description
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=2)
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert str(event["uid"]).startswith(f"meeting-{meeting.id}@")


async def test_the_meeting_view_offers_the_file_with_the_place(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    ids = await _seed(storage, clock)
    starts = clock.now() + timedelta(days=2)
    meeting_id = await _planned(
        storage,
        clock,
        ids["admin"],
        ids["vt"],
        starts_at=starts,
        location="Moscow, Lenina st. 5; 3rd floor",
    )
    await admin.send("/timeline VT-Metal")
    await admin.press_data(f"mtg:v:{meeting_id}")
    await admin.press("Add to calendar")
    event = _event(admin, fake, "meeting-2026-11-28.ics")
    assert event.decoded("dtstart") == starts
    assert str(event["location"]) == "Moscow, Lenina st. 5; 3rd floor"
    assert "Agenda: Prices, volumes; logistics" in str(event["description"])
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(minutes=30)
    # pressed again (after the meeting moved): the same event, a higher sequence
    first_uid, first_sequence = str(event["uid"]), event.decoded("sequence")
    clock.advance(timedelta(minutes=5))
    await storage.db.execute(
        "UPDATE meetings SET starts_at = ?, updated_at = ? WHERE id = ?",
        (dt_to_db(datetime(2026, 11, 29, 8, 0, tzinfo=UTC)), dt_to_db(clock.now()), meeting_id),
    )
    await admin.press_data(f"mtg:ics:{meeting_id}")
    again = _event(admin, fake, "meeting-2026-11-29.ics")
    assert str(again["uid"]) == first_uid and again.decoded("sequence") > first_sequence


async def test_no_button_on_a_held_meeting_and_a_forged_press_is_answered(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    saved = await storage.meetings.save(
        MeetingIn(
            author_id=ids["admin"],
            status="held",
            kind="visit",
            starts_at=clock.now() - timedelta(days=1),
            account_id=ids["vt"],
            summary="Done",
            outcome="neutral",
        ),
        now=clock.now(),
    )
    await admin.send("/timeline VT-Metal")
    await admin.press_data(f"mtg:v:{saved.meeting_id}")
    assert "Held" in admin.last_text or "held" in admin.last_text
    assert BUTTON not in admin.buttons
    mark = admin.fake.mark()
    await admin.press_data(f"mtg:ics:{saved.meeting_id}")
    assert admin.last_alert is not None and "already over" in admin.last_alert
    assert _documents(admin, mark) == []


async def test_a_planned_meeting_that_passed_loses_the_button(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    meeting_id = await _planned(
        storage, clock, ids["admin"], ids["vt"], starts_at=clock.now() + timedelta(hours=1)
    )
    await admin.send("/timeline VT-Metal")
    await admin.press_data(f"mtg:v:{meeting_id}")
    assert BUTTON in admin.buttons
    old_view = admin.last_message.message_id
    clock.advance(timedelta(hours=2, minutes=1))
    await admin.press_data(f"mtg:v:{meeting_id}")
    assert BUTTON not in admin.buttons and "✅ How did it go?" in admin.buttons
    mark = admin.fake.mark()
    await admin.press_data(f"mtg:ics:{meeting_id}", message_id=old_view)
    assert admin.last_alert is not None and "already over" in admin.last_alert
    assert _documents(admin, mark) == []


async def test_a_deleted_meeting_gets_a_clear_answer(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    meeting_id = await _planned(
        storage, clock, ids["admin"], ids["vt"], starts_at=clock.now() + timedelta(days=1)
    )
    await admin.send("/timeline VT-Metal")
    await admin.press_data(f"mtg:v:{meeting_id}")
    await storage.meetings.delete(meeting_id, actor_id=ids["admin"], now=clock.now())
    mark = admin.fake.mark()
    await admin.press("Add to calendar")
    assert admin.last_alert is not None and "was deleted" in admin.last_alert
    assert _documents(admin, mark) == []


@pytest.mark.parametrize("deleted", [False, True])
async def test_a_kam_cannot_get_another_kams_meeting(
    admin: TelegramUser, storage: Storage, clock: FakeClock, make_user: MakeUser, deleted: bool
) -> None:
    ids = await _seed(storage, clock)
    meeting_id = await _planned(
        storage, clock, ids["admin"], ids["vt"], starts_at=clock.now() + timedelta(days=1)
    )
    if deleted:  # not even "deleted" is told about a meeting one may not see
        await storage.meetings.delete(meeting_id, actor_id=ids["admin"], now=clock.now())
    kim = await make_user(2000, "Kim")
    await add_manager(storage, 2000, "Kim", now=clock.now())
    await kim.send("/help")
    mark = kim.fake.mark()
    await kim.press_data(f"mtg:ics:{meeting_id}", message_id=kim.last_message.message_id)
    assert kim.last_alert is not None and "not available" in kim.last_alert
    assert _documents(kim, mark) == []


@pytest.mark.parametrize(
    ("language", "zone", "button", "caption", "agenda", "file_day", "local"),
    [
        # Shanghai: +8 all year
        ("zh", "Asia/Shanghai", "添加到日历", "打开此文件", "议程", "2026-12-03", (2026, 12, 3, 9)),
        # Berlin: the meeting is after the spring change, so CEST (+2), not today's CET
        (
            "ru",
            "Europe/Berlin",
            "В календарь",
            "Откройте файл",
            "Повестка",
            "2027-04-05",
            (2027, 4, 5, 9),
        ),
    ],
)
async def test_in_chinese_and_russian_in_the_managers_zone(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    fake: FakeTelegram,
    language: str,
    zone: str,
    button: str,
    caption: str,
    agenda: str,
    file_day: str,
    local: tuple[int, int, int, int],
) -> None:
    user = await make_user(3000, "Li", language_code=language)
    manager = await add_manager(storage, 3000, "Li", now=clock.now(), tz=zone, language=language)
    account_id = await add_account(storage, manager, "华为 / ВТ-Металл", now=clock.now())
    starts = datetime(*local, tzinfo=ZoneInfo(zone))
    meeting_id = await _planned(
        storage, clock, manager.id, account_id, starts_at=starts, agenda="续签合同，价格；Цены"
    )
    await user.send("/help")
    await user.press_data(f"mtg:v:{meeting_id}", message_id=user.last_message.message_id)
    await user.press(button)
    assert caption in user.last_text and "华为 / ВТ-Металл" in user.last_text
    event = _event(user, fake, f"meeting-{file_day}.ics")
    start = event.decoded("dtstart")
    assert start == starts and start.replace(tzinfo=None) == datetime(*local)
    assert event["dtstart"].params["TZID"] == zone
    assert str(event["summary"]).startswith("华为 / ВТ-Металл · ")
    assert f"{agenda}: 续签合同，价格；Цены" in str(event["description"])


async def test_the_pre_meeting_brief_offers_the_file(
    app: App, make_user: MakeUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    user = await make_user(2001, "Ivan")
    manager: Manager = await add_manager(
        storage, 2001, "Ivan", now=clock.now(), notify_digest=False
    )
    account_id = await add_account(storage, manager, "VT-Metal", now=clock.now())
    starts = clock.now() + timedelta(hours=3)
    meeting_id = await _planned(storage, clock, manager.id, account_id, starts_at=starts)
    await tick(app)
    while not user.bot_texts():
        clock.advance(timedelta(minutes=5))
        await tick(app)
        assert clock.now() < starts
    assert "Meeting with VT-Metal" in user.last_text and BUTTON in user.buttons
    await user.press("Add to calendar")
    event = _event(user, fake, "meeting-2026-11-26.ics")
    assert event.decoded("dtstart") == starts
    assert str(event["uid"]).startswith(f"meeting-{meeting_id}@")
