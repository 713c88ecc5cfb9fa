"""A fake Telegram Bot API for tests: in-memory model, HTTP server, PTB request, test client."""

from .client import Deliver, TelegramUser, deliver_via_polling
from .core import (
    DEFAULT_TOKEN,
    MESSAGE_SENDING_METHODS,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiCall,
    CallbackAnswer,
    FakeChat,
    FakeFile,
    FakeTelegram,
    FakeUser,
    InlineAnswer,
    StoredMessage,
    UploadedFile,
    decode_params,
)
from .errors import ApiError
from .formatting import FormattedText, format_text, parse_html, parse_markdown_v2, utf16_len
from .request import FakeRequest
from .server import FakeBotApiServer

__all__ = [
    "DEFAULT_TOKEN",
    "MESSAGE_SENDING_METHODS",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiCall",
    "ApiError",
    "CallbackAnswer",
    "Deliver",
    "FakeBotApiServer",
    "FakeChat",
    "FakeFile",
    "FakeRequest",
    "FakeTelegram",
    "FakeUser",
    "FormattedText",
    "InlineAnswer",
    "StoredMessage",
    "TelegramUser",
    "UploadedFile",
    "decode_params",
    "deliver_via_polling",
    "format_text",
    "parse_html",
    "parse_markdown_v2",
    "utf16_len",
]
