"""Lookup end to end: `/find <query>`, then the card of the first hit, through the real bot.

The Application runs in-process against the fake Telegram (no HTTP, no rate limiter, as
bench/updates.py), on bench/lookup.py's data (10,000 accounts, 50,000 contacts, 5,000 related
organisations; 50 KAMs with 200 accounts each). For a KAM and for an admin, for lookup.py's
eight kinds of query: the `/find` update (search, the list or the card), then, when a list was
shown, the press that opens the first hit's card (`acc:open`). One lookup is both together,
as the manager waits for them; "nothing found" is the `/find` alone. Each is timed until its
answer reaches the fake Telegram (what the manager waits for); "done" is until the bot has
finished both updates (work after the answer included, such as auditing a refused search).

Run: .venv/bin/python bench/lookup_e2e.py [ROUNDS] [--short]
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench import lookup
from bench.in_process import Deliver, kam_bot_in_process
from bot.config import load_settings
from storage import Storage
from tests.fake_telegram import FakeTelegram, TelegramUser

ADMIN, KAM = 1, 2  # lookup.py's managers: 1 is the admin, 2.. are KAMs (telegram id 10000 + id)
CPU_MS: dict[str, float] = {}
"""Mean CPU time per lookup (bot, SQLite's thread and the in-process fake), by manager."""


async def build(path: str) -> dict[str, list[str]]:
    """lookup.py's database, its managers onboarded; returns lookup.py's queries."""
    await (await Storage.open(path)).close()
    rng = random.Random(4)
    names = lookup._populate(path, rng)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE managers SET onboarded_at = ?", (lookup.STAMP,))
    conn.close()
    return lookup._queries(rng, names)


Sample = tuple[float, float, float, float]
"""Milliseconds of `/find` and of the card press (0 when none), each to its answer; CPU time
of both; milliseconds until both updates were done."""
SCREENS = frozenset({"sendMessage", "editMessageText"})


async def _answered(user: TelegramUser, action: Awaitable[None]) -> tuple[float, float]:
    """Milliseconds from the update to the bot's answer (its screen reaching the fake), and to
    the end of the update's handling."""
    mark, started = user.mark(), time.monotonic()
    await action
    done = time.monotonic()
    screens = [call.at for call in user.calls_since(mark) if call.method in SCREENS]
    return (max(screens, default=done) - started) * 1000, (done - started) * 1000


async def find_and_open(user: TelegramUser, text: str) -> Sample:
    """Milliseconds of `/find text` and of opening the first hit's card from the list (0 when
    `/find` showed the card itself or found nothing), the CPU time of both (the bot, SQLite's
    thread and the in-process fake: less sensitive to the machine's load), and until done."""
    cpu = time.process_time()
    found, done = await _answered(user, user.send(f"/find {text}"))
    hits = [b["callback_data"] for b in user.last_message.buttons]
    hits = [data for data in hits if str(data).startswith("acc:open:")]
    card = 0.0
    if hits and "Owner" not in user.last_text:  # not nothing found, nor the card already
        card, card_done = await _answered(user, user.press_data(hits[0]))
        done += card_done
    return found, card, (time.process_time() - cpu) * 1000, done


async def _lookups(
    fake: FakeTelegram, deliver: Deliver, queries: dict[str, list[str]], rounds: int
) -> dict[str, list[Sample]]:
    """Every kind of query, `rounds` times, for the admin and for a KAM (after a warm-up)."""
    results: dict[str, list[Sample]] = {}
    for who, manager_id in (("admin", ADMIN), ("KAM", KAM)):
        user = TelegramUser(fake, 10_000 + manager_id, deliver, first_name=who)
        for kind, texts in queries.items():
            for text in texts[:3]:  # warm-up
                await find_and_open(user, text)
            cpu = time.process_time()
            results[f"{who}: {kind}"] = [
                await find_and_open(user, text) for _ in range(rounds) for text in texts
            ]
            share = (time.process_time() - cpu) * 1000 / (rounds * len(texts) * len(queries))
            CPU_MS[who] = CPU_MS.get(who, 0.0) + share
    return results


async def measure(rounds: int) -> dict[str, list[Sample]]:
    fake = FakeTelegram()
    settings = load_settings(
        {"BOT_TOKEN": fake.token, "ADMIN_IDS": str(10_000 + ADMIN), "FLOOD_RATE": "0"}
    )
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "lookup_e2e.sqlite3")
        queries = await build(path)
        storage = await Storage.open(path)
        async with kam_bot_in_process(fake, settings, storage) as deliver:
            results = await _lookups(fake, deliver, queries, rounds)
        await storage.close()
    return results


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def _row(label: str, samples: list[Sample]) -> str:
    totals = [find + card for find, card, _, _ in samples]
    finds = statistics.median(find for find, _, _, _ in samples)
    cards = [card for _, card, _, _ in samples if card]
    card = f"{statistics.median(cards):.2f}" if cards else "-"
    cpu = [cpu for _, _, cpu, _ in samples]
    done = [done for _, _, _, done in samples]
    return (
        f"| {label} | {len(totals)} | {statistics.median(totals):.2f} | {_p95(totals):.2f} "
        f"| {max(totals):.2f} | {finds:.2f} | {card} | {statistics.median(cpu):.2f} "
        f"| {_p95(cpu):.2f} | {_p95(done):.2f} |"
    )


def main(rounds: int) -> None:
    results = asyncio.run(measure(rounds))
    print(
        f"# Lookup end to end, /find then the card ({lookup.ACCOUNTS} accounts,"
        f" {lookup.CONTACTS} contacts); Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        "| queries | n | p50 ms | p95 ms | max ms | /find p50 ms | card press p50 ms"
        " | CPU p50 ms | CPU p95 ms | done p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, samples in results.items():
        print(_row(label, samples))
    for who in ("admin", "KAM"):
        mine = [s for label, samples in results.items() if label.startswith(who) for s in samples]
        print(_row(f"**{who}, all**", mine))
    print(_row("**all**", [s for samples in results.values() for s in samples]))
    cpu = ", ".join(f"{who} {ms:.2f} ms" for who, ms in CPU_MS.items())
    print(f"Mean CPU time per lookup (less sensitive to the machine's load): {cpu}")


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else (1 if "--short" in sys.argv else 5))
