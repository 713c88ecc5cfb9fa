"""Logging that never prints the bot token (the HTTP client logs request URLs with it); as
text lines, or as one JSON object per line (LOG_FORMAT=json) for a log collector."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

REDACTED = "<BOT_TOKEN>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token from the finished text.

    Redacting the finished text covers the message, its arguments, the traceback and the stack
    alike: a filter sees the record before the traceback is formatted (``exc_text`` is still
    empty then), so a token inside an exception's message would get through.
    """

    def __init__(
        self,
        token: str,
        fmt: str | None = LOG_FORMAT,
        datefmt: str | None = None,
        *,
        also: tuple[str, ...] = (),
    ):
        super().__init__(fmt, datefmt)
        # the token (and the webhook secret) as written, and URL-encoded (":" becomes %3A)
        self._secrets = tuple(
            sorted(
                {s for secret in (token, *also) for s in (secret, quote(secret, safe="")) if s},
                key=len,
                reverse=True,
            )
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time, level, logger, message, the fields given with
    ``extra=`` (the per-update line's update_id, handler, duration_ms, outcome) and the
    traceback; the token is removed from the finished line like in the text format."""

    def __init__(self, token: str, *, also: tuple[str, ...] = ()) -> None:
        super().__init__(token, fmt=None, also=also)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return redact(line, self._secrets)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def configure_logging(
    level: str, token: str, form: str = "text", *, also: tuple[str, ...] = ()
) -> None:
    """``also``: more secrets to keep out of the log (the webhook secret)."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    formatter: logging.Formatter = (
        JsonFormatter(token, also=also) if form == "json" else RedactingFormatter(token, also=also)
    )
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
