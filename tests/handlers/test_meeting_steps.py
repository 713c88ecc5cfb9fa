"""The meeting flow's wording and dates: future tense when planning, next steps that keep the
date (and time) typed in them, dates shown on the day they were entered, near starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import ADMIN_ID, MakeUser
from tests.handlers.test_meeting_log import _seed

LANGUAGES = {
    "en": ("English", "Moscow"),
    "zh": ("简体中文", "莫斯科"),
    "ru": ("Русский", "Москва"),
}
# what each language says: (plan: who, agenda added, when) and (held: who, notes added)
PLAN_WORDS = {
    "en": ("Who will attend?", "Added to the agenda", "When is the meeting?"),
    "zh": ("谁将参加", "已加入议程", "会面时间"),
    "ru": ("Кто будет?", "Добавлено в повестку", "Когда встреча?"),
}
HELD_WORDS = {
    "en": ("Who was there?", "Added to the summary"),
    "zh": ("谁参加了", "已加入纪要"),
    "ru": ("Кто был?", "Добавлено в запись"),
}
BUTTONS = {  # tomorrow 10:00, next, save
    "en": ("Tomorrow 10:00", "Next", "Save"),
    "zh": ("明天 10:00", "下一步", "保存"),
    "ru": ("Завтра 10:00", "Далее", "Сохранить"),
}


async def _user(make_user: MakeUser, lang: str, zone: str | None = None) -> TelegramUser:
    code = {"en": "en", "zh": "zh-hans", "ru": "ru"}[lang]
    user = await make_user(ADMIN_ID, "Anna", language_code=code)
    language, city = LANGUAGES[lang]
    await user.send("/start")
    await user.press(language)
    if zone is None:
        await user.press(city)
    else:
        await user.send(zone)
    await user.press("09:00")
    return user


@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
async def test_planning_speaks_of_the_future_and_logging_of_the_past(
    make_user: MakeUser, storage: Storage, clock: FakeClock, lang: str
) -> None:
    user = await _user(make_user, lang)
    await _seed(storage, clock)
    who, agenda_added, when = PLAN_WORDS[lang]
    tomorrow, next_label, save = BUTTONS[lang]
    await user.send("/plan")
    await user.press("VT-Metal")
    await user.press(tomorrow)
    assert who in user.last_text
    for past in HELD_WORDS[lang]:
        assert past not in user.last_text
    await user.press("Olga Smirnova")
    await user.press(next_label)
    await user.send("Renewal terms")
    assert agenda_added in user.last_text
    await user.press("🕒")  # the time, changed from the card
    assert when in user.last_text
    await user.press(tomorrow)
    await user.press(save)
    meeting = await storage.db.fetch_one("SELECT status, agenda FROM meetings")
    assert meeting is not None and tuple(meeting) == ("planned", "Renewal terms")

    # a held meeting keeps the past tense
    await user.send("/meeting")
    await user.press("VT-Metal")
    held_who, notes_added = HELD_WORDS[lang]
    assert held_who in user.last_text and who not in user.last_text
    await user.send("Talked about logistics and the Q3 volumes")
    assert notes_added in user.last_text


async def test_editing_a_planned_meeting_asks_when_it_is(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/plan")
    await admin.press("VT-Metal")
    await admin.press("Tomorrow 15:00")
    await admin.press("Next")
    await admin.send("Prices")
    await admin.press("Save")
    await admin.press("📄 Meeting")
    await admin.press("Edit")
    await admin.press("👥 Who")
    assert "Who will attend?" in admin.last_text
    await admin.press("Back")
    await admin.press("🕒")
    assert "When is the meeting?" in admin.last_text and "When was it?" not in admin.last_text


@pytest.mark.parametrize(
    ("lang", "typed", "text", "due"),
    [
        ("ru", "отправить предложение до пятницы", "отправить предложение", "27 нояб."),
        ("zh", "周五前发报价", "发报价", "11月27日"),
    ],
)
async def test_a_date_inside_the_next_step_in_other_languages(
    make_user: MakeUser,
    storage: Storage,
    clock: FakeClock,
    lang: str,
    typed: str,
    text: str,
    due: str,
) -> None:
    user = await _user(make_user, lang)
    ids = await _seed(storage, clock)
    await user.send("/meeting")
    await user.press("VT-Metal")
    await user.press("Ivan Petrov")
    await user.send("Обсудили цены на третий квартал" if lang == "ru" else "讨论了第三季度价格")
    await user.send(typed)
    assert f"1. {text} — " in user.last_text and due in user.last_text
    assert any(b.startswith("📅 1") and due in b for b in user.buttons)
    await user.press(BUTTONS[lang][2])
    tasks = await storage.tasks.open_for_account(ids["vt"])
    assert [(t.text, t.due_at, t.due_has_time) for t in tasks] == [
        (text, datetime(2026, 11, 26, 21, 0, tzinfo=UTC), False)
    ]


async def _next_step(admin: TelegramUser, typed: str) -> None:
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Ivan Petrov")
    await admin.send("Agreed Q3 prices, they want a 5% discount")
    await admin.send(typed)


async def test_a_time_typed_in_a_next_step_is_kept_and_reminds(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await _next_step(admin, "call Ivan back tomorrow at 15:30")
    assert "1. call Ivan back — Fri 27 Nov, 15:30" in admin.last_text
    await admin.press("Save")
    task = (await storage.tasks.open_for_account(ids["vt"]))[0]
    assert task.text == "call Ivan back"
    assert task.due_at == datetime(2026, 11, 27, 12, 30, tzinfo=UTC) and task.due_has_time

    await _next_step(admin, "call back in 30 minutes")
    assert "1. call back — Thu 26 Nov, 11:00" in admin.last_text
    await admin.press("Save")
    soon = [t for t in await storage.tasks.open_for_account(ids["vt"]) if t.text == "call back"]
    assert soon[0].due_at == clock.now() + timedelta(minutes=30) and soon[0].due_has_time
    # the reminder is due at the typed moment
    await storage.reminders.materialize(clock.now() + timedelta(minutes=31))
    rows = await storage.db.fetch_all(
        "SELECT ref_id, due_at FROM reminder_deliveries WHERE kind = 'task'"
    )
    assert [(r["ref_id"], r["due_at"]) for r in rows] == [(soon[0].id, "2026-11-26T08:00:00Z")]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Moscow"])
async def test_a_next_steps_date_is_shown_on_the_day_typed(
    make_user: MakeUser, storage: Storage, clock: FakeClock, zone: str
) -> None:
    user = await _user(make_user, "en", zone)
    ids = await _seed(storage, clock)
    await user.send("/meeting")
    await user.press("VT-Metal")
    await user.send("Talked about specs")
    await user.send("prepare the specs")
    await user.send("21.12.2026")  # typed on the date screen
    assert "1. prepare the specs — Mon 21 Dec" in user.last_text
    assert "📅 1: Mon 21 Dec" in user.buttons
    await user.press("➕ Next step")
    assert "1. prepare the specs — Mon 21 Dec" in user.last_text
    await user.send("send the samples 21.12.2026")  # typed inside the step
    assert "2. send the samples — Mon 21 Dec" in user.last_text
    await user.press("🕒 Just now")
    await user.press("Yesterday")  # a day without a time: its local midnight
    assert "Wed 25 Nov ·" in user.last_text
    await user.press("Save")
    assert "Wed 25 Nov" in user.last_text
    await user.press("📄 Meeting")
    assert "Wed 25 Nov" in user.last_text  # the meeting view
    await user.press("Timeline")
    assert "Wed 25 Nov" in user.last_text  # the timeline
    tasks = await storage.tasks.open_for_account(ids["vt"])
    assert {t.due_at for t in tasks} == {
        datetime(2026, 12, 20, 16 if "Shanghai" in zone else 21, 0, tzinfo=UTC)
    }


async def test_planning_a_few_minutes_ahead_stays_planned(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/plan")
    await admin.press("VT-Metal")
    await admin.send("in 5 minutes")
    assert "Who will attend?" in admin.last_text
    await admin.press("Ivan Petrov")
    await admin.press("Next")
    await admin.send("Prices")
    assert "Planned meeting with VT-Metal" in admin.last_text
    assert "Agenda: Prices" in admin.last_text and "Reminder: 1 hour before" in admin.last_text
    clock.advance(timedelta(minutes=6))  # the start passes while the card is open
    await admin.press("Save")
    assert "Planned" in admin.last_text
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.status == "planned" and meeting.agenda == "Prices" and meeting.summary is None
    assert meeting.remind_before_minutes == 60
    assert meeting.starts_at == datetime(2026, 11, 26, 7, 35, tzinfo=UTC)


async def test_planning_a_meeting_now_says_it_is_logged_as_held(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/plan")
    await admin.press("VT-Metal")
    await admin.press("Just now")
    assert "logged as a meeting that took place" in admin.last_text
    assert "Who was there?" in admin.last_text
    await admin.send("Talked about logistics and the Q3 volumes")
    assert "How did it go?" in admin.last_text  # the held steps follow
    await admin.press("No next step")
    await admin.press("Save")
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.status == "held" and meeting.summary is not None


async def test_short_notice_planned_meeting_gets_its_brief_before_it_starts(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await storage.reminders.materialize(clock.now())  # the watermark: now
    await admin.send("/plan")
    await admin.press("VT-Metal")
    await admin.send("in 5 minutes")
    await admin.press("Next")
    await admin.press("Skip")
    await admin.press("Save")
    await storage.reminders.materialize(clock.now() + timedelta(minutes=1))
    rows = await storage.db.fetch_all("SELECT kind FROM reminder_deliveries")
    assert [r["kind"] for r in rows] == ["brief"]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Moscow"])
async def test_a_plan_steps_due_date_is_shown_on_the_day_typed(
    make_user: MakeUser, storage: Storage, zone: str
) -> None:
    from tests.handlers.test_profile_create_find import create
    from tests.handlers.test_profile_edit import _open_section

    user = await _user(make_user, "en", zone)
    await create(user, "VT-Metal")
    await _open_section(user, "🎯 Prospects")
    await user.press("Add a plan step")
    await user.send("Present the 2027 offer")  # saved at once
    await user.press("Due")
    await user.send("21.12.2026")
    assert "Now: 21 Dec 2026" in user.last_text
    assert "Due: 21 Dec 2026" in user.last_text  # not the UTC day before


@pytest.mark.parametrize(("lang", "past"), [("en", "yesterday"), ("ru", "вчера"), ("zh", "昨天")])
async def test_a_typed_due_date_in_the_past_is_refused_and_asked_again(
    make_user: MakeUser, storage: Storage, clock: FakeClock, lang: str, past: str
) -> None:
    user = await _user(make_user, lang)
    await _seed(storage, clock)
    await user.send("/meeting")
    await user.press("VT-Metal")
    await user.send("Talked about specs")
    await user.send("prepare the specs")  # no date inside: the date screen
    await user.send(past)
    assert past in user.last_text  # named in the refusal; the step is not added yet
    assert "1. prepare the specs" not in user.last_text
    await user.send("21.12.2026")
    assert "1. prepare the specs" in user.last_text


async def test_forged_numbers_on_the_card_change_nothing(
    make_user: MakeUser, storage: Storage, clock: FakeClock
) -> None:
    from tests.handlers.test_meeting_log import _forged

    user = await _user(make_user, "en")
    await _seed(storage, clock)
    await user.send("/meeting")
    await user.press("VT-Metal")
    await user.send("Talked about specs")
    await user.send("prepare the specs 21.12.2026")
    card = user.last_text
    for tail in ("eddue:²", "eddue:99999999999999999999999", "eddue:-1"):
        await user.press_data(_forged(user, tail))
        assert "1. prepare the specs — Mon 21 Dec" in user.last_text
    assert "prepare the specs" in card
