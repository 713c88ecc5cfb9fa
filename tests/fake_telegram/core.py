"""``FakeTelegram``: a thread-safe in-memory model of the Telegram Bot API for one bot.

It is used both from the threaded HTTP server (``server.FakeBotApiServer``) and in-process
(``request.FakeRequest``).  All state lives behind one ``threading.RLock``; a
``threading.Condition`` on that lock wakes long polls and ``wait_for`` callers.

The test side simulates users with ``add_user``/``send_text``/``press``/``send_update``; each of
those returns the update dict (as Telegram would deliver it) and queues it for ``getUpdates``.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request, forbidden
from .formatting import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    FormattedText,
    format_text,
    utf16_len,
)

DEFAULT_TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CALLBACK_QUERY_LIFETIME = 15 * 60.0
"""Seconds (of fake time) after which answerCallbackQuery says the query is too old."""

DELETE_WINDOW = 48 * 3600.0
"""Seconds after which a bot can no longer delete a message for everyone."""

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)

MESSAGE_UPDATE_KINDS = _words(
    "message edited_message channel_post edited_channel_post business_message "
    "edited_business_message"
)
DEFAULT_ALLOWED_UPDATES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)

CHAT_ACTIONS = _words(
    "typing upload_photo record_video upload_video record_voice upload_voice "
    "upload_document choose_sticker find_location record_video_note upload_video_note"
)

INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
# Telegram treats an empty string like a missing field, except for switch_inline_query*.
_EMPTY_ALLOWED_ACTIONS = frozenset({"switch_inline_query", "switch_inline_query_current_chat"})

# ----------------------------------------------------------------------- parameter decoding

_INT_FIELDS = _words(
    "chat_id from_chat_id message_id message_thread_id reply_to_message_id offset "
    "limit timeout user_id cache_time duration width height length live_period "
    "heading proximity_alert_radius until_date max_connections "
    "direct_messages_topic_id"
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_FIELDS = _words(
    "disable_notification protect_content show_alert drop_pending_updates "
    "disable_web_page_preview allow_sending_without_reply is_personal has_spoiler "
    "disable_content_type_detection show_caption_above_media allow_paid_broadcast "
    "revoke_messages only_if_banned for_channels supports_streaming remove_caption"
)
_JSON_FIELDS = _words(
    "reply_markup entities caption_entities commands scope results menu_button "
    "allowed_updates link_preview_options reply_parameters button media message_ids "
    "rights permissions reaction suggested_post_parameters"
)
_JSON_FIELD_LABEL = {"reply_markup": "reply keyboard markup"}
_INT_RE = re.compile(r"\s*-?\d+\s*")


@dataclass
class UploadedFile:
    """A file uploaded in a multipart request (one part with a filename)."""

    filename: str | None
    data: bytes
    content_type: str | None = None


def decode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Decode parameters the way the Bot API server reads them.

    Values arrive as strings in form/query/multipart requests (and as JSON-encoded strings via
    python-telegram-bot's ``json_parameters``): object/array fields are JSON-decoded, integer,
    float and boolean fields are converted. JSON request bodies already carry typed values.
    """
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value) if value.strip() else None
                except ValueError:
                    label = _JSON_FIELD_LABEL.get(key, key.replace("_", " "))
                    raise bad_request(f"can't parse {label} JSON object") from None
            elif key in _INT_FIELDS:
                if _INT_RE.fullmatch(value):
                    value = int(value)
            elif key in _FLOAT_FIELDS:
                with contextlib.suppress(ValueError):
                    value = float(value)
            elif key in _BOOL_FIELDS:
                lowered = value.strip().lower()
                if lowered in ("true", "1"):
                    value = True
                elif lowered in ("false", "0", ""):
                    value = False
        if value is not None:
            decoded[key] = value
    return decoded


# ------------------------------------------------------------------------------- data model


@dataclass
class FakeUser:
    """A simulated Telegram user. Their private chat id equals their user id."""

    id: int
    first_name: str = "Ivan"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False
    blocked: bool = False
    started: bool = True

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class FakeChat:
    """A chat the bot knows about (private chats of users, groups added with add_group)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: FakeUser | None = None

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            chat["first_name"] = self.user.first_name
            if self.user.last_name:
                chat["last_name"] = self.user.last_name
            if self.user.username:
                chat["username"] = self.user.username
        else:
            chat["title"] = self.title or ""
            if self.username:
                chat["username"] = self.username
        return chat


@dataclass
class FakeFile:
    """A stored file: what getFile describes and the file URL serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    kind: str = "document"
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class StoredMessage:
    """One message of a chat history, sent by the bot or by a simulated user."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str
    """Plain text (after entity parsing) of a text message, or the caption of a media message."""
    html: str | None = None
    """The text exactly as sent when parse_mode was HTML, else None."""
    reply_markup: dict[str, Any] | None = None
    """The markup as sent (inline or reply keyboard); only inline keyboards stay on a message."""
    date: int = 0
    deleted: bool = False
    edited: int = 0
    """How many times the message was edited."""
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    media: dict[str, Any] | None = None  # a voice note, audio or video, under its kind
    location: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "text"
    """"text", "document", "photo", "location", "contact" or another Message field name."""
    sender_id: int = 0
    edit_date: int | None = None
    parse_mode: str | None = None
    reply_to_message_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Other Message fields (sticker, voice, ...) for messages simulated with send_update."""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]] | None:
        markup = self.reply_markup
        if markup and isinstance(markup.get("inline_keyboard"), list):
            rows: list[list[dict[str, Any]]] = markup["inline_keyboard"]
            return rows
        return None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons of the message, row by row."""
        return [button for row in self.inline_keyboard or [] for button in row]

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call as the fake received and answered it."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float
    """time.monotonic() when the answer was produced."""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery showed to the user (a toast, or an alert if show_alert)."""

    query_id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(frozen=True)
class InlineAnswer:
    """The results of an answerInlineQuery call."""

    query_id: str
    user_id: int
    results: list[dict[str, Any]]
    params: dict[str, Any]


@dataclass
class _PendingQuery:
    query_id: str
    user_id: int
    created_at: float
    chat_id: int | None = None
    message_id: int | None = None
    data: str | None = None
    answered: bool = False


