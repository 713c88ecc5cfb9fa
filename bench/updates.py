"""How much one update costs: kam-bot's Application against a bare PTB bot, side by side.

Both run in-process against the same fake Telegram (no HTTP), fed the same kind of button
presses, in the same run:

- kam-bot: settings-screen presses (the access gate, one conversation step, an edit, the
  callback answer, and the persistence flush that makes the step survive a SIGKILL);
- bare PTB: an Application with one CallbackQueryHandler that answers the press and edits the
  message to another two-button screen (the same two API calls), no persistence.

Reports per-update latency and CPU time per update (bot and in-process fake together: compare
the two rows, not the absolute numbers). Run:

    .venv/bin/python bench/updates.py [N] [--short]
"""

from __future__ import annotations

import asyncio
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.in_process import kam_bot_in_process
from bot.config import load_settings
from storage import Storage
from tests.fake_telegram import FakeRequest, FakeTelegram, TelegramUser

Press = Callable[[int], Awaitable[None]]
Screen = tuple[str, dict[str, Any]]


async def _timed(count: int, press: Press) -> tuple[list[float], float]:
    timings: list[float] = []
    cpu_started = time.process_time()
    for i in range(count):
        started = time.perf_counter()
        await press(i)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, (time.process_time() - cpu_started) * 1000 / count


async def kam_bot(count: int) -> tuple[list[float], float, list[Screen]]:
    fake = FakeTelegram()
    # One scripted user pressing as fast as the bot answers: far above a person's pace, so
    # flood control (FLOOD_RATE, which would drop most presses) is off here.
    settings = load_settings({"BOT_TOKEN": fake.token, "ADMIN_IDS": "1000", "FLOOD_RATE": "0"})
    with tempfile.TemporaryDirectory() as folder:
        storage = await Storage.open(str(Path(folder) / "bench.sqlite3"))
        async with kam_bot_in_process(fake, settings, storage) as deliver:
            user = TelegramUser(fake, 1000, deliver, first_name="Anna")
            await user.send("/start")
            await user.press("English")
            await user.press("UTC (UTC+0)")
            await user.press("09:00")
            await user.send("/settings")

            async def press(i: int) -> None:
                await user.press("Language" if i % 2 == 0 else "Back")

            mark = fake.mark()
            timings, cpu = await _timed(count, press)
            edits = [c.params for c in fake.calls_since(mark) if c.method == "editMessageText"]
            screens = [(str(e["text"]), e["reply_markup"]) for e in edits[:2]]
        await storage.close()
    return timings, cpu, screens


async def bare_ptb(count: int, screens: list[Screen]) -> tuple[list[float], float]:
    """Shows kam-bot's two screens (same text, same buttons) in turn."""
    fake = FakeTelegram()
    app = Application.builder().token(fake.token).request(FakeRequest(fake)).build()

    def screen(index: int) -> tuple[str, InlineKeyboardMarkup]:
        text, markup = screens[index % len(screens)]
        return text, InlineKeyboardMarkup.de_json(markup)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        text, markup = screen(1)
        await update.message.reply_html(text, reply_markup=markup)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        shown = query.message.text if query.message is not None else None
        text, markup = screen(0 if shown != screens[0][0] else 1)
        await query.edit_message_text(text, reply_markup=markup, parse_mode="HTML")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()

    async def deliver(update: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    user = TelegramUser(fake, 1000, deliver, first_name="Anna")
    await user.send("/start")

    async def press(i: int) -> None:
        await user.press_data(user.last_message.buttons[0]["callback_data"])

    result = await _timed(count, press)
    await app.shutdown()
    return result


def _row(name: str, timings: list[float], cpu_ms: float) -> str:
    timings = sorted(timings)
    count = len(timings)
    return (
        f"| {name} | {statistics.median(timings):.2f} | {timings[int(count * 0.95)]:.2f} | "
        f"{timings[int(count * 0.99)]:.2f} | {1000 * count / sum(timings):.0f} | {cpu_ms:.2f} |"
    )


async def main(count: int) -> None:
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"{count} presses each"
    )
    ours = await kam_bot(count)
    bare = await bare_ptb(count, ours[2])
    print("| bot | p50 ms | p95 ms | p99 ms | updates/s | CPU ms/update |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(_row("bare PTB (answer + edit)", *bare))
    print(_row("kam-bot (settings press)", *ours[:2]))
    print(f"CPU ratio kam-bot / bare PTB: {ours[1] / bare[1]:.2f}x")


if __name__ == "__main__":
    short = "--short" in sys.argv
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    asyncio.run(main(int(numbers[0]) if numbers else (200 if short else 2000)))
