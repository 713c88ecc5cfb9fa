"""Self-tests of the fake Telegram Bot API (tests/fake_telegram).

Most API behaviour is checked with a real python-telegram-bot ``Bot`` twice: over HTTP against
``FakeBotApiServer`` and in-process through ``FakeRequest``.

Note: python-telegram-bot strips "Bad Request: " and ``str.capitalize()``s the rest of the
description, so ``BadRequest.message`` is e.g. "Can't parse entities: unsupported start tag ...".
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_telegram import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    FakeBotApiServer,
    FakeRequest,
    FakeTelegram,
    TelegramUser,
    deliver_via_polling,
    parse_html,
)

USER_ID = 1001


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


@pytest.fixture
def fake() -> FakeTelegram:
    telegram = FakeTelegram()
    telegram.add_user(USER_ID, "Ivan", username="ivan")
    return telegram


@pytest.fixture
def server(fake: FakeTelegram) -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(fake) as running:
        yield running


@pytest.fixture(params=["http", "in_process"])
async def bot(request: pytest.FixtureRequest, fake: FakeTelegram) -> AsyncIterator[Bot]:
    """A real python-telegram-bot Bot, over HTTP or through FakeRequest."""
    if request.param == "http":
        with FakeBotApiServer(fake) as running:
            async with Bot(
                fake.token, base_url=running.base_url, base_file_url=running.base_file_url
            ) as http_bot:
                yield http_bot
    else:
        async with Bot(
            fake.token, request=FakeRequest(fake), get_updates_request=FakeRequest(fake)
        ) as local_bot:
            yield local_bot


def http_call(
    server: FakeBotApiServer, path: str, body: bytes | None = None, content_type: str = ""
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(server.url + path, data=body)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    decoded: dict[str, Any] = json.loads(data)
    return status, decoded


# ---------------------------------------------------------------------------- Bot API via PTB


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "kam_test_bot"
    assert me.can_join_groups
    assert me.can_read_all_group_messages
    assert me.supports_inline_queries


async def test_send_message_html(bot: Bot, fake: FakeTelegram) -> None:
    html = '<b>Визит</b> к <a href="https://example.com">клиенту</a> 😀 &lt;3 &amp; A&B'
    sent = await bot.send_message(
        USER_ID, html, parse_mode="HTML", reply_markup=keyboard(("OK", "ok"))
    )
    assert sent.text == "Визит к клиенту 😀 <3 & A&B"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("text_link", 8, 7),
    ]
    assert sent.entities[1].url == "https://example.com"
    assert sent.reply_markup is not None
    stored = fake.last_bot_message(USER_ID)
    assert stored is not None
    assert stored.text == sent.text
    assert stored.html == html
    assert stored.message_id == sent.message_id
    assert stored.buttons == [{"text": "OK", "callback_data": "ok"}]


async def test_text_is_trimmed_and_empty_text_rejected(bot: Bot) -> None:
    sent = await bot.send_message(USER_ID, "  \n hello\tworld \n")
    assert sent.text == "hello world"
    for empty in ("", "   \n", "<b> </b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER_ID, empty, parse_mode="HTML")


async def test_message_length_limit_counts_utf16_after_parsing(bot: Bot) -> None:
    await bot.send_message(USER_ID, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(USER_ID, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER_ID, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER_ID, "x" * 4097)


async def test_caption_length_limit(bot: Bot) -> None:
    document = io.BytesIO(b"data")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(USER_ID, document, filename="a.txt", caption="c" * 1025)


async def test_callback_data_limit_is_64_bytes(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(USER_ID, "ok", reply_markup=keyboard(("A", "я" * 32)))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER_ID, "too long", reply_markup=keyboard(("A", "я" * 33)))
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed in the inline keyboard"):
        await bot.send_message(USER_ID, "empty", reply_markup=keyboard(("A", "")))
    status, body = fake.handle(
        "sendMessage",
        {"chat_id": USER_ID, "text": "x", "reply_markup": '{"inline_keyboard": [[{"text": "A"}]]}'},
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard",
    )
    with pytest.raises(BadRequest, match="Button_text_invalid"):
        await bot.send_message(USER_ID, "no label", reply_markup=keyboard(("", "x")))


async def test_message_not_modified(bot: Bot, fake: FakeTelegram) -> None:
    markup = keyboard(("Yes", "y"), ("No", "n"))
    sent = await bot.send_message(
        USER_ID, "<b>Question</b>", parse_mode="HTML", reply_markup=markup
    )
    with pytest.raises(BadRequest) as error:
        await bot.edit_message_text(
            "<b>Question</b>",
            chat_id=USER_ID,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    assert error.value.message.lower() == NOT_MODIFIED.lower()
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=markup)
    # same plain text but different entities is a modification
    await bot.edit_message_text(
        "Question", chat_id=USER_ID, message_id=sent.message_id, reply_markup=markup
    )
    # editMessageText without reply_markup removes the inline keyboard (like Telegram)
    edited = await bot.edit_message_text("Question", chat_id=USER_ID, message_id=sent.message_id)
    assert isinstance(edited, object)
    stored = fake.message(USER_ID, sent.message_id)
    assert stored is not None
    assert stored.reply_markup is None
    assert stored.edited == 2
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER_ID, message_id=9999)


BAD_HTML = [
    ("<foo>x</foo>", 'unsupported start tag "foo" at byte offset 0'),
    ("Цена <br> 5", 'unsupported start tag "br" at byte offset 9'),  # byte offsets, UTF-8
    ("a < b", 'unsupported start tag "" at byte offset 2'),
    ("a <b", "unclosed start tag at byte offset 2"),
    ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
    ("x</b>", "unexpected end tag at byte offset 1"),
    ("<span>x</span>", 'tag "span" must have class "tg-spoiler" at byte offset 0'),
]


async def test_bad_html_is_refused(bot: Bot, fake: FakeTelegram) -> None:
    for html, reason in BAD_HTML:
        with pytest.raises(BadRequest) as error:
            await bot.send_message(USER_ID, html, parse_mode="HTML")
        # python-telegram-bot capitalize()s the description after "Bad Request: "
        assert error.value.message == "Can't parse entities: " + reason, html
    raw = [call.response["description"] for call in fake.calls("sendMessage")]
    assert (
        raw[0] == 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0'
    )
    # a bare "&" is kept literally, and so are unknown named entities (like Telegram)
    sent = await bot.send_message(USER_ID, "R&D &nbsp; &copy", parse_mode="HTML")
    assert sent.text == "R&D &nbsp; &copy"


def test_html_parser_like_telegram() -> None:
    parsed = parse_html(
        "<i>a</i> &#1055;&#x0440; &unknown; &amp &quot;q&quot; <tg-spoiler>s</tg-spoiler> "
        '<pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>long</blockquote> <code>c</code> <u>u</u> <s>s</s>"
    )
    assert parsed.text == 'a Пр &unknown; & "q" s x = 1 long c u s'
    kinds = [(e["type"], e.get("language")) for e in parsed.entities]
    assert ("pre", "python") in kinds
    assert ("expandable_blockquote", None) in kinds
    assert ("spoiler", None) in kinds
    assert ("code", None) in kinds


async def test_unknown_chat_and_blocked_user(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(555, "hello")
    fake.block(USER_ID)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello")
    fake.unblock(USER_ID)
    await bot.send_message(USER_ID, "hello again")
    kinds = [next(k for k in u if k != "update_id") for u in fake.pending_updates()]
    assert kinds == ["my_chat_member", "my_chat_member"]


async def test_delete_message(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_message(USER_ID, "temporary")
    assert await bot.delete_message(USER_ID, sent.message_id)
    assert fake.bot_messages(USER_ID) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER_ID, sent.message_id)


async def test_get_updates_long_poll_and_offset(bot: Bot, fake: FakeTelegram) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.2)
    assert not poll.done()
    queued = fake.send_text(USER_ID, "/start")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.5
    assert [u.update_id for u in updates] == [queued["update_id"]]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start"
    assert message.entities[0].type == "bot_command"
    assert not fake.updates_confirmed(queued["update_id"])
    assert await bot.get_updates(offset=queued["update_id"] + 1, timeout=0) == ()
    assert fake.updates_confirmed(queued["update_id"])


def test_get_updates_offset_limit_and_negative_offset(fake: FakeTelegram) -> None:
    ids = [fake.send_text(USER_ID, f"m{i}")["update_id"] for i in range(5)]
    status, body = fake.handle("getUpdates", {"limit": "2"})
    assert status == 200
    assert [u["update_id"] for u in body["result"]] == ids[:2]
    status, body = fake.handle("GETUPDATES", {"offset": str(ids[1])})
    assert [u["update_id"] for u in body["result"]] == ids[1:]
    assert fake.updates_confirmed(ids[0])
    assert not fake.updates_confirmed(ids[1])
    status, body = fake.handle("getUpdates", {"offset": "-1"})
    assert [u["update_id"] for u in body["result"]] == ids[-1:]
    assert fake.updates_confirmed(ids[3])


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_answers_429() -> None:
    limited = FakeTelegram(per_chat_per_second=1.0, rate_limit_per_second=30.0)
    limited.add_user(USER_ID)
    with FakeBotApiServer(limited) as running:
        async with Bot(limited.token, base_url=running.base_url) as http_bot:
            await http_bot.send_message(USER_ID, "first")
            with pytest.raises(RetryAfter) as error:
                await http_bot.send_message(USER_ID, "second")
    assert error.value.message == "Flood control exceeded. Retry in 1 seconds"
    assert limited.rate_limited_count == 1
    last = limited.calls("sendMessage")[-1]
    assert last.status == 429
    assert last.response["parameters"] == {"retry_after": 1}
    assert last.response["description"] == "Too Many Requests: retry after 1"


async def test_global_rate_limit_counts_all_chats() -> None:
    limited = FakeTelegram(rate_limit_per_second=3.0)
    for user_id in range(1, 6):
        limited.add_user(user_id)
    statuses = [
        limited.handle("sendMessage", {"chat_id": str(u), "text": "x"})[0] for u in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert limited.rate_limited_count == 2


async def test_document_upload_get_file_and_download(bot: Bot, fake: FakeTelegram) -> None:
    payload = bytes(range(256)) + b"\r\n--boundary-ish--\r\n"
    sent = await bot.send_document(
        USER_ID,
        io.BytesIO(payload),
        filename="отчёт.csv",
        caption="<i>Report</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert sent.document.file_name == "отчёт.csv"
    assert sent.caption == "Report"
    telegram_file = await bot.get_file(sent.document.file_id)
    assert telegram_file.file_path is not None
    assert telegram_file.file_path.endswith(".csv")
    assert bytes(await telegram_file.download_as_bytearray()) == payload
    photo = await bot.send_photo(USER_ID, io.BytesIO(b"\xff\xd8jpeg"))
    assert photo.photo
    again = await bot.send_document(USER_ID, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


async def test_user_uploaded_file_can_be_downloaded(bot: Bot, fake: FakeTelegram) -> None:
    stored = fake.add_file(b"%PDF-1.4", file_name="contract.pdf", mime_type="application/pdf")
    update = fake.send_update(USER_ID, {"document": {"file_id": stored.file_id}})
    assert update["message"]["document"]["file_name"] == "contract.pdf"
    telegram_file = await bot.get_file(stored.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"%PDF-1.4"


async def test_other_methods(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.send_chat_action(USER_ID, "typing")
    location = await bot.send_location(USER_ID, 55.75, 37.61)
    assert location.location is not None
    contact = await bot.send_contact(USER_ID, "+70000000000", "Ivan")
    assert contact.contact is not None
    copied = await bot.copy_message(USER_ID, USER_ID, location.message_id)
    assert fake.message(USER_ID, copied.message_id) is not None
    chat = await bot.get_chat(USER_ID)
    assert chat.first_name == "Ivan"
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == ""
    assert await bot.set_chat_menu_button()
    assert await bot.set_my_description("Assistant for key account managers")
    assert await bot.set_my_short_description("KAM helper", language_code="ru")
    assert fake.short_description("ru") == "KAM helper"


async def test_commands_per_scope_and_language(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    assert await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")
    assert await bot.set_my_commands(
        [BotCommand("admin", "Admin")], scope=BotCommandScopeChat(USER_ID)
    )
    default = await bot.get_my_commands()
    assert [c.command for c in default] == ["start", "help"]
    russian = await bot.get_my_commands(language_code="ru")
    assert [c.description for c in russian] == ["Начать"]
    assert fake.commands("chat", chat_id=USER_ID) == [{"command": "admin", "description": "Admin"}]
    assert await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_callback_query_answers(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_message(USER_ID, "Pick", reply_markup=keyboard(("A", "a")))
    update = fake.press(USER_ID, sent.message_id, "a")
    query = update["callback_query"]
    assert query["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert Update.de_json(update, bot).callback_query is not None
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query["id"], text="x" * 201)
    assert await bot.answer_callback_query(query["id"], text="Saved", show_alert=True)
    answer = fake.callback_answers(USER_ID)[-1]
    assert (answer.text, answer.show_alert, answer.data) == ("Saved", True, "a")
    with pytest.raises(BadRequest) as error:
        await bot.answer_callback_query(query["id"])
    assert error.value.message.lower() == QUERY_TOO_OLD.lower()
    assert fake.double_answers() == ["a"]
    fake.forget_double_answers()
    old = fake.press(USER_ID, sent.message_id, "a")["callback_query"]["id"]
    fake.advance_time(15 * 60 + 1)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(old)


async def test_inline_query_answer(bot: Bot, fake: FakeTelegram) -> None:
    update = fake.send_update(USER_ID, {"query": "acme"}, kind="inline_query")
    parsed = Update.de_json(update, bot)
    assert parsed.inline_query is not None
    assert parsed.inline_query.query == "acme"
    results = [InlineQueryResultArticle("1", "ACME", InputTextMessageContent("ACME"))]
    assert await bot.answer_inline_query(update["inline_query"]["id"], results)
    assert fake.inline_answers(USER_ID)[0].results[0]["title"] == "ACME"


async def test_send_update_kinds_are_valid_for_ptb(bot: Bot, fake: FakeTelegram) -> None:
    payloads: list[tuple[str, dict[str, Any]]] = [
        ("message", {"contact": {"phone_number": "+79990001122"}}),
        ("message", {"location": {"latitude": 55.7, "longitude": 37.6}}),
        ("message", {"voice": {"mime_type": "audio/ogg"}}),
        ("message", {"sticker": {"emoji": "👍"}}),
        ("message", {"photo": [], "caption": "receipt"}),
        ("message", {"document": {"file_name": "a.xlsx"}}),
        (
            "my_chat_member",
            {"new_chat_member": {"status": "kicked", "until_date": 0, "user": fake.bot_user()}},
        ),
    ]
    for kind, payload in payloads:
        update = Update.de_json(fake.send_update(USER_ID, payload, kind), bot)
        assert update.effective_user is not None
        assert update.effective_user.id == USER_ID
    assert fake.user(USER_ID).blocked
    first = fake.send_text(USER_ID, "typo")
    edited = fake.send_update(
        USER_ID, {"message_id": first["message"]["message_id"], "text": "fixed"}, "edited_message"
    )
    parsed = Update.de_json(edited, bot).edited_message
    assert parsed is not None
    assert parsed.text == "fixed"
    assert parsed.edit_date is not None
    voice = fake.messages(USER_ID)[2].extra["voice"]
    telegram_file = await bot.get_file(voice["file_id"])
    assert telegram_file.file_size == len(b"fake file content")


def test_group_chat_messages(fake: FakeTelegram) -> None:
    fake.add_group(-100200, "Sales team")
    update = fake.send_text(USER_ID, "/report@kam_test_bot now", chat_id=-100200, chat_type="group")
    message = update["message"]
    assert message["chat"] == {"id": -100200, "type": "group", "title": "Sales team"}
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    status, body = fake.handle("sendMessage", {"chat_id": "-100200", "text": "Report"})
    assert status == 200
    assert body["result"]["chat"]["title"] == "Sales team"


# ------------------------------------------------------------------------------ raw HTTP layer


def test_http_wrong_token_unknown_method_and_body_kinds(
    server: FakeBotApiServer, fake: FakeTelegram
) -> None:
    assert http_call(server, "/bot123:wrong/getMe") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert http_call(server, f"/bot{fake.token}/noSuchMethod") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = http_call(server, f"/bot{fake.token}/GETME")
    assert (status, body["result"]["username"]) == (200, "kam_test_bot")
    status, body = http_call(
        server,
        f"/bot{fake.token}/sendMessage",
        json.dumps({"chat_id": USER_ID, "text": "json body"}).encode(),
        "application/json",
    )
    assert (status, body["result"]["text"]) == (200, "json body")
    status, body = http_call(server, f"/bot{fake.token}/sendMessage?chat_id={USER_ID}&text=q")
    assert (status, body["result"]["text"]) == (200, "q")
    status, body = http_call(
        server,
        f"/bot{fake.token}/sendMessage",
        f"chat_id={USER_ID}&text=".encode(),
        "application/x-www-form-urlencoded",
    )
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_wrong_token_raises_invalid_token(server: FakeBotApiServer) -> None:
    wrong = Bot("654321:WRONG", base_url=server.base_url)
    with pytest.raises(InvalidToken):
        await wrong.get_me()


def test_stop_is_fast_during_long_poll(fake: FakeTelegram) -> None:
    server = FakeBotApiServer(fake).start()
    results: list[tuple[int, dict[str, Any]]] = []
    poller = threading.Thread(
        target=lambda: results.append(http_call(server, f"/bot{fake.token}/getUpdates?timeout=30"))
    )
    poller.start()
    fake.wait_for(lambda f: f.waiting_polls == 1, timeout=5)
    started = time.monotonic()
    server.stop()
    poller.join(timeout=5)
    assert time.monotonic() - started < 2
    assert results == [(200, {"ok": True, "result": []})]


def test_wait_for_timeout_lists_calls(fake: FakeTelegram) -> None:
    fake.handle("sendMessage", {"chat_id": str(USER_ID), "text": "hello"})
    with pytest.raises(TimeoutError, match="sendMessage"):
        fake.wait_for(lambda f: False, timeout=0.1)
    fake.wait_idle(quiet=0.05, timeout=1)


# ------------------------------------------------------------ TelegramUser with an Application


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        "<b>Menu</b>",
        reply_markup=keyboard(("📋 Visits", "visits"), ("⚙️ Settings", "settings")),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.data == "visits":
        await query.answer("Loading visits")
        await query.edit_message_text(
            "<i>No visits today</i>", parse_mode="HTML", reply_markup=keyboard(("⬅️ Back", "back"))
        )
    elif query.data == "settings":
        await query.answer("Not yet", show_alert=True)
    else:
        await query.answer()


async def reply_keyboard_handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    text = update.effective_message.text
    if text == "keyboard":
        await update.effective_message.reply_text(
            "Choose", reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Share contact")]])
        )
    else:
        await update.effective_message.reply_text("Removed", reply_markup=ReplyKeyboardRemove())


def build_application(
    fake: FakeTelegram, *, polling: bool = False
) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = ApplicationBuilder().token(fake.token)
    if not polling:
        builder = builder.request(FakeRequest(fake)).get_updates_request(FakeRequest(fake))
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, reply_keyboard_handler))
    return application


async def test_telegram_user_with_application(fake: FakeTelegram) -> None:
    application = build_application(fake)
    async with application:

        async def deliver(update: dict[str, Any]) -> None:
            await application.process_update(Update.de_json(update, application.bot))

        user = TelegramUser(fake, 2002, deliver, first_name="Olga")
        mark = user.mark()
        await user.send("/start")
        assert user.sent_count_since(mark) == 1
        assert user.last_text == "Menu"
        assert user.last_html == "<b>Menu</b>"
        assert user.buttons == ["📋 Visits", "⚙️ Settings"]

        await user.press("settings")
        assert user.last_alert == "Not yet"
        assert user.last_answer is not None
        assert user.last_answer.show_alert

        mark = user.mark()
        await user.press("visits")
        assert user.sent_count_since(mark) == 0
        assert user.last_text == "No visits today"
        assert user.buttons == ["⬅️ Back"]
        assert user.last_alert == "Loading visits"
        assert user.bot_texts() == ["No visits today"]

        with pytest.raises(AssertionError, match="Back"):
            await user.press("Nonexistent")
        await user.press_data("forged")
        assert user.last_alert is None

        await user.send("keyboard")
        assert user.reply_keyboard == ["Share contact"]
        await user.send("remove it")
        assert user.reply_keyboard == []


async def test_deliver_via_polling(server: FakeBotApiServer, fake: FakeTelegram) -> None:
    application = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            user = TelegramUser(
                fake, 3003, functools.partial(deliver_via_polling, fake, quiet=0.15, timeout=5)
            )
            await user.send("/start")
            assert user.last_text == "Menu"
            await user.press("Visits")
            assert user.last_text == "No visits today"
            assert user.last_alert == "Loading visits"
        finally:
            await application.updater.stop()
            await application.stop()


async def test_a_press_answered_twice_fails_the_test(fake: FakeTelegram) -> None:
    async with Bot(
        fake.token, request=FakeRequest(fake), get_updates_request=FakeRequest(fake)
    ) as bot:
        sent = await bot.send_message(USER_ID, "Pick", reply_markup=keyboard(("A", "a")))
        query_id = fake.press(USER_ID, sent.message_id, "a")["callback_query"]["id"]
        fake.assert_answered_once()
        with pytest.raises(AssertionError, match="never answered"):
            fake.assert_answered_once(all_answered=True)
        await bot.answer_callback_query(query_id)
        fake.assert_answered_once(all_answered=True)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id, text="again")
    with pytest.raises(AssertionError, match="answered twice"):
        fake.assert_answered_once()
    with pytest.raises(AssertionError, match="answered twice"), FakeBotApiServer(fake):
        pass
    fake.forget_double_answers()
    fake.assert_answered_once()