class _TokenBucket:
    """``rate`` tokens per second, bursts up to max(1, rate)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = max(self.stamp, now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


# ------------------------------------------------------------------------------ FakeTelegram

Handler = Callable[[dict[str, Any]], Any]

_SENDING_METHODS = _words(
    "sendmessage senddocument sendphoto sendlocation sendcontact sendaudio sendvoice "
    "sendvideo sendanimation sendsticker sendvenue sendpoll senddice sendmediagroup "
    "copymessage forwardmessage editmessagetext editmessagecaption "
    "editmessagereplymarkup"
)
MESSAGE_SENDING_METHODS = _words(
    "sendMessage sendDocument sendPhoto sendLocation sendContact copyMessage forwardMessage"
)
"""Methods that create a new message in a chat (used to count what a step sent)."""


class FakeTelegram:
    """In-memory Telegram for one bot. See the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_id: int = 123456,
        bot_username: str = "kam_test_bot",
        bot_first_name: str = "KAM Assistant",
        *,
        rate_limit_per_second: float | None = None,
        per_chat_per_second: float | None = None,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.rate_limit_per_second = rate_limit_per_second
        self.per_chat_per_second = per_chat_per_second
        self.rate_limited_count = 0
        """How many 429 answers the fake gave."""

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._time_offset = 0.0

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self.left_chats: list[int] = []
        """Chats the bot left (leaveChat), in order."""
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._reply_keyboards: dict[int, dict[str, Any] | None] = {}
        self._files: dict[str, FakeFile] = {}
        self._files_by_path: dict[str, FakeFile] = {}
        self._file_counter = itertools.count(1)

        self._updates: list[dict[str, Any]] = []
        self._update_counter = itertools.count(700_000_001)
        self._confirmed_upto = 0
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._waiting_polls = 0
        self._interrupt_generation = 0
        self._webhook_url = ""

        self._queries: dict[str, _PendingQuery] = {}
        self._query_counter = itertools.count(4_382_000_000_000_000_001)
        self._callback_answers: list[CallbackAnswer] = []
        self._double_answers: list[_PendingQuery] = []
        self._inline_answers: list[InlineAnswer] = []

        self._commands: dict[tuple[str, int | None, int | None, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._descriptions: dict[str, str] = {}
        self._short_descriptions: dict[str, str] = {}
        self._names: dict[str, str] = {}

        self._calls: list[ApiCall] = []
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._global_bucket = _TokenBucket(rate_limit_per_second) if rate_limit_per_second else None
        self._chat_buckets: dict[int, _TokenBucket] = {}

        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in self._method_table().items():
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------- time and helpers

    def now(self) -> float:
        """Fake wall-clock time (time.time() shifted by advance_time)."""
        return time.time() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Move the fake clock forward (message dates, callback query expiry, delete window)."""
        with self._lock:
            self._time_offset += seconds

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ------------------------------------------------------------------------ dispatching

    def handle(self, method: str, params: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        """Execute one Bot API method; returns (HTTP status, JSON body) like Telegram."""
        key = method.lower()
        entry = self._methods.get(key)
        canonical = entry[0] if entry else method
        is_poll = key == "getupdates"
        decoded: dict[str, Any] = dict(params)
        with self._lock:
            if not is_poll:
                self._in_flight += 1
        status: int
        body: dict[str, Any]
        try:
            decoded = decode_params(params)
            if entry is None:
                raise ApiError(404, "Not Found")
            if is_poll:
                result = entry[1](decoded)
            else:
                with self._lock:
                    if key in _SENDING_METHODS:
                        self._check_rate_limit(decoded)
                    result = entry[1](decoded)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.body()
        with self._lock:
            if status == 429:
                self.rate_limited_count += 1
            if not is_poll:
                self._in_flight -= 1
                self._last_activity = time.monotonic()
            self._calls.append(
                ApiCall(canonical, copy.deepcopy(decoded), status, body, time.monotonic())
            )
            self._cond.notify_all()
        return status, copy.deepcopy(body)

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "setMyName": self._set_my_name,
            "getMyName": self._get_my_name,
            "sendChatAction": self._send_chat_action,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendVoice": self._send_voice,
            "sendAudio": self._send_audio,
            "sendVideo": self._send_video,
            "sendLocation": self._send_location,
            "sendContact": self._send_contact,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "leaveChat": self._leave_chat,
            "close": self._ok,
            "logOut": self._ok,
        }

    def _check_rate_limit(self, params: dict[str, Any]) -> None:
        now = time.monotonic()
        chat_id = params.get("chat_id")
        chat_bucket: _TokenBucket | None = None
        if self.per_chat_per_second and isinstance(chat_id, int):
            chat_bucket = self._chat_buckets.get(chat_id)
            if chat_bucket is None:
                chat_bucket = _TokenBucket(self.per_chat_per_second)
                self._chat_buckets[chat_id] = chat_bucket
        wait = 0.0
        if self._global_bucket is not None:
            wait = max(wait, self._global_bucket.wait_time(now))
        if chat_bucket is not None:
            wait = max(wait, chat_bucket.wait_time(now))
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        if self._global_bucket is not None:
            self._global_bucket.take()
        if chat_bucket is not None:
            chat_bucket.take()

    # -------------------------------------------------------------------- simple methods

    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        me = self.bot_user()
        me.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": True,
                "supports_inline_queries": True,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        return me

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url", "")
        if not isinstance(url, str):
            raise bad_request("bad webhook: Webhook URL is invalid")
        self._webhook_url = url
        if params.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        if self._updates:
            self._confirmed_upto = max(self._confirmed_upto, self._updates[-1]["update_id"] + 1)
        self._updates.clear()

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(
        params: dict[str, Any],
    ) -> tuple[str, int | None, int | None, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or ""
        chat_id = scope.get("chat_id")
        user_id = scope.get("user_id")
        return (
            str(scope["type"]),
            int(chat_id)
            if isinstance(chat_id, int | str) and str(chat_id).lstrip("-").isdigit()
            else None,
            int(user_id) if isinstance(user_id, int) else None,
            str(language),
        )

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands")
        stored: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: Object expected")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise bad_request("command description is empty")
            stored.append({"command": name, "description": description})
        self._commands[self._commands_key(params)] = stored
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            chat_id = self._resolve_chat(params, check_blocked=False).id
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button: Unsupported type")
        self._menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            chat_id = self._resolve_chat(params, check_blocked=False).id
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "commands"})

    def _set_my_description(self, params: dict[str, Any]) -> bool:
        text = str(params.get("description") or "")
        if len(text) > 512:
            raise bad_request("description is too long")
        self._descriptions[str(params.get("language_code") or "")] = text
        return True

    def _get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"description": self._descriptions.get(language, "")}

    def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        text = str(params.get("short_description") or "")
        if len(text) > 120:
            raise bad_request("short description is too long")
        self._short_descriptions[str(params.get("language_code") or "")] = text
        return True

    def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"short_description": self._short_descriptions.get(language, "")}

    def _set_my_name(self, params: dict[str, Any]) -> bool:
        self._names[str(params.get("language_code") or "")] = str(params.get("name") or "")
        return True

    def _get_my_name(self, params: dict[str, Any]) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"name": self._names.get(language) or self.bot_first_name}

    # ---------------------------------------------------------------------- getUpdates

    def _visible_updates(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        visible: list[dict[str, Any]] = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            if allowed is None:
                if kind in DEFAULT_ALLOWED_UPDATES_EXCLUDED:
                    continue
            elif kind not in allowed:
                continue
            visible.append(update)
            if len(visible) >= limit:
                break
        return visible

    def _apply_offset(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_upto = max(self._confirmed_upto, offset)
        elif offset < 0:
            keep = self._updates[offset:] if -offset < len(self._updates) else self._updates
            dropped = self._updates[: len(self._updates) - len(keep)]
            if dropped:
                self._confirmed_upto = max(self._confirmed_upto, dropped[-1]["update_id"] + 1)
            self._updates = list(keep)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset", 0)
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        if not isinstance(offset, int) or not isinstance(limit, int):
            raise bad_request("wrong parameter offset or limit")
        if not isinstance(timeout, int | float):
            timeout = 0
        limit = min(max(limit, 1), 100)
        timeout = max(0.0, float(timeout))
        allowed = params.get("allowed_updates")
        with self._lock:
            if self._webhook_url:
                raise ApiError(409, CONFLICT_WEBHOOK)
            self._poll_generation += 1
            generation = self._poll_generation
            interrupt = self._interrupt_generation
            self._cond.notify_all()  # an older long poll gets "Conflict"
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed] if allowed else None
            self._apply_offset(offset)
            deadline = time.monotonic() + timeout
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, CONFLICT_POLL)
                ready = self._visible_updates(limit)
                if ready:
                    return copy.deepcopy(ready)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or interrupt != self._interrupt_generation:
                    return []
                self._waiting_polls += 1
                try:
                    self._cond.wait(remaining)
                finally:
                    self._waiting_polls -= 1

    @property
    def waiting_polls(self) -> int:
        """How many getUpdates long polls are waiting right now."""
        with self._lock:
            return self._waiting_polls

    def interrupt_long_polls(self) -> None:
        """Make waiting getUpdates calls return [] now (used on shutdown)."""
        with self._lock:
            self._interrupt_generation += 1
            self._cond.notify_all()

    def updates_confirmed(self, update_id: int) -> bool:
        """True once the bot called getUpdates with an offset beyond ``update_id``."""
        with self._lock:
            return update_id < self._confirmed_upto

    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed through getUpdates."""
        with self._lock:
            return copy.deepcopy(self._updates)

    # --------------------------------------------------------------------- chat helpers

    def _resolve_chat(
        self, params: dict[str, Any], key: str = "chat_id", *, check_blocked: bool = True
    ) -> FakeChat:
        raw = params.get(key)
        if raw is None or raw == "":
            raise bad_request(f"{key} is empty")
        chat: FakeChat | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat = self._chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            wanted = raw[1:].lower()
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if (c.username or (c.user.username if c.user else None) or "").lower() == wanted
                ),
                None,
            )
        if chat is None:
            raise bad_request("chat not found")
        if check_blocked and chat.user is not None:
            if chat.user.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.user.started:
                raise forbidden("bot can't initiate conversation with a user")
        return chat

    def _allocate_message_id(self, chat_id: int) -> int:
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _store(self, message: StoredMessage) -> StoredMessage:
        self._messages.setdefault(message.chat_id, {})[message.message_id] = message
        self._next_message_id[message.chat_id] = max(
            self._next_message_id.get(message.chat_id, 1), message.message_id + 1
        )
        return message

    def _find_message(self, chat_id: int, message_id: Any) -> StoredMessage | None:
        if not isinstance(message_id, int):
            return None
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            return None
        return message

    def message_to_api(self, message: StoredMessage) -> dict[str, Any]:
        """The Bot API ``Message`` object for a stored message (current state)."""
        with self._lock:
            chat = self._chats.get(message.chat_id)
            chat_dict = chat.to_api() if chat else {"id": message.chat_id, "type": "private"}
            if message.from_bot:
                sender = self.bot_user()
            else:
                user = self._users.get(message.sender_id)
                sender = (
                    user.to_api()
                    if user
                    else {"id": message.sender_id, "is_bot": False, "first_name": ""}
                )
            result: dict[str, Any] = {
                "message_id": message.message_id,
                "from": sender,
                "chat": chat_dict,
                "date": message.date,
            }
            if message.edit_date is not None:
                result["edit_date"] = message.edit_date
            if message.reply_to_message_id is not None:
                replied = self._messages.get(message.chat_id, {}).get(message.reply_to_message_id)
                if replied is not None and replied is not message:
                    inner = self.message_to_api(replied)
                    inner.pop("reply_to_message", None)
                    result["reply_to_message"] = inner
            if message.kind == "text":
                result["text"] = message.text
                if message.entities:
                    result["entities"] = copy.deepcopy(message.entities)
            elif message.text:
                result["caption"] = message.text
                if message.entities:
                    result["caption_entities"] = copy.deepcopy(message.entities)
            if message.document is not None:
                result["document"] = copy.deepcopy(message.document)
            if message.photo is not None:
                result["photo"] = copy.deepcopy(message.photo)
            if message.media is not None:
                result[message.kind] = copy.deepcopy(message.media)
            if message.location is not None:
                result["location"] = copy.deepcopy(message.location)
            if message.contact is not None:
                result["contact"] = copy.deepcopy(message.contact)
            for key, value in message.extra.items():
                result.setdefault(key, copy.deepcopy(value))
            if message.inline_keyboard is not None:
                result["reply_markup"] = copy.deepcopy(message.reply_markup)
            return result

    # ------------------------------------------------------------------ reply markup

    def _validate_reply_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of '
                    "Arrays"
                )
            for row in rows:
                for button in row:
                    self._validate_inline_button(button)
            return markup
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
                )
            for row in rows:
                for button in row:
                    text = (
                        button
                        if isinstance(button, str)
                        else (button.get("text") if isinstance(button, dict) else None)
                    )
                    if not isinstance(text, str):
                        raise bad_request(
                            'can\'t parse keyboard button: Field "text" must be of type String'
                        )
                    if not text:
                        raise bad_request("BUTTON_TEXT_INVALID")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise bad_request('can\'t find field "inline_keyboard"')

    @staticmethod
    def _validate_inline_button(button: Any) -> None:
        prefix = "can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise bad_request(prefix + "Object expected")
        if "text" not in button:
            raise bad_request(prefix + 'Can\'t find field "text"')
        text = button["text"]
        if not isinstance(text, str):
            raise bad_request(prefix + 'Field "text" must be of type String')
        actions = [
            name
            for name in INLINE_BUTTON_ACTIONS
            if name in button
            and button[name] is not None
            and (button[name] != "" or name in _EMPTY_ALLOWED_ACTIONS)
        ]
        if not actions:
            raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
        if not text:
            raise bad_request("BUTTON_TEXT_INVALID")
        data = button.get("callback_data")
        if "callback_data" in actions:
            if not isinstance(data, str):
                raise bad_request(prefix + 'Field "callback_data" must be of type String')
            if len(data.encode("utf-8")) > 64:
                raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if "url" in actions and not isinstance(url, str):
            raise bad_request(prefix + 'Field "url" must be of type String')

    def _remember_reply_keyboard(self, chat_id: int, markup: dict[str, Any] | None) -> None:
        if markup is None:
            return
        if "keyboard" in markup:
            self._reply_keyboards[chat_id] = markup
        elif markup.get("remove_keyboard"):
            self._reply_keyboards[chat_id] = None

    # --------------------------------------------------------------------- text helpers

    def _format(
        self, params: dict[str, Any], text_key: str, entities_key: str, *, caption: bool
    ) -> tuple[FormattedText | None, str | None]:
        raw = params.get(text_key)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raw = str(raw)
        parse_mode = params.get("parse_mode")
        parse_mode_str = str(parse_mode) if isinstance(parse_mode, str) else None
        explicit = params.get(entities_key)
        formatted = format_text(raw, parse_mode_str, explicit)
        limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
        if formatted is not None and utf16_len(formatted.text) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        html = raw if (parse_mode_str or "").lower() == "html" and not explicit else None
        return formatted, html

    def _text_params(self, params: dict[str, Any]) -> tuple[FormattedText, str | None]:
        raw = params.get("text")
        if raw is None or raw == "":
            raise bad_request("message text is empty")
        formatted, html = self._format(params, "text", "entities", caption=False)
        if formatted is None:
            raise bad_request("message text is empty")
        return formatted, html

    def _reply_to(self, params: dict[str, Any], chat_id: int) -> int | None:
        reply_id = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply_parameters, dict):
            reply_id = reply_parameters.get("message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply"))
        if reply_id is None:
            return None
        if self._find_message(chat_id, reply_id) is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return int(reply_id)

    def _new_bot_message(
        self,
        chat: FakeChat,
        params: dict[str, Any],
        *,
        text: str = "",
        entities: list[dict[str, Any]] | None = None,
        html: str | None = None,
        kind: str = "text",
        markup: dict[str, Any] | None = None,
    ) -> StoredMessage:
        reply_to = self._reply_to(params, chat.id)
        message = StoredMessage(
            message_id=self._allocate_message_id(chat.id),
            chat_id=chat.id,
            from_bot=True,
            text=text,
            html=html,
            reply_markup=markup,
            date=int(self.now()),
            entities=list(entities or []),
            kind=kind,
            sender_id=self.bot_id,
            parse_mode=params.get("parse_mode")
            if isinstance(params.get("parse_mode"), str)
            else None,
            reply_to_message_id=reply_to,
        )
        self._remember_reply_keyboard(chat.id, markup)
        return self._store(message)

    # -------------------------------------------------------------------- send methods

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        formatted, html = self._text_params(params)
        markup = self._validate_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat,
            params,
            text=formatted.text,
            entities=formatted.entities,
            html=html,
            markup=markup,
        )
        return self.message_to_api(message)

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._resolve_chat(params)
        action = params.get("action")
        if not action:
            raise bad_request("action is empty")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _media_message(
        self, params: dict[str, Any], *, field_name: str, kind: str
    ) -> StoredMessage:
        chat = self._resolve_chat(params)
        fake_file = self._resolve_input_file(params, field_name, kind)
        formatted, html = self._format(params, "caption", "caption_entities", caption=True)
        markup = self._validate_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat,
            params,
            text=formatted.text if formatted else "",
            entities=formatted.entities if formatted else [],
            html=html,
            kind=kind,
            markup=markup,
        )
        if kind == "photo":
            message.photo = [self._photo_size(fake_file)]
        elif kind in ("voice", "audio", "video"):
            media = self._document_dict(fake_file)
            media["duration"] = int(params.get("duration") or 1)
            if kind == "video":
                media.update(
                    width=int(params.get("width") or 640), height=int(params.get("height") or 360)
                )
            message.media = media
        else:
            message.document = self._document_dict(fake_file)
        return message

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.message_to_api(
            self._media_message(params, field_name="document", kind="document")
        )

    def _send_voice(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.message_to_api(self._media_message(params, field_name="voice", kind="voice"))

    def _send_audio(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.message_to_api(self._media_message(params, field_name="audio", kind="audio"))

    def _send_video(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.message_to_api(self._media_message(params, field_name="video", kind="video"))

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.message_to_api(self._media_message(params, field_name="photo", kind="photo"))

    def _send_location(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        latitude, longitude = params.get("latitude"), params.get("longitude")
        if not isinstance(latitude, int | float) or not -90 <= latitude <= 90:
            raise bad_request("wrong latitude")
        if not isinstance(longitude, int | float) or not -180 <= longitude <= 180:
            raise bad_request("wrong longitude")
        markup = self._validate_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat, params, kind="location", markup=markup)
        message.location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self.message_to_api(message)

    def _send_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        phone, first_name = params.get("phone_number"), params.get("first_name")
        if not phone:
            raise bad_request("phone_number is empty")
        if not first_name:
            raise bad_request("first_name is empty")
        markup = self._validate_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat, params, kind="contact", markup=markup)
        contact: dict[str, Any] = {"phone_number": str(phone), "first_name": str(first_name)}
        for key in ("last_name", "vcard"):
            if params.get(key):
                contact[key] = str(params[key])
        if isinstance(params.get("user_id"), int):
            contact["user_id"] = params["user_id"]
        message.contact = contact
        return self.message_to_api(message)

    def _copy_source(self, params: dict[str, Any], what: str) -> StoredMessage:
        source_chat = self._resolve_chat(params, "from_chat_id", check_blocked=False)
        source = self._find_message(source_chat.id, params.get("message_id"))
        if source is None:
            raise bad_request(f"message to {what} not found")
        return source

    def _copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        source = self._copy_source(params, "copy")
        text, entities, html = source.text, source.entities, source.html
        if source.kind != "text" and ("caption" in params or params.get("remove_caption")):
            formatted, html = self._format(params, "caption", "caption_entities", caption=True)
            text = formatted.text if formatted else ""
            entities = formatted.entities if formatted else []
        markup = self._validate_reply_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat, params, text=text, entities=entities, html=html, kind=source.kind, markup=markup
        )
        message.document = copy.deepcopy(source.document)
        message.photo = copy.deepcopy(source.photo)
        message.location = copy.deepcopy(source.location)
        message.contact = copy.deepcopy(source.contact)
        message.extra = copy.deepcopy(source.extra)
        return {"message_id": message.message_id}

    def _forward_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        source = self._copy_source(params, "forward")
        message = self._new_bot_message(
            chat, {}, text=source.text, entities=source.entities, kind=source.kind
        )
        message.document = copy.deepcopy(source.document)
        message.photo = copy.deepcopy(source.photo)
        message.location = copy.deepcopy(source.location)
        message.contact = copy.deepcopy(source.contact)
        message.extra = copy.deepcopy(source.extra)
        sender = self._users.get(source.sender_id)
        origin: dict[str, Any] = {"type": "user", "date": source.date}
        origin["sender_user"] = sender.to_api() if sender else self.bot_user()
        message.extra["forward_origin"] = origin
        return self.message_to_api(message)

    # -------------------------------------------------------------------- edit/delete

    def _editable_message(self, params: dict[str, Any]) -> StoredMessage | None:
        """The message an edit targets; None for inline messages (inline_message_id)."""
        if params.get("inline_message_id") and params.get("chat_id") is None:
            return None
        chat = self._resolve_chat(params)
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message = self._find_message(chat.id, params.get("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _finish_edit(self, message: StoredMessage) -> dict[str, Any]:
        message.edited += 1
        message.edit_date = int(self.now())
        return self.message_to_api(message)

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        message = self._editable_message(params)
        formatted, html = self._text_params(params)
        markup = self._validate_reply_markup(params.get("reply_markup"))
        if message is None:
            return True
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        new_inline = markup if markup and "inline_keyboard" in markup else None
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and new_inline
            == (message.reply_markup if message.inline_keyboard is not None else None)
        ):
            raise bad_request(NOT_MODIFIED)
        message.text = formatted.text
        message.entities = formatted.entities
        message.html = html
        message.parse_mode = (
            params.get("parse_mode") if isinstance(params.get("parse_mode"), str) else None
        )
        message.reply_markup = new_inline
        return self._finish_edit(message)

    def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        message = self._editable_message(params)
        formatted, html = self._format(params, "caption", "caption_entities", caption=True)
        markup = self._validate_reply_markup(params.get("reply_markup"))
        if message is None:
            return True
        if message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        text = formatted.text if formatted else ""
        entities = formatted.entities if formatted else []
        new_inline = markup if markup and "inline_keyboard" in markup else None
        current_inline = message.reply_markup if message.inline_keyboard is not None else None
        if text == message.text and entities == message.entities and new_inline == current_inline:
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.html = text, entities, html
        message.reply_markup = new_inline
        return self._finish_edit(message)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        message = self._editable_message(params)
        markup = self._validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if message is None:
            return True
        current_inline = message.reply_markup if message.inline_keyboard is not None else None
        if markup == current_inline:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._finish_edit(message)

    def _delete_one(self, chat: FakeChat, message_id: Any) -> None:
        message = self._find_message(chat.id, message_id)
        if message is None:
            raise bad_request("message to delete not found")
        if self.now() - message.date > DELETE_WINDOW:
            raise bad_request("message can't be deleted for everyone")
        message.deleted = True

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params, check_blocked=False)
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        self._delete_one(chat, params.get("message_id"))
        return True

    def _delete_messages(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params, check_blocked=False)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        for message_id in ids:
            message = self._find_message(chat.id, message_id)
            if message is not None:
                message.deleted = True
        return True

    # ------------------------------------------------------------------- queries

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is not None and query.answered:
            self._double_answers.append(query)  # a bot bug: see assert_answered_once
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD)
        if self.now() - query.created_at > CALLBACK_QUERY_LIFETIME:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if text and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        cache_time = params.get("cache_time")
        self._callback_answers.append(
            CallbackAnswer(
                query_id=query_id,
                user_id=query.user_id,
                chat_id=query.chat_id,
                message_id=query.message_id,
                data=query.data,
                text=text or None,
                show_alert=bool(params.get("show_alert")),
                url=str(params["url"]) if params.get("url") else None,
                cache_time=cache_time if isinstance(cache_time, int) else 0,
            )
        )
        return True

    def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD)
        if self.now() - query.created_at > CALLBACK_QUERY_LIFETIME:
            raise bad_request(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "id" not in result or "type" not in result:
                raise bad_request(
                    'can\'t parse InlineQueryResult: Field "type" must be of type String'
                )
            result_id = str(result["id"])
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
        query.answered = True
        self._inline_answers.append(
            InlineAnswer(query_id, query.user_id, copy.deepcopy(results), copy.deepcopy(params))
        )
        return True

    # ---------------------------------------------------------------------- files

    def add_file(
        self,
        data: bytes = b"fake file content",
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        kind: str = "document",
        file_id: str | None = None,
    ) -> FakeFile:
        """Store a file (as if uploaded by a user or the bot) and return it."""
        with self._lock:
            number = next(self._file_counter)
            prefix = {"photo": "AgACAgIAAxk", "voice": "AwACAgIAAxk"}.get(kind, "BQACAgIAAxk")
            new_id = file_id or f"{prefix}{number:08d}{self.bot_id}"
            folder = {
                "photo": "photos",
                "voice": "voice",
                "audio": "music",
                "video": "videos",
                "sticker": "stickers",
                "video_note": "video_notes",
                "animation": "animations",
            }.get(kind, "documents")
            extension = ""
            if file_name and "." in file_name:
                extension = "." + file_name.rsplit(".", 1)[1]
            elif kind == "photo":
                extension = ".jpg"
            elif kind == "voice":
                extension = ".oga"
            fake_file = FakeFile(
                file_id=new_id,
                file_unique_id=f"AgAD{number:06d}",
                file_path=f"{folder}/file_{number}{extension}",
                data=bytes(data),
                kind=kind,
                file_name=file_name,
                mime_type=mime_type,
            )
            self._files[new_id] = fake_file
            self._files_by_path[fake_file.file_path] = fake_file
            return fake_file

    def file(self, file_id: str) -> FakeFile | None:
        with self._lock:
            return self._files.get(file_id)

    def file_bytes(self, file_path: str) -> bytes | None:
        """Content served at ``/file/bot<token>/<file_path>``; None if unknown."""
        with self._lock:
            fake_file = self._files_by_path.get(file_path)
            return fake_file.data if fake_file else None

    def _resolve_input_file(self, params: dict[str, Any], field_name: str, kind: str) -> FakeFile:
        value = params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            return self.add_file(
                value.data,
                file_name=value.filename if kind != "photo" else None,
                mime_type=value.content_type if kind != "photo" else None,
                kind=kind,
            )
        if isinstance(value, str) and value:
            if re.match(r"https?://", value):
                name = value.rstrip("/").rsplit("/", 1)[-1] or None
                return self.add_file(b"", file_name=name, kind=kind)
            existing = self._files.get(value)
            if existing is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return existing
        raise bad_request(f"there is no {field_name} in the request")

    @staticmethod
    def _document_dict(fake_file: FakeFile) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": fake_file.file_id,
            "file_unique_id": fake_file.file_unique_id,
            "file_size": fake_file.file_size,
        }
        if fake_file.file_name:
            document["file_name"] = fake_file.file_name
        if fake_file.mime_type:
            document["mime_type"] = fake_file.mime_type
        return document

    @staticmethod
    def _photo_size(fake_file: FakeFile) -> dict[str, Any]:
        return {
            "file_id": fake_file.file_id,
            "file_unique_id": fake_file.file_unique_id,
            "file_size": fake_file.file_size,
            "width": 320,
            "height": 240,
        }

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file_id")
        if not file_id:
            raise bad_request("file_id is empty")
        fake_file = self._files.get(str(file_id))
        if fake_file is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": fake_file.file_id,
            "file_unique_id": fake_file.file_unique_id,
            "file_size": fake_file.file_size,
            "file_path": fake_file.file_path,
        }

    def _leave_chat(self, params: dict[str, Any]) -> bool:
        """The bot leaves a group, supergroup or channel (``left_chats`` lists them)."""
        chat = self._resolve_chat(params, check_blocked=False)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.left_chats.append(chat.id)
        return True

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params, check_blocked=False)
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    # ============================================================== test side: users

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ivan",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
    ) -> FakeUser:
        """Register a user and their private chat (id == user id).

        ``started=False`` models a user who never opened the bot: sending to them answers
        403 "bot can't initiate conversation with a user" until they send something.
        """
        with self._lock:
            user = FakeUser(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                started=started,
            )
            self._users[user_id] = user
            self._chats[user_id] = FakeChat(id=user_id, type="private", user=user)
            return user

    def user(self, user_id: int) -> FakeUser:
        with self._lock:
            try:
                return self._users[user_id]
            except KeyError:
                raise KeyError(f"unknown user {user_id}: call add_user() first") from None

    def has_user(self, user_id: int) -> bool:
        with self._lock:
            return user_id in self._users

    def add_group(
        self,
        chat_id: int,
        title: str = "Test group",
        *,
        chat_type: str = "group",
        username: str | None = None,
    ) -> FakeChat:
        """Register a group/supergroup/channel chat (``chat_id`` must be negative)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        with self._lock:
            chat = FakeChat(id=chat_id, type=chat_type, title=title, username=username)
            self._chats[chat_id] = chat
            return chat

    def chat(self, chat_id: int) -> FakeChat | None:
        with self._lock:
            return self._chats.get(chat_id)

    def block(self, user_id: int, *, notify: bool = True) -> dict[str, Any] | None:
        """The user blocks the bot; returns (and queues) the my_chat_member update if notify."""
        with self._lock:
            user = self.user(user_id)
            was_blocked = user.blocked
            user.blocked = True
            if not notify or was_blocked:
                return None
            return self._chat_member_update(user, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> dict[str, Any] | None:
        """The user unblocks the bot; returns (and queues) the my_chat_member update if notify."""
        with self._lock:
            user = self.user(user_id)
            was_blocked = user.blocked
            user.blocked = False
            user.started = True
            if not notify or not was_blocked:
                return None
            return self._chat_member_update(user, "kicked", "member")

    def _chat_member_update(self, user: FakeUser, old: str, new: str) -> dict[str, Any]:
        now = int(self.now())
        bot = self.bot_user()

        def member(status: str) -> dict[str, Any]:
            result: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                result["until_date"] = 0
            return result

        payload = {
            "chat": self._chats[user.id].to_api(),
            "from": user.to_api(),
            "date": now,
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self._queue("my_chat_member", payload)

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_counter), kind: payload}
        self._updates.append(update)
        self._cond.notify_all()
        return copy.deepcopy(update)

    def _sender_chat(
        self, user_id: int, chat_id: int | None, chat_type: str
    ) -> tuple[FakeUser, FakeChat]:
        user = self.user(user_id)
        if chat_id is None or chat_id == user_id:
            chat = self._chats[user_id]
        else:
            existing = self._chats.get(chat_id)
            if existing is None:
                if chat_type == "private":
                    raise ValueError(f"chat {chat_id} is unknown: call add_group() first")
                existing = self.add_group(chat_id, chat_type=chat_type)
            chat = existing
        if chat.user is not None:
            chat.user.started = True
        return user, chat

    @staticmethod
    def _command_entity(text: str) -> dict[str, Any] | None:
        match = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text)
        if match is None:
            return None
        rest = text[match.end() :]
        if rest and (rest[0].isalnum() or rest[0] in "_/<>"):
            return None
        return {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """The user types ``text``: returns and queues the ``message`` update."""
        with self._lock:
            user, chat = self._sender_chat(user_id, chat_id, chat_type)
            payload: dict[str, Any] = {"text": text}
            entity = self._command_entity(text)
            if entity is not None:
                payload["entities"] = [entity]
            if reply_to_message_id is not None:
                payload["reply_to_message_id"] = reply_to_message_id
            return self._user_message_update(user, chat, "message", payload)

    def _user_message_update(
        self, user: FakeUser, chat: FakeChat, kind: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        payload = copy.deepcopy(payload)
        reply_to = payload.pop("reply_to_message_id", None)
        editing = kind.startswith("edited_")
        existing = self._find_message(chat.id, payload.get("message_id"))
        if "message_id" not in payload:
            payload["message_id"] = self._allocate_message_id(chat.id)
        now = int(self.now())
        payload.setdefault("date", existing.date if existing else now)
        if editing:
            payload.setdefault("edit_date", now)
        payload.setdefault("from", user.to_api())
        payload.setdefault("chat", chat.to_api())
        if reply_to is not None:
            replied = self._find_message(chat.id, reply_to)
            if replied is not None:
                payload["reply_to_message"] = self.message_to_api(replied)
        self._register_payload_files(payload)
        contact = payload.get("contact")
        if isinstance(contact, dict):
            contact.setdefault("first_name", user.first_name)
            contact.setdefault("phone_number", "+70000000000")

        stored_kind = "text" if "text" in payload else "other"
        for media_kind in ("document", "photo", "location", "contact"):
            if media_kind in payload:
                stored_kind = media_kind
        if stored_kind == "other":
            stored_kind = next(
                (
                    k
                    for k in (
                        "voice",
                        "audio",
                        "video",
                        "sticker",
                        "video_note",
                        "animation",
                        "venue",
                        "poll",
                        "dice",
                    )
                    if k in payload
                ),
                "other",
            )
        known = {
            "message_id",
            "from",
            "chat",
            "date",
            "text",
            "caption",
            "entities",
            "caption_entities",
            "document",
            "photo",
            "location",
            "contact",
            "edit_date",
            "reply_to_message",
            "reply_markup",
        }
        stored = StoredMessage(
            message_id=int(payload["message_id"]),
            chat_id=chat.id,
            from_bot=False,
            text=str(payload.get("text", payload.get("caption", ""))),
            date=int(payload["date"]),
            entities=list(payload.get("entities", payload.get("caption_entities", []))),
            kind=stored_kind,
            sender_id=user.id,
            document=payload.get("document"),
            photo=payload.get("photo"),
            location=payload.get("location"),
            contact=payload.get("contact"),
            reply_to_message_id=reply_to,
            extra={k: v for k, v in payload.items() if k not in known},
            edited=(existing.edited + 1) if (existing and editing) else 0,
            edit_date=payload.get("edit_date"),
        )
        self._store(stored)
        return self._queue(kind, payload)

    def _register_payload_files(self, payload: dict[str, Any]) -> None:
        for kind in ("document", "voice", "audio", "video", "sticker", "video_note", "animation"):
            media = payload.get(kind)
            if isinstance(media, dict):
                self._complete_file_dict(media, kind)
        photo = payload.get("photo")
        if isinstance(photo, list):
            if not photo:
                photo.append({})
            for size in photo:
                if isinstance(size, dict):
                    self._complete_file_dict(size, "photo")
                    size.setdefault("width", 320)
                    size.setdefault("height", 240)

    def _complete_file_dict(self, media: dict[str, Any], kind: str) -> None:
        file_id = media.get("file_id")
        known = self._files.get(file_id) if isinstance(file_id, str) else None
        if known is None:
            known = self.add_file(
                file_name=media.get("file_name"),
                mime_type=media.get("mime_type"),
                kind=kind,
                file_id=file_id if isinstance(file_id, str) else None,
            )
        media.setdefault("file_id", known.file_id)
        media.setdefault("file_unique_id", known.file_unique_id)
        media.setdefault("file_size", known.file_size)
        if kind != "photo":
            if known.file_name:
                media.setdefault("file_name", known.file_name)
            if known.mime_type:
                media.setdefault("mime_type", known.mime_type)
        if kind in ("voice", "audio", "video", "video_note", "animation"):
            media.setdefault("duration", 1)
        if kind in ("video", "animation"):
            media.setdefault("width", 320)
            media.setdefault("height", 240)
        if kind == "video_note":
            media.setdefault("length", 240)
        if kind == "sticker":
            media.setdefault("type", "regular")
            media.setdefault("width", 512)
            media.setdefault("height", 512)
            media.setdefault("is_animated", False)
            media.setdefault("is_video", False)

    def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user presses an inline button: returns and queues the callback_query update.

        The button does not have to exist on the message (tests may forge presses).
        """
        with self._lock:
            user = self.user(user_id)
            target_chat = chat_id if chat_id is not None else user_id
            message = self._find_message(target_chat, message_id)
            if message is None:
                raise ValueError(f"message {message_id} not found in chat {target_chat}")
            query_id = str(next(self._query_counter))
            self._queries[query_id] = _PendingQuery(
                query_id=query_id,
                user_id=user_id,
                created_at=self.now(),
                chat_id=target_chat,
                message_id=message_id,
                data=callback_data,
            )
            payload = {
                "id": query_id,
                "from": user.to_api(),
                "message": self.message_to_api(message),
                "chat_instance": str((target_chat * 2654435761) % 10**19),
                "data": callback_data,
            }
            return self._queue("callback_query", payload)

    def send_update(
        self,
        user_id: int,
        payload: Mapping[str, Any],
        kind: str = "message",
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """Queue any other update; message kinds get message_id/date/from/chat filled in."""
        with self._lock:
            data = copy.deepcopy(dict(payload))
            if kind in MESSAGE_UPDATE_KINDS:
                user, chat = self._sender_chat(user_id, chat_id, chat_type)
                return self._user_message_update(user, chat, kind, data)
            user = self.user(user_id)
            data.setdefault("from", user.to_api())
            if kind in ("inline_query", "callback_query"):
                query_id = str(data.get("id") or next(self._query_counter))
                data["id"] = query_id
                if kind == "inline_query":
                    data.setdefault("query", "")
                    data.setdefault("offset", "")
                else:
                    data.setdefault("chat_instance", str(user_id))
                message = data.get("message")
                self._queries[query_id] = _PendingQuery(
                    query_id=query_id,
                    user_id=user_id,
                    created_at=self.now(),
                    chat_id=message["chat"]["id"] if isinstance(message, dict) else None,
                    message_id=message.get("message_id") if isinstance(message, dict) else None,
                    data=data.get("data") if isinstance(data.get("data"), str) else None,
                )
            elif kind in ("my_chat_member", "chat_member", "chat_join_request"):
                target = chat_id if chat_id is not None else user_id
                member_chat = self._chats.get(target)
                if member_chat is not None:
                    data.setdefault("chat", member_chat.to_api())
                data.setdefault("date", int(self.now()))
                default_member = {"status": "member", "user": self.bot_user()}
                data.setdefault("old_chat_member", dict(default_member))
                data.setdefault("new_chat_member", dict(default_member))
                member_user = member_chat.user if member_chat is not None else None
                if kind == "my_chat_member" and member_user is not None:
                    status = data.get("new_chat_member", {}).get("status")
                    if status == "kicked":
                        member_user.blocked = True
                    elif status == "member":
                        member_user.blocked = False
            return self._queue(kind, data)

    # ======================================================================= inspection

    def messages(self, chat_id: int) -> list[StoredMessage]:
        """All non-deleted messages of a chat (bot's and user's), oldest first."""
        with self._lock:
            stored = self._messages.get(chat_id, {})
            return [stored[k] for k in sorted(stored) if not stored[k].deleted]

    def all_messages(self, chat_id: int) -> list[StoredMessage]:
        """All messages of a chat including deleted ones, oldest first."""
        with self._lock:
            stored = self._messages.get(chat_id, {})
            return [stored[k] for k in sorted(stored)]

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        """Non-deleted messages sent by the bot to a chat, oldest first."""
        return [m for m in self.messages(chat_id) if m.from_bot]

    def last_bot_message(self, chat_id: int) -> StoredMessage | None:
        """The newest non-deleted bot message of a chat."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A stored message (deleted ones too)."""
        with self._lock:
            return self._messages.get(chat_id, {}).get(message_id)

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The ReplyKeyboardMarkup currently shown in a chat (None after ReplyKeyboardRemove)."""
        with self._lock:
            return copy.deepcopy(self._reply_keyboards.get(chat_id))

    def callback_answers(self, user_id: int | None = None) -> list[CallbackAnswer]:
        with self._lock:
            return [a for a in self._callback_answers if user_id is None or a.user_id == user_id]

    def double_answers(self) -> list[str]:
        """Callback data of the presses the bot tried to answer a second time."""
        with self._lock:
            return [str(query.data) for query in self._double_answers]

    def forget_double_answers(self) -> None:
        """For tests that answer twice on purpose."""
        with self._lock:
            self._double_answers.clear()

    def unanswered_presses(self) -> list[str]:
        """Callback data of the presses that have no answer (yet)."""
        with self._lock:
            return [str(q.data) for q in self._queries.values() if not q.answered and q.data]

    def assert_answered_once(self, *, all_answered: bool = False) -> None:
        """Fails when the bot answered a press twice (Telegram refuses the second answer with
        400 "query is too old"), and with ``all_answered`` when a press got no answer."""
        doubles = self.double_answers()
        assert not doubles, f"presses answered twice: {doubles!r}"
        if all_answered:
            missing = self.unanswered_presses()
            assert not missing, f"presses never answered: {missing!r}"

    def inline_answers(self, user_id: int | None = None) -> list[InlineAnswer]:
        with self._lock:
            return [a for a in self._inline_answers if user_id is None or a.user_id == user_id]

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for a scope and language."""
        with self._lock:
            key = (scope_type, chat_id, user_id, language_code)
            return copy.deepcopy(self._commands.get(key, []))

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._menu_buttons.get(chat_id))

    def description(self, language_code: str = "") -> str | None:
        with self._lock:
            return self._descriptions.get(language_code)

    def short_description(self, language_code: str = "") -> str | None:
        with self._lock:
            return self._short_descriptions.get(language_code)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """The call log (optionally only one method, case-insensitive)."""
        with self._lock:
            if method is None:
                return list(self._calls)
            wanted = method.lower()
            return [c for c in self._calls if c.method.lower() == wanted]

    def mark(self) -> int:
        """A position in the call log, for calls_since()."""
        with self._lock:
            return len(self._calls)

    def calls_since(self, mark: int, *, include_polls: bool = False) -> list[ApiCall]:
        with self._lock:
            return [
                c for c in self._calls[mark:] if include_polls or c.method.lower() != "getupdates"
            ]

    # ========================================================================= waiting

    def _describe_recent_calls(self, count: int = 15) -> str:
        recent = [c for c in self._calls if c.method.lower() != "getupdates"][-count:]
        if not recent:
            return "  (no API calls besides getUpdates)"
        lines = []
        for call in recent:
            params = {k: v for k, v in call.params.items() if not isinstance(v, UploadedFile)}
            shown = json.dumps(params, ensure_ascii=False, default=str)
            if len(shown) > 200:
                shown = shown[:200] + "..."
            lines.append(f"  {call.method} {shown} -> {call.status}")
        return "\n".join(lines)

    def wait_for(self, predicate: Callable[[FakeTelegram], bool], timeout: float = 10.0) -> None:
        """Block until ``predicate(self)`` is true; TimeoutError listing recent calls if not."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"condition not met within {timeout}s; last API calls:\n"
                        + self._describe_recent_calls()
                    )
                self._cond.wait(min(remaining, 0.05))

    def _quiet_for(self) -> float:
        if self._in_flight:
            return 0.0
        return time.monotonic() - self._last_activity

    def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Block until no non-getUpdates call arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                quiet_for = self._quiet_for()
                if quiet_for >= quiet:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"the bot kept calling the API for {timeout}s; last API calls:\n"
                        + self._describe_recent_calls()
                    )
                self._cond.wait(min(remaining, 0.05))

    def wait_processed(
        self,
        update_id: int,
        *,
        since_mark: int,
        quiet: float = 0.3,
        timeout: float = 10.0,
        expect_response: bool = True,
    ) -> bool:
        """Wait until the bot confirmed ``update_id`` and then went quiet.

        Raises TimeoutError if the update is never confirmed (the bot is not polling). When
        ``expect_response``, waits for a first non-getUpdates call after ``since_mark`` and then
        for ``quiet`` seconds of silence; returns False if no call came before ``timeout``.
        """
        deadline = time.monotonic() + timeout

        def remaining() -> float:
            return max(0.0, deadline - time.monotonic())

        try:
            self.wait_for(lambda fake: fake.updates_confirmed(update_id), timeout=remaining())
        except TimeoutError as error:
            raise TimeoutError(
                f"the bot did not confirm update {update_id} through getUpdates within "
                f"{timeout}s (is it polling?)\n{error}"
            ) from None
        if expect_response:
            try:
                self.wait_for(lambda fake: bool(fake.calls_since(since_mark)), timeout=remaining())
            except TimeoutError:
                return False
        try:
            self.wait_idle(quiet=quiet, timeout=remaining())
        except TimeoutError:
            return False
        return True


def iter_buttons(markup: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
    """Buttons of an inline or reply keyboard markup (strings become {"text": ...})."""
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    result: list[dict[str, Any]] = []
    for row in rows:
        for button in row:
            result.append({"text": button} if isinstance(button, str) else dict(button))
    return result
