"""The held-meeting flow: the thumb path, counted, and every step's branches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from domain.clock import FakeClock
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import ADMIN_ID


async def _seed(storage: Storage, clock: FakeClock) -> dict[str, int]:
    admin = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin is not None
    now = clock.now()
    other = await storage.accounts.create(
        name="Roga i Kopyta", owner_id=admin.id, actor_id=admin.id, now=now - timedelta(days=3)
    )
    vt = await storage.accounts.create(
        name="VT-Metal", owner_id=admin.id, actor_id=admin.id, now=now
    )
    ivan = await storage.contacts.create(
        account_id=vt.id, full_name="Ivan Petrov", position="CEO", actor_id=admin.id, now=now
    )
    olga = await storage.contacts.create(
        account_id=vt.id, full_name="Olga Smirnova", position="CFO", actor_id=admin.id, now=now
    )
    return {"vt": vt.id, "other": other.id, "ivan": ivan.id, "olga": olga.id, "admin": admin.id}


async def test_typical_held_meeting_takes_seven_actions(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    actions = 0

    async def act(coro: object) -> None:
        nonlocal actions
        actions += 1
        await coro  # type: ignore[misc]

    await act(admin.send("📝 Log meeting"))
    assert "Which client?" in admin.last_text
    await act(admin.press("VT-Metal"))
    await act(admin.press("Ivan Petrov"))
    await act(admin.press("Olga Smirnova"))
    assert "✅ Ivan Petrov" in admin.buttons and "✅ Olga Smirnova" in admin.buttons
    # the notes typed on the people screen: the marked people and the notes at once
    await act(admin.send("Agreed Q3 prices, they want a 5% discount"))
    assert "How did it go?" in admin.last_text and "Next step?" in admin.last_text
    # the date inside the next step is its due date: no date screen
    await act(admin.send("send the offer by Friday"))
    card = admin.last_text
    assert "Just now" in card and "Visit" in card and "Ivan Petrov, Olga Smirnova" in card
    assert "in 7 days" in card  # the manager's default satisfaction check, visible
    assert "1. send the offer — Fri 27 Nov" in card
    assert "📅 1: Fri 27 Nov" in admin.buttons  # changeable in one tap
    await act(admin.press("Save"))
    assert actions <= 7
    assert "Saved" in admin.last_text and "VT-Metal" in admin.last_text
    assert "🏢 View account" in admin.buttons and "📝 Log another" in admin.buttons

    page = await storage.meetings.timeline(ids["vt"])
    assert page.total == 1
    meeting = await storage.meetings.get(page.meetings[0].id)
    assert meeting is not None
    assert meeting.status == "held" and meeting.kind == "visit" and meeting.outcome is None
    assert meeting.summary == "Agreed Q3 prices, they want a 5% discount"
    assert {p.id for p in meeting.contacts} == {ids["ivan"], ids["olga"]}
    assert meeting.starts_at == clock.now()
    tasks = await storage.tasks.open_for_account(ids["vt"])
    assert [t.text for t in tasks] == ["send the offer"]
    assert tasks[0].meeting_id == meeting.id and tasks[0].origin == "follow_up"
    # Friday, local midnight in Moscow, a date without a time
    assert tasks[0].due_at == datetime(2026, 11, 26, 21, 0, tzinfo=UTC)
    assert not tasks[0].due_has_time
    account = await storage.accounts.get(ids["vt"])
    assert account is not None and account.last_contact_at == clock.now()
    checks = await storage.db.fetch_all("SELECT * FROM satisfaction_checks")
    assert len(checks) == 1 and checks[0]["due_at"] == "2026-12-03T07:30:00Z"
    audit = await storage.audit.for_entity("meeting", meeting.id)
    assert audit and audit[0].action == "create"


async def test_the_outcome_is_one_tap_on_the_next_step_screen(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("📝 Log meeting")
    await admin.press("VT-Metal")
    await admin.press("Ivan Petrov")
    await admin.send("Agreed Q3 prices")
    await admin.press("Positive")
    assert "✓ 👍 Positive" in admin.buttons and "Next step?" in admin.last_text
    await admin.send("send the offer")  # no date in it: the date screen, as before
    assert "When is it due?" in admin.last_text
    await admin.press("Back")  # going back shows what was typed; nothing is lost silently
    assert "Not added: “send the offer”" in admin.last_text and "Next step?" in admin.last_text
    await admin.send("send the offer")
    await admin.press("In 3 days")
    assert "📅 1: Sun 29 Nov" in admin.buttons
    await admin.press("📅 1: Sun 29 Nov")  # changed from the card in one tap
    await admin.press("Tomorrow")
    assert "📅 1: Fri 27 Nov" in admin.buttons
    await admin.press("Save")
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.outcome == "positive"
    tasks = await storage.tasks.open_for_account(ids["vt"])
    assert [(t.text, t.due_at) for t in tasks] == [
        ("send the offer", datetime(2026, 11, 26, 21, 0, tzinfo=UTC))
    ]


async def test_each_step_edits_one_message(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    for label in ("VT-Metal", "Ivan Petrov", "Next"):
        mark = admin.mark()
        await admin.press(label)
        methods = [c.method for c in admin.calls_since(mark) if c.method != "answerCallbackQuery"]
        assert methods == ["editMessageText"], label
    mark = admin.mark()
    await admin.send("We talked")
    methods = [c.method for c in admin.calls_since(mark)]
    assert methods == ["sendMessage", "editMessageReplyMarkup"]  # the old step loses its buttons


async def test_new_client_and_new_contact(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.send("Sinopec")
    assert "No client matches" in admin.last_text
    await admin.press("New client “Sinopec”")
    assert "New client “Sinopec” will be created" in admin.last_text
    await admin.press("Add contact")
    await admin.send("Wang Wei, purchasing director")
    assert "✅ Wang Wei" in admin.buttons
    await admin.press("Next")
    await admin.press("Skip")
    await admin.press("Neutral")
    await admin.press("No next step")
    assert "New client" in admin.last_text
    await admin.press("Save")
    rows = await storage.db.fetch_all("SELECT id, owner_id FROM accounts WHERE name = 'Sinopec'")
    assert len(rows) == 1
    contacts = await storage.contacts.for_account(rows[0]["id"])
    assert [(c.full_name, c.position) for c in contacts] == [("Wang Wei", "purchasing director")]
    meetings = await storage.meetings.timeline(rows[0]["id"])
    assert meetings.total == 1 and meetings.meetings[0].contacts[0].name == "Wang Wei"


async def test_typed_search_finds_cyrillic_and_typos(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    admin_row = await storage.managers.by_telegram_id(ADMIN_ID)
    assert admin_row is not None
    await storage.accounts.create(
        name="ВТ-Металл", owner_id=admin_row.id, actor_id=admin_row.id, now=clock.now()
    )
    await admin.send("/meeting")
    await admin.send("металл")
    assert "ВТ-Металл" in admin.buttons
    await admin.send("VT-Metall")
    await admin.send("втметал")
    assert "ВТ-Металл" in admin.buttons


async def test_when_kind_where_edits_from_the_card(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send("Notes")
    await admin.press("No next step")
    await admin.press("🕒 Just now")
    await admin.send("a sticker-ish nonsense text")
    assert "couldn't read" in admin.last_text
    await admin.send("позавчера в 15:00")
    assert "Tue 24 Nov, 15:00" in admin.last_text  # echoed on the card
    await admin.press("Visit")
    await admin.press("📞 Call")
    await admin.press("Where")
    await admin.send_update({"location": {"latitude": 55.75, "longitude": 37.61}})
    assert "55.75000, 37.61000" in admin.last_text
    await admin.press("Save")
    page = await storage.meetings.timeline(ids["vt"])
    meeting = page.meetings[0]
    assert meeting.kind == "call" and meeting.latitude == 55.75
    assert meeting.starts_at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def test_chinese_manager_types_a_chinese_time(
    make_user: object, storage: Storage, clock: FakeClock
) -> None:
    from tests.handlers.conftest import onboard

    user = await make_user(ADMIN_ID, "Wei", language_code="zh-hans")  # type: ignore[operator]
    await user.send("/start")
    await user.press("简体中文")
    await user.press("上海")
    await user.press("09:00")
    manager = await storage.managers.by_telegram_id(ADMIN_ID)
    assert manager is not None and manager.language == "zh"
    await storage.accounts.create(
        name="中国石化", owner_id=manager.id, actor_id=manager.id, now=clock.now()
    )
    await user.send("/meeting")
    await user.send("石化")
    await user.press("中国石化")
    await user.press("下一步")
    await user.send("谈了价格")
    await user.press("积极")
    await user.press("暂无下一步")
    await user.press("🕒 刚刚")
    await user.send("昨天下午3点")
    assert "11月25日" in user.last_text and "15:00" in user.last_text
    await user.press("保存")
    assert "已保存" in user.last_text
    del onboard


async def test_future_time_turns_into_a_planned_meeting(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send("Prices for Q3")
    await admin.press("No next step")
    await admin.press("🕒 Just now")
    await admin.send("завтра в 9")
    assert "planned meeting" in admin.last_text.lower()
    assert "Agenda" in admin.last_text and "Reminder: 1 hour before" in admin.last_text
    await admin.press("Save")
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert (
        meeting.status == "planned"
        and meeting.agenda == "Prices for Q3"
        and meeting.summary is None
    )
    assert meeting.remind_before_minutes == 60
    assert meeting.starts_at == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    account = await storage.accounts.get(ids["vt"])
    assert account is not None and account.last_contact_at is None


async def test_bad_input_gets_a_hint_and_the_step_again(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.send_update(
        {
            "sticker": {
                "file_id": "st1",
                "file_unique_id": "u1",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        }
    )
    assert "use the buttons" in admin.last_text
    assert "Who was there?" in admin.last_text
    await admin.press("Next")
    await admin.send("<b>HTML</b> & more " + "x" * 10_000)
    await admin.send("/nonsense")
    assert "/cancel" in admin.last_text
    await admin.press_data(_forged(admin, "out:bogus"))
    assert "How did it go?" in admin.last_text
    await admin.press("Positive")
    await admin.press("No next step")
    assert "&lt;b&gt;HTML" in admin.last_html
    await admin.press("Save")
    rows = await storage.db.fetch_all("SELECT summary FROM meetings")
    assert len(rows[0]["summary"]) > 10_000  # stored whole


def _forged(user: TelegramUser, tail: str) -> str:
    """Forged data on the live card: its run's head (`ml.<run id>`) with another tail."""
    head = str(user.last_message.buttons[0]["callback_data"]).split(":")[0]
    return f"{head}:{tail}"


