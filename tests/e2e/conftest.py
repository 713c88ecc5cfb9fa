"""End-to-end tests: `kam-bot` runs as a real process against our fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_telegram import FakeBotApiServer, FakeTelegram
from tests.fake_telegram.client import PollingUser

ADMIN_ID = 1000
KAM_BOT = str(Path(sys.executable).with_name("kam-bot"))
_OUR_SETTINGS = (
    "BOT_",
    "DATABASE_PATH",
    "ADMIN_IDS",
    "DEFAULT_",
    "LOG_LEVEL",
    "INVITE_",
    "BACKUP_",
    "WEBHOOK_",
    "LOG_FORMAT",
    "FLOOD_",
)


class BotProcess:
    """One `kam-bot` process (started, killed and restarted by the test) and its fake Telegram."""

    def __init__(self, fake: FakeTelegram, server: FakeBotApiServer, workdir: Path) -> None:
        self.fake = fake
        self.server = server
        self.workdir = workdir
        self.db_path = workdir / "data" / "kam.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env: dict[str, str] = {
            k: v for k, v in os.environ.items() if not k.startswith(_OUR_SETTINGS)
        }
        self.env.update(
            {
                "BOT_TOKEN": fake.token,
                "BOT_API_BASE_URL": server.base_url,
                "BOT_API_BASE_FILE_URL": server.base_file_url,
                "DATABASE_PATH": str(self.db_path),
                "ADMIN_IDS": f"{ADMIN_ID},{ADMIN_ID + 1},{ADMIN_ID + 2}",
                "DEFAULT_TIMEZONE": "Europe/Moscow",
                "LOG_LEVEL": "INFO",
                # a scripted user outpaces the default flood limit (30 at once, 10/s)
                "FLOOD_RATE": "1000",
                "FLOOD_BURST": "10000",
            }
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> None:
        """Starts the bot and waits until it polls for updates."""
        mark = self.fake.mark()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [KAM_BOT], cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            polled = any(c.method == "getUpdates" for c in self.fake.calls_since(mark))
            if polled or self.fake.waiting_polls > 0:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"kam-bot exited with {self.proc.returncode}:\n{self.log}")
            time.sleep(0.05)
        raise AssertionError(f"kam-bot did not start polling within {timeout}s:\n{self.log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None
        self.fake.interrupt_long_polls()  # the dead process's long poll must not linger
        # ...nor count as the next process polling (see start)
        self.fake.wait_for(lambda fake: fake.waiting_polls == 0, timeout=10)

    def stop(self) -> int:
        """SIGTERM: a graceful stop; returns the exit status."""
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        self.fake.interrupt_long_polls()
        code = self.proc.wait(timeout=20)
        self.proc = None
        return code

    def restart(self) -> None:
        self.kill()
        self.start()

    @property
    def log(self) -> str:
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.log_path.exists()
            else ""
        )

    def user(
        self, user_id: int, first_name: str = "Ivan", language_code: str = "en"
    ) -> PollingUser:
        """A user whose every action waits for the bot's expected reaction (see PollingUser)."""
        return PollingUser(self.fake, user_id, first_name=first_name, language_code=language_code)

    async def finished(self, user: PollingUser) -> None:
        """Wait until the bot has finished every update sent so far, storing the step included.

        The bot shows a step before it stores it, so the screen alone does not say that a crash
        would keep it. Updates of one user are handled one at a time, in order (other users'
        updates run meanwhile): an inline query of this user (answered, and changing nothing)
        is answered only once everything this user sent before it is done, stored included.
        """
        await user.send_update({"query": "", "chat_type": "sender"}, kind="inline_query")

    def watermark(self) -> str | None:
        """When the reminder tick last looked for due reminders (it writes this every tick)."""
        rows = self.query("SELECT value FROM scheduler_state WHERE name = 'reminders.watermark'")
        return str(rows[0][0]) if rows else None

    async def ticks(self, count: int = 2) -> None:
        """Wait (up to 30 s) until the reminder tick has run ``count`` more times. Ticks never
        overlap, so after two of them at least one whole tick (its sends included) is over."""
        seen = self.watermark()
        async with asyncio.timeout(30):
            while count > 0:
                await asyncio.sleep(0.05)  # polls the database: a tick leaves no other trace
                now = self.watermark()
                if now != seen:
                    seen, count = now, count - 1

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Reads the bot's database directly (WAL lets a second reader in)."""
        with sqlite3.connect(self.db_path) as conn:
            return list(conn.execute(sql, params).fetchall())


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    fake = FakeTelegram()
    with FakeBotApiServer(fake) as server:
        process = BotProcess(fake, server, tmp_path)
        process.start()
        try:
            yield process
        finally:
            process.kill()
            assert fake.token not in process.log, "the bot token leaked into the log"


def run_cli(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Runs `kam-bot` to completion (for settings errors and offline commands)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_OUR_SETTINGS)}
    return subprocess.run(
        [KAM_BOT, *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
