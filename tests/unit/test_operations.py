"""Settings of webhook mode and log format, the JSON log lines, and what `kam-bot check` says
about a database's migrations."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.health import run_checks
from bot.logging_setup import JsonFormatter, configure_logging
from storage import Storage
from storage.health import inspect_database
from tests.fake_telegram import FakeBotApiServer, FakeTelegram

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
HOOK = {"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://kam.example.com/tg/hook"}


def test_long_polling_is_the_default() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN})
    assert settings.webhook_url is None and settings.log_format == "text"


def test_webhook_settings_and_their_defaults() -> None:
    settings = load_settings({**HOOK, "WEBHOOK_SECRET": "abc_DEF-123"})
    assert settings.webhook_url == "https://kam.example.com/tg/hook"
    assert settings.webhook_path == "/tg/hook"
    assert (settings.webhook_listen, settings.webhook_port) == ("0.0.0.0", 8443)
    assert settings.webhook_secret == "abc_DEF-123"
    other = load_settings(
        {**HOOK, "WEBHOOK_SECRET": "x" * 256, "WEBHOOK_LISTEN": "::", "WEBHOOK_PORT": "88"}
    )
    assert (other.webhook_listen, other.webhook_port) == ("::", 88)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, "WEBHOOK_SECRET"),  # required with a URL
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "ключ"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "ok", "WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_SECRET": "ok", "WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_SECRET": "ok", "WEBHOOK_LISTEN": "everywhere"}, "WEBHOOK_LISTEN"),
        ({"WEBHOOK_SECRET": "ok", "WEBHOOK_URL": "kam.example.com/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "ok", "WEBHOOK_URL": "https://kam.example.com/?a=1"}, "WEBHOOK_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_bad_operations_settings_are_named(extra: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=f"^{named}:"):
        load_settings({**HOOK, **extra})


def test_json_lines_carry_the_fields_and_never_the_token_or_secret() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    configure_logging("INFO", TOKEN, "json", also=("hook-secret",))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(root.handlers[0].formatter)
    root.handlers[:] = [handler]
    try:
        log = logging.getLogger("kam.test")
        log.info("url https://api/bot%s/getMe", TOKEN, extra={"update_id": 7, "outcome": "ok"})
        log.warning("secret %s", "hook-secret")
        try:
            raise RuntimeError(f"boom {TOKEN.replace(':', '%3A')}")
        except RuntimeError:
            log.exception("failed")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["level"] for e in lines] == ["INFO", "WARNING", "ERROR"]
    assert lines[0]["update_id"] == 7 and lines[0]["outcome"] == "ok"
    assert lines[0]["message"] == "url https://api/bot<BOT_TOKEN>/getMe"
    assert lines[1]["message"] == "secret <BOT_TOKEN>"
    assert "RuntimeError: boom <BOT_TOKEN>" in lines[2]["exception"]
    assert "TEST-token" not in stream.getvalue() and "hook-secret" not in stream.getvalue()
    assert isinstance(JsonFormatter(TOKEN), logging.Formatter)


async def test_pending_and_too_new_migrations(tmp_path: Path) -> None:
    path = tmp_path / "kam.sqlite3"
    await (await Storage.open(str(path))).close()
    assert inspect_database(path).pending == ()
    with sqlite3.connect(path) as conn:
        newest = conn.execute("SELECT max(version), name FROM schema_migrations").fetchone()
        conn.execute("DELETE FROM schema_migrations WHERE version = ?", (newest[0],))
    health = inspect_database(path)
    assert health.problem is None
    assert health.pending == (f"{newest[0]:04d}_{newest[1]}",)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'now')")
    assert inspect_database(path).problem == "too_new"
    assert inspect_database(tmp_path / "missing.sqlite3").problem == "missing"
    assert not (tmp_path / "missing.sqlite3").exists()  # a check creates nothing


async def test_check_lists_pending_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.health.quiet_logging", lambda token: None)  # the test's logging
    path = tmp_path / "kam.sqlite3"
    await (await Storage.open(str(path))).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 1")
    fake = FakeTelegram()
    with FakeBotApiServer(fake) as server:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": server.base_url}
        code = await _run_in_thread(env | {"DATABASE_PATH": str(path)})
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[2].startswith("FAIL migrations: 1 pending (0001_initial)")
    assert "kam-bot migrate" in out[2]
    assert out[3].startswith("OK Bot API")


async def _run_in_thread(env: dict[str, str]) -> int:
    import asyncio

    return await asyncio.to_thread(run_checks, env)
