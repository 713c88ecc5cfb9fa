"""The intake gate: forwards from others, files over 20 MB, floods, groups and channels."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import Settings, load_settings
from domain.clock import FakeClock
from handlers.intake import MAX_FILE_BYTES, MONOTONIC_KEY
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser
from tests.handlers.conftest import ADMIN_ID, Deliver, MakeUser
from tests.handlers.test_forged_presses import _seed
from tests.handlers.test_profile_create_find import create
from tests.handlers.test_unusual_input import TEXT_STATES, _go

KAM_ID = 2002
GROUP_ID = -100300
FORWARDED = {
    "en": "That is a forwarded message",
    "zh": "这是一条转发的消息",
    "ru": "Это пересланное сообщение",
}
TOO_LARGE = {"en": "up to 20 MB", "zh": "20", "ru": "не больше 20 МБ"}
SLOW_DOWN = {"en": "please slow down", "zh": "请慢一点", "ru": "помедленнее"}
ONBOARDING = {
    "en": ("English", "Moscow"),
    "zh": ("简体中文", "莫斯科"),
    "ru": ("Русский", "Москва"),
}


async def _manager(make_user: MakeUser, language: str, user_id: int = ADMIN_ID) -> TelegramUser:
    user = await make_user(user_id, "Anna", language_code=language)
    await user.send("/start")
    language_button, zone = ONBOARDING[language]
    await user.press(language_button)
    await user.press(zone)
    await user.press("09:00")
    return user


def _from_someone_else(fake: FakeTelegram) -> dict[str, Any]:
    fake.add_user(777, "Boris")
    return {"type": "user", "date": 1_700_000_000, "sender_user": fake.user(777).to_api()}


ORIGINS: dict[str, Any] = {
    "another user": _from_someone_else,
    "a hidden user": lambda fake: {
        "type": "hidden_user",
        "date": 1_700_000_000,
        "sender_user_name": "Someone",
    },
    "a channel": lambda fake: {
        "type": "channel",
        "date": 1_700_000_000,
        "chat": {"id": -100555, "type": "channel", "title": "<b>News</b>"},
        "message_id": 5,
    },
    "the bot": lambda fake: {
        "type": "user",
        "date": 1_700_000_000,
        "sender_user": fake.bot_user(),
    },
}


# ----------------------------------------------------------------------------- forwards


# Every step in English (they are reached by English labels); the menu in every language.
FORWARD_CASES = [
    *((state, "en") for state in ("menu", "meeting notes", "profile field", "new client name")),
    ("menu", "zh"),
    ("menu", "ru"),
]


@pytest.mark.parametrize(("state", "language"), FORWARD_CASES)
async def test_a_forward_from_someone_else_is_refused_and_the_step_stays(
    state: str,
    language: str,
    make_user: MakeUser,
    fake: FakeTelegram,
    storage: Storage,
    clock: FakeClock,
) -> None:
    manager = await _manager(make_user, language)
    await _seed(storage, clock)
    await _go(manager, TEXT_STATES[state])
    screen = (manager.last_message.message_id, manager.last_text, manager.buttons)
    mark = manager.mark()
    await manager.send_update(
        {"text": "Met Ivan at VT-Metal, agreed prices", "forward_origin": _from_someone_else(fake)}
    )
    assert manager.sent_count_since(mark) == 1
    assert FORWARDED[language] in manager.last_text
    calls = [c.method for c in manager.calls_since(mark)]
    assert calls == ["sendMessage"], calls  # no screen edited, nothing else sent
    if state != "menu":  # the step's screen is still the live one, unchanged
        live = [m for m in fake.bot_messages(manager.chat_id) if m.inline_keyboard]
        assert (live[-1].message_id, live[-1].text, manager.buttons) == screen


@pytest.mark.parametrize("origin", list(ORIGINS))
async def test_no_kind_of_foreign_forward_reaches_the_meeting_notes(
    origin: str, admin: TelegramUser, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["meeting notes"])
    notes_screen = admin.last_text
    await admin.send_update({"text": "agreed Q3 prices", "forward_origin": ORIGINS[origin](fake)})
    assert FORWARDED["en"] in admin.last_text
    await admin.send("typed by me")  # the step still takes the manager's own words
    assert "How did it go?" in admin.last_text
    assert "agreed Q3 prices" not in admin.last_text and notes_screen


async def test_a_forwarded_photo_or_document_is_refused_too(admin: TelegramUser) -> None:
    origin = {"type": "hidden_user", "date": 1_700_000_000, "sender_user_name": "X"}
    for payload in (
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]},
        {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "offer.pdf"}},
        {"contact": {"phone_number": "+79990001122", "first_name": "Olga"}},
    ):
        await admin.send_update({**payload, "forward_origin": origin})
        assert FORWARDED["en"] in admin.last_text


async def test_a_forward_of_the_managers_own_message_is_their_input(
    admin: TelegramUser, fake: FakeTelegram, storage: Storage, clock: FakeClock
) -> None:
    """Their own words, forwarded from another chat, are taken like typed text."""
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["meeting notes"])
    own = {"type": "user", "date": 1_700_000_000, "sender_user": fake.user(ADMIN_ID).to_api()}
    await admin.send_update({"text": "agreed Q3 prices", "forward_origin": own})
    assert FORWARDED["en"] not in admin.last_text
    assert "How did it go?" in admin.last_text


# -------------------------------------------------------------------------- large files


def _media(kind: str, size: int) -> dict[str, Any]:
    file: dict[str, Any] = {
        "file_id": f"{kind}-1",
        "file_unique_id": f"{kind}-u",
        "file_size": size,
    }
    if kind == "photo":
        small = {**file, "file_id": "small", "file_size": 1000, "width": 90, "height": 90}
        return {"photo": [small, {**file, "width": 4000, "height": 3000}]}
    extras: dict[str, dict[str, Any]] = {
        "document": {"file_name": "scan.pdf"},
        "voice": {"duration": 600},
        "audio": {"duration": 600},
        "video": {"duration": 60, "width": 1920, "height": 1080},
        "video_note": {"duration": 60, "length": 240},
        "animation": {"duration": 6, "width": 320, "height": 240},
    }
    return {kind: {**file, **extras[kind]}}


KINDS = ["document", "photo", "voice", "audio", "video", "video_note", "animation"]


@pytest.mark.parametrize("kind", KINDS)
async def test_every_kind_of_file_over_the_limit_is_refused(
    kind: str, admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["meeting notes"])
    notes = admin.last_message
    mark = admin.mark()
    await admin.send_update(_media(kind, MAX_FILE_BYTES + 1))
    assert admin.sent_count_since(mark) == 1
    assert "This file is 20 MB" in admin.last_text or "This file is 20.0 MB" in admin.last_text
    assert TOO_LARGE["en"] in admin.last_text
    assert [c.method for c in admin.calls_since(mark)] == ["sendMessage"]
    assert any(
        m.message_id == notes.message_id and m.buttons
        for m in admin.fake.bot_messages(admin.chat_id)
    )
    await admin.send_update(_media(kind, MAX_FILE_BYTES))  # exactly 20 MB: taken
    assert TOO_LARGE["en"] not in admin.last_text


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_the_refusal_names_size_and_limit_in_the_managers_language(
    language: str, make_user: MakeUser
) -> None:
    manager = await _manager(make_user, language)
    await manager.send_update(_media("document", 25 * 1024 * 1024 + 300 * 1024))
    text = manager.last_text
    assert TOO_LARGE[language] in text
    expected = {"en": "25.3 MB", "zh": "25.3", "ru": "25,3 МБ"}[language]
    assert expected in text, text


async def test_a_file_of_unknown_size_is_taken(admin: TelegramUser) -> None:
    await admin.send_update({"document": {"file_id": "d", "file_unique_id": "d"}})
    assert TOO_LARGE["en"] not in admin.last_text


# ------------------------------------------------------------------------------- floods


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestFloodAtTheDefaultLimits:
    """The handler harness raises the limits (see conftest); these tests use the defaults."""

    @pytest.fixture
    def settings(self, fake: FakeTelegram) -> Settings:
        """The default flood limits (the handler harness may raise them elsewhere)."""
        base = load_settings({"BOT_TOKEN": fake.token, "ADMIN_IDS": str(ADMIN_ID)})
        assert (base.flood_rate, base.flood_burst) == (10.0, 30)
        return replace(base, default_timezone="Europe/Moscow")

    @pytest.fixture
    def monotonic(self, app: Application) -> Monotonic:  # type: ignore[type-arg]
        clock = Monotonic()
        app.bot_data[MONOTONIC_KEY] = clock
        return clock

    @pytest.mark.parametrize("language", ["en", "zh", "ru"])
    async def test_a_flood_is_slowed_down_with_one_notice(
        self, language: str, make_user: MakeUser, monotonic: Monotonic, fake: FakeTelegram
    ) -> None:
        manager = await _manager(make_user, language)  # 4 updates of the 30
        monotonic.now += 10  # a full bucket again
        mark = manager.mark()
        for i in range(45):
            await manager.send(f"/help {i}")
        sent = [c.params["text"] for c in manager.calls_since(mark) if c.method == "sendMessage"]
        notices = [t for t in sent if SLOW_DOWN[language] in t]
        assert len(notices) == 1
        assert len(sent) == 30 + 1  # 30 answered, 15 dropped with one notice
        monotonic.now += 0.5  # five tokens later
        mark = manager.mark()
        for _ in range(8):
            await manager.send("/help")
        sent = [c.params["text"] for c in manager.calls_since(mark) if c.method == "sendMessage"]
        assert len(sent) == 5 + 1  # a new window: one notice again

    async def test_a_press_over_the_limit_is_still_answered_once(
        self, admin: TelegramUser, monotonic: Monotonic, fake: FakeTelegram
    ) -> None:
        await admin.send("/settings")
        before = len(fake.callback_answers(admin.user_id))
        for _ in range(40):
            await admin.press_data("nonsense:1")
        answers = fake.callback_answers(admin.user_id)[before:]
        assert len(answers) == 40  # the fixture also checks: each exactly once
        assert sum(1 for a in answers if a.text and SLOW_DOWN["en"] in a.text) == 1

    async def test_another_user_is_not_slowed_by_a_flood(
        self, admin: TelegramUser, make_user: MakeUser, monotonic: Monotonic
    ) -> None:
        kam = await make_user(KAM_ID, "Boris")
        for _ in range(40):
            await admin.send("/help")
        mark = kam.mark()
        await kam.send("/start")  # a stranger without invite still gets their one answer
        assert kam.sent_count_since(mark) == 1
        assert SLOW_DOWN["en"] not in kam.last_text
        mark = admin.mark()
        await admin.send("/help")
        assert admin.sent_count_since(mark) == 0  # still over the limit, already told

    async def test_a_stranger_flooding_gets_one_notice_not_one_answer_each(
        self, make_user: MakeUser, monotonic: Monotonic
    ) -> None:
        stranger = await make_user(4242, "Eve")
        mark = stranger.mark()
        for _ in range(100):
            await stranger.send("hello")
        assert stranger.sent_count_since(mark) == 30 + 1


# ---------------------------------------------------------------- groups and channels


def _added(fake: FakeTelegram, chat: dict[str, Any], status: str = "member") -> dict[str, Any]:
    return {
        "update_id": 900_001,
        "my_chat_member": {
            "chat": chat,
            "from": fake.user(ADMIN_ID).to_api(),
            "date": 1_700_000_000,
            "old_chat_member": {"status": "left", "user": fake.bot_user()},
            "new_chat_member": {"status": status, "user": fake.bot_user()}
            if status != "administrator"
            else {
                "status": "administrator",
                "user": fake.bot_user(),
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": False,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            },
        },
    }


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
@pytest.mark.parametrize("language", ["en", "zh", "ru"])
async def test_added_to_a_group_the_bot_says_so_once_and_leaves(
    chat_type: str,
    language: str,
    make_user: MakeUser,
    fake: FakeTelegram,
    deliver: Deliver,
) -> None:
    await _manager(make_user, language)
    fake.add_group(GROUP_ID, "Sales <b>team</b>", chat_type=chat_type)
    mark = fake.mark()
    chat = {"id": GROUP_ID, "type": chat_type, "title": "Sales <b>team</b>"}
    await deliver(_added(fake, chat))
    sent = [c for c in fake.calls_since(mark) if c.method == "sendMessage"]
    assert len(sent) == 1 and sent[0].params["chat_id"] == GROUP_ID
    words = {"en": "private chats", "zh": "私聊", "ru": "личных чатах"}[language]
    assert words in sent[0].params["text"]
    assert fake.left_chats == [GROUP_ID]


async def test_added_to_a_channel_as_admin_the_bot_leaves_without_a_post(
    admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    fake.add_group(-100400, "News", chat_type="channel")
    mark = fake.mark()
    chat = {"id": -100400, "type": "channel", "title": "News"}
    await deliver(_added(fake, chat, "administrator"))
    assert [c.method for c in fake.calls_since(mark)] == ["leaveChat"]
    assert fake.left_chats == [-100400]


async def test_removed_from_a_group_or_blocked_in_private_nothing_is_sent(
    admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    fake.add_group(GROUP_ID, "Sales")
    mark = fake.mark()
    await deliver(_added(fake, {"id": GROUP_ID, "type": "group", "title": "Sales"}, "left"))
    assert fake.calls_since(mark) == [] and fake.left_chats == []


def _channel_post(kind: str, text: str, message_id: int = 7) -> dict[str, Any]:
    return {
        "update_id": 900_100 + message_id,
        kind: {
            "message_id": message_id,
            "date": 1_700_000_000,
            "chat": {"id": -100400, "type": "channel", "title": "News"},
            "sender_chat": {"id": -100400, "type": "channel", "title": "News"},
            "text": text,
            **({"edit_date": 1_700_000_100} if kind.startswith("edited") else {}),
        },
    }


@pytest.mark.parametrize("kind", ["channel_post", "edited_channel_post"])
@pytest.mark.parametrize("text", ["/help", "/meeting", "VT-Metal", "Met Ivan at VT-Metal today"])
async def test_channel_posts_are_never_input(
    kind: str, text: str, admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    mark = fake.mark()
    await deliver(_channel_post(kind, text))
    assert fake.calls_since(mark) == []


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_a_managers_group_message_is_never_their_input(
    chat_type: str,
    admin: TelegramUser,
    fake: FakeTelegram,
    deliver: Deliver,
    storage: Storage,
    clock: FakeClock,
) -> None:
    """Even with a flow open in private, what they write in a group does not reach it."""
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["new client name"])
    screen = admin.last_text
    fake.add_group(GROUP_ID, "Sales", chat_type=chat_type)
    in_group = TelegramUser(fake, ADMIN_ID, deliver, chat_id=GROUP_ID)
    mark = fake.mark()
    await in_group.send("Zeta Trade")
    await in_group.send_update({"text": "fwd", "forward_origin": _from_someone_else(fake)})
    await in_group.send_update(_media("document", MAX_FILE_BYTES + 1))
    assert fake.calls_since(mark) == []
    await in_group.send("/meeting")
    assert [c.params["chat_id"] for c in fake.calls_since(mark)] == [GROUP_ID]
    assert admin.last_text == screen


# -------------------------------------------------------------- user text on every screen

NAME = "Zeta <b>&</code> Ltd"
CONTACT = "Olga </code><b> & Co"
NOTE = "Agreed <i>&amp; prices</i> 😀 שלום مرحبا"
CONTRACT = "Supply <b>& 2027"
DEAL = "Pipes </code>& 😀"
RTL_EMOJI = "שלום 😀👍🏽 👨‍👩‍👧 🇷🇺 مرحبا 漢字 Привет"
RAW = ("<b>&</code>", "</code><b>", "<i>&amp;", "<b>& 2027", "</code>& 😀")
"""The typed markup as it would read if it reached Telegram unescaped."""


async def _type_everywhere(admin: TelegramUser) -> None:
    await create(admin, NAME)
    await admin.press("✏️ Edit")
    await admin.press("👤 Contacts")
    await admin.press("Add a person")
    await admin.send(CONTACT)
    await admin.send("/meeting")
    await admin.press(NAME)
    await admin.press("Next")
    await admin.send(NOTE)
    await admin.press("Positive")
    await admin.press("No next step")
    await admin.press("Save")
    await admin.send("/contract")
    await admin.press(NAME)
    await admin.send(CONTRACT)
    await admin.press("Skip")
    await admin.press("Today")
    await admin.press("Today")
    await admin.press("1 year")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Save")
    await admin.send("/deal")
    await admin.press(NAME)
    await admin.send(DEAL)
    await admin.press("Deal")
    await admin.send("1.2m RUB")
    await admin.press("50%")
    await admin.send("15.01.2027")
    await admin.press("Negotiation")
    await admin.press("Save")


async def test_typed_html_is_shown_as_text_on_every_screen(
    admin: TelegramUser, fake: FakeTelegram, storage: Storage
) -> None:
    mark = admin.mark()
    await _type_everywhere(admin)
    for steps in (["Brief me"], ["📄 Contracts"], ["💼"], ["💼", DEAL]):
        await admin.send("/find Zeta")
        for label in steps:
            await admin.press(label)
    await admin.send("/timeline Zeta")
    await admin.send("/today")
    calls = admin.calls_since(mark)
    assert [c.method for c in calls if not c.ok] == []  # Telegram would refuse broken markup
    html = [str(c.params.get("text") or c.params.get("caption") or "") for c in calls]
    for raw in RAW:
        assert not [h for h in html if raw in h], raw
    shown = "\n".join(m.text for m in fake.bot_messages(admin.chat_id))
    everything = shown + "\n".join(
        str(c.result.get("text", "")) for c in calls if c.ok and isinstance(c.result, dict)
    )
    for typed in (NAME, CONTACT, CONTRACT, DEAL):
        assert typed in everything, typed
    assert "Agreed <i>&amp; prices</i>" in everything


async def test_emoji_and_right_to_left_text_round_trip(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["profile field"])
    await admin.send(RTL_EMOJI)
    assert RTL_EMOJI in admin.last_text
    [account] = [a for a in await storage.accounts.visible(1, sees_all=True)]
    stored = await storage.accounts.get(account.id)
    assert stored is not None and stored.goals == RTL_EMOJI
    await _go(admin, TEXT_STATES["meeting notes"])
    await admin.send(RTL_EMOJI)
    await admin.press("Positive")
    await admin.press("No next step")
    await admin.press("Save")
    meeting = (await storage.meetings.timeline(account.id)).meetings[0]
    full = await storage.meetings.get(meeting.id)
    assert full is not None and full.summary == RTL_EMOJI
    await admin.send("/timeline VT-Metal")
    assert RTL_EMOJI in "\n".join(admin.bot_texts())


async def test_a_next_step_over_its_limit_is_asked_again_not_cut(
    admin: TelegramUser, storage: Storage, clock: FakeClock
) -> None:
    await _seed(storage, clock)
    await _go(admin, TEXT_STATES["meeting next step"])
    await admin.send("send the offer " + "x" * 1_500 + " by Friday")
    assert "too long for a next step: 1,525 characters, at most 1,000" in admin.last_text
    assert "Next step?" in admin.last_text
    await admin.send("send the offer by Friday")
    assert "too long" not in admin.last_text


def _business(kind: str, sender: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "update_id": 900_200,
        kind: {
            "message_id": 3,
            "date": 1_700_000_000,
            "business_connection_id": "conn-1",
            "chat": {"id": 5555, "type": "private", "first_name": "Client"},
            "from": sender,
            "text": text,
            **({"edit_date": 1_700_000_100} if kind.startswith("edited") else {}),
        },
    }


@pytest.mark.parametrize("kind", ["business_message", "edited_business_message"])
@pytest.mark.parametrize("text", ["/meeting", "hello", "Met Ivan at VT-Metal today"])
async def test_business_chats_are_never_input_nor_answered(
    kind: str, text: str, admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    """A manager's chats with clients (Telegram Business): neither their words nor a client's
    are taken, and nothing is sent into that chat."""
    fake.add_user(5555, "Client")
    for sender in (fake.user(ADMIN_ID).to_api(), fake.user(5555).to_api()):
        mark = fake.mark()
        await deliver(_business(kind, sender, text))
        assert fake.calls_since(mark) == []


async def test_blocking_and_unblocking_the_bot_in_private_needs_nothing(
    admin: TelegramUser, fake: FakeTelegram, deliver: Deliver
) -> None:
    private = {"id": ADMIN_ID, "type": "private", "first_name": "Anna"}
    for status in ("kicked", "member"):
        update = _added(fake, private, status)
        update["my_chat_member"]["old_chat_member"]["status"] = "member"
        if status == "kicked":
            update["my_chat_member"]["new_chat_member"]["until_date"] = 0
        mark = fake.mark()
        await deliver(update)
        assert fake.calls_since(mark) == [] and fake.left_chats == []


def test_the_bot_asks_telegram_for_my_chat_member() -> None:
    from bot.cli import ALLOWED_UPDATES

    assert "my_chat_member" in ALLOWED_UPDATES
