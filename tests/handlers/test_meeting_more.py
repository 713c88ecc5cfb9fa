"""Planning, "How did it go?", quick log, timeline, the meeting view, edit and delete,
and a restart in the middle of the flow."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import Update

from bot.application import build_application
from bot.config import Settings
from domain.clock import FakeClock
from handlers.meetings.quick_log import offer_quick_log
from storage import Storage
from storage.meetings import AttachmentIn, MeetingIn
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.test_meeting_log import _seed


async def test_plan_a_meeting(admin: TelegramUser, storage: Storage, clock: FakeClock) -> None:
    ids = await _seed(storage, clock)
    await admin.send("🗓 Plan meeting")
    assert "Plan a meeting" in admin.last_text
    await admin.press("VT-Metal")
    assert "When is the meeting?" in admin.last_text
    await admin.send("пт 15:00")
    assert "Fri 27 Nov, 15:00" in admin.last_text
    await admin.press("Olga Smirnova")
    await admin.press("Next")
    assert "What will be discussed?" in admin.last_text
    await admin.send("Contract renewal; Q1 volumes")
    assert "Planned meeting with VT-Metal" in admin.last_text
    await admin.press("1 hour before")
    await admin.press("2 hours before")
    await admin.press("Save")
    assert "Planned" in admin.last_text
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.status == "planned" and meeting.remind_before_minutes == 120
    assert meeting.agenda == "Contract renewal; Q1 volumes"
    assert meeting.starts_at == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert [p.name for p in meeting.contacts] == ["Olga Smirnova"]
    assert await storage.tasks.open_for_account(ids["vt"]) == []


async def test_how_did_it_go_turns_a_planned_meeting_into_a_held_one(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    saved = await storage.meetings.save(
        MeetingIn(
            author_id=ids["admin"],
            status="planned",
            kind="negotiation",
            starts_at=clock.now() + timedelta(hours=2),
            account_id=ids["vt"],
            agenda="Prices",
            contact_ids=(ids["ivan"],),
            remind_before_minutes=60,
        ),
        now=clock.now(),
    )
    clock.advance(timedelta(hours=3))
    await admin.send("/help")
    await admin.press_data(f"mtg:held:{saved.meeting_id}", message_id=admin.last_message.message_id)
    assert "How did the meeting of" in admin.last_text and "Prices" in admin.last_text
    await admin.send("They accepted")
    await admin.press("Positive")
    await admin.send("send contract tomorrow")
    assert "📅 1: Fri 27 Nov" in admin.buttons  # the date in the text, no date screen
    await admin.press("Save")
    meeting = await storage.meetings.get(saved.meeting_id)
    assert meeting is not None
    assert meeting.status == "held" and meeting.summary == "They accepted"
    assert meeting.agenda == "Prices" and meeting.kind == "negotiation"
    assert [p.id for p in meeting.contacts] == [ids["ivan"]]
    assert (await storage.meetings.timeline(ids["vt"])).total == 1
    assert len(await storage.tasks.open_for_account(ids["vt"])) == 1
    account = await storage.accounts.get(ids["vt"])
    assert account is not None and account.last_contact_at is not None


async def _context_for(
    app: object, fake: FakeTelegram, storage: Storage, text: str
) -> tuple[Update, object]:
    from bot.context import KamContext

    update = Update.de_json(fake.send_text(ADMIN_ID, text), app.bot)  # type: ignore[attr-defined]
    context = KamContext.from_update(update, app)  # type: ignore[arg-type]
    context.manager = await storage.managers.by_telegram_id(ADMIN_ID)
    return update, context


async def test_quick_log_prefills_the_card_and_saves_only_on_save(
    admin: TelegramUser, storage: Storage, clock: FakeClock, app: object, fake: FakeTelegram
) -> None:
    ids = await _seed(storage, clock)
    text = "Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday"
    update, context = await _context_for(app, fake, storage, text)
    await offer_quick_log(update, context, text)  # type: ignore[arg-type]
    text = admin.last_text
    assert "I read your message" in text
    assert "VT-Metal" in text and "Ivan Petrov" in text and "send offer" in text
    assert "Fri 27 Nov" in text
    assert await storage.db.fetch_all("SELECT id FROM meetings") == []
    await admin.press("Save")
    assert "Saved" in admin.last_text
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.summary is not None and meeting.summary.startswith("Met Ivan Petrov")
    tasks = await storage.tasks.open_for_account(ids["vt"])
    assert [t.text for t in tasks] == ["send offer"]


async def test_quick_log_without_a_known_client_offers_the_flow(
    admin: TelegramUser, storage: Storage, clock: FakeClock, app: object, fake: FakeTelegram
) -> None:
    await _seed(storage, clock)
    update, context = await _context_for(
        app, fake, storage, "Had coffee with a stranger, nice chat"
    )
    await offer_quick_log(update, context, "Had coffee with a stranger, nice chat")  # type: ignore[arg-type]
    assert "couldn't tell which client" in admin.last_text
    await admin.press("step by step")
    assert "Which client?" in admin.last_text
    await admin.press("VT-Metal")
    await admin.press("Next")
    assert "Had coffee with a stranger" in admin.last_text  # the text became the summary
    await admin.press("Save")
    rows = await storage.db.fetch_all("SELECT summary FROM meetings")
    assert rows[0]["summary"] == "Had coffee with a stranger, nice chat"


async def test_quick_log_edit_and_cancel(
    admin: TelegramUser, storage: Storage, clock: FakeClock, app: object, fake: FakeTelegram
) -> None:
    await _seed(storage, clock)
    text = "Called Smirnova of VT-Metal yesterday, discussed the discount"
    update, context = await _context_for(app, fake, storage, text)
    await offer_quick_log(update, context, text)  # type: ignore[arg-type]
    assert "Olga Smirnova" in admin.last_text and "Wed 25 Nov" in admin.last_text
    await admin.press("Edit")
    await admin.press("Visit")
    await admin.press("📞 Call")
    assert "Call" in admin.last_text
    await admin.press("Cancel")
    await admin.press("Yes, discard")
    assert await storage.db.fetch_all("SELECT id FROM meetings") == []
    update, context = await _context_for(app, fake, storage, text)
    await offer_quick_log(update, context, text)  # type: ignore[arg-type]
    await admin.press("Cancel")
    assert "nothing was saved" in admin.last_text


async def _held(storage: Storage, ids: dict[str, int], clock: FakeClock, **extra: object) -> int:
    values: dict[str, object] = {
        "author_id": ids["admin"],
        "status": "held",
        "kind": "visit",
        "starts_at": clock.now(),
        "account_id": ids["vt"],
        "summary": "Short",
        "outcome": "neutral",
    }
    values.update(extra)
    saved = await storage.meetings.save(MeetingIn(**values), now=clock.now())  # type: ignore[arg-type]
    return saved.meeting_id


async def test_timeline_pages_and_opens_a_meeting_with_files(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    ids = await _seed(storage, clock)
    photo = fake.add_file(kind="photo")
    doc = fake.add_file(b"pdf", file_name="offer.pdf", mime_type="application/pdf")
    for n in range(7):
        await _held(
            storage, ids, clock, starts_at=clock.now() - timedelta(days=n), summary=f"Meeting {n}"
        )
    first = await _held(
        storage,
        ids,
        clock,
        starts_at=clock.now() - timedelta(days=30),
        summary="Long " + "word " * 2000,
        attachments=(
            AttachmentIn("photo", photo.file_id),
            AttachmentIn("document", doc.file_id, file_name="offer.pdf"),
        ),
    )
    await admin.send("/timeline vt metal")
    assert "VT-Metal" in admin.last_text and "8 meetings" in admin.last_text
    assert "Meeting 0" in admin.last_text and "page 1 of 2" in admin.last_text
    await admin.press("▶")
    assert "page 2 of 2" in admin.last_text
    await admin.press_data(f"mtg:v:{first}")
    assert "shortened" in admin.last_text and "Files (2)" in " ".join(admin.buttons)
    mark = admin.mark()
    await admin.press("Files")
    sent = [c.method for c in admin.calls_since(mark) if c.ok]
    assert "sendPhoto" in sent and "sendDocument" in sent
    await admin.press_data(f"mtg:v:{first}")
    await admin.press("Full text")
    assert "Part 1 of" in admin.last_text
    await admin.press("Next part")
    assert "Part 2 of" in admin.last_text
    assert all(len(t) <= 4096 for t in admin.bot_texts())


async def test_edit_and_delete_are_audited(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    ids = await _seed(storage, clock)
    meeting_id = await _held(storage, ids, clock)
    await admin.send("/timeline VT-Metal")
    await admin.press_data(f"mtg:v:{meeting_id}")
    await admin.press("Edit")
    assert "Editing the meeting" in admin.last_text
    await admin.press("Outcome")
    await admin.press("Negative")
    await admin.press("Save")
    assert "Changes saved" in admin.last_text
    meeting = await storage.meetings.get(meeting_id)
    assert meeting is not None and meeting.outcome == "negative"
    audit = await storage.audit.for_entity("meeting", meeting_id)
    assert any(e.field == "outcome" and e.new_value == "negative" for e in audit)
    await admin.press_data(f"mtg:v:{meeting_id}")
    await admin.press("Delete")
    await admin.press("Yes, delete")
    assert await storage.meetings.get(meeting_id) is None
    audit = await storage.audit.for_entity("meeting", meeting_id)
    assert audit[-1].action == "delete"
    assert (await storage.meetings.timeline(ids["vt"])).total == 0


async def test_a_kam_cannot_see_or_change_others_meetings(
    admin: TelegramUser, storage: Storage, clock: FakeClock, make_user: object
) -> None:
    ids = await _seed(storage, clock)
    meeting_id = await _held(storage, ids, clock)
    kam_row = await storage.managers.create(
        telegram_id=2000,
        full_name="Kim",
        username=None,
        role="kam",
        language="en",
        timezone="Europe/Moscow",
        now=clock.now(),
    )
    await storage.managers.update(
        kam_row.id, actor_id=kam_row.id, now=clock.now(), onboarded_at=clock.now()
    )
    kim = await make_user(2000, "Kim")  # type: ignore[operator]
    await kim.send("/timeline")
    assert "no clients" in kim.last_text
    await kim.press_data(f"mtg:del:{meeting_id}", message_id=kim.last_message.message_id)
    assert kim.last_alert is not None and "not available" in kim.last_alert
    await kim.press_data(f"mtg:edit:{meeting_id}", message_id=kim.last_message.message_id)
    assert "Only the author" in kim.last_text
    assert await storage.meetings.get(meeting_id) is not None


async def test_restart_in_the_middle_continues_at_the_same_step(
    admin: TelegramUser,
    storage: Storage,
    clock: FakeClock,
    fake: FakeTelegram,
    settings: Settings,
    app: object,
) -> None:
    ids = await _seed(storage, clock)
    await admin.send("/meeting")
    await admin.press("VT-Metal")
    await admin.press("Ivan Petrov")
    await admin.press("Next")
    await app.shutdown()  # type: ignore[attr-defined]
    # a new process: a fresh Application over the same database
    fresh = build_application(
        replace(settings),
        storage,
        clock,
        request=FakeRequest(fake),
        get_updates_request=FakeRequest(fake),
    )
    await fresh.initialize()
    try:

        async def deliver(update: dict[str, object]) -> None:
            await fresh.process_update(Update.de_json(update, fresh.bot))

        again = TelegramUser(fake, ADMIN_ID, deliver, first_name="Anna")
        await again.send("Discussed delivery terms")
        assert "How did it go?" in again.last_text
        await again.press("Positive")
        await again.press("No next step")
        await again.press("Save")
    finally:
        await fresh.shutdown()
        await app.initialize()  # type: ignore[attr-defined]
    meeting = (await storage.meetings.timeline(ids["vt"])).meetings[0]
    assert meeting.summary == "Discussed delivery terms"
    assert [p.id for p in meeting.contacts] == [ids["ivan"]]


async def test_voice_audio_and_video_are_sent_again(
    admin: TelegramUser, storage: Storage, clock: FakeClock, fake: FakeTelegram
) -> None:
    ids = await _seed(storage, clock)
    voice = fake.add_file(b"ogg", kind="voice", mime_type="audio/ogg")
    audio = fake.add_file(b"mp3", kind="audio", file_name="call.mp3", mime_type="audio/mpeg")
    video = fake.add_file(b"mp4", kind="video", file_name="demo.mp4", mime_type="video/mp4")
    meeting_id = await _held(
        storage,
        ids,
        clock,
        attachments=(
            AttachmentIn("voice", voice.file_id),
            AttachmentIn("audio", audio.file_id, file_name="call.mp3"),
            AttachmentIn("video", video.file_id, file_name="demo.mp4"),
        ),
    )
    await admin.press_data(f"mtg:v:{meeting_id}")
    mark = admin.mark()
    await admin.press("Files")
    sent = [c.method for c in admin.calls_since(mark) if c.ok]
    assert {"sendVoice", "sendAudio", "sendVideo"} <= set(sent)
    assert "could not" not in admin.last_text
