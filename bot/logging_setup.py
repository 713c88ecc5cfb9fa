"""Logging that never prints the bot token (the HTTP client logs request URLs with it)."""

from __future__ import annotations

import logging
from urllib.parse import quote

REDACTED = "<BOT_TOKEN>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token from the finished text.

    Redacting the finished text covers the message, its arguments, the traceback and the stack
    alike: a filter sees the record before the traceback is formatted (``exc_text`` is still
    empty then), so a token inside an exception's message would get through.
    """

    def __init__(self, token: str, fmt: str | None = LOG_FORMAT, datefmt: str | None = None):
        super().__init__(fmt, datefmt)
        # the token as written, and as it appears URL-encoded (":" becomes %3A)
        self._secrets = tuple(
            sorted({s for s in (token, quote(token, safe="")) if s}, key=len, reverse=True)
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def configure_logging(level: str, token: str) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token))
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