async def test_forged_account_and_stale_buttons(
    admin: TelegramUser, storage: Storage, clock: FakeClock, make_user: object
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    first = admin.last_message.message_id
    await admin.press_data(_forged(admin, "acc:99999"))
    assert "no longer available" in admin.last_text
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send("text")
    # the old first message's buttons are closed
    await admin.press_data(_forged(admin, f"acc:{ids['vt']}"), message_id=first)
    assert admin.last_alert is not None and "closed" in admin.last_alert


async def test_double_save_stores_one_meeting(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send("Notes")
    await admin.press("Positive")
    await admin.press("No next step")
    card = admin.last_message.message_id
    await admin.press("Save")
    await admin.press_data(_forged(admin, "save"), message_id=card)
    assert admin.last_alert is not None and "closed" in admin.last_alert
    rows = await storage.db.fetch_all("SELECT count(*) AS n FROM meetings")
    assert rows[0]["n"] == 1


async def test_cancel_asks_once_then_discards(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Cancel")
    assert "Discard this unsaved meeting with VT-Metal?" in admin.last_text
    await admin.press("No, keep going")
    assert "Who was there?" in admin.last_text
    await admin.send("/cancel")
    assert "Discard" in admin.last_text
    await admin.send("/cancel")
    assert "cancelled" in admin.last_text
    await admin.send("/meeting")
    assert "Which client?" in admin.last_text  # no resume offer: the draft is gone
    rows = await storage.db.fetch_all("SELECT count(*) AS n FROM meetings")
    assert rows[0]["n"] == 0


async def test_idle_draft_is_offered_again(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Ivan Petrov")
    clock.advance(timedelta(minutes=31))
    await admin.send("hello")  # after 30 idle minutes the flow has ended: not a contact
    assert "Wang" not in admin.last_text
    assert "Who was there?" not in admin.last_text
    await admin.send("📝 Log meeting")
    assert "unsaved meeting with VT-Metal" in admin.last_text
    await admin.press("Continue")
    assert "✅ Ivan Petrov" in admin.buttons
    await admin.press("Next")
    await admin.send("Late notes")
    await admin.press("Positive")
    await admin.press("No next step")
    await admin.press("Save")
    assert (await storage.meetings.timeline(ids["vt"])).total == 1


async def test_idle_draft_can_be_discarded(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    clock.advance(timedelta(hours=2))
    await admin.send("/meeting")
    await admin.press("Discard")
    assert "Which client?" in admin.last_text


@pytest.mark.parametrize("lang", ["ru", "zh"])
async def test_other_languages_show_translated_steps(make_user: object, lang: str) -> None:
    user = await make_user(ADMIN_ID, "Anna", language_code=lang)  # type: ignore[operator]
    await user.send("/start")
    await user.press("Русский" if lang == "ru" else "简体中文")
    await user.press("Москва" if lang == "ru" else "莫斯科")
    await user.press("09:00")
    await user.send("/meeting")
    assert ("Клиентов пока нет" if lang == "ru" else "您还没有客户") in user.last_text


async def test_voice_note_and_files_are_kept(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: object
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Next")
    await admin.send_update(
        {"voice": {"file_id": "voice-1", "file_unique_id": "v1", "duration": 42}}
    )
    assert "How did it go?" in admin.last_text  # a voice note moves the flow on by itself
    await admin.send_update(
        {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]}
    )
    assert "File added" in admin.last_text and "How did it go?" in admin.last_text
    await admin.send("and a typed part")  # read as a next step without a date...
    assert "When is it due?" in admin.last_text
    await admin.press("Not a step")  # ...and moved to the summary in one tap
    assert "Added to the summary" in admin.last_text and "How did it go?" in admin.last_text
    await admin.press("Positive")
    await admin.press("No next step")
    assert "2 files" in admin.last_text
    await admin.send_update(
        {
            "photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}],
            "caption": "again",
        }
    )
    await admin.press("Save")
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    full = await storage.meetings.get(meeting.id)
    assert full is not None
    assert [a.kind for a in full.attachments] == ["voice", "photo"]
    assert full.summary == "and a typed part"


async def test_a_photo_where_a_date_is_expected(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await admin.send("/plan")
    await admin.press("VT-Metal")
    await admin.send_update(
        {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]}
    )
    assert "use the buttons" in admin.last_text and "When is the meeting?" in admin.last_text


async def test_a_sentence_at_the_people_step_becomes_the_notes(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.send("Agreed Q3 prices, they want a 5% discount")
    assert "How did it go?" in admin.last_text
    await admin.send("王伟，财务总监")  # at the outcome step: more notes, not a contact
    contacts = await storage.contacts.for_account(ids["vt"])
    assert sorted(c.full_name for c in contacts) == ["Ivan Petrov", "Olga Smirnova"]


async def test_quick_log_edit_does_not_silently_replace_an_unsaved_meeting(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("Roga i Kopyta")
    await admin.send("Olga Smirnova, CFO")  # a new contact: the draft has content
    clock.advance(timedelta(minutes=31))
    await admin.send("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday")
    assert "Save" in " ".join(admin.buttons)
    await admin.press("Edit")
    assert "unsaved meeting with Roga i Kopyta" in admin.last_text
    await admin.press("Continue")
    assert "Olga Smirnova" in " ".join(admin.buttons)  # the older meeting is intact
    clock.advance(timedelta(minutes=31))
    await admin.send("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday")
    await admin.press("Edit")
    await admin.press("Discard")
    assert "VT-Metal" in admin.last_text and "agreed Q3 prices" in admin.last_text
    await admin.press("Save")
    assert (await storage.meetings.timeline(ids["vt"])).total == 1
    assert (await storage.meetings.timeline(ids["other"])).total == 0


async def test_the_unsaved_meeting_question_hands_over_as_data(
    admin: TelegramUser,
    storage: Storage,
    clock: FakeClock,
    app: Application,  # type: ignore[type-arg]  # PTB's Application is generic in six types
) -> None:
    """ "Continue the unsaved meeting?" keeps what to do after Discard as plain, persistable
    data in the dialog run (a step and its parameters), not as a string code in user data."""
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("Roga i Kopyta")
    clock.advance(timedelta(minutes=31))
    await admin.send("Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday")
    await admin.press("Edit")
    assert "unsaved meeting with Roga i Kopyta" in admin.last_text
    user_data = app.user_data[ADMIN_ID]
    assert "meeting_then" not in user_data
    run = user_data["dialog"]["meeting"]
    assert (run["step"], run["data"]) == ("resume", {"then": "quick", "view": "edit"})
    json.dumps(dict(user_data))  # persistable as it is
    await admin.press("Discard")
    assert "VT-Metal" in admin.last_text and "agreed Q3 prices" in admin.last_text
    assert "quick" not in user_data["dialog"]  # the quick card's run handed its draft over
    await admin.press("Save")
    assert (await storage.meetings.timeline(ids["vt"])).total == 1
