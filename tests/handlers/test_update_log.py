"""One INFO line per update: id, kind, the handler that took it, duration, outcome; never what
the user typed nor who they are; as JSON with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.logging_setup import JsonFormatter
from storage import Storage
from tests.fake_telegram import TelegramUser
from tests.handlers.conftest import MakeUser

FIELDS = {"update_id", "update_kind", "handler", "duration_ms", "outcome"}
SECRET_NOTE = "Met Ivan Petrov at VT-Metal, +7 999 123-45-67, ivan@vt-metal.ru"


def _field(record: logging.LogRecord, name: str) -> Any:
    """A field given with ``extra=`` (an attribute of the record)."""
    return getattr(record, name)


def _update_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "kam.updates"]


async def test_one_line_per_update_with_its_handler_and_no_user_text(
    admin: TelegramUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await admin.send("/settings")
    await admin.press("Time zone")
    await admin.send(SECRET_NOTE)  # not a time zone: asked again
    await admin.send("Berlin")
    lines = _update_lines(caplog)
    assert len(lines) == 4
    for line in lines:
        fields = {name: _field(line, name) for name in FIELDS}
        assert line.levelno == logging.INFO
        assert isinstance(fields["update_id"], int)
        assert fields["outcome"] == "ok"
        assert fields["duration_ms"] >= 0
        assert str(fields["update_id"]) in line.getMessage()
    assert [_field(line, "update_kind") for line in lines] == [
        "message",
        "callback_query",
        "message",
        "message",
    ]
    assert {_field(line, "handler") for line in lines} == {"flow prefs"}
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    for secret in ("Ivan", "VT-Metal", "999", "vt-metal.ru", "Berlin", "Anna", "1000"):
        assert not any(secret in text for text in info), (secret, info)


async def test_refusals_and_errors_are_the_outcome(
    make_user: MakeUser,
    admin: TelegramUser,
    storage: Storage,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    eve = await make_user(777, "Eve")
    await eve.send("show me the clients")
    (refused,) = _update_lines(caplog)
    assert _field(refused, "outcome") == "refused"
    assert _field(refused, "handler") == "access.gate"
    assert "Eve" not in refused.getMessage() and "777" not in refused.getMessage()

    caplog.clear()

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    await admin.send("/settings")
    await admin.press("Time zone")
    monkeypatch.setattr(storage.managers, "update", broken)
    await admin.send("Berlin")
    assert [_field(line, "outcome") for line in _update_lines(caplog)] == [
        "ok",
        "ok",
        "error",
    ]


async def test_the_line_as_json(admin: TelegramUser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    await admin.send("/help")
    (line,) = _update_lines(caplog)
    entry = json.loads(JsonFormatter("123456:TEST-token_abcdefghijklmnopqrstuvwxyz").format(line))
    assert entry["level"] == "INFO" and entry["logger"] == "kam.updates"
    assert entry.keys() >= FIELDS
    assert entry["handler"] == "help.show_help" and entry["outcome"] == "ok"
    assert entry["message"].startswith(f"update {entry['update_id']} message: help.show_help")
