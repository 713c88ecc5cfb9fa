"""Operations over real processes: stopping on SIGTERM (gracefully, or at once on a second
signal), and `kam-bot check` against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from pathlib import Path

from tests.e2e.conftest import ADMIN_ID, BotProcess, run_cli
from tests.fake_telegram import FakeBotApiServer, FakeTelegram
from tests.fake_telegram.client import text


def _wait_for_log(bot: BotProcess, needle: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while needle not in bot.log:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} not in the log within {timeout}s:\n{bot.log}")
        time.sleep(0.02)  # polls the log file for the line: the process gives no other sign


def _slow_start(bot: BotProcess) -> None:
    """Anna sends /start while Telegram is slow: the bot's reply is in flight."""
    bot.user(ADMIN_ID, "Anna")
    bot.fake.send_text(ADMIN_ID, "/start")


async def test_sigterm_finishes_the_update_in_progress_then_stops(bot: BotProcess) -> None:
    slow = bot.server.hold("sendMessage")
    _slow_start(bot)
    await asyncio.to_thread(slow.wait_arrived)
    assert bot.proc is not None
    bot.proc.send_signal(signal.SIGTERM)
    _wait_for_log(bot, "SIGTERM: stopping")
    bot.fake.interrupt_long_polls()
    slow.release()  # Telegram answers: the update finishes, its conversation state is stored
    assert bot.proc.wait(timeout=20) == 0
    bot.proc = None
    assert "Welcome to KAM Assistant, Anna" in bot.fake.bot_messages(ADMIN_ID)[-1].text
    assert bot.query("SELECT full_name FROM managers") == [("Anna",)]
    assert "KAM Assistant stopped; database closed" in bot.log

    bot.start()  # Anna continues where she was: the language step was stored before the exit
    anna = bot.user(ADMIN_ID, "Anna")
    await anna.press("English", expect=text("time zone"))


async def test_a_second_sigterm_exits_at_once(bot: BotProcess) -> None:
    slow = bot.server.hold("sendMessage")
    _slow_start(bot)
    await asyncio.to_thread(slow.wait_arrived)
    assert bot.proc is not None
    bot.proc.send_signal(signal.SIGTERM)
    _wait_for_log(bot, "SIGTERM: stopping")
    bot.proc.send_signal(signal.SIGTERM)  # the update is still waiting for Telegram
    assert bot.proc.wait(timeout=5) == 128 + signal.SIGTERM
    bot.proc = None
    assert "second SIGTERM: exiting now" in bot.log
    slow.release()


def _check(bot: BotProcess, **env: str) -> tuple[int, list[str]]:
    done = run_cli("check", env={**bot.env, **env}, cwd=bot.workdir, timeout=30)
    assert done.stderr == "", done.stderr
    assert bot.fake.token not in done.stdout
    return done.returncode, done.stdout.splitlines()


def test_check_passes_against_a_working_setup(bot: BotProcess) -> None:
    code, lines = _check(bot)
    assert code == 0, lines
    assert [line.split()[:2] for line in lines] == [
        ["OK", "settings:"],
        ["OK", "database:"],
        ["OK", "migrations:"],
        ["OK", "Bot"],
    ]
    assert "@kam_test_bot" in lines[-1]
    assert "none pending" in lines[2]


def test_check_fails_on_a_wrong_token_or_an_unreachable_api(bot: BotProcess) -> None:
    code, lines = _check(bot, BOT_TOKEN="123456:WRONG-token_abcdefghijklmnopqrstuvwxyz")
    assert code == 1
    assert lines[-1].startswith("FAIL Bot API:") and "copy BOT_TOKEN again" in lines[-1]
    assert "WRONG-token" not in "\n".join(lines)

    closed = FakeBotApiServer(FakeTelegram()).start()
    url = closed.base_url
    closed.stop()  # nothing listens there any more
    code, lines = _check(bot, BOT_API_BASE_URL=url)
    assert code == 1
    assert lines[-1].startswith("FAIL Bot API: cannot reach")
    assert "check BOT_API_BASE_URL" in lines[-1]

    code, lines = _check(bot, WEBHOOK_URL="https://bot.example.com/hook")
    assert code == 1 and lines == [lines[0]]
    assert lines[0].startswith("FAIL settings: WEBHOOK_SECRET")


def test_check_fails_on_a_damaged_database(tmp_path: Path) -> None:
    fake = FakeTelegram()
    with FakeBotApiServer(fake) as server:
        bot = BotProcess(fake, server, tmp_path)  # not started: the file is damaged offline
        assert run_cli("migrate", env=bot.env, cwd=tmp_path).returncode == 0
        with sqlite3.connect(bot.db_path) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
        size = bot.db_path.stat().st_size
        with bot.db_path.open("r+b") as file:
            file.seek(size // 2)
            file.write(os.urandom(size // 2))
        code, lines = _check(bot)
    assert code == 1
    (line,) = [line for line in lines if line.split()[1] == "database:"]
    assert line.startswith("FAIL database:") and "kam-bot restore" in line, line
    assert any(line.startswith("OK Bot API") for line in lines)
