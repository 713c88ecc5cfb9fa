"""How much one update costs: the real Application, our persistence flush, the fake Telegram.

Feeds settings-screen presses (each one: gate lookup, a conversation step, a database write,
an edit, a callback answer, a persistence flush) in-process and reports per-update latency.
Run: .venv/bin/python bench/updates.py [N]
"""

from __future__ import annotations

import asyncio
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update

from bot.application import build_application
from bot.config import load_settings
from domain.clock import SystemClock
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser


async def main(count: int) -> None:
    fake = FakeTelegram()
    settings = load_settings({"BOT_TOKEN": fake.token, "ADMIN_IDS": "1000"})
    with tempfile.TemporaryDirectory() as folder:
        storage = await Storage.open(str(Path(folder) / "bench.sqlite3"))
        app = build_application(
            settings,
            storage,
            SystemClock(),
            request=FakeRequest(fake),
            get_updates_request=FakeRequest(fake),
            rate_limiter=False,
        )
        await app.initialize()

        async def deliver(update: dict[str, Any]) -> None:
            await app.process_update(Update.de_json(update, app.bot))

        user = TelegramUser(fake, 1000, deliver, first_name="Anna")
        await user.send("/start")
        await user.press("English")
        await user.press("UTC (UTC+0)")
        await user.press("09:00")
        await user.send("/settings")
        timings: list[float] = []
        for i in range(count):
            label = "Language" if i % 2 == 0 else "Back"
            started = time.perf_counter()
            await user.press(label)
            timings.append((time.perf_counter() - started) * 1000)
        await app.shutdown()
        await storage.close()
    timings.sort()
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )
    print(f"{count} button presses through the Application (persistence flushed each time)")
    print(
        f"p50 {statistics.median(timings):.2f} ms, p95 {timings[int(count * 0.95)]:.2f} ms, "
        f"p99 {timings[int(count * 0.99)]:.2f} ms, max {timings[-1]:.2f} ms; "
        f"{1000 * count / sum(timings):.0f} updates/s"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
